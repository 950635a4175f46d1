/**
 * Module objects made by hand for the kernel's tests: the modinfo record, data in kernel cells
 * and functions in TypeScript, behind the same ModuleObject/ModuleImage contract the compiler
 * produces. They let a test drive every path of the loader exactly — a modcmd that fails after
 * an attach, a symbol nobody defines, a crash at a given line — without writing C for it.
 */
import {
  ArrayCell,
  type Callable,
  type Cell,
  cString,
  field,
  int,
  NULL_PTR,
  pointerTo,
  ScalarCell,
  type StructCell,
  type Value,
  asNumber,
} from '../src/kernel/machine/memory.ts';
import type { ModuleImage, ModuleObject, ObjectSymbol, Relocation, SectionName, SymbolValue } from '../src/kernel/object.ts';
import { constant, newStruct, structType } from '../src/kernel/abi.ts';

/** What a hand-made module's code sees: its resolved externals and its own symbols. */
export interface ModuleContext {
  /** Call an external function (a kernel function, or a requisite's). */
  call(name: string, ...args: Value[]): number;
  callValue(name: string, ...args: Value[]): Value;
  /** An external object's cell. */
  cell(name: string): Cell;
  /** One of the module's own symbols. */
  own(name: string): Cell;
  ownFn(name: string): Callable;
}

export interface FakeModuleSpec {
  name: string;
  /** MODULE_CLASS_* name (default MODULE_CLASS_MISC). */
  class?: string;
  required?: string | null;
  version?: number;
  /** The name in modinfo when it differs from the file name. */
  infoName?: string;
  /** INIT, FINI … as TypeScript: return an errno. */
  modcmd?: (cmd: 'INIT' | 'FINI' | 'STAT' | 'AUTOUNLOAD', ctx: ModuleContext) => number;
  /** Undefined symbols the module references (functions or objects). */
  uses?: string[];
  /** Global data, built when an image is instantiated. */
  data?: Record<string, (ctx: ModuleContext) => Cell>;
  /** Global functions. */
  functions?: Record<string, (args: Value[], ctx: ModuleContext) => Value>;
  /** Static (local) symbols: not in ksyms. */
  statics?: Record<string, (ctx: ModuleContext) => Cell>;
  /** 0 modinfo records (not a module) or 2 (a broken link set). */
  modinfos?: 0 | 2;
  size?: number;
}

const CMDS = ['INIT', 'FINI', 'STAT', 'AUTOUNLOAD'] as const;
const SITE = (name: string) => ({ file: `${name}.c`, line: 1 });

export function fakeModule(spec: FakeModuleSpec): ModuleObject {
  const name = spec.name;
  const defined = new Map<string, ObjectSymbol>();
  const sym = (n: string, kind: 'func' | 'object', binding: 'global' | 'local', section: SectionName): void => {
    defined.set(n, { name: n, binding, kind, section, site: SITE(name) } as ObjectSymbol);
  };
  for (const n of Object.keys(spec.data ?? {})) sym(n, 'object', 'global', 'data');
  for (const n of Object.keys(spec.functions ?? {})) sym(n, 'func', 'global', 'text');
  for (const n of Object.keys(spec.statics ?? {})) sym(n, 'object', 'local', 'data');
  sym(`${name}_modcmd`, 'func', 'local', 'text');
  sym(`${name}_modinfo`, 'object', 'local', 'rodata');
  const relocations: Relocation[] = (spec.uses ?? []).map((s, i) => ({ section: 'text', symbol: s, local: false, site: { file: `${name}.c`, line: 10 + i } }));
  const object: ModuleObject = {
    origin: `/modules/${name}`,
    sources: [`/modules/${name}/${name}.c`],
    sections: { text: [], data: [], rodata: [], bss: [], link_set_modules: [] },
    defined,
    undefined: new Set(spec.uses ?? []),
    relocations,
    size: spec.size ?? 4096,
    instantiate: () => image(spec),
  };
  return object;
}

