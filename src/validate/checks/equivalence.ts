/**
 * Equivalence, for a converted LKM: the original is loaded by the old loader into an LKM-era
 * kernel and the converted module by module_load into a module(9) kernel, and what each did is
 * compared — the same syscalls at the same slots, the same file systems, devsw names and
 * majors, exec entries, autoconf tables and sysctl nodes — and the old handlers' kernel calls
 * happen in the converted module too, in the same order relative to the registration.
 *
 * DISPATCH fixes that order: on load the kernel wires the module in, then load() runs; on
 * unload, unload() runs, then the kernel unwires it. So what load() did is what the LKM called
 * after its (last) registration, and INIT must call the same after its own; what unload() did
 * comes before the unregistration, and FINI must do the same before its own. NetBSD 1.x's
 * DISPATCH ran load() first and wired the module in after it: there, what load() did is what
 * the LKM called before its registration (the entry's own set-up aside), and INIT, which
 * attaches first as module(9) modules do, must make the same calls after its attach, following
 * those the attach made itself (vfs_init), as they followed lkmdispatch()'s. Everything else
 * the LKM called (its entry's set-up, the subsystem's callbacks) must still happen, in any
 * order. Calls the entry function made for every command (visible on LKM_E_STAT, e.g. a
 * vnode-op vector set up before DISPATCH) belong to INIT only and are not expected on unload.
 */
import { errno } from '../../kernel/errno.ts';
import { releaseTrees } from '../../source/cparse.ts';
import { KERNEL } from '../../kernel/ksyms.ts';
import type { KernelResult } from '../../kernel/kernel.ts';
import type { ModuleDir } from '../../kernel/moddir.ts';
import type { KernelSnapshot } from '../../kernel/state.ts';
import { Outcome, skipped } from '../outcome.ts';
import { callSteps, emulChanges, REGISTRATION, tableChanges } from '../registrations.ts';
import { compareCalls, startsWith } from './compare-calls.ts';
import { compareTables } from './compare-tables.ts';
import { changes, describe, Rig } from '../rig.ts';
import type { Subject } from '../subject.ts';
import type { ModuleSpec } from '../spec.ts';
import type { CheckResult } from '../result.ts';

/** Kinds whose lkmdispatch wires the module into a table a module(9) module also uses. */
const WIRING_KINDS = new Set(['syscall', 'vfs', 'dev', 'exec', 'drv']);

interface Run {
  before: KernelSnapshot;
  loaded: KernelSnapshot;
  load: string[];
  unload: string[] | null;
}

export async function equivalence(s: Subject): Promise<CheckResult> {
  const lkm = s.spec.lkm;
  if (!lkm) return skipped('equivalence', 'not a converted LKM: there is no original to compare with');
  const o = new Outcome('equivalence');
  const wires = WIRING_KINDS.has(s.spec.kind);

  const old = await runLkm(s, o, wires);
  if (!old) return o.done();
  const now = await runModule(s, o);
  if (!now) return o.done();

  const emuls = emulChanges(old.run.before, old.run.loaded);
  if (emuls.length) {
    o.note(`the LKM registered emulation ${emuls.join(', ')}; module(9) has no emulation registry, so the module reaches it through its exec entries' es_emul instead`);
  }
  compareTables(o, s, tableChanges(old.run.before, old.run.loaded), tableChanges(now.before, now.loaded));

  // Kernel code the modules build now (ufs for ffs): the LKM's calls into it were calls into
  // the kernel; the module's are its own, and the calls that code makes are logged as the
  // module's. Those calls are not compared; every other call of the LKM must still be made.
  const moved = movedCode(s, [...old.run.load, ...(old.run.unload ?? [])]);
  if (moved.size) {
    o.note(`the LKM called ${[...moved].sort().join(', ')} in the kernel; that code is in the modules now, so those calls and the kernel calls it makes are not compared`);
  }
  const lkmSide = (steps: string[]) => steps.filter((x) => !moved.has(x));
  const modSide = (steps: string[], lkm: string[]) => (moved.size ? steps.filter((x) => x === REGISTRATION || lkm.includes(x)) : steps);
  const loadsFirst = s.catalog.treeDispatchLoadsFirst() ? lkmSide(old.prelude) : null;
  compareCalls(o, s, 'load', lkmSide(old.run.load), modSide(now.load, lkmSide(old.run.load)), wires, [], loadsFirst);
  if (old.run.unload && now.unload) {
    const unload = lkmSide(startsWith(old.run.unload, old.prelude) ? old.run.unload.slice(old.prelude.length) : old.run.unload);
    compareCalls(o, s, 'unload', unload, modSide(now.unload, unload), wires, old.left);
  }
  for (const line of old.left) o.note(`the original LKM itself leaves behind on unload: ${line}`);
  return o.done();
}

