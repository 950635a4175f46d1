/**
 * `lkm2mod rules`: the conversion rules, built in and from rule packs.
 *   rules list [--rules DIR]          id, kind, where from and summary of every rule
 *   rules docs [--rules DIR] [--out FILE]   the rule reference, as Markdown, from their metadata
 *   rules test DIR [--update]         a pack's own fixtures, input → expected, converted twice
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { EXIT_PENDING, UserError } from '../source/errors.ts';
import type { DocumentedRule } from '../rules/docs.ts';
import { collect } from './options.ts';

interface PackFlags {
  rules: string[];
}

const rel = (p: string) => path.relative(process.cwd(), p) || '.';

export function registerRules(program: Command): void {
  const rules = program.command('rules').description('list, document and test conversion rules, built in and from rule packs (--rules DIR)');

  rules
    .command('list')
    .description('the rules convert runs: id, kind, where each comes from, and its summary')
    .option('--rules <dir>', 'also load the rule pack in DIR (every *.ts in it; repeatable)', collect, [])
    .option('--json', 'print the list as JSON')
    .action(async (flags: PackFlags & { json?: boolean }) => {
      const entries = await documented(flags.rules);
      if (flags.json) {
        const list = entries.map(({ rule, source }) => ({ id: rule.meta.id, kind: rule.meta.kind, scope: rule.scope, from: source ?? 'built-in', summary: rule.meta.summary }));
        process.stdout.write(`${JSON.stringify(list, null, 2)}\n`);
        return;
      }
      const { renderTable } = await import('../report/table.ts');
      const rows = entries.map(({ rule, source }) => [rule.meta.id, rule.meta.kind, source ?? 'built-in', rule.meta.summary]);
      process.stdout.write(renderTable([{ header: 'ID' }, { header: 'KIND' }, { header: 'FROM' }, { header: 'SUMMARY' }], rows));
    });

  rules
    .command('docs')
    .description('write the rule reference (Markdown, from each rule\'s metadata) to stdout or FILE')
    .option('--rules <dir>', 'also document the rule pack in DIR (repeatable)', collect, [])
    .option('--out <file>', 'write the reference to FILE instead of stdout')
    .action(async (flags: PackFlags & { out?: string }) => {
      const { renderRuleDocs } = await import('../rules/docs.ts');
      const text = renderRuleDocs(await documented(flags.rules));
      if (!flags.out) {
        process.stdout.write(text);
        return;
      }
      await writeAtomic(flags.out, text);
      process.stderr.write(`wrote the rule reference to ${rel(path.resolve(flags.out))}\n`);
    });

  rules
    .command('test')
    .description('run a rule pack\'s fixtures (DIR/fixtures/<case>/{input,expected}): convert, compare, convert again')
    .argument('<dir>', 'the rule pack')
    .option('--update', 'rewrite each case\'s expected/ and findings.txt from what convert does now (review the diff)')
    .action(async (dir: string, flags: { update?: boolean }) => {
      process.exitCode = await testPack(dir, !!flags.update);
    });
}

async function documented(dirs: string[]): Promise<DocumentedRule[]> {
  const { builtinRules } = await import('../migrate/builtin-rules.ts');
  const packs = dirs.length ? await (await import('../rules/pack.ts')).loadRulePacks(dirs, rel) : null;
  return [
    ...builtinRules.map((rule) => ({ rule })),
    ...(packs?.loaded ?? []).map((r) => ({ rule: r.rule, source: rel(r.file) })),
  ];
}

async function testPack(dir: string, update: boolean): Promise<number> {
  const { loadRulePacks } = await import('../rules/pack.ts');
  const { fixtureCases, runFixture } = await import('../rules/fixtures.ts');
  const packs = await loadRulePacks([dir], rel);
  const cases = fixtureCases(path.resolve(dir));
  if (!cases.length) {
    throw new UserError(`${rel(path.resolve(dir))} has no fixtures: add a case as fixtures/<case>/input/ (the LKM tree) and fixtures/<case>/expected/ (its conversion)`);
  }
  let failed = 0;
  for (const c of cases) {
    const r = await runFixture(c, packs, { update });
    if (!r.passed) failed++;
    process.stdout.write(`${r.passed ? 'ok  ' : 'FAIL'}  ${r.name}\n`);
    for (const p of r.problems) process.stdout.write(`${p.replace(/^/gm, '      ')}\n`);
  }
  const passed = cases.length - failed;
  process.stdout.write(`rules test ${rel(path.resolve(dir))}: ${passed} passed, ${failed} failed${update ? ' (expected/ updated)' : ''}\n`);
  return failed ? EXIT_PENDING : 0;
}

/** The whole reference or nothing: written beside FILE, then renamed over it. */
async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    await fs.writeFile(tmp, text);
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw new UserError(`cannot write ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (err as Error).message}`);
  }
}
