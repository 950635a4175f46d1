/**
 * The syscalls.master of the tree a module lives in, read once per file, and what convert asks
 * of it: the SYS_ constant for a slot, whether a slot is free for a module in the kernel the
 * LKM was written for, and which calls each converted module provides (recorded by the rules
 * that write syscall_package tables, read by the syscall-indirection tree rule).
 */
import { existsSync, readFileSync } from 'node:fs';
import {
  definesConstant,
  entriesFor,
  parseSyscallsMaster,
  syscallsMasterPath,
  type SyscallEntry,
  type SyscallsMaster,
} from '../source/syscalls-master.ts';
import type { ModulePlan } from '../discover/plan.ts';

export interface TreeMaster {
  path: string;
  master: SyscallsMaster;
}

const byPath = new Map<string, TreeMaster | null>();

/** The syscalls.master above `dir` (sys/kern/syscalls.master), parsed; null when there is none. */
export function masterFor(dir: string): TreeMaster | null {
  const p = syscallsMasterPath(dir, existsSync);
  if (!p) return null;
  if (!byPath.has(p)) {
    let text: string | null = null;
    try {
      text = readFileSync(p, 'utf8');
    } catch {
      text = null;
    }
    byPath.set(p, text === null ? null : { path: p, master: parseSyscallsMaster(text) });
  }
  return byPath.get(p) ?? null;
}

/** A call a converted module enters with syscall_establish. */
export interface ProvidedSyscall {
  /** sp_code as the package writes it: `SYS_msgget`, or the number when no constant names it. */
  code: string;
  number: number | null;
  /** The function the slot will hold. */
  handler: string;
}

const provided = new WeakMap<ModulePlan, ProvidedSyscall[]>();

export function recordProvided(plan: ModulePlan, calls: ProvidedSyscall[]): void {
  provided.set(plan, [...(provided.get(plan) ?? []), ...calls]);
}

export function providedBy(plan: ModulePlan): readonly ProvidedSyscall[] {
  return provided.get(plan) ?? [];
}

/** The entry that gives slot `n` its SYS_ constant, if syscall.h defines one. */
export function constantEntry(m: SyscallsMaster, n: number): SyscallEntry | null {
  return entriesFor(m, n).find(definesConstant) ?? null;
}

/** The number syscalls.master gives `SYS_<name>`. */
export function numberOf(m: SyscallsMaster, name: string): number | null {
  return m.entries.find((e) => e.name === name && definesConstant(e))?.number ?? null;
}

/**
 * Is slot `n` one a module may fill in the kernel the LKM was written for? True when some
 * configuration leaves it without a handler (EXCL/UNIMPL/OBSOL in one `#if` branch, the
 * lkmnosys reserve) or it is already MODULAR; false for a call every kernel has built in.
 */
export function optionalSlot(m: SyscallsMaster, n: number): boolean | null {
  const es = entriesFor(m, n);
  if (es.length === 0) return null;
  return es.some(
    (e) => e.modular !== null || e.type === 'EXCL' || e.type === 'UNIMPL' || e.type === 'OBSOL' || e.function === 'sys_lkmnosys' || e.function === 'sys_nosys',
  );
}