async function runLkm(s: Subject, o: Outcome, wires: boolean): Promise<{ run: Run; prelude: string[]; left: string[] } | null> {
  const lkm = s.spec.lkm!;
  const rig = new Rig(s.catalog, { era: 'lkm', machine: s.spec.machine });
  for (const req of await lkmRequisites(s, rig)) {
    const r = 'lkm' in req ? await lkmLoad(rig, s, req.lkm) : await rig.k.load(req.module);
    if (r.error) {
      const name = 'lkm' in req ? req.lkm.name : req.module;
      o.fail(`cannot load ${name}, which the LKM needs loaded first, ${'lkm' in req ? 'with the old loader' : 'with module_load'}: ${describe(r)}`);
      return null;
    }
  }
  const before = rig.snap();
  // Only the LKM runs from here on: every call made from module code is its own.
  const all = () => true;
  let mark = rig.k.calls.mark();
  const r = await lkmLoad(rig, s, lkm.moduleDir, lkm.entry);
  if (r.error) {
    o.fail(`the original LKM does not load with the old loader, so there is nothing to compare with: ${describe(r)}`);
    return null;
  }
  // Exec formats a plan folded into this module were LKMs loaded after it.
  for (const f of lkm.folded ?? []) {
    const fr = await lkmLoad(rig, s, f.moduleDir, f.entry);
    if (fr.error) {
      o.fail(`${f.moduleDir.name}, folded into this module, does not load with the old loader after it, so there is nothing to compare with: ${describe(fr)}`);
      return null;
    }
  }
  const load = callSteps(rig.callsBy(all, mark), 'lkm', wires);
  const loaded = rig.snap();
  const ids = rig.k.lkm.list.slice(-1 - (lkm.folded?.length ?? 0)).map((x) => x.id);
  const id = ids[0]!;

  mark = rig.k.calls.mark();
  const st = await rig.k.lkmStat(id);
  const prelude = st.error ? [] : callSteps(rig.callsBy(all, mark), 'lkm', wires).filter((x) => x !== REGISTRATION);

  mark = rig.k.calls.mark();
  for (const fid of ids.slice(1).reverse()) {
    const fu = await rig.k.lkmUnload(fid);
    if (fu.error) o.note(`an exec-format LKM folded into this module does not unload with the old loader (${describe(fu)})`);
  }
  const u = await rig.k.lkmUnload(id);
  if (u.error) o.note(`the original LKM does not unload with the old loader (${describe(u)}); the unload order is not compared`);
  return {
    run: { before, loaded, load, unload: u.error ? null : callSteps(rig.callsBy(all, mark), 'lkm', wires) },
    prelude,
    left: u.error ? [] : changes(before, rig.snap()),
  };
}

async function runModule(s: Subject, o: Outcome): Promise<Run | null> {
  const rig = new Rig(s.catalog, { machine: s.spec.machine });
  const err = await rig.loadRequisites(s.required);
  if (err) {
    o.fail(`cannot compare: ${err}`);
    return null;
  }
  const before = rig.snap();
  let mark = rig.k.calls.mark();
  const r = await rig.load(s.object);
  if (r.error) {
    o.fail(`the converted module does not load, so there is nothing to compare: ${describe(r)}`);
    return null;
  }
  const own = (c: string) => c === s.infoName;
  const load = callSteps(rig.callsBy(own, mark), 'module', true);
  const loaded = rig.snap();
  mark = rig.k.calls.mark();
  const u = await rig.unload(s.infoName);
  return { before, loaded, load, unload: u.error ? null : callSteps(rig.callsBy(own, mark), 'module', true) };
}

/**
 * A requisite of the original LKM: another LKM, or — in a tree converted a module at a time — a
 * module already in module(9) form, which module_load brings in (with its own requisites).
 */
type LkmRequisite = { lkm: ModuleDir } | { module: string };

/**
 * The modules to load first, requisites of requisites first, each once. In the LKM world a module
 * linked against whatever was loaded, so what it needs is what defines its undefined symbols
 * (the converted module may need less: compat code that now reaches a syscall through the
 * table no longer links against it), plus whatever convert listed as required.
 */
