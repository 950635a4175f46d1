/**
 * A simulated NetBSD kernel: its symbol table, its subsystems' tables, the module manager and
 * the old LKM loader, booted fresh for each use. The async methods are the way in from outside:
 * each runs under the kernel lock, in arrival order, and reports NetBSD's errno with a message.
 *
 * Long because: this class is the kernel's one face to the outside (load, unload, syscall, mount,
 * call, modstat, the tree's symbols); the work itself is in module.ts, lkm/ and subsys/.
 */
import { type Callable, type Value, asNumber, field, int, load, NULL_PTR, pointerTo, readField, ScalarCell, type StructCell, ZERO } from './machine/memory.ts';
import type { ModuleObject, SymbolValue } from './object.ts';
import { KernelLock } from './lock.ts';
import { Journal } from './journal.ts';
import { CallLog, type CallRecord } from './calls.ts';
import { type FaultPoint, Faults } from './faults.ts';
import { KERNEL, Ksyms } from './ksyms.ts';
import { NO_MODULES, type ModuleSource } from './source.ts';
import { type LoadOptions, ModuleManager, className } from './module.ts';
import { ECRASH, errnoName, KernelError } from './errno.ts';
import { crashMessage, isCrash } from './crash.ts';
import { constant, newStruct } from './abi.ts';
import { bootData, type KernelData } from './kdata.ts';
import { Builtins } from './builtin.ts';
import { Lwp } from './proc.ts';
import { SyscallTable, type SyscallEra } from './subsys/syscall.ts';
import { declareModularSyscalls, type ModularSyscall } from './subsys/syscall-autoload.ts';
import { VfsList } from './subsys/vfs.ts';
import { type NameiFlags, RootFs } from './subsys/rootfs.ts';
import { Devsw } from './subsys/devsw.ts';
import { ExecSwitch } from './subsys/exec.ts';
import { Emulations } from './subsys/emul.ts';
import { Autoconf } from './subsys/autoconf.ts';
import { SysctlTree } from './subsys/sysctl.ts';
import { KernelMemory } from './subsys/kmem.ts';
import { SyncObjects } from './subsys/sync.ts';
import { KernelFunction } from './kfuncs/callable.ts';
import { kernelFunctionSpecs, neutralSyscall } from './kfuncs/index.ts';
import { LkmLoader, type LkmLoadOptions } from './lkm/loader.ts';
import { type TreeSymbols, UnmodelledCalls } from './unmodelled.ts';
import { BlockCell } from './machine/block.ts';
import { type DevswConf, linkDevswConf } from './devsw-conf.ts';
import { fillProcessStandIn, PROCESS_VARIABLES } from './modload-proc.ts';

/** Room a stand-in for a tree variable has: an array of the type it is used as fits in it. */
const TREE_OBJECT_BYTES = 4096;

/**
 * Kernel tunables a stand-in cannot leave at zero: code sizes tables by them (hashinit of
 * desiredvnodes / 4 panics at 0). Values of a GENERIC i386 kernel of the era (maxusers 32).
 */
const TUNABLES: Record<string, number> = { desiredvnodes: 1086, maxproc: 532, maxfiles: 1772, hz: 100, tick: 10000, nmbclusters: 1024 };

/** What the stand-in for the tree's variable `name` holds, when treeSymbol() fills it with more than zeros. */
function standInHolds(name: string): string | undefined {
  if (PROCESS_VARIABLES.has(name)) return "modload's process, root's credentials";
  const n = TUNABLES[name];
  return n === undefined ? undefined : String(n);
}

