/**
 * `lkm2mod validate [paths...]`: every module under the paths, proven in the simulated kernel.
 * LKMs are converted in memory (nothing is written) and checked next to their originals;
 * module(9) modules are checked as they stand. A table on stdout (or `--json`), JUnit XML and
 * SARIF for CI; exit 0 when every check passes, 1 when any fails, 2 for usage errors.
 */
import type { Command } from 'commander';
import { addConversionOptions, KERNEL_MEMORY_HELP } from './options.ts';
import { DEFAULT_REPEAT } from '../validate/defaults.ts';
import type { ValidateFlags } from './validate-run.ts';

export function registerValidate(program: Command): void {
  const cmd = program
    .command('validate')
    .description('load every module under the paths into the simulated kernel and check it (LKMs are converted in memory first)')
    .argument('[paths...]', 'LKM or module(9) trees, module folders', ['.'])
    .option('--json', 'print the results as one JSON document (schema in the README) instead of the table')
    .option('--junit <file>', 'also write JUnit XML to FILE: a testsuite per module, a testcase per check')
    .option('--sarif <file>', 'also write the failures as SARIF 2.1.0 to FILE')
    .option('--jobs <n>', 'validate N modules at once, in worker threads (default 1)')
    .option('--cc', 'also run the converted sources through a C compiler (cc -fsyntax-only) against the bundled headers')
    .option('--repeat <n>', `load/unload cycles of the repeat check (default ${DEFAULT_REPEAT})`)
    .option('--kernel-memory <size>', KERNEL_MEMORY_HELP)
    .option('--verbose', 'also show what each passing check established');
  addConversionOptions(cmd).action(async (paths: string[], flags: ValidateFlags) => {
    process.exitCode = await (await import('./validate-run.ts')).runValidate(paths, flags);
  });
}

