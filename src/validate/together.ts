/**
 * All together: every module of the tree loaded into one kernel, requisites first, then unloaded
 * in reverse — what a machine that uses them all does. Each module may pass on its own and still
 * fail here: two modules defining the same global symbol (the kernel linker refuses the second),
 * a requisite missing from the tree, an order no load can follow (a cycle), a module that cannot
 * unload while another is loaded, or state one leaves that another trips over.
 * Modules that fail on their own are left out (their own results say why), so this line
 * is about what only loading them together shows.
 */
import { Outcome } from './outcome.ts';
import { changes, describe, modinfoOf, Rig } from './rig.ts';
import { withUndoHint } from './leftovers.ts';
import type { Catalog } from './catalog.ts';
import type { ModuleObject } from '../kernel/object.ts';
import type { ModuleResult, TogetherResult } from './result.ts';
import type { ModuleSpec } from './spec.ts';

interface Member {
  spec: ModuleSpec;
  object: ModuleObject;
  /** mi_name */
  name: string;
  required: string[];
}

export async function together(specs: readonly ModuleSpec[], results: readonly ModuleResult[], catalog: Catalog): Promise<TogetherResult> {
  const o = new Outcome('together');
  const alone = new Map(results.map((r) => [r.dir, r]));
  const members: Member[] = [];
  const left: string[] = [];
  for (const spec of specs) {
    const r = alone.get(spec.dir);
    if (spec.unconverted || !r || r.checks.some((c) => c.name === 'lifecycle' && !c.ok)) {
      left.push(spec.name);
      continue;
    }
    if (members.some((m) => m.spec.name === spec.name)) continue; // a second module of that name: noted on it
    try {
      const object = catalog.object(spec.moduleDir);
      const info = modinfoOf(object);
      members.push({ spec, object, name: info.name, required: info.required });
    } catch {
      left.push(spec.name);
    }
  }
  if (left.length) o.note(`left out, as they fail on their own (see their results): ${left.join(', ')}`);
  if (members.length === 0) {
    return { ...o.note('no module passes on its own: nothing to load together').done(), name: 'together', skipped: true, modules: [] };
  }

  // A port's own modules (the plan's `machine mac68k for fd`) go into that port's kernel: one
  // kernel per machine, each holding every module built for it.
  const machines = [...new Set(members.map((m) => catalog.machineOf(m.spec.moduleDir)))].sort();
  const loaded: string[] = [];
  for (const machine of machines) {
    const group = members.filter((m) => catalog.machineOf(m.spec.moduleDir) === machine);
    const label = machines.length > 1 ? `${machine}: ` : '';
    loaded.push(...(await loadTogether(group, catalog, machine, o, label)));
  }
  return { ...o.done(), name: 'together', modules: loaded, ...(machines.length > 1 ? { machines } : {}) };
}

/** Load a group into one kernel of `machine`, requisites first, and unload it in reverse: the names loaded. */
async function loadTogether(members: Member[], catalog: Catalog, machine: string, o: Outcome, label: string): Promise<string[]> {
  const order = loadOrder(members, o);
  const rig = new Rig(catalog, { machine });
  const boot = rig.snap();
  const loaded: Member[] = [];
  for (const m of order) {
    const r = await rig.load(m.object);
    if (r.error) {
      const after = loaded.length ? ` (loaded before it: ${loaded.map((x) => x.name).join(', ')})` : '';
      o.fail(`${label}${m.name} does not load with the others${after}: ${describe(r)}`);
      continue;
    }
    loaded.push(m);
  }
  const brought = rig.k.modules.list.filter((x) => !(x.info.name in boot.modules) && !loaded.some((m) => m.name === x.info.name)).map((x) => x.info.name);
  o.note(
    `${label}loaded ${loaded.length} of ${order.length} module(s) into one kernel, requisites first: ${loaded.map((m) => m.name).join(', ') || '-'}` +
      (brought.length ? `; requisites found in the tree: ${brought.join(', ')}` : ''),
  );

  const unloaded: string[] = [];
  for (const m of [...loaded].reverse()) {
    const r = await rig.unload(m.name);
    if (r.error) o.fail(`${label}${m.name} does not unload (in reverse order of loading, after ${unloaded.join(', ') || 'nothing'}): ${describe(r)}`);
    else unloaded.push(m.name);
  }
  for (const name of rig.k.modules.list.filter((x) => !(x.info.name in boot.modules)).map((x) => x.info.name)) {
    const r = await rig.unload(name);
    if (r.error) o.fail(`${label}requisite ${name} does not unload once every module is gone: ${describe(r)}`);
  }
  if (unloaded.length === loaded.length) o.note(`${label}unloaded in reverse order: ${unloaded.join(', ') || '-'}`);
  const rest = changes(boot, rig.snap());
  for (const line of rest) o.fail(`${label}left behind after unloading them all: ${withUndoHint(line)}`);
  if (rest.length === 0) o.note(`${label}the kernel after unloading them all is as it booted`);
  return loaded.map((m) => m.name);
}

/**
 * Requisites first (a depth-first walk over the required lists, in name order otherwise); a
 * cycle is a failure naming it, and its modules load in name order (module_load refuses them).
 */
function loadOrder(members: Member[], o: Outcome): Member[] {
  const byName = new Map(members.map((m) => [m.name, m]));
  const out: Member[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (m: Member, path: string[]): void => {
    const st = state.get(m.name);
    if (st === 'done') return;
    if (st === 'visiting') {
      o.fail(`circular requirement: ${[...path.slice(path.indexOf(m.name)), m.name].join(' -> ')}; no order loads them`);
      return;
    }
    state.set(m.name, 'visiting');
    for (const r of m.required) {
      const req = byName.get(r);
      if (req) visit(req, [...path, m.name]);
    }
    state.set(m.name, 'done');
    out.push(m);
  };
  for (const m of [...members].sort((a, b) => a.name.localeCompare(b.name))) visit(m, []);
  return out;
}