export interface KernelOptions {
  /**
   * Which NetBSD the kernel models where the two differ: 'module' (default) is the module(9)
   * world, where the loadable syscall slots 210–219 hold sys_nomodule; 'lkm' is NetBSD 4/5,
   * where they hold sys_lkmnosys for modload(8) to allocate.
   */
  era?: SyscallEra;
  /** Where module_load and autoload find modules by name. */
  source?: ModuleSource;
  /** Initialise the kernel's built-in modules at boot (default true). */
  builtins?: boolean;
  /** kern.module.autoload (default true). */
  autoload?: boolean;
  /** Slots syscalls.master marks `MODULAR <module>`: sys_nomodule at boot, autoloading the module. */
  modularSyscalls?: readonly ModularSyscall[];
  /** The kernel's memory in bytes (default 64 MB): allocations beyond it fail as NetBSD's do. */
  memory?: number;
  /**
   * Symbols the sources of the kernel tree being validated define: a function the model lacks
   * but the tree has links to an unmodelled stand-in instead of failing the load.
   */
  treeSymbols?: TreeSymbols;
  /**
   * __NetBSD_Version__ of the kernel (default: the bundled headers'): a tree's modules are built
   * for its release, and module_load compares mi_version with the kernel's.
   */
  version?: number;
  /**
   * LKM_VERSION of this kernel's LKM loader (default: the bundled headers'): the value the loader
   * passes an entry as `ver` and checks a descriptor against. A tree's LKMs are built against its
   * own sys/lkm.h (NetBSD 1.4's is 1, 4.0's is 2), and DISPATCH refuses any other.
   */
  lkmVersion?: number;
  /**
   * Built-in modules the kernel is configured without: a tree that builds ffs as a module is
   * validated in a kernel whose configuration leaves file-system ffs out, as its users' would.
   */
  omitBuiltins?: readonly string[];
  /**
   * The tree's device switch configuration (its port's conf.c, compiled: devsw-conf.ts): a
   * NetBSD 1.x kernel's bdevsw[]/cdevsw[] are arrays of whole switches that conf.c defines, and
   * this kernel's are then those, with the tree's size and entries.
   */
  devswConf?: ModuleObject;
  /**
   * namei's operations and flags as the tree's sys/namei.h defines them (default: the bundled
   * headers'): modules fill in their nameidata with their own header's values.
   */
  nameiFlags?: NameiFlags;
}

/** What every outside request answers: NetBSD's errno (0 for success) and why. */
export interface KernelResult {
  error: number;
  /** `EEXIST`, or `0`. */
  errno: string;
  message: string;
}

export interface ModStat {
  name: string;
  class: string;
  source: 'builtin' | 'boot' | 'filesys';
  refcnt: number;
  size: number;
  required: string[];
}

export class Kernel {
  readonly lock = new KernelLock();
  readonly journal = new Journal();
  readonly calls = new CallLog();
  readonly faults = new Faults();
  /** Calls into functions the kernel only knows by name, per calling module. */
  readonly unmodelled = new UnmodelledCalls();
  readonly ksyms = new Ksyms(this.lock, this.journal);
  /** The console: printf, log and the kernel's own messages, one line each. */
  readonly console: string[] = [];
  source: ModuleSource;
  readonly era: SyscallEra;
  /** __NetBSD_Version__ of this kernel. */
  readonly version: number;
  /** LKM_VERSION of this kernel's LKM loader. */
  readonly lkmVersion: number;

  readonly modules: ModuleManager;
  readonly lkm: LkmLoader;
  readonly builtins: Builtins;
  readonly data: KernelData;
  readonly syscalls: SyscallTable;
  readonly vfs: VfsList;
  /** The root file system: `/` and `/dev`, where namei looks names up. */
  readonly rootfs: RootFs;
  readonly devsw: Devsw;
  readonly exec: ExecSwitch;
  readonly emuls: Emulations;
  readonly autoconf: Autoconf;
  readonly sysctl: SysctlTree;
  readonly kmem: KernelMemory;
  readonly sync: SyncObjects;
  readonly lwps: Lwp[] = [];
  readonly procs: StructCell[] = [];
  /** The vnode operation vector layout (vfs_op_descs). */
  get vops(): { count: number; defaultOffset: number } {
    return this.data.vops;
  }
  /** lwp0 of proc0: the context syscalls and module calls run in. */
  readonly lwp0: Lwp;
  /** time_second */
  time = 1_234_567_890;
  /** Signals posted (sys_nosys posts SIGSYS), in order. */
  readonly signals: { pid: number; signal: string }[] = [];
  /** Objects of the kernel's own built-in code (ffs_vfsops …), by symbol name. */
  readonly objects = new Map<string, StructCell>();

  private readonly functions = new Map<string, KernelFunction>();
  private readonly treeFunctions = new Map<string, KernelFunction>();
  private readonly treeObjects = new Map<string, BlockCell>();
  private readonly treeSymbols: TreeSymbols | undefined;
  private readonly stubs = new Map<string, Callable>();
  private readonly running: string[] = [];

