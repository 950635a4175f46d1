/**
 * `lkm2mod convert [paths...]`: preview (a patch on stdout), `--write`, `--out DIR`, `--check`,
 * `--json`, `--sarif FILE`. Paths in the patch are relative to the tree root: the current
 * directory when every path is inside it (so `git apply` and `patch -p1` work from there), else
 * the paths' common ancestor.
 */
import type { Command } from 'commander';
import { addConversionOptions } from './options.ts';
import type { ConvertFlags } from './convert-run.ts';

export function registerConvert(program: Command): void {
  const cmd = program
    .command('convert')
    .description('convert every LKM under the paths to a module(9) module; preview as a patch unless --write or --out')
    .argument('[paths...]', 'kernel trees, LKM folders or files', ['.'])
    .option('--write', 'apply the conversion in place (atomic; refuses to overwrite files)')
    .option('--out <dir>', 'write a converted copy of the paths to DIR (new or empty), leaving them as they are')
    .option('--check', 'exit 1 when anything would change, 0 when nothing would')
    .option('--json', 'print per-module results as JSON instead of the patch')
    .option('--sarif <file>', 'also write the findings as SARIF 2.1.0 to FILE');
  addConversionOptions(cmd).action(async (paths: string[], flags: ConvertFlags) => {
    // The converter loads only when it runs: other commands need not pay for it.
    process.exitCode = await (await import('./convert-run.ts')).runConvert(paths, flags);
  });
}

