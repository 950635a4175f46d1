/**
 * The modules validation can load, by name: module_base for the simulated kernel. Each module
 * directory is compiled once per process (as a module(9) module, or as the original LKM) and
 * the object is reused by every kernel the checks boot — an object is immutable; each load
 * instantiates fresh memory from it.
 *
 * Names the catalog does not list are looked for beside the module directories it knows
 * (sys/modules/nullfs finds sys/modules/layerfs), the way `lkm2mod kernel load` finds them.
 */
import { collectDroppedTrees } from '../source/cparse.ts';
import fs from 'node:fs';
import path from 'node:path';
import { compileModuleDir, readModuleDir, type ModuleDir } from '../kernel/moddir.ts';
import type { ModuleObject } from '../kernel/object.ts';
import type { ModuleSource } from '../kernel/source.ts';
import type { CheckSettings, ModuleSpec } from './spec.ts';
import { TreeIndex } from './tree-symbols.ts';
import { DEFAULT_MACHINE } from '../source/make-env.ts';
import { dispatchLoadsFirst, lkmVersion, netbsdVersion } from '../source/lkm-header.ts';
import type { TreeSymbols } from '../kernel/unmodelled.ts';
import { findKernelTree } from '../kernel/cc/pp/include-path.ts';
import { compileDevswConf, devswConfFile } from '../kernel/devsw-conf.ts';
import { nameiFlagsFromHeader, type NameiFlags } from '../kernel/subsys/rootfs.ts';

export class Catalog {
  private readonly byName = new Map<string, ModuleSpec>();
  private readonly siblings = new Map<string, ModuleDir | null>();
  private readonly parents: string[] = [];
  private readonly objects = new Map<string, ModuleObject | Error>();
  private readonly texts = new Map<string, string>();

  constructor(
    specs: readonly ModuleSpec[],
    /** How the kernels the checks boot are set up (their memory). */
    readonly settings: Partial<CheckSettings> = {},
  ) {
    for (const s of specs) {
      if (!this.byName.has(s.name)) this.byName.set(s.name, s);
      const parent = path.dirname(s.moduleDir.dir);
      if (!this.parents.includes(parent)) this.parents.push(parent);
    }
  }

  private tree: { index: TreeIndex; moduleFiles: Set<string>; lkmFiles: Set<string>; lkmRoots: Set<string> } | null = null;
  private release: { version: number | null; lkmVersion: number | null } | undefined;
  private loadsFirst: boolean | undefined;

  /**
   * The release the modules' kernel tree names (its sys/param.h): the kernel the checks boot is
   * that release, as the kernel a tree's modules are built for would be. Null outside a tree.
   */
  treeVersion(): number | null {
    return this.treeRelease().version;
  }

  /** LKM_VERSION of the tree's sys/lkm.h: the old loader the equivalence check boots is the tree's. */
  treeLkmVersion(): number | null {
    return this.treeRelease().lkmVersion;
  }

  /**
   * Whether the tree's DISPATCH ran an LKM's load() before lkmdispatch() wired it in (NetBSD
   * 1.x), as opposed to after (later LKM_DISPATCH, and module(9)'s attach-then-handler).
   */
  treeDispatchLoadsFirst(): boolean {
    if (this.loadsFirst === undefined) {
      this.loadsFirst = false;
      for (const s of this.byName.values()) {
        const S = s.lkm ? findKernelTree(s.lkm.moduleDir.dir) : undefined;
        const first = S ? dispatchLoadsFirst(S) : null;
        if (first !== null) {
          this.loadsFirst = first;
          break;
        }
      }
    }
    return this.loadsFirst;
  }

  private treeRelease(): { version: number | null; lkmVersion: number | null } {
    if (this.release === undefined) {
      this.release = { version: null, lkmVersion: null };
      for (const s of this.byName.values()) {
        const S = findKernelTree(s.lkm?.moduleDir.dir ?? s.moduleDir.dir);
        const v = S ? netbsdVersion(S) : null;
        if (S && v !== null) {
          this.release = { version: v, lkmVersion: lkmVersion(S) };
          break;
        }
      }
    }
    return this.release;
  }

  /**
   * Where the kernel trees the modules sit in define a symbol, outside every module: what the
   * kernels the checks boot link an unmodelled function against. The old loader's kernel (`lkm`)
   * is one the LKM could be loaded into, configured with everything else: the code the modules
   * now build (their LKMs' sources, kernel code only their options built, ufs) is the kernel's
   * there; an LKM links its own definitions first, and sys/lkm glue is never the kernel's.
   */
  treeSymbols(era: 'module' | 'lkm' = 'module'): TreeSymbols {
    const { index, moduleFiles } = this.treeIndex();
    const excluded = era === 'lkm' ? new Set<string>() : moduleFiles;
    return (name) => index.lookup(name, excluded);
  }

  /**
   * Where the kernel an LKM was loaded into defines a symbol: the unconverted tree, outside every
   * LKM's own sources (the ufs code that ffs now builds was the kernel's then; ffs_mountfs was
   * ffs's). Not the overlay's converted copies.
   */
  lkmKernelSymbols(): TreeSymbols {
    const { index, lkmFiles, lkmRoots } = this.treeIndex();
    const roots = [...lkmRoots].map((r) => r + path.sep);
    const inTree = (file: string) => roots.some((r) => file.startsWith(r));
    return (name) => index.lookupWhere(name, (file) => !lkmFiles.has(file) && inTree(file));
  }

