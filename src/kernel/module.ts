/**
 * The module manager: module_load, module_unload, module_autoload, module_hold/rele and the
 * built-ins, after kern_module.c 1.43 (2009). `doLoad` is module_do_load as a sequence of small
 * steps; each failure returns NetBSD's errno and undoes what the steps before it did.
 *
 * Every entry point expects the kernel lock to be held; Kernel wraps them in it.
 *
 * Long because: module_do_load's steps, in order and in one file as kern_module.c has them, so
 * the order can be read top to bottom.
 */
import type { Callable, Value } from './machine/memory.ts';
import { int, NULL_PTR, asNumber } from './machine/memory.ts';
import type { ModuleObject } from './object.ts';
import { constant } from './abi.ts';
import { ECRASH, errno, errnoName, KernelError } from './errno.ts';
import { crashMessage, isCrash, stopped } from './crash.ts';
import { fetchModinfo, type ModInfo } from './modinfo.ts';
import { kobjAffix, kobjLoad, kobjUnload, type Kobj } from './kobj.ts';
import type { Kernel } from './kernel.ts';

export type ModSource = 'builtin' | 'boot' | 'filesys';

export interface Module {
  readonly info: ModInfo;
  /** The linked object; null for built-ins, which are part of the kernel image. */
  readonly kobj: Kobj | null;
  readonly source: ModSource;
  /** Dependents plus module_hold() references. */
  refcnt: number;
  readonly required: Module[];
  /** Set when autoloaded: the module_thread may unload it once unused (0: never). */
  autotime: number;
}

export interface LoadOptions {
  /** MODCTL_LOAD_FORCE: load despite a version mismatch. */
  force?: boolean;
  /** Only accept a module of this MODULE_CLASS_* (default MODULE_CLASS_ANY). */
  class?: number;
  /** The prop_dictionary_t handed to INIT (NULL by default). */
  props?: Value;
}

/** const int maxdepth = 6 in module_do_load. */
const MAXDEPTH = 6;

/** Seconds an autoloaded module stays before the unload thread may reap it (module_autotime). */
const AUTOTIME = 10;

export class ModuleManager {
  /** module_list: modules with requisites at the head, others at the tail. */
  readonly list: Module[] = [];
  /** Modules being loaded by the current request, for cycle detection. */
  private readonly pending: Module[] = [];
  private depth = 0;
  /** module_gen: bumped on every load and unload. */
  gen = 0;
  /** kern.module.autoload */
  autoloadEnabled = true;

  constructor(private readonly k: Kernel) {}

  lookup(name: string): Module | undefined {
    return this.list.find((m) => m.info.name === name);
  }

  /** The object of a module loaded or being loaded (its INIT running), by name. */
  objectOf(name: string): ModuleObject | undefined {
    return [...this.list, ...this.pending].find((m) => m.info?.name === name)?.kobj?.object;
  }

  /**
   * module_load: a top-level request (modload). On failure the kernel is left as it was: the
   * requisites this request loaded are unloaded again (NetBSD leaves them to the module_thread,
   * which reaps them ten seconds later; the simulated kernel does not wait).
   */
  load(request: string | ModuleObject, opts: LoadOptions = {}): Module {
    this.k.lock.assertHeld('module_load');
    this.k.authorizeModule('module_load');
    const before = new Set(this.list);
    try {
      return this.doLoad(request, false, opts, false);
    } catch (err) {
      this.reap(this.list.filter((m) => !before.has(m)));
      throw err;
    }
  }

  /**
   * module_autoload: the kernel asks for a module it needs (mount, sys_nomodule). Returns an
   * errno, as the C function does; the reason for a failure goes to the console.
   */
  autoload(name: string, cls: number): number {
    this.k.lock.assertHeld('module_autoload');
    if (!this.autoloadEnabled) return this.refuse('EPERM', `autoload of ${name} refused: kern.module.autoload is 0`);
    if (/[/@.]/.test(name)) return this.refuse('EPERM', `autoload of \`${name}' refused: not a module name`);
    const before = new Set(this.list);
    try {
      this.doLoad(name, false, { class: cls }, true);
      return 0;
    } catch (err) {
      this.reap(this.list.filter((m) => !before.has(m)));
      if (err instanceof KernelError) {
        this.k.printf(`module: autoload of ${name} failed: ${err.message} (${errnoName(err.errno)})`);
        return err.errno;
      }
      throw err;
    }
  }

  /** module_unload */
  unload(name: string): void {
    this.k.lock.assertHeld('module_unload');
    this.k.authorizeModule('module_unload');
    this.doUnload(name);
  }

  /** module_hold: one more reference; ENOENT if not loaded. */
  hold(name: string): void {
    this.k.lock.assertHeld('module_hold');
    const mod = this.lookup(name);
    if (!mod) throw KernelError.of('ENOENT', `module_hold: module ${name} is not loaded`);
    this.addRef(mod, 1);
  }

