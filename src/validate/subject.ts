/**
 * The module a check works on: its spec, the compiled object, what its modinfo says, and where
 * its modcmd is (the place a failure of INIT or FINI points at).
 */
import type { ModuleObject } from '../kernel/object.ts';
import type { Catalog } from './catalog.ts';
import type { CheckSite } from './result.ts';
import type { CheckSettings, ModuleSpec } from './spec.ts';

export interface Subject {
  spec: ModuleSpec;
  catalog: Catalog;
  object: ModuleObject;
  /** mi_name, as the module list will show it. */
  infoName: string;
  /** mi_required, parsed. */
  required: string[];
  settings: CheckSettings;
}

/** Where `<name>_modcmd` (or whatever modinfo points at) is defined. */
export function modcmdSite(s: Subject): CheckSite[] {
  const sym = s.object.defined.get(`${s.infoName}_modcmd`) ?? [...s.object.defined.values()].find((d) => d.kind === 'func' && /_modcmd$/.test(d.name));
  return sym ? [{ file: sym.site.file, line: sym.site.line }] : [];
}

/** Where the object references `symbol` (calls it, or takes its address). */
export function referenceSites(object: ModuleObject, symbol: string): CheckSite[] {
  const out: CheckSite[] = [];
  for (const r of object.relocations) {
    if (r.symbol === symbol && !out.some((s) => s.file === r.site.file && s.line === r.site.line)) out.push({ ...r.site });
  }
  return out;
}