function image(spec: FakeModuleSpec): ModuleImage {
  const bound = new Map<string, SymbolValue>();
  const own = new Map<string, SymbolValue>();
  const globals = new Set<string>();
  let local = false;
  const ctx: ModuleContext = {
    callValue(n, ...args) {
      const v = bound.get(n) ?? own.get(n);
      if (!v || !('fn' in v)) throw new Error(`${spec.name}: ${n} is not a bound function`);
      return v.fn.invoke(args);
    },
    call(n, ...args) {
      return asNumber(ctx.callValue(n, ...args));
    },
    cell(n) {
      const v = bound.get(n);
      if (!v || !('cell' in v)) throw new Error(`${spec.name}: ${n} is not a bound object`);
      return v.cell;
    },
    own(n) {
      const v = own.get(n);
      if (!v || !('cell' in v)) throw new Error(`${spec.name}: no object ${n}`);
      return v.cell;
    },
    ownFn(n) {
      const v = own.get(n);
      if (!v || !('fn' in v)) throw new Error(`${spec.name}: no function ${n}`);
      return v.fn;
    },
  };
  for (const [n, make] of Object.entries(spec.data ?? {})) {
    own.set(n, { cell: make(ctx) });
    globals.add(n);
  }
  for (const [n, make] of Object.entries(spec.statics ?? {})) own.set(n, { cell: make(ctx) });
  for (const [n, body] of Object.entries(spec.functions ?? {})) {
    own.set(n, { fn: { name: n, provider: spec.infoName ?? spec.name, invoke: (args) => body(args, ctx) } });
    globals.add(n);
  }
  const modcmd: Callable = {
    name: `${spec.name}_modcmd`,
    provider: spec.infoName ?? spec.name,
    invoke(args) {
      const cmd = CMDS.find((c) => constant(`MODULE_CMD_${c}`) === asNumber(args[0]!));
      if (!cmd) return int(constant('ENOTTY'));
      return int(spec.modcmd ? spec.modcmd(cmd, ctx) : cmd === 'INIT' || cmd === 'FINI' ? 0 : constant('ENOTTY'));
    },
  };
  own.set(`${spec.name}_modcmd`, { fn: modcmd });
  const mi = newStruct('modinfo');
  set(mi, 'mi_version', int(spec.version ?? constant('__NetBSD_Version__')));
  set(mi, 'mi_class', int(constant(spec.class ?? 'MODULE_CLASS_MISC')));
  set(mi, 'mi_modcmd', { k: 'fn', fn: modcmd });
  set(mi, 'mi_name', pointerTo(cString(spec.infoName ?? spec.name), 0));
  set(mi, 'mi_required', spec.required ? pointerTo(cString(spec.required), 0) : NULL_PTR);
  own.set(`${spec.name}_modinfo`, { cell: mi });
  const ptrT = { kind: 'ptr' as const, to: structType('modinfo') };
  const count = spec.modinfos ?? 1;
  const setCells = Array.from({ length: count }, () => new ScalarCell(ptrT, NULL_PTR));

  return {
    relocateLocal() {
      for (const c of setCells) c.value = pointerTo(mi);
      local = true;
    },
    linkSet() {
      if (!local) throw new Error('link set read before local relocation');
      return setCells;
    },
    relocateExternal(resolve) {
      const found = new Map<string, SymbolValue>();
      const missing: string[] = [];
      for (const s of spec.uses ?? []) {
        const v = resolve(s);
        if (v) found.set(s, v);
        else missing.push(s);
      }
      if (missing.length) return missing;
      for (const [s, v] of found) bound.set(s, v);
      return [];
    },
    globals() {
      const out = new Map<string, SymbolValue>();
      for (const n of globals) out.set(n, own.get(n)!);
      return out;
    },
    lookup(s) {
      return own.get(s) ?? bound.get(s);
    },
  };
}

function set(cell: StructCell, member: string, v: Value): void {
  (field(cell, member) as ScalarCell).value = v;
}

/** A struct vfsops named `fsname`. */
export function vfsops(fsname: string): StructCell {
  const ops = newStruct('vfsops');
  set(ops, 'vfs_name', pointerTo(cString(fsname), 0));
  return ops;
}

/** A `struct syscall_package[]` ending in {0, 0, NULL}. */
export function syscallPackage(entries: { code: number; call: Callable }[]): ArrayCell {
  const t = structType('syscall_package');
  const items = [...entries, null].map((e) => {
    const sp = newStruct('syscall_package');
    if (e) {
      set(sp, 'sp_code', int(e.code));
      set(sp, 'sp_call', { k: 'fn', fn: e.call });
    }
    return sp;
  });
  return new ArrayCell({ kind: 'array', of: t, length: items.length }, items);
}

/** An error with a source site, as the interpreter raises when module code stops. */
export class SitedError extends Error {
  constructor(
    readonly site: { file: string; line: number },
    message: string,
  ) {
    super(message);
  }
}

export function ptr(cell: Cell, index = 0): Value {
  return pointerTo(cell, index);
}

export { int, cString, newStruct, set as setMember };