  private constructor(opts: KernelOptions) {
    this.era = opts.era ?? 'module';
    this.source = opts.source ?? NO_MODULES;
    this.treeSymbols = opts.treeSymbols;
    this.version = opts.version ?? constant('__NetBSD_Version__');
    this.lkmVersion = opts.lkmVersion ?? constant('LKM_VERSION');
    for (const spec of kernelFunctionSpecs()) this.functions.set(spec.name, new KernelFunction(this, spec));
    this.data = bootData();
    this.kmem = new KernelMemory(this, opts.memory);
    this.sync = new SyncObjects(this);
    this.sysctl = new SysctlTree(this);
    this.emuls = new Emulations(this);
    this.exec = new ExecSwitch(this);
    this.vfs = new VfsList(this);
    this.rootfs = new RootFs(this, opts.nameiFlags);
    const conf = opts.devswConf ? this.linkConf(opts.devswConf) : null;
    this.devsw = new Devsw(this, conf?.bdevsw ?? this.data.bdevsw0, conf?.cdevsw ?? this.data.cdevsw0);
    this.autoconf = new Autoconf(this);
    this.syscalls = new SyscallTable(this, this.data.sysent, this.data.syscallNumbers, this.era);
    if (opts.modularSyscalls) declareModularSyscalls(this.syscalls, opts.modularSyscalls);
    this.lwp0 = new Lwp(this.data.lwp0, this.data.proc0);
    this.lwps.push(this.lwp0);
    this.procs.push(this.data.proc0);
    this.modules = new ModuleManager(this);
    this.modules.autoloadEnabled = opts.autoload ?? true;
    this.lkm = new LkmLoader(this);
    this.builtins = new Builtins(this, new Set(opts.omitBuiltins ?? []));

    for (const cell of this.data.watched) this.journal.watch(cell);
    const table = new Map<string, SymbolValue>();
    for (const [name, f] of this.functions) table.set(name, { fn: f });
    for (const [name, cell] of this.data.symbols) table.set(name, { cell });
    if (conf) {
      // conf.c's tables replace the pointer-shaped ones: a 1.x kernel has no cdevsw0[] or sys_cdevsws.
      for (const name of ['bdevsw0', 'cdevsw0', 'sys_bdevsws', 'sys_cdevsws', 'max_bdevsws', 'max_cdevsws']) table.delete(name);
      for (const [name, v] of conf.globals) table.set(name, v);
      this.journal.watch(conf.bdevsw);
      this.journal.watch(conf.cdevsw);
    }
    this.ksyms.register(KERNEL, table);

    this.emuls.register(this.data.emulNetbsd, true);
    this.sysctl.boot();
    if (opts.builtins ?? true) {
      // module_init_class at the points NetBSD's main() reaches them.
      this.lock.enterSync('boot', () => {
        for (const cls of ['MODULE_CLASS_SECMODEL', 'MODULE_CLASS_VFS', 'MODULE_CLASS_DRIVER', 'MODULE_CLASS_ANY']) {
          this.modules.initClass(constant(cls));
        }
      });
    }
    this.calls.clear();
  }

  static boot(opts: KernelOptions = {}): Kernel {
    return new Kernel(opts);
  }

  // ---- module code context -------------------------------------------------------------------

  /** The module whose code is running (module_active), null for the kernel's own. */
  get activeModule(): string | null {
    return this.running.length ? this.running[this.running.length - 1]! : null;
  }

  /** Run module code attributed to `module` (calls it makes are logged as its). */
  runAs<T>(module: string, fn: () => T): T {
    this.running.push(module);
    try {
      return fn();
    } finally {
      this.running.pop();
    }
  }

  /**
   * Where a recorded run could have failed: each call (in `records`, usually
   * `calls.since(mark)` around one load) that NetBSD lets fail, with the errnos it may return and
   * its position among the calls to that function — what `faults.failNth(fn, nth, errno)` takes
   * to make a replay fail exactly there.
   */
  faultPoints(records: readonly CallRecord[]): FaultPoint[] {
    const seen = new Map<string, number>();
    const out: FaultPoint[] = [];
    for (const r of records) {
      const nth = (seen.get(r.name) ?? 0) + 1;
      seen.set(r.name, nth);
      const f = this.functions.get(r.name);
      const errnos = f && !r.injected ? f.failures(r.args) : [];
      if (errnos.length) out.push({ fn: r.name, nth, errnos: errnos.map((e) => constant(e)), caller: r.caller });
    }
    return out;
  }