  /** module_rele: NetBSD panics on a module that is not loaded or not held. */
  rele(name: string): void {
    this.k.lock.assertHeld('module_rele');
    const mod = this.lookup(name);
    if (!mod) throw new KernelError(ECRASH, `panic: module_rele: module ${name} is not loaded`);
    if (mod.refcnt === 0) throw new KernelError(ECRASH, `panic: module_rele: module ${name} is not held`);
    this.addRef(mod, -1);
  }

  /**
   * module_init_class: initialise the built-in modules of a class (MODULE_CLASS_ANY: all), as
   * the kernel does at boot when each subsystem is ready for them. Failures are printed, as at
   * boot, and do not stop the others.
   */
  initClass(cls: number): void {
    const any = constant('MODULE_CLASS_ANY');
    for (const info of this.k.builtins.modinfos()) {
      if (cls !== any && info.class !== cls) continue;
      try {
        this.doBuiltin(info.name, []);
      } catch (err) {
        if (!(err instanceof KernelError)) throw err;
        this.k.printf(`module: built-in ${info.name} failed to initialise: ${err.message} (${errnoName(err.errno)})`);
      }
    }
  }

  /**
   * One pass of the module_thread: every autoloaded module whose modcmd agrees
   * (MODULE_CMD_AUTOUNLOAD answers 0 or ENOTTY) is unloaded if nothing uses it. Dependents sit
   * at the head of the list, so a pass can unload a dependent and then its requisites.
   */
  autounload(): string[] {
    this.k.lock.assertHeld('module_thread');
    const gone: string[] = [];
    for (const mod of [...this.list]) {
      if (mod.autotime === 0 || !this.list.includes(mod)) continue;
      mod.autotime = 0;
      let err: number;
      try {
        err = this.modcmd(mod, 'MODULE_CMD_AUTOUNLOAD', NULL_PTR);
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
        this.k.printf(`module: ${mod.info.name} stays loaded: ${e.message}`);
        continue;
      }
      if (err !== 0 && err !== errno('ENOTTY')) continue;
      try {
        this.doUnload(mod.info.name);
        gone.push(mod.info.name);
      } catch (e) {
        if (!(e instanceof KernelError)) throw e;
      }
    }
    return gone;
  }

  // ---- module_do_load ------------------------------------------------------------------------

  private doLoad(request: string | ModuleObject, isdep: boolean, opts: LoadOptions, autoload: boolean): Module {
    const name = typeof request === 'string' ? request : null;
    if (++this.depth > MAXDEPTH) {
      this.depth--;
      throw KernelError.of('EMLINK', `too many required modules: ${this.chain(name ?? '?')} is deeper than ${MAXDEPTH}`);
    }
    try {
      if (isdep && name !== null) {
        const loaded = this.lookup(name);
        if (loaded) return loaded;
      }
      const ko = kobjLoad(this.open(request));
      const mod: Module = { info: undefined!, kobj: ko, source: 'filesys', refcnt: 0, required: [], autotime: 0 };
      this.pending.push(mod);
      try {
        this.checkInfo(mod, fetchModinfo(ko), name, isdep, opts);
        this.loadRequired(mod, opts);
        this.affix(mod);
        this.init(mod, opts.props ?? NULL_PTR);
        this.enqueue(mod);
        if (autoload) mod.autotime = this.k.time + AUTOTIME;
        return mod;
      } catch (err) {
        if (ko.name !== null) kobjUnload(ko, this.k.ksyms);
        throw err;
      } finally {
        this.pending.splice(this.pending.indexOf(mod), 1);
      }
    } finally {
      this.depth--;
    }
  }

  /** kobj_load_file: find the object. */
  private open(request: string | ModuleObject): ModuleObject {
    if (typeof request !== 'string') return request;
    let object: ModuleObject | undefined;
    try {
      object = this.k.source.open(request);
    } catch (err) {
      // A module that does not compile is an object the kernel cannot read.
      if (isUnreadable(err)) throw KernelError.of('ENOEXEC', `${request}: ${(err as Error).message}`);
      throw err;
    }
    if (!object) throw KernelError.of('ENOENT', `module ${request} not found: ${this.k.source.describe(request)}`);
    return object;
  }

