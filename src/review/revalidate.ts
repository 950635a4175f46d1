/**
 * Validating a unit again after the reviewer edited it: the conversion as it now stands — the
 * unit's modules with the edited text, and the modules they require (validation loads
 * requisites first) — so one edit costs a few modules' checks, not the whole tree's.
 */
import type { ConversionSet, FileChange, ModuleConversion } from '../migrate/convert.ts';
import type { ReviewUnit } from './units.ts';

export function revalidationSet(set: ConversionSet, unit: ReviewUnit): ConversionSet {
  const edited = new Map(unit.changes.filter((c) => unit.edited.has(c.path)).map((c) => [c.path, c]));
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