  /** A kernel function by name; the kernel's own tables reach the same Callables modules do. */
  kfunc(name: string): KernelFunction {
    const f = this.functions.get(name);
    if (!f) throw new Error(`the kernel has no function ${name}`);
    return f;
  }

  /** Where the tree's sources define `name` outside the modules (file:line), without linking anything to it. */
  treeDefinition(name: string): string | undefined {
    const t = this.treeSymbols?.(name);
    return t ? `${t.file}:${t.line}` : undefined;
  }

  /**
   * A symbol the linker did not find, looked up in the tree's sources: a function there gets a
   * stand-in that returns 0 (NULL) and counts as unmodelled; a variable there cannot be stood in
   * for (its type and contents are the tree's), and the reason says where it is.
   */
  treeSymbol(name: string, module?: string): SymbolValue | string | undefined {
    const known = this.treeFunctions.get(name);
    if (known) return { fn: known };
    const t = this.treeSymbols?.(name);
    if (!t) return undefined;
    const where = `${t.file}:${t.line}`;
    if (t.kind === 'object') {
      // Zero-filled, typed by the module's first use, kept for the kernel's life as the variable would be.
      let cell = this.treeObjects.get(name);
      if (!cell) {
        this.treeObjects.set(name, (cell = new BlockCell(TREE_OBJECT_BYTES, true)));
        if (PROCESS_VARIABLES.has(name)) cell.populate = fillProcessStandIn;
        const n = TUNABLES[name];
        if (n !== undefined) for (let i = 0; i < 4; i++) cell.writeByte(i, int((n >> (8 * i)) & 0xff));
      }
      if (module) this.unmodelled.linked(module, name, where, standInHolds(name));
      return { cell };
    }
    const f = new KernelFunction(this, { name, returns: 'value', call: () => ZERO, unmodelled: where });
    this.treeFunctions.set(name, f);
    return { fn: f };
  }

  /**
   * Link the tree's conf.c against this kernel: its device switches become the kernel's (their
   * symbols, for naming, among the kernel's data). Null when it defines no struct-shaped tables.
   */
  private linkConf(object: ModuleObject): DevswConf | null {
    const conf = linkDevswConf(
      object,
      (name) => {
        const f = this.functions.get(name);
        if (f) return { fn: f };
        const cell = this.data.symbols.get(name);
        if (cell) return { cell };
        const t = this.treeSymbol(name);
        return typeof t === 'object' ? t : undefined;
      },
      // config(8) gave a driver the kernel lacks a count of 0, and dev_init() made its entries enxio.
      () => ({ fn: this.kfunc('enxio') }),
    );
    if (!conf) return null;
    for (const [name, v] of conf.globals) if ('cell' in v) this.data.symbols.set(name, v.cell);
    return conf;
  }

  /**
   * A crash that may be the simulation's rather than the module's: a NULL read through a
   * variable of the tree's kernel that only has a zero-filled stand-in here (a machine's boot
   * code sets up current_mac_model; this kernel does not). Empty for any other crash.
   */
  standInNote(message: string): string {
    const m = /null pointer dereference reading (\w+)->/.exec(message);
    const where = m && this.treeObjects.has(m[1]!) ? this.treeDefinition(m[1]!) : undefined;
    return where
      ? ` (${m![1]} is the simulated kernel's zero-filled stand-in for the tree's variable at ${where}: the kernel the module was written for sets it up, this one does not model it)`
      : '';
  }

  hasFunction(name: string): boolean {
    return this.functions.has(name);
  }

  /** The handler of an ordinary syscall (sys_read …): the kernel's own, or a neutral model. */
  syscallStub(name: string): Callable {
    const f = this.functions.get(`sys_${name}`);
    if (f) return f;
    let s = this.stubs.get(name);
    if (!s) this.stubs.set(name, (s = new KernelFunction(this, neutralSyscall(`sys_${name}`))));
    return s;
  }