  /** Steps 7–12: the modinfo record against the request and the loaded modules. */
  private checkInfo(mod: Module, info: ModInfo, name: string | null, isdep: boolean, opts: LoadOptions): void {
    (mod as { info: ModInfo }).info = info;
    const where = mod.kobj!.object.origin;
    const maxname = constant('MAXMODNAME');
    if (info.name.length >= maxname) {
      throw KernelError.of('EINVAL', `${where}: module name \`${info.name}' is ${info.name.length} characters; the limit is ${maxname - 1}`);
    }
    if (!info.modcmd) throw KernelError.of('ENOEXEC', `${where}: modinfo of ${info.name} has no modcmd function`);
    const kernelVersion = this.k.version;
    if (!compatible(info.version, kernelVersion)) {
      if (!opts.force) {
        throw KernelError.of(
          'EPROGMISMATCH',
          `${info.name}: built for NetBSD version ${info.version}, the kernel is ${kernelVersion} (force the load to override)`,
        );
      }
      this.k.printf(`module: ${info.name}: forced load, system may be unstable`);
    }
    const cls = opts.class ?? constant('MODULE_CLASS_ANY');
    if (cls !== constant('MODULE_CLASS_ANY') && cls !== info.class) {
      throw KernelError.of('ENOENT', `${info.name}: module of class ${className(info.class)}, not ${className(cls)}`);
    }
    if (isdep && name !== null && info.name !== name) {
      throw KernelError.of('ENOENT', `dependency name mismatch: ${where} was found for \`${name}' but its modinfo names \`${info.name}'`);
    }
    if (this.lookup(info.name)) throw KernelError.of('EEXIST', `module ${info.name} is already loaded`);
    if (this.pending.some((p) => p !== mod && p.info?.name === info.name)) {
      throw KernelError.of('EDEADLK', `circular dependency: ${this.chain(info.name)}`);
    }
  }

  /** Step 13: parse mi_required and load each requisite first. */
  private loadRequired(mod: Module, opts: LoadOptions): void {
    const maxname = constant('MAXMODNAME');
    const maxdeps = constant('MAXMODDEPS');
    for (const item of parseRequired(mod.info.required)) {
      if (item.length >= maxname) {
        throw KernelError.of('EINVAL', `${mod.info.name}: required module name \`${item}' is too long`);
      }
      if (mod.required.length >= maxdeps - 1) {
        throw KernelError.of('EINVAL', `${mod.info.name}: too many required modules (at most ${maxdeps - 1})`);
      }
      if (item === mod.info.name) throw KernelError.of('EDEADLK', `${mod.info.name}: self-dependency in its required list`);
      mod.required.push(this.doLoad(item, true, { force: opts.force }, true));
    }
  }

  /** Step 14: stage 2, restricted to the kernel and the requisites. */
  private affix(mod: Module): void {
    kobjAffix(mod.kobj!, mod.info.name, {
      ksyms: this.k.ksyms,
      requisites: mod.required.map((r) => r.info.name),
      tree: (symbol) => this.k.treeSymbol(symbol, mod.info.name),
      treeDefinition: (symbol) => this.k.treeDefinition(symbol),
    });
  }

  /** Step 15: modcmd(MODULE_CMD_INIT, props). */
  private init(mod: Module, props: Value): void {
    const err = this.modcmd(mod, 'MODULE_CMD_INIT', props);
    if (err !== 0) {
      throw new KernelError(err, `${mod.info.name}: modcmd(MODULE_CMD_INIT) failed: ${errnoName(err)}`);
    }
  }

  /** Step 16: module_enqueue. */
  private enqueue(mod: Module): void {
    if (mod.required.length) this.list.unshift(mod);
    else this.list.push(mod);
    for (const r of mod.required) r.refcnt++;
    this.gen++;
    this.k.journal.record(() => {
      this.list.splice(this.list.indexOf(mod), 1);
      for (const r of mod.required) r.refcnt--;
      if (mod.kobj) kobjUnload(mod.kobj, this.k.ksyms);
    });
  }

  // ---- module_do_unload ----------------------------------------------------------------------

  private doUnload(name: string): void {
    const mod = this.lookup(name);
    if (!mod) throw KernelError.of('ENOENT', `module ${name} is not loaded`);
    if (mod.refcnt !== 0) {
      const users = this.list.filter((m) => m.required.includes(mod)).map((m) => m.info.name);
      const held = mod.refcnt - users.length;
      const why = [users.length ? `required by ${users.join(', ')}` : '', held > 0 ? `held ${held} time(s)` : '']
        .filter(Boolean)
        .join(', ');
      throw KernelError.of('EBUSY', `module ${name} is in use (${why})`);
    }
    if (mod.source === 'builtin') throw KernelError.of('EBUSY', `module ${name} is built into the kernel`);
    if (this.k.activeModule === name) throw KernelError.of('EBUSY', `module ${name} cannot unload itself`);
    const err = this.modcmd(mod, 'MODULE_CMD_FINI', NULL_PTR);
    if (err !== 0) throw new KernelError(err, `${name}: modcmd(MODULE_CMD_FINI) failed: ${errnoName(err)}; the module stays loaded`);
    const at = this.list.indexOf(mod);
    this.list.splice(at, 1);
    for (const r of mod.required) r.refcnt--;
    if (mod.kobj) kobjUnload(mod.kobj, this.k.ksyms);
    this.gen++;
    this.k.journal.record(() => {
      this.list.splice(at, 0, mod);
      for (const r of mod.required) r.refcnt++;
      if (mod.kobj) {
        this.k.ksyms.register(mod.info.name, mod.kobj.image.globals());
        mod.kobj.name = mod.info.name;
      }
    });
  }

