/**
 * The one fixture test: every rules/<kind>/fixtures/<case>/ has an `input/` tree and the
 * `expected/` tree convert must turn it into; optionally `findings.txt`, the finding codes the
 * conversion must report (one per line, `#` comments). Each case is converted, written,
 * compared file by file, then converted again: a converted tree must not change.
 *
 * Adding a case is adding a folder. `LKM2MOD_UPDATE_FIXTURES=1 npm test` rewrites expected/
 * and findings.txt from what convert does now, to be reviewed as a diff.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { applyChanges } from '../src/migrate/apply.ts';
import { convertPlans } from '../src/migrate/convert.ts';
import { discover } from '../src/discover/discover.ts';

const RULES = path.dirname(fileURLToPath(import.meta.url));
const UPDATE = process.env.LKM2MOD_UPDATE_FIXTURES === '1';

function listTree(dir: string, base = dir): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((e) => {
      const p = path.join(dir, e);
      return statSync(p).isDirectory() ? listTree(p, base) : [path.relative(base, p)];
    });
}

function cases(): Array<{ kind: string; name: string; dir: string }> {
  const out: Array<{ kind: string; name: string; dir: string }> = [];
  for (const kind of readdirSync(RULES).sort()) {
    const fx = path.join(RULES, kind, 'fixtures');
    if (!existsSync(fx) || !statSync(fx).isDirectory()) continue;
    for (const name of readdirSync(fx).sort()) out.push({ kind, name, dir: path.join(fx, name) });
  }
  return out;
}

async function convertTree(root: string) {
  const scan = await discover([root], { jobs: 1 });
  return convertPlans(scan, { root });
}

for (const c of cases()) {
  test(`${c.kind}/${c.name}: converts to expected/, and converting again changes nothing`, async () => {
    const work = mkdtempSync(path.join(os.tmpdir(), `lkm2mod-fx-${c.kind}-`));
    try {
      const tree = path.join(work, 'tree');
      cpSync(path.join(c.dir, 'input'), tree, { recursive: true });
      const first = await convertTree(tree);
      await applyChanges(first.changes, { root: tree });
      const codes = [...new Set(first.findings.map((f) => f.code))].sort();
      const expectedDir = path.join(c.dir, 'expected');
      const findingsFile = path.join(c.dir, 'findings.txt');

      if (UPDATE) {
        rmSync(expectedDir, { recursive: true, force: true });
        cpSync(tree, expectedDir, { recursive: true });
        writeFileSync(findingsFile, codes.join('\n') + '\n');
      }

      const got = listTree(tree);
      assert.deepEqual(got, listTree(expectedDir), 'the converted tree has other files than expected/');
      for (const f of got) {
        assert.equal(readFileSync(path.join(tree, f), 'utf8'), readFileSync(path.join(expectedDir, f), 'utf8'), `${f} differs from expected/${f}`);
      }
      if (existsSync(findingsFile)) {
        const want = readFileSync(findingsFile, 'utf8')
          .split('\n')
          .map((l) => l.replace(/#.*/, '').trim())
          .filter(Boolean)
          .sort();
        assert.deepEqual(codes, want, 'finding codes differ from findings.txt');
      }

      const second = await convertTree(tree);
      assert.deepEqual(
        second.changes.map((ch) => path.relative(tree, ch.path)),
        [],
        'converting the converted tree changed it again',
      );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });
}

test('every rule kind has at least three fixture cases', () => {
  const byKind = new Map<string, number>();
  for (const c of cases()) byKind.set(c.kind, (byKind.get(c.kind) ?? 0) + 1);
  for (const kind of ['syscall', 'vfs', 'dev', 'exec', 'compat', 'misc', 'drv', 'strmod']) {
    assert.ok((byKind.get(kind) ?? 0) >= 3, `rules/${kind}/fixtures has ${byKind.get(kind) ?? 0} cases`);
  }
});
