/**
 * Linking the units of one module into a ModuleObject: static names stay per file (renamed
 * where two files use the same one), a global defined twice is an error naming both sites,
 * tentative definitions merge, unreferenced static inline functions are dropped as the compiler
 * drops them, and every reference from kept code or data becomes a relocation.
 */
import { basename } from 'node:path';
import type { ObjectSymbol, Relocation, SectionName } from '../object.ts';
import { sizeOf, type DataModel } from './ctypes.ts';
import { CompileError, type CompileWarning } from './errors.ts';
import { planInitializer, type InitPlan } from './static-init.ts';
import { sectionOf, type Definition, type LinkHooks, type Unit } from './unit.ts';

/** What an image needs of a kept definition (no syntax trees: compiled objects stay small). */
export interface ImageDefinition {
  name: string;
  binding: 'global' | 'local';
  kind: 'func' | 'object';
  type: import('../machine/memory.ts').CType;
  code?: import('./ast.ts').FunctionCode;
}

export interface LinkedObject {
  /** Kept definitions by symbol. */
  definitions: Map<string, ImageDefinition>;
  /** Every definition with its unit, for checks made at compile time only. */
  all: Map<string, Definition>;
  symbols: Map<string, ObjectSymbol>;
  sections: Record<SectionName, string[]>;
  undefined: Set<string>;
  relocations: Relocation[];
  plans: Map<string, InitPlan>;
  warnings: CompileWarning[];
  size: number;
}

/** Phase-1 decision: the symbol name of each static, unique across the object. */
export function nameStatics(units: Unit[]): LinkHooks {
  const taken = new Set<string>();
  const declaredElsewhere = (name: string, u: Unit) => units.some((o) => o !== u && o.declares(name));
  for (const u of units) {
    u.settleBindings();
    for (const d of u.definitions) {
      if (d.binding !== 'local') continue;
      if (declaredElsewhere(d.ref.name, u) || taken.has(d.ref.symbol)) d.ref.symbol = `${d.ref.name}@${basename(u.file)}`;
      taken.add(d.ref.symbol);
    }
  }
  for (const u of units) for (const d of u.definitions) if (d.binding === 'global') taken.add(d.ref.symbol);
  return {
    uniqueLocal(name, unit) {
      let s = name;
      if (taken.has(s)) s = `${name}@${basename(unit.file)}`;
      for (let i = 2; taken.has(s); i++) s = `${name}@${basename(unit.file)}.${i}`;
      taken.add(s);
      return s;
    },
  };
}

export function link(units: Unit[], dm: DataModel): LinkedObject {
  const definitions = new Map<string, Definition>();
  const warnings: CompileWarning[] = units.flatMap((u) => u.warnings);
  for (const u of units) {
    for (const d of u.definitions) {
      const key = d.ref.symbol;
      const prior = definitions.get(key);
      if (!prior) {
        definitions.set(key, d);
        continue;
      }
      // Tentative definitions (`int x;`) of one global in several files are one object.
      const tentative = (x: Definition) => x.kind === 'object' && x.node === null;
      if (d.kind === 'object' && prior.kind === 'object' && (tentative(d) || tentative(prior))) {
        if (tentative(prior)) definitions.set(key, d);
        continue;
      }
      throw new CompileError(d.site, `duplicate definition of global ${d.ref.name}: also defined at ${prior.site.file}:${prior.site.line}`);
    }
  }

  const kept = keptDefinitions(units, definitions);
  const sections: Record<SectionName, string[]> = { text: [], data: [], rodata: [], bss: [], link_set_modules: [] };
  const symbols = new Map<string, ObjectSymbol>();
  const plans = new Map<string, InitPlan>();
  let size = 0;
  for (const [key, d] of definitions) {
    if (!kept.has(d)) continue;
    const section = sectionOf(d);
    sections[section].push(key);
    symbols.set(key, { name: d.ref.name, binding: d.binding, kind: d.kind, section, site: d.site });
    if (d.kind === 'func') size += d.code?.size ?? 0;
    else {
      size += sizeOf(d.ref.type, dm);
      const plan = planInitializer(d.init ?? { type: d.ref.type, items: [] });
      for (const p of plan.problems) warnings.push({ site: p.site, message: `${d.ref.name}: ${p.message} (left zero)` });
      plans.set(key, plan);
    }
  }

  const undef = new Set<string>();
  const relocations: Relocation[] = [];
  for (const u of units) {
    for (const r of u.references) {
      if (r.owner && !kept.has(r.owner)) continue;
      const key = r.target.symbol;
      const def = definitions.get(key);
      if (!def) undef.add(key);
      const section: SectionName = r.owner ? sectionOf(r.owner) : 'text';
      relocations.push({ section, symbol: key, local: def?.binding === 'local', site: r.site });
    }
  }
  const lean = new Map<string, ImageDefinition>();
  for (const [key, d] of definitions) {
    if (kept.has(d)) lean.set(key, { name: d.ref.name, binding: d.binding, kind: d.kind, type: d.ref.type, code: d.code });
  }
  return { definitions: lean, all: definitions, symbols, sections, undefined: undef, relocations, plans, warnings, size };
}

/**
 * Everything except static inline functions nobody uses (headers are full of them). A
 * definition is used when kept code or data refers to it.
 */
function keptDefinitions(units: Unit[], definitions: Map<string, Definition>): Set<Definition> {
  const droppable = (d: Definition) => d.kind === 'func' && d.binding === 'local' && d.inline;
  const kept = new Set<Definition>();
  const refsBy = new Map<Definition | null, Definition[]>();
  for (const u of units) {
    for (const r of u.references) {
      const t = definitions.get(r.target.symbol);
      if (!t) continue;
      let list = refsBy.get(r.owner);
      if (!list) refsBy.set(r.owner, (list = []));
      list.push(t);
    }
  }
  const work: Definition[] = [];
  for (const d of definitions.values()) if (!droppable(d)) work.push(d);
  for (const d of refsBy.get(null) ?? []) work.push(d);
  while (work.length > 0) {
    const d = work.pop()!;
    if (kept.has(d)) continue;
    kept.add(d);
    for (const t of refsBy.get(d) ?? []) if (!kept.has(t)) work.push(t);
  }
  return kept;
}
