/**
 * Option parsers several commands share. Kept free of heavy imports: every command's
 * definition loads at start-up, its work only when it runs.
 */
import { Option, type Command } from 'commander';
import { EXIT_USAGE, UserError } from '../source/errors.ts';
import { DEFAULT_MACHINE, parseMachine, type Machine } from '../source/make-env.ts';
import type { PlanDecisions } from '../migrate/plan-file.ts';

/** Accumulates a repeatable option's values. */
export const collect = (v: string, acc: string[]): string[] => [...acc, v];

/** `--syscall-slot NAME=NUMBER`, repeated: the answers for slot -1 syscalls, by module name. */
export function parseSlots(specs: string[]): Map<string, number> {
  const slots = new Map<string, number>();
  for (const s of specs) {
    const m = /^([^=\s]+)=(\d+)$/.exec(s.trim());
    if (!m) throw new UserError(`--syscall-slot ${s}: expected NAME=NUMBER, e.g. --syscall-slot procinfo=211`, EXIT_USAGE);
    slots.set(m[1], Number(m[2]));
  }
  return slots;
}

/**
 * `--plan FILE` read, and the machine it names unless `--machine` names one: the plan's machine
 * decides how the Makefiles are read, so it is known before the scan.
 */
export async function planAndMachine(flags: { plan?: string; machine?: string }): Promise<{ plan?: PlanDecisions; machine: Machine }> {
  const plan = flags.plan ? (await import('../migrate/plan-load.ts')).readPlanFile(flags.plan) : undefined;
  return { ...(plan ? { plan } : {}), machine: parseMachineFlag(flags.machine ?? plan?.machine?.name) };
}

/** `--machine MACHINE[:MACHINE_ARCH]`: the machine whose Makefiles are read, as make(1) would for it. */
export function parseMachineFlag(spec: string | undefined): Machine {
  if (spec === undefined) return DEFAULT_MACHINE;
  const m = parseMachine(spec);
  if ('error' in m) throw new UserError(`--machine ${spec}: ${m.error}`, EXIT_USAGE);
  return m;
}

export function addMachineOption(cmd: Command): Command {
  return cmd.option(
    '--machine <machine>',
    'read Makefiles as make(1) does for this NetBSD port: ${MACHINE}, ${MACHINE_ARCH} (MACHINE or MACHINE:MACHINE_ARCH; default i386)',
  );
}

/**
 * `--kernel-memory SIZE`: bytes, or a number with K, M or G (powers of 1024), e.g. `64M`, `1G`.
 */
export function parseSize(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([kmg]?)i?b?$/i.exec(value.trim());
  const unit = m ? { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[m[2]!.toLowerCase() as '' | 'k' | 'm' | 'g'] : 0;
  const n = m ? Math.floor(Number(m[1]) * unit) : 0;
  if (!m || n < 1) throw new UserError(`${flag} ${value}: expected a size such as 65536, 512K, 64M or 1G`, EXIT_USAGE);
  return n;
}

/** The help text of --kernel-memory, shared by validate and kernel load. */
export const KERNEL_MEMORY_HELP = 'memory of the simulated kernel: bytes or 512K, 64M, 1G (default 64M); allocations beyond it fail as in NetBSD';

/**
 * The options of every command that converts a tree (convert, validate, review, report): what
 * else to index for `required`, rule packs, and the answers to slot -1 syscalls.
 */
export function addConversionOptions(cmd: Command): Command {
  return addMachineOption(cmd)
    .option('--plan <file>', 'follow the migration plan in FILE (written by lkm2mod plan, then edited): names, shared modules, merges, slots, machine')
    .option('--kernel-src <dir>', 'index another kernel tree for required-module inference (repeatable)', collect, [])
    .option('--rules <dir>', 'load the rule pack in DIR (every *.ts in it): its rules convert the shapes they declare (repeatable)', collect, [])
    .addOption(
      new Option('--syscall-slot <name=number>', 'the syscall number for a module whose MOD_SYSCALL asked for slot -1 (repeatable)')
        .argParser(collect)
        .default([]),
    );
}