  /** The kernel's own bdevsw/cdevsw for a built-in device. */
  builtinDevsw(tag: 'bdevsw' | 'cdevsw', name: string): StructCell {
    return this.builtinObject(`${name}_${tag}`, () => this.data.builtinDevsw(tag, name, this));
  }

  /** A built-in module's static object, created once per kernel. */
  builtinObject(name: string, make: () => StructCell): StructCell {
    let o = this.objects.get(name);
    if (!o) this.objects.set(name, (o = make()));
    return o;
  }

  /**
   * A new process with one LWP, running native NetBSD binaries. Tests and validation use it to
   * make state busy: an LWP inside a syscall, a process exec'd through a format.
   */
  spawn(): Lwp {
    const proc = newStruct('proc');
    const lwp = newStruct('lwp');
    (field(proc, 'p_pid') as ScalarCell).value = int(this.procs.length);
    (field(proc, 'p_emul') as ScalarCell).value = pointerTo(this.data.emulNetbsd);
    (field(lwp, 'l_proc') as ScalarCell).value = pointerTo(proc);
    const l = new Lwp(lwp, proc);
    this.procs.push(proc);
    this.lwps.push(l);
    return l;
  }

  /** The securelevel variable, as the kernel (and modules) see it. */
  get securelevel(): number {
    const v = this.data.symbols.get('securelevel');
    return v instanceof ScalarCell ? asNumber(v.value) : 0;
  }

  /**
   * kauth(9)'s KAUTH_SYSTEM_MODULE under secmodel_securelevel: at securelevel 1 and above
   * nobody loads or unloads code. Autoloads the kernel asks for itself are let through, as
   * later kernels' listener does.
   */
  authorizeModule(what: string): void {
    if (this.securelevel > 0) throw KernelError.of('EPERM', `${what}: not permitted at securelevel ${this.securelevel}`);
  }

  /** psignal(p, sig) */
  signal(lwp: StructCell | null, sig: string): void {
    const l = this.lwps.find((x) => x.cell === lwp) ?? this.lwp0;
    const pid = asNumber(readField(l.proc, 'p_pid'));
    this.signals.push({ pid, signal: sig });
  }

  printf(line: string): void {
    for (const l of line.replace(/\n$/, '').split('\n')) this.console.push(l);
  }

  // ---- requests from outside -----------------------------------------------------------------

