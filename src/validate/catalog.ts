/**
 * The modules validation can load, by name: module_base for the simulated kernel. Each module
 * directory is compiled once per process (as a module(9) module, or as the original LKM) and
 * the object is reused by every kernel the checks boot — an object is immutable; each load
 * instantiates fresh memory from it.
 *
 * Names the catalog does not list are looked for beside the module directories it knows
 * (sys/modules/nullfs finds sys/modules/layerfs), the way `lkm2mod kernel load` finds them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileModuleDir, readModuleDir, type ModuleDir } from '../kernel/moddir.ts';
import type { ModuleObject } from '../kernel/object.ts';
import type { ModuleSource } from '../kernel/source.ts';
import type { ModuleSpec } from './spec.ts';

export class Catalog {
  private readonly byName = new Map<string, ModuleSpec>();
  private readonly siblings = new Map<string, ModuleDir | null>();
  private readonly parents: string[] = [];
  private readonly objects = new Map<string, ModuleObject | Error>();
  private readonly texts = new Map<string, string>();

  constructor(
    specs: readonly ModuleSpec[],
    /** MACHINE the modules are compiled for (the compiler's default when absent). */
    private readonly machine?: string,
  ) {
    for (const s of specs) {
      if (!this.byName.has(s.name)) this.byName.set(s.name, s);
      const parent = path.dirname(s.moduleDir.dir);
      if (!this.parents.includes(parent)) this.parents.push(parent);
    }
  }

  spec(name: string): ModuleSpec | undefined {
    return this.byName.get(name);
  }

  specs(): ModuleSpec[] {
    return [...this.byName.values()];
  }

  /** The module directory module_load would find for `name`. */
  moduleDir(name: string): ModuleDir | undefined {
    const spec = this.byName.get(name);
    if (spec) return spec.unconverted ? undefined : spec.moduleDir;
    if (!this.siblings.has(name)) {
      let found: ModuleDir | null = null;
      for (const p of this.parents) {
        found = readModuleDir(path.join(p, name));
        if (found) break;
      }
      this.siblings.set(name, found);
    }
    return this.siblings.get(name) ?? undefined;
  }

  /** The compiled module(9) object; throws the compiler's error. */
  object(md: ModuleDir): ModuleObject {
    return this.compiled(md, 'module');
  }

  /** The original LKM, compiled as an LKM (_LKM defined). */
  lkmObject(md: ModuleDir): ModuleObject {
    return this.compiled(md, 'lkm');
  }

  /** Where the kernel finds requisites; `hidden` names are missing, as if never installed. */
  source(hidden: ReadonlySet<string> = new Set()): ModuleSource {
    return {
      open: (name) => {
        if (hidden.has(name)) return undefined;
        const md = this.moduleDir(name);
        return md ? this.object(md) : undefined;
      },
      describe: (name) =>
        hidden.has(name)
          ? `module ${name} was taken away for this check`
          : `no module named ${name} in the tree (looked for ${this.parents.map((p) => path.join(p, name)).join(', ')})`,
    };
  }

  /**
   * Whether a module's sources mention `symbol` at all: a cheap test before compiling a module
   * only to learn whether it defines something (headers it includes are not read).
   */
  mentions(md: ModuleDir, symbol: string): boolean {
    const word = new RegExp(`\\b${symbol.replace(/[^\w]/g, '')}\\b`);
    return md.sources.some((f) => {
      let text = this.texts.get(f);
      if (text === undefined) {
        try {
          text = fs.readFileSync(f, 'latin1');
        } catch {
          text = '';
        }
        this.texts.set(f, text);
      }
      return word.test(text);
    });
  }

  private compiled(md: ModuleDir, mode: 'module' | 'lkm'): ModuleObject {
    const key = `${mode}\0${md.dir}`;
    let o = this.objects.get(key);
    if (!o) {
      try {
        o = compileModuleDir(md, { mode, arch: this.machine });
      } catch (err) {
        // A module that does not compile fails the same way every time it is asked for.
        o = err instanceof Error ? err : new Error(String(err));
      }
      this.objects.set(key, o);
    }
    if (o instanceof Error) throw o;
    return o;
  }
}