async function lkmRequisites(s: Subject, rig: Rig): Promise<LkmRequisite[]> {
  const out: LkmRequisite[] = [];
  const seen = new Set<string>([s.spec.name]);
  const others = s.catalog.specs().filter((x) => (x.lkm || x.input === 'module') && x.name !== s.spec.name);
  // Compiling a module leaves syntax trees that are freed only between turns of the event loop.
  const defines = async (x: ModuleSpec, sym: string) => {
    const found = globalsOf(x, s).has(sym);
    await releaseTrees();
    return found;
  };
  // What the kernel the LKMs were loaded into defines (modelled, or in the tree's sources
  // outside every LKM's) is the kernel's: no module is looked for, and none compiled to look.
  const kernelProper = s.catalog.lkmKernelSymbols();
  const definers = async (md: ModuleDir): Promise<string[]> => {
    let object;
    try {
      object = s.catalog.lkmObject(md);
    } catch {
      return []; // the load reports it
    }
    const names = new Set<string>();
    for (const sym of object.undefined) {
      if (rig.k.ksyms.lookup(sym)?.provider === KERNEL || kernelProper(sym)) continue;
      // The modules convert listed first; then those whose sources name the symbol; then (a
      // definition made by a macro) all of them.
      const listed = others.filter((x) => s.spec.lkm!.requires.includes(x.name));
      const ordered = [...listed, ...others.filter((x) => !listed.includes(x))];
      let by: ModuleSpec | undefined;
      for (const x of ordered) if (!by && s.catalog.mentions(x.lkm?.moduleDir ?? x.moduleDir, sym) && (await defines(x, sym))) by = x;
      for (const x of ordered) if (!by && (await defines(x, sym))) by = x;
      if (by) names.add(by.name);
    }
    return [...names];
  };
  const visit = async (md: ModuleDir, listed: readonly string[]) => {
    for (const n of [...listed, ...(await definers(md))]) {
      if (seen.has(n)) continue;
      seen.add(n);
      const spec = s.catalog.spec(n);
      if (spec?.lkm) {
        await visit(spec.lkm.moduleDir, spec.lkm.requires);
        out.push({ lkm: spec.lkm.moduleDir });
      } else if (spec?.input === 'module') {
        out.push({ module: n });
      }
    }
  };
  await visit(s.spec.lkm!.moduleDir, s.spec.lkm!.requires);
  return out;
}

/**
 * The functions among `called` that the LKM called in the kernel and the converted module or
 * one of its requisites defines now: kernel code the module set holds (module-set-kernel.ts).
 */
function movedCode(s: Subject, called: readonly string[]): Set<string> {
  const lkm = s.spec.lkm!;
  let own: Set<string>;
  try {
    own = new Set(s.catalog.lkmObject(lkm.moduleDir).defined.keys());
  } catch {
    return new Set();
  }
  const now = [s.object, ...s.required.flatMap((r) => {
    const md = s.catalog.moduleDir(r);
    try {
      return md ? [s.catalog.object(md)] : [];
    } catch {
      return [];
    }
  })];
  const out = new Set<string>();
  for (const name of called) {
    if (name === REGISTRATION || own.has(name)) continue;
    if (now.some((obj) => obj.defined.get(name)?.binding === 'global')) out.add(name);
  }
  return out;
}

/** What a module defines for others to link against: an LKM as the old loader sees it, a module(9) module as kobj does. */
function globalsOf(x: ModuleSpec, s: Subject): Set<string> {
  let o;
  try {
    o = x.lkm ? s.catalog.lkmObject(x.lkm.moduleDir) : s.catalog.object(x.moduleDir);
  } catch {
    return new Set();
  }
  let globals = globalsByObject.get(o);
  if (!globals) {
    globals = new Set([...o.defined].filter(([, d]) => d.binding === 'global').map(([n]) => n));
    globalsByObject.set(o, globals);
  }
  return globals;
}

/** Asked once per symbol and module: an object's globals are gathered once. */
const globalsByObject = new WeakMap<object, Set<string>>();

async function lkmLoad(rig: Rig, s: Subject, md: ModuleDir, entry?: string): Promise<KernelResult> {
  let object;
  try {
    object = s.catalog.lkmObject(md);
  } catch (err) {
    return { error: errno('ENOEXEC'), errno: 'ENOEXEC', message: `${md.dir} does not compile as an LKM: ${(err as Error).message}` };
  }
  return rig.k.lkmLoad(object, { name: md.name, ...(entry ? { entry } : {}) });
}
