/**
 * The work of `lkm2mod validate`: validate, then print and write the reports.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXIT_PENDING, UserError } from '../source/errors.ts';
import { PACKAGE_ROOT } from '../runtime.ts';
import { parseSize, planAndMachine, parseSlots } from './options.ts';
import { Progress } from '../report/progress.ts';
import { writeSarif } from '../report/sarif.ts';
import { writeJUnit } from '../report/junit.ts';
import { validationJUnit, validationSarif } from '../report/validation-ci.ts';
import { relativeReport } from '../validate/paths.ts';
import { renderValidationText } from '../report/validation-text.ts';
import { DEFAULT_REPEAT, validatePaths } from '../validate/validate.ts';

export interface ValidateFlags {
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
  kernelMemory?: string;
  machine?: string;
  plan?: string;
}

export async function runValidate(paths: string[], flags: ValidateFlags): Promise<number> {
  const jobs = positive('--jobs', flags.jobs);
  const repeat = positive('--repeat', flags.repeat);
  const syscallSlots = parseSlots(flags.syscallSlot);
  const kernelMemory = parseSize('--kernel-memory', flags.kernelMemory);
  const { plan, machine } = await planAndMachine(flags);
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
      kernelMemory,
      kernelSrc: flags.kernelSrc,
      syscallSlots,
      machine,
      plan,
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
  return report.failed > 0 || report.together?.ok === false ? EXIT_PENDING : 0;
}

function positive(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`${flag} takes a positive whole number, not "${value}"`);
  return n;
}

function version(): string {
  try {
    return (JSON.parse(readFileSync(path.join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}
