/**
 * Processes and LWPs as far as the module framework cares: which syscall an LWP is inside
 * (syscall_disestablish refuses to pull a call from under it) and which exec format and
 * emulation a process runs under (exec_remove and emul_unregister refuse while one does).
 */
import { deref, readField, StructCell } from './machine/memory.ts';

export class Lwp {
  constructor(
    readonly cell: StructCell,
    readonly proc: StructCell,
  ) {}

  /** The sysent entry of the call in progress (l_sysent), or null. */
  inSyscall(): StructCell | null {
    const e = deref(readField(this.cell, 'l_sysent'));
    return e instanceof StructCell ? e : null;
  }
}
