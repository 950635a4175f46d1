/**
 * Optional syscalls named by a kernel's own syscalls.master: the entries marked
 * `MODULAR <module>` (NetBSD 9's keyword). makesyscalls.sh points their init_sysent.c slots at
 * sys_nomodule and lists them in syscalls_autoload.c, so the first call autoloads the module
 * and is restarted (netbsd-module-api.md E.2). A kernel booted with such a list models that
 * kernel: the slots hold sys_nomodule from boot, and the autoload table maps them to the
 * module — which is how the compat code of a converted tree reaches a syscall module it no
 * longer links against.
 */
import { field, type ScalarCell } from '../machine/memory.ts';
import type { SyscallTable } from './syscall.ts';

export interface ModularSyscall {
  /** The slot; or `name`, the SYS_ name (`msgget`), numbered from the kernel's headers. */
  code?: number;
  name?: string;
  /** The module sys_nomodule autoloads for the slot. */
  module: string;
}

/**
 * Applied while the kernel boots, before anything can have entered those slots. A name the
 * headers do not number is an error: a kernel that silently lacks an optional syscall would
 * make every check that relies on it pass for the wrong reason.
 */
export function declareModularSyscalls(table: SyscallTable, calls: readonly ModularSyscall[]): void {
  const byName = new Map([...table.names].map(([code, name]) => [name, code]));
  for (const c of calls) {
    const code = c.code ?? (c.name !== undefined ? byName.get(c.name.replace(/^SYS_/, '')) : undefined);
    if (code === undefined || code < 0 || code >= table.size) {
      throw new Error(`modular syscall ${c.name ?? c.code} of ${c.module}: no such slot in this kernel's sysent`);
    }
    table.autoload.set(code, c.module);
    (field(table.entry(code), 'sy_call') as ScalarCell).value = { k: 'fn', fn: table.nomodule };
  }
}
