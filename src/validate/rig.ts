/**
 * A simulated kernel set up for one scenario of a check: booted fresh, its module_base the
 * catalog (with some modules taken away when a check wants them missing), and the few things
 * every check does to it — snapshot, load, unload, run a modcmd, read the call log.
 */
import { Kernel, type KernelResult } from '../kernel/kernel.ts';
import { constant } from '../kernel/abi.ts';
import { isCrash, crashMessage } from '../kernel/crash.ts';
import { ECRASH, errnoName } from '../kernel/errno.ts';
import { kobjLoad } from '../kernel/kobj.ts';
import type { CallRecord } from '../kernel/calls.ts';
import { int, NULL_PTR, asNumber } from '../kernel/machine/memory.ts';
import { fetchModinfo } from '../kernel/modinfo.ts';
import { parseRequired } from '../kernel/module.ts';
import type { ModuleObject } from '../kernel/object.ts';
import { diffSnapshots, snapshot, type KernelSnapshot, type Section } from '../kernel/state.ts';
import type { Catalog } from './catalog.ts';

export interface RigOptions {
  era?: 'module' | 'lkm';
  /** Modules module_load must not find. */
  hidden?: ReadonlySet<string>;
  /** The machine of the module the scenario is about (its own port's kernel); the tree's by default. */
  machine?: string;
}

export class Rig {
  readonly k: Kernel;

  constructor(catalog: Catalog, opts: RigOptions = {}) {
    const conf = catalog.devswConf(opts.machine);
    this.k = Kernel.boot({ era: opts.era ?? 'module', source: catalog.source(opts.hidden), memory: catalog.settings.kernelMemory,
      treeSymbols: catalog.treeSymbols(opts.era ?? 'module'),
      version: catalog.treeVersion() ?? undefined,
      lkmVersion: catalog.treeLkmVersion() ?? undefined,
      // A module of the tree named like a built-in (ffs) replaces it, as in a kernel configured without it.
      omitBuiltins: catalog.specs().map((s) => s.name),
      devswConf: conf instanceof Error ? undefined : (conf ?? undefined),
      nameiFlags: catalog.treeNameiFlags() ?? undefined,
    });
  }

  snap(): KernelSnapshot {
    return snapshot(this.k);
  }

  load(object: ModuleObject): Promise<KernelResult> {
    return this.k.load(object);
  }

  unload(name: string): Promise<KernelResult> {
    return this.k.unload(name);
  }

  /**
   * Load requisites by name, in order, as module_load would find them. Null when all loaded;
   * else the first failure, named.
   */
  async loadRequisites(names: readonly string[]): Promise<string | null> {
    for (const name of names) {
      if (this.k.modules.lookup(name)) continue;
      const r = await this.k.load(name);
      if (r.error) return `requisite ${name} does not load: ${describe(r)}`;
    }
    return null;
  }

  /**
   * Call a loaded module's modcmd directly (MODULE_CMD_STAT: the kernel itself never does). A
   * crash is rolled back and reported like the kernel reports one.
   */
  async modcmd(name: string, cmd: string): Promise<{ error: number; message: string }> {
    const mod = this.k.modules.lookup(name);
    const fn = mod?.info.modcmd;
    if (!fn) return { error: constant('ENOENT'), message: `${name} is not loaded` };
    return this.k.withLock(() =>
      this.k.lock.owned(() => {
        try {
          const r = this.k.journal.atomic(() => this.k.runAs(name, () => fn.invoke([int(constant(cmd)), NULL_PTR])), isCrash);
          return { error: asNumber(r), message: '' };
        } catch (err) {
          if (isCrash(err)) return { error: ECRASH, message: crashMessage(err) };
          throw err;
        }
      }),
    );
  }

  /** Kernel functions `who` called since `mark` (its own code and the callbacks the kernel made into it). */
  callsBy(who: (caller: string) => boolean, mark: number): CallRecord[] {
    return this.k.calls.since(mark).filter((r) => r.caller !== null && who(r.caller));
  }
}

/** `ENOEXEC: message` */
export function describe(r: KernelResult): string {
  return r.message ? `${r.errno}: ${r.message}` : r.errno;
}

export function errnoLabel(n: number): string {
  return errnoName(n);
}

/** What a module object's modinfo says, read without loading it (kobj stage 1 only). */
export function modinfoOf(object: ModuleObject): { name: string; required: string[]; className: number } {
  const info = fetchModinfo(kobjLoad(object));
  return { name: info.name, required: parseRequired(info.required), className: info.class };
}

/** diffSnapshots, with the sections a check does not judge left out. */
export function changes(a: KernelSnapshot, b: KernelSnapshot, ignore: readonly Section[] = []): string[] {
  return diffSnapshots(a, b, ignore);
}
