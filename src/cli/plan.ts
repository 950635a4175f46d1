/**
 * `lkm2mod plan [paths...]`: the migration's decisions for a tree (module names, shared
 * modules, merges of an emulation with its exec formats, syscall slots, machine), each with its
 * reason, as a file to review and edit; convert, validate, review and report follow it with
 * `--plan FILE`. Printed on stdout, or written with `--out FILE` (never over an existing file).
 */
import type { Command } from 'commander';
import { addConversionOptions } from './options.ts';
import type { PlanFlags } from './plan-run.ts';

export function registerPlan(program: Command): void {
  const cmd = program
    .command('plan')
    .description('write the migration plan for the paths (names, shared modules, merges, slots, machine), each decision with its reason')
    .argument('[paths...]', 'kernel trees or LKM folders', ['.'])
    .option('--out <file>', 'write the plan to FILE (a new file; paths in it are relative to its directory) instead of stdout');
  addConversionOptions(cmd).action(async (paths: string[], flags: PlanFlags) => {
    process.exitCode = await (await import('./plan-run.ts')).runPlan(paths, flags);
  });
}