  /** Unload modules a failed request brought in, dependents first; what refuses stays. */
  private reap(mods: Module[]): void {
    for (const m of mods) {
      try {
        this.doUnload(m.info.name);
      } catch (err) {
        if (!(err instanceof KernelError)) throw err;
        this.k.printf(`module: ${m.info.name} stays loaded: ${err.message}`);
      }
    }
  }

  // ---- built-ins -----------------------------------------------------------------------------

  /** module_do_builtin: requisites are resolved among the built-ins only. */
  private doBuiltin(name: string, chain: string[]): Module {
    const loaded = this.lookup(name);
    if (loaded) return loaded;
    const info = this.k.builtins.modinfos().find((i) => i.name === name);
    if (!info) throw KernelError.of('ENOENT', `built-in module ${name} not found in the kernel's link set`);
    if (chain.includes(name)) throw KernelError.of('EDEADLK', `circular dependency among built-ins: ${[...chain, name].join(' -> ')}`);
    const mod: Module = { info, kobj: null, source: 'builtin', refcnt: 0, required: [], autotime: 0 };
    const maxdeps = constant('MAXMODDEPS');
    for (const item of parseRequired(info.required)) {
      if (mod.required.length >= maxdeps - 1) throw KernelError.of('EINVAL', `${name}: too many required modules`);
      mod.required.push(this.doBuiltin(item, [...chain, name]));
    }
    this.init(mod, NULL_PTR);
    this.enqueue(mod);
    return mod;
  }

  // ---- helpers -------------------------------------------------------------------------------

  /**
   * Call the module's modcmd with module_active set. A crash rolls back what the call did and
   * becomes an ECRASH error naming file:line.
   */
  private modcmd(mod: Module, cmd: string, arg: Value): number {
    const fn = mod.info.modcmd as Callable;
    try {
      const r = this.k.journal.atomic(() =>
        this.k.runAs(mod.info.name, () => fn.invoke([int(constant(cmd)), arg])),
      );
      return asNumber(r);
    } catch (err) {
      if (isCrash(err)) throw new KernelError(ECRASH, `${mod.info.name}: ${cmd} ${stopped(err)}: ${crashMessage(err)}${this.k.standInNote(crashMessage(err))}`);
      throw err;
    }
  }

  private addRef(mod: Module, delta: number): void {
    mod.refcnt += delta;
    this.k.journal.record(() => (mod.refcnt -= delta));
  }

  private refuse(name: 'EPERM', message: string): number {
    this.k.printf(`module: ${message}`);
    return errno(name);
  }

  /** The request chain for messages: a -> b -> c. */
  private chain(last: string): string {
    return [...this.pending.map((p) => p.info?.name ?? '?'), last].join(' -> ');
  }
}

/** A compile error (or an unreadable module directory), as opposed to a bug in lkm2mod. */
function isUnreadable(err: unknown): boolean {
  return err instanceof Error && !(err instanceof KernelError) && !(err instanceof TypeError) && !(err instanceof RangeError) && !(err instanceof ReferenceError);
}

/** mi_required: comma-separated; an empty item ends the list, as in module_do_load. */
export function parseRequired(required: string | null): string[] {
  const out: string[] = [];
  for (const item of (required ?? '').split(',')) {
    const name = item.trim();
    if (!name) break;
    out.push(name);
  }
  return out;
}

/**
 * module_compatible: on -current (minor 99) versions must match exactly; on a release, the
 * same major.minor.
 */
export function compatible(v1: number, v2: number): boolean {
  if (Math.floor(v2 / 1000000) % 100 === 99) return v1 === v2;
  return Math.abs(v1 - v2) < 10000;
}

const CLASS_NAMES = ['ANY', 'MISC', 'VFS', 'DRIVER', 'EXEC', 'SECMODEL'];

/** modstat(8)'s class column: `vfs` for MODULE_CLASS_VFS. */
export function className(cls: number): string {
  for (const n of CLASS_NAMES) {
    let v: number | undefined;
    try {
      v = constant(`MODULE_CLASS_${n}`);
    } catch {
      continue;
    }
    if (v === cls) return n.toLowerCase();
  }
  return String(cls);
}

/** MODULE_CLASS_* value for a name as modstat prints it (`vfs`), for the CLI. */
export function classByName(name: string): number {
  return constant(`MODULE_CLASS_${name.toUpperCase()}`);
}