  private treeIndex(): { index: TreeIndex; moduleFiles: Set<string>; lkmFiles: Set<string>; lkmRoots: Set<string> } {
    if (!this.tree) {
      const roots = new Set<string>();
      const lkmRoots = new Set<string>();
      const moduleFiles = new Set<string>();
      const lkmFiles = new Set<string>();
      for (const s of this.byName.values()) {
        for (const dir of [s.lkm?.moduleDir.dir, s.dir, s.moduleDir.dir]) {
          const S = dir ? findKernelTree(dir) : undefined;
          // An overlay's tree is links to the real one, which the LKM's own directory reaches.
          if (S) roots.add(realPath(S));
        }
        const S = s.lkm ? findKernelTree(s.lkm.moduleDir.dir) : undefined;
        if (S) lkmRoots.add(realPath(S));
        for (const f of s.moduleDir.sources) moduleFiles.add(realPath(f));
        for (const f of s.lkm?.moduleDir.sources ?? []) {
          moduleFiles.add(realPath(f));
          lkmFiles.add(realPath(f));
        }
      }
      this.tree = { index: new TreeIndex([...roots]), moduleFiles, lkmFiles, lkmRoots };
    }
    return this.tree;
  }

  private readonly confs = new Map<string, ModuleObject | Error | null>();

  /**
   * The device switch configuration of the kernel a module of `machine` loads into: its tree's
   * arch/<machine>/<machine>/conf.c, compiled once (NetBSD 1.x; later trees have none, and
   * the kernel's own model of their pointer-shaped switches stands). An Error when conf.c
   * does not compile: the kernel then has the model's switches, and the error is the reason.
   */
  devswConf(machine: string = this.settings.machine ?? DEFAULT_MACHINE.machine): ModuleObject | Error | null {
    const S = this.kernelTree();
    if (!S) return null;
    const key = `${S}\0${machine}`;
    if (!this.confs.has(key)) {
      const file = devswConfFile(S, machine);
      let conf: ModuleObject | Error | null = null;
      if (file) {
        try {
          conf = compileDevswConf(file, S, machine);
        } catch (err) {
          conf = err instanceof Error ? err : new Error(String(err));
        }
      }
      this.confs.set(key, conf);
    }
    return this.confs.get(key)!;
  }

  private nameiFlags: NameiFlags | null | undefined;

  /**
   * namei's operations and flags as the tree's sys/namei.h defines them, which its modules fill
   * their nameidata with. Null without a tree or a readable namei.h.
   */
  treeNameiFlags(): NameiFlags | null {
    if (this.nameiFlags !== undefined) return this.nameiFlags;
    const S = this.kernelTree();
    let text: string | null = null;
    try {
      text = S ? fs.readFileSync(path.join(S, 'sys', 'namei.h'), 'utf8') : null;
    } catch {
      text = null;
    }
    return (this.nameiFlags = text === null ? null : nameiFlagsFromHeader(text));
  }

  /** The kernel tree ($S) the modules sit in, or undefined outside one. */
  private kernelTree(): string | undefined {
    for (const s of this.byName.values()) {
      const S = findKernelTree(s.lkm?.moduleDir.dir ?? s.moduleDir.dir);
      if (S) return realPath(S);
    }
    return undefined;
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

  /**
   * Drop the original LKMs' objects: only a module's own checks run its LKM (and the LKMs it
   * needs), so once they are done the objects are garbage the catalog would otherwise keep to
   * the end of the run, next to the module(9) objects the all-together load still needs.
   */
  forgetLkms(): void {
    for (const key of this.objects.keys()) if (key.startsWith('lkm\0')) this.objects.delete(key);
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

  /** The machine of the module a directory is (or was, as an LKM): its own port's, or the tree's. */
  machineOf(md: ModuleDir): string {
    for (const s of this.byName.values()) {
      const dirs = [s.moduleDir.dir, s.lkm?.moduleDir.dir, ...(s.lkm?.folded ?? []).map((f) => f.moduleDir.dir)];
      if (s.machine && dirs.includes(md.dir)) return s.machine;
    }
    return this.settings.machine ?? DEFAULT_MACHINE.machine;
  }

  /**
   * The machine a module is compiled for: its machine when the module's kernel tree has that
   * port (its machine/ headers), the simulated kernel's default otherwise (bundled headers only).
   */
  private archFor(md: ModuleDir): string | undefined {
    const m = this.machineOf(md);
    const S = findKernelTree(md.dir);
    return S && fs.existsSync(path.join(S, 'arch', m, 'include')) ? m : undefined;
  }

  private compiled(md: ModuleDir, mode: 'module' | 'lkm'): ModuleObject {
    const key = `${mode}\0${md.dir}`;
    let o = this.objects.get(key);
    if (!o) {
      try {
        o = compileModuleDir(md, { mode, arch: this.archFor(md) });
        collectDroppedTrees();
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

function realPath(f: string): string {
  try {
    return fs.realpathSync(f);
  } catch {
    return f;
  }
}
