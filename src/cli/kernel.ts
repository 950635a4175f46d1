/**
 * `lkm2mod kernel load <module-dir>...`: compile modules and load them into a fresh simulated
 * kernel, then print modstat(8)'s table and the kernel tables the loads changed. With --lkm the
 * directories are old LKMs, loaded the way modload(8) loaded them.
 */
import type { Command } from 'commander';
import { knownArches } from '../kernel/cc/pp/predefines.ts';
import { KERNEL_MEMORY_HELP } from './options.ts';
import type { LoadFlags } from './kernel-run.ts';

const ARCHES = knownArches();

export function registerKernel(program: Command): void {
  const kernel = program.command('kernel').description('the simulated NetBSD kernel lkm2mod proves modules in');
  kernel
    .command('load')
    .description('compile module directories and load them into a fresh kernel; print modstat and the tables they changed')
    .argument('<module-dir...>', 'module directories (a Makefile with KMOD/SRCS, or .c files); requisites are found among them and their siblings')
    .option('--lkm', 'the directories are old LKMs: load them with the LKM loader (modload), in the order given')
    .option('--arch <arch>', `compile for this architecture (${ARCHES.join(', ')})`, 'amd64')
    .option('--json', 'print one JSON document instead of the tables')
    .option('--kernel-memory <size>', KERNEL_MEMORY_HELP)
    .action(async (dirs: string[], flags: LoadFlags) => {
      process.exitCode = await (await import('./kernel-run.ts')).runKernelLoad(dirs, flags, ARCHES);
    });
}
