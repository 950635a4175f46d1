/**
 * Emulations (kern_exec.c, LKM era): the registry compat LKMs entered their `struct emul` in,
 * and exec LKMs looked emulations up in by name. emul_netbsd is registered read-only at boot.
 * The module era has no registry: an emulation is just what execsw entries point to.
 */
import { deref, readCString, readField, type StructCell } from '../machine/memory.ts';
import { errno } from '../errno.ts';
import type { Kernel } from '../kernel.ts';

export interface EmulEntry {
  emul: StructCell;
  name: string;
  /** Built in: cannot be unregistered. */
  ro: boolean;
}

export class Emulations {
  private readonly list: EmulEntry[] = [];

  constructor(private readonly k: Kernel) {}

  entries(): readonly EmulEntry[] {
    return this.list;
  }

  /** emul_register: EEXIST for a name already registered. */
  register(emul: StructCell, ro: boolean): number {
    const name = emulName(emul);
    if (this.list.some((e) => e.name === name)) return errno('EEXIST');
    const entry = { emul, name, ro };
    this.list.push(entry);
    this.k.journal.record(() => this.list.splice(this.list.indexOf(entry), 1));
    return 0;
  }

  /** emul_unregister: ENOENT unknown; EBUSY built in, or used by an exec entry or a process. */
  unregister(name: string): number {
    const at = this.list.findIndex((e) => e.name === name);
    if (at < 0) return errno('ENOENT');
    const entry = this.list[at]!;
    if (entry.ro) return errno('EBUSY');
    if (this.k.exec.usesEmul(entry.emul)) return errno('EBUSY');
    if (this.k.procs.some((p) => deref(readField(p, 'p_emul')) === entry.emul)) return errno('EBUSY');
    this.list.splice(at, 1);
    this.k.journal.record(() => this.list.splice(at, 0, entry));
    return 0;
  }

  /** emul_search */
  search(name: string): StructCell | null {
    return this.list.find((e) => e.name === name)?.emul ?? null;
  }
}

export function emulName(emul: StructCell): string {
  return readCString(readField(emul, 'e_name')) ?? '';
}
