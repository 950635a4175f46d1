/**
 * Option parsers several commands share. Kept free of heavy imports: every command's
 * definition loads at start-up, its work only when it runs.
 */
import { Option, type Command } from 'commander';
import { EXIT_USAGE, UserError } from './errors.ts';
import { DEFAULT_MACHINE, parseMachine, type Machine } from '../source/make-env.ts';

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
 * The options of every command that converts a tree (convert, validate, review, report): what
 * else to index for `required`, rule packs, and the answers to slot -1 syscalls.
 */
export function addConversionOptions(cmd: Command): Command {
  return addMachineOption(cmd)
    .option('--kernel-src <dir>', 'index another kernel tree for required-module inference (repeatable)', collect, [])
    .option('--rules <dir>', 'load the rule pack in DIR (every *.ts in it): its rules convert the shapes they declare (repeatable)', collect, [])
    .addOption(
      new Option('--syscall-slot <name=number>', 'the syscall number for a module whose MOD_SYSCALL asked for slot -1 (repeatable)')
        .argParser(collect)
        .default([]),
    );
}
