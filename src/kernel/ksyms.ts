/**
 * ksyms: the kernel's symbol table. The kernel proper provides the first table at boot; every
 * module that passes stage 2 adds its global symbols under its name and removes them on unload.
 * Each symbol has one provider — a second definition of a global is refused — so the linker can
 * tell a module where each of its undefined symbols lives.
 *
 * The table changes only under the kernel lock (ksyms_modload and ksyms_modunload run from
 * module_do_load and module_do_unload, which hold module_lock).
 */
import type { SymbolValue } from './object.ts';
import type { KernelLock } from './lock.ts';
import type { Journal } from './journal.ts';

export const KERNEL = 'kernel';

export interface Ksym {
  name: string;
  value: SymbolValue;
  /** `kernel`, or the name of the module (or LKM) that defines it. */
  provider: string;
}

export class Ksyms {
  private readonly table = new Map<string, Ksym>();
  private readonly tables = new Map<string, string[]>();

  constructor(
    private readonly lock: KernelLock,
    private readonly journal: Journal,
  ) {}

  lookup(name: string): Ksym | undefined {
    return this.table.get(name);
  }

  /** Providers in registration order: the kernel first, then modules as they loaded. */
  providers(): string[] {
    return [...this.tables.keys()];
  }

  symbolsOf(provider: string): readonly string[] {
    return this.tables.get(provider) ?? [];
  }

  has(provider: string): boolean {
    return this.tables.has(provider);
  }

  /** Names `symbols` would redefine, each with the provider that already has it. */
  conflicts(symbols: Iterable<string>): Ksym[] {
    const out: Ksym[] = [];
    for (const s of symbols) {
      const prior = this.table.get(s);
      if (prior) out.push(prior);
    }
    return out;
  }

  /**
   * ksyms_modload: add a provider's table, all or nothing. The caller has checked conflicts();
   * a redefinition here is a kernel bug.
   */
  register(provider: string, symbols: Map<string, SymbolValue>): void {
    if (provider !== KERNEL) this.lock.assertHeld('ksyms_modload');
    if (this.tables.has(provider)) throw new Error(`ksyms: ${provider} is already registered`);
    const clash = this.conflicts(symbols.keys());
    if (clash.length) throw new Error(`ksyms: ${provider} redefines ${clash[0]!.name} of ${clash[0]!.provider}`);
    const names: string[] = [];
    for (const [name, value] of symbols) {
      this.table.set(name, { name, value, provider });
      names.push(name);
    }
    this.tables.set(provider, names);
    this.journal.record(() => this.drop(provider));
  }

  /** ksyms_modunload */
  unregister(provider: string): void {
    this.lock.assertHeld('ksyms_modunload');
    const names = this.tables.get(provider);
    if (!names) return;
    const entries = names.map((n) => this.table.get(n)!);
    this.drop(provider);
    this.journal.record(() => {
      for (const e of entries) this.table.set(e.name, e);
      this.tables.set(provider, names);
    });
  }

  private drop(provider: string): void {
    for (const name of this.tables.get(provider) ?? []) this.table.delete(name);
    this.tables.delete(provider);
  }
}