  /** Run `fn` holding the kernel lock: a scenario no other request may interleave with. */
  withLock<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.lock.run(fn);
  }

  /** modload: load a module by name (from the module source) or an object handed over. */
  load(request: string | ModuleObject, opts: LoadOptions = {}): Promise<KernelResult> {
    return this.request(() => {
      this.modules.load(request, opts);
    });
  }

  /** modunload */
  unload(name: string): Promise<KernelResult> {
    return this.request(() => this.modules.unload(name));
  }

  hold(name: string): Promise<KernelResult> {
    return this.request(() => this.modules.hold(name));
  }

  rele(name: string): Promise<KernelResult> {
    return this.request(() => this.modules.rele(name));
  }

  /** module_autoload, as mount(2) or sys_nomodule would ask for it. */
  autoload(name: string, cls = 'any'): Promise<KernelResult> {
    return this.request(() => {
      const err = this.modules.autoload(name, constant(`MODULE_CLASS_${cls.toUpperCase()}`));
      if (err) throw new KernelError(err, this.console.at(-1) ?? `autoload of ${name} failed`);
    });
  }

  /** One pass of the auto-unload thread; the names it unloaded. */
  autounload(): Promise<string[]> {
    return this.lock.run(() => this.lock.owned(() => this.modules.autounload()));
  }

  /** modload(8) of an LKM: reserve, load, call its entry with LKM_E_LOAD. */
  lkmLoad(object: ModuleObject, opts: LkmLoadOptions = {}): Promise<KernelResult> {
    return this.request(() => {
      this.lkm.load(object, opts);
    });
  }

  /** modunload(8) of an LKM, by name or id. */
  lkmUnload(which: string | number): Promise<KernelResult> {
    return this.request(() => this.lkm.unload(which));
  }

  /** LMSTAT: call the LKM's entry with LKM_E_STAT. */
  lkmStat(which: string | number): Promise<KernelResult> {
    return this.request(() => {
      this.lkm.stat(which);
    });
  }

  /**
   * A process makes syscall `code` (lwp0 unless another is given): the handler runs through
   * sy_call(), so sys_nomodule may autoload and restart it.
   */
  syscall(code: number, uap: Value = NULL_PTR, lwp: Lwp = this.lwp0): Promise<{ error: number; retval: number; message?: string }> {
    return Promise.resolve().then(() => {
      const rval = this.data.newRetval();
      try {
        const error = this.journal.atomic(() => this.syscalls.call(lwp.cell, code, uap, pointerTo(rval, 0)), isCrash);
        return { error, retval: asNumber(load(rval.items[0]!)) };
      } catch (err) {
        if (isCrash(err)) return { error: ECRASH, retval: 0, message: crashMessage(err) };
        throw err;
      }
    });
  }

  /**
   * Call a function the way the kernel would run it for a process: a global by name (from
   * ksyms) or any Callable, attributed to the module that defines it, under the kernel lock. A
   * result of ERESTART calls it again, as the syscall return path restarts a call (that is how a
   * compat handler reaching an optional syscall through sys_nomodule ends up in the autoloaded
   * module). Module code that crashes is rolled back and reported as ECRASH.
   */
  call(fn: string | Callable, args: Value[] = []): Promise<{ value: Value; error: number; errno: string; message: string }> {
    return this.lock.run(() =>
      this.lock.owned(() => {
        const callee = typeof fn === 'string' ? this.functionNamed(fn) : fn;
        const ERESTART = constant('ERESTART');
        try {
          for (let attempt = 0; ; attempt++) {
            const run = (): Value => (callee.provider === KERNEL ? callee.invoke(args) : this.runAs(callee.provider, () => callee.invoke(args)));
            const value = this.journal.atomic(run, isCrash);
            if (value.k !== 'int' || value.n !== ERESTART || attempt >= 8) return { value, error: 0, errno: '0', message: '' };
          }
        } catch (err) {
          if (isCrash(err)) return { value: { k: 'int', n: 0 }, error: ECRASH, errno: errnoName(ECRASH), message: crashMessage(err) };
          throw err;
        }
      }),
    );
  }

  private functionNamed(name: string): Callable {
    const v = this.ksyms.lookup(name)?.value;
    if (!v || !('fn' in v)) throw new Error(`no function ${name} in ksyms`);
    return v.fn;
  }

  /** mount -t fstype: reference a file system type, autoloading its module when unknown. */
  mount(fstype: string): Promise<KernelResult> {
    return this.request(() => {
      const err = this.vfs.mount(fstype);
      if (err) throw new KernelError(err, `mount: file system type ${fstype} is not available`);
    });
  }

  unmount(fstype: string): Promise<KernelResult> {
    return this.request(() => {
      const err = this.vfs.unmount(fstype);
      if (err) throw new KernelError(err, `unmount: no mounted ${fstype} file system`);
    });
  }

  /** modstat(8): every loaded module, sorted by name. */
  modstat(): ModStat[] {
    return this.modules.list
      .map((m) => ({
        name: m.info.name,
        class: className(m.info.class),
        source: m.source,
        refcnt: m.refcnt,
        size: m.kobj?.object.size ?? 0,
        required: m.required.map((r) => r.info.name),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /**
   * Run a request under the lock. A KernelError is the request failing; a crash that escaped
   * the module manager's own handling is rolled back and reported the same way.
   */
  private request(fn: () => void): Promise<KernelResult> {
    return this.lock.run(() =>
      this.lock.owned(() => {
        try {
          // Module code runs in checkpointed sections of its own (modcmd, the LKM entry).
          this.journal.atomic(fn, isCrash, { checkpoint: false });
          return { error: 0, errno: '0', message: '' };
        } catch (err) {
          if (err instanceof KernelError) return result(err.errno, err.message);
          if (isCrash(err)) return result(ECRASH, crashMessage(err));
          throw err;
        }
      }),
    );
  }
}

function result(error: number, message: string): KernelResult {
  return { error, errno: errnoName(error), message };
}

export { KernelError };
