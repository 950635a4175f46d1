/**
 * What the reviewer accepts or skips, one at a time: normally one module and its files. The
 * accepted units are applied and the rest written as a patch, so two units must never share a
 * file — the patch would not apply over the applied tree. Modules that change a common file
 * are therefore reviewed together, and the files no module owns (the sys/modules Makefile's
 * SUBDIR list, Makefile.inc) are a unit of their own, last.
 *
 * Requisites come before the modules that require them (layerfs before null): a reviewer who
 * accepts null has already decided about what it loads first. Otherwise, by name.
 */
import type { ConversionSet, FileChange, ModuleConversion } from '../migrate/convert.ts';
import type { Finding } from '../discover/plan.ts';
import type { ModuleResult } from '../validate/result.ts';

export interface ReviewUnit {
  /** The modules it holds; empty for the tree-wide unit. */
  modules: ModuleConversion[];
  /** Shown in headers and prompts: `md`, `md + tracebuf`, or `tree-wide files`. */
  title: string;
  /** The changes, in path order; an edit replaces a change's `after`. */
  changes: FileChange[];
  findings: Finding[];
  /** Validation results of its modules (empty when not validated). */
  validation: ModuleResult[];
  /** Why validating it again after an edit failed, if it did. */
  validationError?: string;
  /** Paths whose `after` the reviewer edited. */
  edited: Set<string>;
}

export function reviewUnits(
  set: ConversionSet,
  resultOf: (m: ModuleConversion) => ModuleResult | null,
): ReviewUnit[] {
  const withChanges = set.modules.filter((m) => m.changes.length > 0);
  const groups = requisitesFirst(groupBySharedFiles(withChanges));
  const units: ReviewUnit[] = groups.map((mods) => {
    const byPath = new Map<string, FileChange>();
    for (const m of mods) for (const c of m.changes) byPath.set(c.path, { ...c });
    return {
      modules: mods,
      title: mods.map((m) => m.name).join(' + '),
      changes: [...byPath.values()].sort((a, b) => a.path.localeCompare(b.path)),
      findings: mods.flatMap((m) => m.findings),
      validation: mods.map(resultOf).filter((r): r is ModuleResult => r !== null),
      edited: new Set(),
    };
  });
  const owned = new Set(withChanges.flatMap((m) => m.changes.flatMap(touchedPaths)));
  const rest = set.changes.filter((c) => !owned.has(c.path));
  if (rest.length) {
    const moduleFindings = new Set(set.modules.flatMap((m) => m.findings));
    units.push({
      modules: [],
      title: 'tree-wide files',
      changes: rest.map((c) => ({ ...c })),
      findings: set.findings.filter((f) => !moduleFindings.has(f)),
      validation: [],
      edited: new Set(),
    });
  }
  return units;
}

/** Every path a change reads or writes. */
export function touchedPaths(c: FileChange): string[] {
  return c.oldPath && c.oldPath !== c.path ? [c.path, c.oldPath] : [c.path];
}

/** Groups in an order where a group comes after the groups holding its requisites. */
function requisitesFirst(groups: ModuleConversion[][]): ModuleConversion[][] {
  const title = (g: ModuleConversion[]) => g.map((m) => m.name).join(' + ');
  const home = new Map<string, ModuleConversion[]>();
  for (const g of groups) for (const m of g) home.set(m.name, g);
  const needs = new Map(groups.map((g) => [g, new Set(g.flatMap((m) => m.required.map((r) => home.get(r.module))).filter((h) => h && h !== g))]));
  const out: ModuleConversion[][] = [];
  const left = [...groups].sort((a, b) => title(a).localeCompare(title(b)));
  while (left.length) {
    // A cycle of requisites (which the kernel would refuse) must not stall the review.
    const i = Math.max(0, left.findIndex((g) => [...needs.get(g)!].every((n) => out.includes(n!))));
    out.push(...left.splice(i, 1));
  }
  return out;
}

/** Connected components of "changes a file the other changes", in the modules' order. */
function groupBySharedFiles(modules: ModuleConversion[]): ModuleConversion[][] {
  const parent = modules.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  modules.forEach((m, i) => {
    for (const c of m.changes) {
      for (const p of touchedPaths(c)) {
        const j = owner.get(p);
        if (j === undefined) owner.set(p, i);
        else parent[find(i)] = find(j);
      }
    }
  });
  const groups = new Map<number, ModuleConversion[]>();
  modules.forEach((m, i) => {
    const root = find(i);
    groups.set(root, [...(groups.get(root) ?? []), m]);
  });
  return [...groups.values()];
}
