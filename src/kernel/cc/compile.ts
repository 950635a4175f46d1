/**
 * compileModule(): a module's C sources to a ModuleObject, the simulated kernel's relocatable
 * object. Preprocess each file with the include path a kernel build would use, parse, collect
 * declarations, link the files into one object, and keep the functions runnable.
 */
import { basename, dirname, resolve } from 'node:path';
import type { ModuleImage, ModuleObject } from '../object.ts';
import type { DataModel } from './ctypes.ts';
import { CompileError, type CompileWarning } from './errors.ts';
import { getStepLimit } from './interp/runtime.ts';
import { buildReachableMembers } from './declarations.ts';
import { Image } from './image.ts';
import { link, nameStatics } from './link.ts';
import type { GeneratedHeader } from './pp/config-headers.ts';
import { findKernelTree, searchPath } from './pp/include-path.ts';
import { machineFamilies } from './pp/machine-line.ts';
import { archInfo, DEFAULT_ARCH, knownArches, predefines } from './pp/predefines.ts';
import { preprocess } from './pp/preprocess.ts';
import { Unit, type Definition } from './unit.ts';

export interface CompileOptions {
  /** Extra include directories, searched after the module's own folders. */
  includeDirs?: string[];
  /** -D: name to value ('' or '1' for a flag). */
  defines?: Record<string, string>;
  /** -U */
  undefines?: string[];
  /** Target architecture (amd64 by default): predefines, data model, $S/arch/<arch>/include. */
  arch?: string;
  /** 'module' defines _MODULE (the default), 'lkm' defines _LKM. */
  mode?: 'module' | 'lkm';
  /** The kernel tree's `sys` directory ($S); found by walking up from the sources when omitted. */
  kernelTree?: string;
  /** What the object is called in messages (the module directory); the first source's folder by default. */
  origin?: string;
  /** Interpreter step limit per call into the module. */
  stepLimit?: number;
}

/** A ModuleObject with what the compiler tolerated and noted on the way. */
export interface CompiledModule extends ModuleObject {
  warnings: CompileWarning[];
  /** Headers config(8) would have written that the sources include, synthesised (see config-headers.ts). */
  configHeaders: GeneratedHeader[];
  kernelTree: string | undefined;
  arch: string;
  mode: 'module' | 'lkm';
}

export function compileModule(sources: string[], opts: CompileOptions = {}): CompiledModule {
  if (sources.length === 0) throw new CompileError({ file: opts.origin ?? '<module>', line: 0 }, 'no source files to compile');
  const arch = opts.arch ?? DEFAULT_ARCH;
  const files = sources.map((s) => resolve(s));
  const moduleDirs = [...new Set(files.map((f) => dirname(f)))];
  const kernelTree = opts.kernelTree ?? findKernelTree(moduleDirs[0]);
  // A port (mac68k, macppc) compiles as its CPU family, which the tree's config files name.
  const info = archInfo(arch) ?? (kernelTree ? machineFamilies(kernelTree, arch).map(archInfo).find((i) => i !== undefined) : undefined);
  if (!info) throw new CompileError({ file: opts.origin ?? sources[0], line: 0 }, `unknown architecture ${arch} (known: ${knownArches().join(', ')}, or a port whose conf/std.<port> names one of them)`);
  const machine = archInfo(arch)?.name ?? arch;
  const mode = opts.mode ?? 'module';
  const dm: DataModel = { lp64: info.lp64 };
  const includeDirs = searchPath({ moduleDirs, includeDirs: opts.includeDirs, kernelTree, arch: machine });
  const defines = predefines(info, mode);
  // The kernel's Makefile.<port> defines the port's name (-Dmac68k) for `#ifdef mac68k`.
  if (kernelTree && /^\w+$/.test(machine)) defines.set(machine, '1');
  for (const [k, v] of Object.entries(opts.defines ?? {})) defines.set(k, v === '' ? '1' : v);

  const strings = { next: 0 };
  const generated = new Map<string, GeneratedHeader>();
  const units = files.map((file) => {
    const pp = preprocess(file, { includeDirs, defines, undefines: opts.undefines });
    for (const g of pp.generated) generated.set(g.name, g);
    const u = new Unit(file, pp, dm, strings);
    u.collect();
    return u;
  });
  const hooks = nameStatics(units);
  for (const u of units) u.lower(hooks);
  for (const u of units) u.recordCalls();
  const linked = link(units, dm);
  refuseBrokenCode(linked.all);

  const origin = opts.origin ?? moduleDirs[0];
  const provider = basename(origin);
  const stepLimit = opts.stepLimit ?? getStepLimit();
  // The syntax trees and units are not needed any more: only the lowered code is kept.
  const image = { ...linked, all: new Map() };
  buildReachableMembers(image);
  const object: CompiledModule = {
    origin,
    sources: files,
    sections: linked.sections,
    defined: linked.symbols,
    undefined: linked.undefined,
    relocations: linked.relocations,
    size: linked.size,
    warnings: linked.warnings,
    configHeaders: [...generated.values()],
    kernelTree,
    arch,
    mode,
    instantiate(): ModuleImage {
      return new Image(image, provider, stepLimit, dm);
    },
  };
  return object;
}

/**
 * A function that load or unload runs must have parsed: its code is reached from the entry
 * points — the modcmd named in link_set_modules, or an LKM entry function (the one taking the
 * lkm_table) — through direct calls. Broken code elsewhere (vnode operations, interrupt paths)
 * is only an error if it is ever run.
 */
function refuseBrokenCode(defs: Map<string, Definition>): void {
  const roots: Definition[] = [];
  for (const d of defs.values()) {
    if (d.kind === 'object' && d.section === 'link_set_modules') {
      // modinfo -> modcmd: the modinfo's own references.
      for (const r of d.unit.references) {
        if (r.owner !== d) continue;
        const info = defs.get(r.target.symbol);
        if (!info) continue;
        for (const r2 of info.unit.references) if (r2.owner === info && r2.target.type.kind === 'func') {
          const fn = defs.get(r2.target.symbol);
          if (fn) roots.push(fn);
        }
      }
    }
    // An LKM entry is a root in either mode: a module may keep its old entry beside modcmd.
    if (d.kind === 'func' && d.binding === 'global' && isLkmEntry(d)) roots.push(d);
  }
  const seen = new Set<Definition>();
  const work = [...roots];
  while (work.length > 0) {
    const d = work.pop()!;
    if (seen.has(d)) continue;
    seen.add(d);
    if (d.syntaxError) {
      throw new CompileError(d.syntaxError, `${d.ref.name}() cannot be parsed here, and load or unload runs it (a macro the compiler does not know?)`);
    }
    for (const c of d.calls) {
      const t = defs.get(c.symbol);
      if (t) work.push(t);
    }
  }
}

function isLkmEntry(d: Definition): boolean {
  const t = d.ref.type;
  if (t.kind !== 'func' || !t.params || t.params.length !== 3) {
    // A K&R entry has no prototype: its parameter declarations name the lkm_table.
    return d.kr === true && (d.paramNames?.length ?? 0) === 3 && /lkm_table/.test(d.node?.text.split('{')[0] ?? '');
  }
  const p0 = t.params[0];
  return p0.kind === 'ptr' && p0.to.kind === 'struct' && p0.to.tag === 'lkm_table';
}

export { CompileError, CRuntimeError, type CompileWarning } from './errors.ts';
export { DEFAULT_STEP_LIMIT, getStepLimit, setStepLimit } from './interp/runtime.ts';
