/**
 * A pack's own fixtures, run the way rules/fixtures.test.ts runs the built-in ones: every
 * `fixtures/<case>/` folder of the pack (at its top, or one folder down, as in rules/<kind>/)
 * holds an `input/` tree and the `expected/` tree convert must make of it, and optionally
 * `findings.txt`, the finding codes the conversion reports. Each case is converted with the pack
 * loaded, written to a scratch copy, compared file by file, then converted again: a converted
 * tree must not change.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { applyChanges } from '../migrate/apply.ts';
import { convertPlans, type ConversionSet } from '../migrate/convert.ts';
import { discover } from '../discover/discover.ts';
import type { RulePacks } from './pack.ts';

export interface FixtureCase {
  /** `watchdog`, or `acme/watchdog` one folder down. */
  name: string;
  dir: string;
}

export interface CaseResult {
  name: string;
  passed: boolean;
  /** What differs, one message each (a diff for a file whose text differs). */
  problems: string[];
}

/** The fixture cases of a pack, in name order. */
export function fixtureCases(packDir: string): FixtureCase[] {
  const out: FixtureCase[] = [];
  const casesIn = (fixtures: string, prefix: string) => {
    for (const name of listDirs(fixtures)) out.push({ name: prefix + name, dir: path.join(fixtures, name) });
  };
  casesIn(path.join(packDir, 'fixtures'), '');
  for (const sub of listDirs(packDir)) {
    if (sub !== 'fixtures') casesIn(path.join(packDir, sub, 'fixtures'), `${sub}/`);
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Convert one case with the packs' rules; with `update`, expected/ and findings.txt are rewritten from what happens. */
export async function runFixture(c: FixtureCase, packs: RulePacks, opts: { update?: boolean } = {}): Promise<CaseResult> {
  const problems: string[] = [];
  const input = path.join(c.dir, 'input');
  const expected = path.join(c.dir, 'expected');
  if (!existsSync(input)) return { name: c.name, passed: false, problems: [`${path.join(c.name, 'input')}/ is missing: the LKM tree to convert`] };
  const work = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-pack-fixture-'));
  try {
    const tree = path.join(work, 'tree');
    cpSync(input, tree, { recursive: true });
    const since = packs.failureCount;
    const first = await convert(tree, packs);
    const failures = packs.failures(first, since);
    if (failures.length) {
      return { name: c.name, passed: false, problems: failures.map((f) => `rule ${f.rule} failed: ${f.message}`) };
    }
    await applyChanges(first.changes, { root: tree });
    const codes = [...new Set(first.findings.map((f) => f.code))].sort();
    const findingsFile = path.join(c.dir, 'findings.txt');
    if (opts.update) {
      rmSync(expected, { recursive: true, force: true });
      cpSync(tree, expected, { recursive: true });
      writeFileSync(findingsFile, `${codes.join('\n')}\n`);
    }
    if (!existsSync(expected)) problems.push(`${path.join(c.name, 'expected')}/ is missing: write it, or run with --update and review it`);
    else problems.push(...compareTrees(tree, expected));
    if (existsSync(findingsFile)) {
      const want = readFileSync(findingsFile, 'utf8').split('\n').map((l) => l.replace(/#.*/, '').trim()).filter(Boolean).sort();
      if (want.join() !== codes.join()) problems.push(`finding codes are ${codes.join(', ') || 'none'}; findings.txt says ${want.join(', ') || 'none'}`);
    }
    const second = await convert(tree, packs);
    if (second.changes.length) {
      problems.push(`converting the converted tree changes it again: ${second.changes.map((ch) => path.relative(tree, ch.path)).join(', ')}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return { name: c.name, passed: problems.length === 0, problems };
}

async function convert(tree: string, packs: RulePacks): Promise<ConversionSet> {
  const scan = await discover([tree], { jobs: 1, rules: packs.rules });
  return convertPlans(scan, { root: tree, rules: packs.rules });
}

function compareTrees(got: string, want: string): string[] {
  const out: string[] = [];
  const have = listFiles(got);
  const expected = listFiles(want);
  for (const f of expected.filter((f) => !have.includes(f))) out.push(`expected/${f} was not produced`);
  for (const f of have.filter((f) => !expected.includes(f))) out.push(`${f} was produced but is not in expected/`);
  for (const f of have.filter((f) => expected.includes(f))) {
    const a = readFileSync(path.join(want, f), 'utf8');
    const b = readFileSync(path.join(got, f), 'utf8');
    if (a !== b) out.push(`${f} differs from expected/${f}:\n${createTwoFilesPatch(`expected/${f}`, f, a, b, undefined, undefined, { context: 2 }).split('\n').slice(2).join('\n').trimEnd()}`);
  }
  return out;
}

function listFiles(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((e) => {
      const p = path.join(dir, e);
      return statSync(p).isDirectory() ? listFiles(p, base) : [path.relative(base, p)];
    });
}

function listDirs(dir: string): string[] {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir).filter((n) => statSync(path.join(dir, n)).isDirectory()).sort();
}
