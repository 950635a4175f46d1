/**
 * Validating a unit again after the reviewer edited it: the conversion as it now stands — every
 * edit made so far (a header edited in the tree-wide unit counts too) — checked for the unit's
 * modules and the modules they require (validation loads requisites first), so one edit costs a
 * few modules' checks, not the whole tree's.
 */
import type { ConversionSet, FileChange, ModuleConversion } from '../migrate/convert.ts';
import type { ReviewUnit } from './units.ts';

export function revalidationSet(set: ConversionSet, unit: ReviewUnit, units: ReviewUnit[] = [unit]): ConversionSet {
  const edited = new Map(units.flatMap((u) => u.changes.filter((c) => u.edited.has(c.path)).map((c) => [c.path, c] as const)));
  const current = (c: FileChange) => edited.get(c.path) ?? c;
  const byName = new Map(set.modules.map((m) => [m.name, m]));
  const wanted = new Set<ModuleConversion>();
  const pending = [...unit.modules];
  while (pending.length) {
    const m = pending.pop()!;
    const mine = byName.get(m.name) ?? m;
    if (wanted.has(mine)) continue;
    wanted.add(mine);
    for (const r of mine.required) {
      const req = byName.get(r.module);
      if (req) pending.push(req);
    }
  }
  const modules = set.modules.filter((m) => wanted.has(m)).map((m) => ({ ...m, changes: m.changes.map(current) }));
  // Every change stays, edited where edited: the overlay validation builds must show the whole
  // converted tree, or a module would include a header as it was before conversion.
  return { ...set, modules, changes: set.changes.map(current) };
}
