/**
 * `lkm2mod validate [paths...]`: every module under the paths, proven in the simulated kernel.
 * LKMs are converted in memory (nothing is written) and checked next to their originals;
 * module(9) modules are checked as they stand. A table on stdout (or `--json`), JUnit XML and
 * SARIF for CI; exit 0 when every check passes, 1 when any fails, 2 for usage errors.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { EXIT_PENDING, UserError } from './errors.ts';
import { parseSlots } from './convert.ts';
import { Progress } from '../report/progress.ts';
import { writeSarif } from '../report/sarif.ts';
import { writeJUnit } from '../report/junit.ts';
import { validationJUnit, validationSarif } from '../validate/ci-reports.ts';
import { relativeReport } from '../validate/paths.ts';
import { renderValidationText } from '../validate/text.ts';
import { DEFAULT_REPEAT, validatePaths } from '../validate/validate.ts';

interface ValidateFlags {
  json?: boolean;
  junit?: string;
  sarif?: string;
  jobs?: string;
  cc?: boolean;
  kernelSrc: string[];
  syscallSlot: string[];
  repeat?: string;
  verbose?: boolean;
  rules: string[];
}

const collect = (v: string, acc: string[]) => [...acc, v];

export function registerValidate(program: Command): void {
  program
    .command('validate')
    .description('load every module under the paths into the simulated kernel and check it (LKMs are converted in memory first)')
    .argument('[paths...]', 'LKM or module(9) trees, module folders', ['.'])
    .option('--json', 'print the results as one JSON document (schema in the README) instead of the table')
    .option('--junit <file>', 'also write JUnit XML to FILE: a testsuite per module, a testcase per check')
    .option('--sarif <file>', 'also write the failures as SARIF 2.1.0 to FILE')
    .option('--jobs <n>', 'validate N modules at once, in worker threads (default 1)')
    .option('--cc', 'also run the converted sources through a C compiler (cc -fsyntax-only) against the bundled headers')
    .option('--repeat <n>', `load/unload cycles of the repeat check (default ${DEFAULT_REPEAT})`)
    .option('--verbose', 'also show what each passing check established')
    .option('--kernel-src <dir>', 'index another kernel tree when converting, for required-module inference (repeatable)', collect, [])
    .option('--rules <dir>', 'load the rule pack in DIR (every *.ts in it) when converting (repeatable)', collect, [])
    .addOption(
      new Option('--syscall-slot <name=number>', 'the syscall number for a module whose MOD_SYSCALL asked for slot -1 (repeatable)')
        .argParser(collect)
        .default([]),
    )
    .action(async (paths: string[], flags: ValidateFlags) => {
      process.exitCode = await runValidate(paths, flags);
    });
}

async function runValidate(paths: string[], flags: ValidateFlags): Promise<number> {
  const jobs = positive('--jobs', flags.jobs);
  const repeat = positive('--repeat', flags.repeat);
  const syscallSlots = parseSlots(flags.syscallSlot);
  for (const k of flags.kernelSrc) {
    if (!existsSync(k) || !statSync(k).isDirectory()) throw new UserError(`--kernel-src ${k}: no such directory`);
  }
  const cwd = process.cwd();
  const rel = (p: string) => path.relative(cwd, p) || '.';
  const packs = await (await import('../rules/pack.ts')).loadRulePacks(flags.rules, rel);
  const progress = !flags.json && process.stderr.isTTY ? new Progress('lkm2mod: validating', { unit: 'modules' }) : null;
  let report;
  try {
    report = await validatePaths(paths, {
      jobs,
      repeat,
      cc: flags.cc,
      kernelSrc: flags.kernelSrc,
      syscallSlots,
      rules: packs.rules,
      onProgress: progress ? (done, total, name) => progress.update(done, total, name) : undefined,
    });
  } finally {
    progress?.done();
  }
  packs.assertNoFailures(undefined, rel);

  if (report.modules.length === 0) {
    const why = report.unvalidated?.length ? `; what was found could not be validated:\n  ${report.unvalidated.join('\n  ')}` : '';
    throw new UserError(
      `no modules under ${paths.join(', ')}: nothing to validate (looked for LKMs with a MOD_* declaration and module(9) modules with MODULE())${why}`,
    );
  }
  const shown = relativeReport(report, cwd);
  if (flags.junit) await writeJUnit(flags.junit, validationJUnit(shown));
  if (flags.sarif) await writeSarif(flags.sarif, validationSarif(report, cwd, version()));
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  if (flags.json) process.stdout.write(`${JSON.stringify(shown, null, 2)}\n`);
  else process.stdout.write(renderValidationText(shown, { color: !!process.stdout.isTTY && !process.env.NO_COLOR, verbose: flags.verbose }));
  return report.failed > 0 ? EXIT_PENDING : 0;
}

function positive(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} takes a positive whole number, not "${value}"`);
  return n;
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
