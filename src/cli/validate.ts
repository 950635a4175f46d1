/**
 * `lkm2mod validate [paths...]`: every module under the paths, proven in the simulated kernel.
 * LKMs are converted in memory (nothing is written) and checked next to their originals;
 * module(9) modules are checked as they stand. A table on stdout (or `--json`), JUnit XML and
 * SARIF for CI; exit 0 when every check passes, 1 when any fails, 2 for usage errors.
 */
import { Option, type Command } from 'commander';
import { collect } from './options.ts';
import { DEFAULT_REPEAT } from '../validate/defaults.ts';


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
}

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
      process.exitCode = await (await import('./validate-run.ts')).runValidate(paths, flags);
    });
}

