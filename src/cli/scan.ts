/**
 * `lkm2mod scan [paths...]`: the inventory of old-style LKMs under some paths.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { UserError } from '../source/errors.ts';
import { addMachineOption, collect, parseMachineFlag } from './options.ts';

interface ScanFlags {
  json?: boolean;
  jobs?: string;
  rules: string[];
  machine?: string;
}

export function registerScan(program: Command): void {
  const cmd = program
    .command('scan')
    .description('list every LKM under the paths: kind, entry, handlers, files, and what a conversion must take care of')
    .argument('[paths...]', 'directories or files to scan', ['.'])
    .option('--json', 'print one JSON document (schema in the README) instead of the table')
    .option('--jobs <n>', 'parse with N threads (default: the number of cores)')
    .option('--rules <dir>', 'load the rule pack in DIR (every *.ts in it), so its declaration shapes are recognised (repeatable)', collect, []);
  addMachineOption(cmd)
    .action(async (paths: string[], flags: ScanFlags) => {
      const jobs = parseJobs(flags.jobs);
      const machine = parseMachineFlag(flags.machine);
      const rel = (p: string) => path.relative(process.cwd(), p) || '.';
      const packs = flags.rules.length ? await (await import('../rules/pack.ts')).loadRulePacks(flags.rules, rel) : null;
      // Loaded here, not at start-up: other commands need not pay for tree-sitter.
      const { discover } = await import('../discover/discover.ts');
      const { scanJson, renderScanText } = await import('../report/scan-report.ts');
      const { Progress } = await import('../report/progress.ts');
      const progress = !flags.json && process.stderr.isTTY ? new Progress('lkm2mod: scanning') : null;
      let result;
      try {
        result = await discover(paths, { jobs, machine, rules: packs?.rules, onProgress: progress ? (d, t) => progress.update(d, t) : undefined });
      } finally {
        progress?.done();
      }
      packs?.assertNoFailures(undefined, rel);
      // `lkm2mod scan | head` closes the pipe early: that is not an error.
      process.stdout.on('error', (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EPIPE') throw err;
      });
      const cwd = process.cwd();
      if (flags.json) process.stdout.write(`${JSON.stringify(scanJson(result, cwd), null, 2)}\n`);
      else process.stdout.write(renderScanText(result, cwd, { color: !!process.stdout.isTTY && !process.env.NO_COLOR }));
      // Unreadable or binary files were reported and skipped; the scan itself succeeded.
      process.exitCode = 0;
    });
}

function parseJobs(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UserError(`--jobs takes a positive whole number, not "${value}"`);
  return n;
}
