/**
 * From the facts of a module's files to its ModulePlan: which descriptor is the registration,
 * which function is the entry, which functions DISPATCH calls, what tables it installs, and
 * what a conversion must take care of.
 */
import path from 'node:path';
import type {
  Declaration, EntryFunction, Finding, Handlers, InstalledTables, LkmKind, ModulePlan,
} from './plan.ts';
import type { DescriptorFact, FunctionFact, MacroDefine, SourceFacts } from './facts.ts';
import { exclusive, type CondFrame } from './conditions.ts';
import { findings } from './findings.ts';
import { stringLiteral } from './text.ts';
import { ALWAYS, Defines } from './macros.ts';
import { chooseEntry, resolveHandlers, subDispatcherHandlers, subDispatchers } from './entry.ts';
import { describeTables } from './tables.ts';
import { declaredEntry, declaredFinding, declaredHandlers } from './declared.ts';
import type { MakefileInfo } from '../source/makefile.ts';
import { releaseName, type LkmInterface } from '../source/lkm-header.ts';

export interface ModuleSources {
  dir: string;
  makefile: MakefileInfo | null;
  /** C sources in build order. */
  files: string[];
  /** SRCS entries the tree lacks. */
  missing: string[];
}

export interface AssembleContext {
  facts(file: string): SourceFacts | undefined;
  /** Macro definitions from the local headers a module file includes. */
  headerDefines(file: string): MacroDefine[];
  /** The LKM interface of the kernel tree the module is built against (its sys/lkm.h), if it has one. */
  lkmInterface?(): LkmInterface | null;
}

/**
 * The arguments each MOD_* macro takes in some release of 1.3 to 4.0, for a tree without its
 * own sys/lkm.h: the six-argument MOD_DEV or the historic four, MOD_EXEC with the emulation
 * name (1.6 on) or without (before).
 */
export const MACRO_ARITY: Record<string, { n: number[]; text: string }> = {
  MOD_SYSCALL: { n: [3], text: '3 arguments (name, slot, sysent)' },
  MOD_VFS: { n: [3], text: '3 arguments (name, slot, vfsops)' },
  MOD_DEV: { n: [6, 4], text: '6 arguments (name, devname, bdevsw, bmajor, cdevsw, cmajor), or the old 4' },
  MOD_EXEC: { n: [4, 3], text: '4 arguments (name, slot, execsw, emulation name), or the old 3' },
  MOD_COMPAT: { n: [3], text: '3 arguments (name, slot, emul)' },
  MOD_MISC: { n: [1], text: '1 argument (name)' },
  MOD_DRV: { n: [4], text: '4 arguments (name, cfdrivers, cfattachlkminit, cfdata)' },
  MOD_STRMOD: { n: [1, 2, 3], text: 'a name' },
};

export function assembleModule(src: ModuleSources, ctx: AssembleContext): ModulePlan | null {
  const all = src.files.map((f) => ctx.facts(f)).filter((f): f is SourceFacts => f !== undefined);
  const descriptors = all.flatMap((f) => f.descriptors);
  if (descriptors.length === 0) return null;
  const out: Finding[] = [];
  const functions = all.flatMap((f) => f.functions);
  const defines = new Defines(all, ctx);
  const mk = src.makefile;

  // A vendor macro a rule pack reads defines the entry out of sight: the rule says what it dispatches to.
  const byRule = descriptors.find((d) => d.declared);
  const { entry, entryFact } = byRule
    ? { entry: declaredEntry(byRule), entryFact: null }
    : chooseEntry(functions, descriptors, src, defines, out);
  const subs = byRule ? [] : subDispatchers(entryFact, descriptors, functions);
  const handlers = byRule
    ? declaredHandlers(byRule, functions, out)
    : subs.length
      ? subDispatcherHandlers(subs, functions, defines, out)
      : resolveHandlers(entryFact, functions, defines, out);
  if (byRule) out.push(declaredFinding(byRule));
  const { primary, extras, alternatives } = orderDeclarations(descriptors, entryFact, functions, subs.map((s) => s.name));
  const registrations = [primary, ...extras];
  const declaration = primary.declaration;
  const kind: LkmKind = primary.kind ?? extras.find((e) => e.kind)?.kind ?? 'misc';
  if (!primary.kind) out.push(findings.unknownKind(declaration.file, declaration.line, declaration.variable));
  let name = moduleName(primary, defines, mk) ?? path.basename(src.dir);
  // Several registrations: the module is what modload(8) loads, the KMOD, when one of them is named so.
  if (extras.length && mk?.kmod && registrations.some((d) => moduleName(d, defines, null) === mk.kmod)) name = mk.kmod;

  const tables: InstalledTables = {};
  for (const d of registrations) describeTables(d, tables, all, defines, out);
  out.push(
    ...registrationFindings(registrations, alternatives, entryFact, alwaysTrue(mk), ctx.lkmInterface?.() ?? null),
    ...handlerFindings(handlers, functions),
    ...sourceFindings(all, kind, [entryFact, ...Object.values(handlers).map((h) => h && functions.find((g) => g.file === h.file && g.start === h.start))]),
    ...(mk ? makefileFindings(mk, src.missing, name) : []),
  );
  const files = orderFiles(src.files, declaration, entry);
  if (!mk) out.push(findings.noMakefile(declaration.file, declaration.line, files.map((f) => path.basename(f))));
  return {
    name,
    kind,
    dir: src.dir,
    makefile: mk?.file ?? null,
    kmod: mk?.kmod ?? null,
    files,
    missingSources: src.missing,
    searchPath: mk ? [...(mk.searchPathBySuffix.get('.c') ?? []), ...mk.searchPath] : [],
    declaration,
    extraDeclarations: extras.map((e) => e.declaration),
    entry,
    handlers,
    tables,
    findings: sortFindings(dedupe(out)),
  };
}

/** Wrong arity, registrations under #if, alternatives, several registrations, DISPATCH under #if. */
function registrationFindings(
  registrations: DescriptorFact[],
  alternatives: [DescriptorFact, DescriptorFact][],
  entry: FunctionFact | null,
  always: Set<string>,
  iface: LkmInterface | null,
): Finding[] {
  const out: Finding[] = [];
  for (const d of registrations) {
    out.push(...formFindings(d.declaration, iface));
    const { file, line } = d.declaration;
    const conds = significant(d.frames, always);
    if (conds.length) out.push(findings.conditionalDeclaration(file, line, describe(d), conds));
  }
  for (const [a, b] of alternatives) {
    out.push(findings.alternativeDeclaration(a.declaration.file, a.declaration.line, describe(a), b.declaration.line));
  }
  if (registrations.length > 1) {
    const d = registrations[0]!.declaration;
    const fns = registrations.flatMap((r) => (r.declaration.enclosing ? [`${r.declaration.enclosing.name}()`] : []));
    const how = fns.length ? `each declared in a function of its own with its DISPATCH (${fns.join(', ')}), which the entry calls in turn` : undefined;
    out.push(findings.twoRegistrations(d.file, d.line, registrations.map(describe), how));
  }
  for (const site of entry?.dispatch ?? []) {
    if (site.macro === 'lkmdispatch') continue;
    // Conditions around the whole entry are the declaration's business; these are the DISPATCH's own.
    const conds = significant(site.frames, always).filter((c) => !entry!.frames.some((f) => f.condition === c));
    if (conds.length) out.push(findings.conditionalDeclaration(site.file, site.line, site.macro, conds));
  }
  return out;
}

/**
 * The declaration against the tree's own sys/lkm.h when it has one (that is what the LKM compiled
 * against), else against every form lkm2mod knows.
 */
function formFindings(decl: Declaration, iface: LkmInterface | null): Finding[] {
  const { file, line, macro, args } = decl;
  const known = MACRO_ARITY[macro];
  if (!known) return []; // a hand-built descriptor, or a rule pack's shape
  const form = iface?.macros.get(macro);
  if (!iface || !form) {
    const out: Finding[] = [];
    if (iface) out.push(findings.formNotInTree(file, line, macro, iface.file, release(iface), known.text));
    if (!known.n.includes(args.length)) out.push(findings.declarationArgs(file, line, macro, args.length, known.text));
    return out;
  }
  const where = `${iface.file}:${form.line}${iface.version ? ` (${releaseName(iface.version)})` : ''}`;
  const expected = `${form.params.length} argument${form.params.length === 1 ? '' : 's'} (${form.params.join(', ')}) in this tree's ${where}`;
  if (!known.n.includes(form.params.length)) {
    return [findings.formUnknown(file, line, macro, form.params, where, known.text)];
  }
  return args.length === form.params.length ? [] : [findings.declarationArgs(file, line, macro, args.length, expected)];
}

function release(iface: LkmInterface): string | null {
  return iface.version ? releaseName(iface.version) : null;
}

function handlerFindings(handlers: Handlers, functions: FunctionFact[]): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const h of [handlers.load, handlers.unload, handlers.stat]) {
    if (!h || h.unresolved || seen.has(h.name)) continue; // one report per function
    seen.add(h.name);
    const use = functions.find((f) => f.name === h.name && f.file === h.file)?.lkmtpUse;
    if (use) out.push(findings.handlerUsesLkmtp(h.file, use.line, h.name, use.text));
  }
  return out;
}

/** What the files do that a conversion must handle, and how well they parsed. */
function sourceFindings(all: SourceFacts[], kind: LkmKind, keyFunctions: (FunctionFact | null | undefined)[]): Finding[] {
  const out: Finding[] = [];
  for (const f of all) {
    for (const r of f.offsetReads) out.push(findings.offsetRead(f.file, r.line, r.text, kind));
    for (const w of f.sysentWrites) out.push(findings.sysentPatched(f.file, w.line, w.text));
    for (const p of f.conditionProblems) out.push(findings.unbalanced(f.file, p.line, p.message));
    if (f.parseErrors.count === 0) continue;
    // An error inside the entry or a handler may hide something about them: worth a warning.
    const inKeyFunction = keyFunctions.some(
      (x) => x && x.file === f.file && f.parseErrors.lines.some((l) => l >= x.line && l <= x.endLine),
    );
    out.push(findings.parseErrors(f.file, f.parseErrors.count, f.parseErrors.lines, inKeyFunction ? 'warning' : 'note'));
  }
  return out;
}

function makefileFindings(mk: MakefileInfo, missing: string[], name: string): Finding[] {
  const out: Finding[] = [];
  for (const miss of missing) {
    const rule = mk.rules.find((r) => r.targets.includes(miss));
    const from = rule?.sources.length ? ` from ${rule.sources.map((s) => path.basename(s)).join(', ')}` : '';
    const site = srcsSite(mk, miss);
    out.push(findings.missingSource(site.file, site.line, miss, rule ? `by the rule at ${path.basename(rule.file)}:${rule.line}${from}` : null));
  }
  for (const p of mk.problems) out.push({ file: p.file, line: p.line, severity: p.severity, code: p.code, message: p.message });
  if (mk.kmod && mk.kmod !== name) {
    const site = mk.assignments.get('KMOD')?.at(-1);
    out.push(findings.nameDiffers(site?.file ?? mk.file, site?.line ?? 1, name, mk.kmod));
  }
  return out;
}

function alwaysTrue(mk: MakefileInfo | null): Set<string> {
  const s = new Set(ALWAYS);
  for (const flag of mk?.cppflags ?? []) {
    const m = /^-D(\w+)/.exec(flag);
    if (m) s.add(m[1]!);
  }
  return s;
}

/** The conditions that can actually be false in an LKM build. */
function significant(frames: CondFrame[], always: Set<string>): string[] {
  return frames
    .filter((f) => !f.always)
    .map((f) => f.condition)
    .filter((c) => {
      const m = /^(?:defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)|(\w+))$/.exec(c.trim());
      return !(m && always.has(m[1] ?? m[2] ?? m[3]!));
    });
}

function describe(d: DescriptorFact): string {
  return d.handBuilt ? `${d.declaration.macro} ${d.declaration.variable}` : d.declaration.macro;
}

// ---------------------------------------------------------------------------------------------
// Declarations.

/**
 * The registration is the first descriptor dispatched: `_module` when DISPATCH is used (it
 * dispatches _module before calling load()), else the first one the entry (or a handler) hands
 * to lkmdispatch() through lkmtp->private. Descriptors in another branch of the same #if as an
 * earlier one are alternatives, not extra registrations.
 */
function orderDeclarations(descriptors: DescriptorFact[], entry: FunctionFact | null, functions: FunctionFact[], subOrder: string[]) {
  const usesDispatchMacro = entry?.dispatch.some((d) => d.macro !== 'lkmdispatch') ?? false;
  const privateOrder = [entry, ...functions.filter((f) => f !== entry)].flatMap((f) => f?.privateDescriptors ?? []);
  const rank = (d: DescriptorFact) => {
    // Each in a function of its own: in the order the entry calls those functions to load.
    const sub = d.declaration.enclosing ? subOrder.indexOf(d.declaration.enclosing.name) : -1;
    if (subOrder.length) return sub < 0 ? subOrder.length : sub;
    if (usesDispatchMacro && !d.handBuilt) return -1;
    const i = privateOrder.findIndex((p) => p === d.declaration.variable || p.startsWith(`${d.declaration.variable}[`));
    return i < 0 ? privateOrder.length : i;
  };
  const sorted = [...descriptors].sort((a, b) => rank(a) - rank(b));
  const kept: DescriptorFact[] = [];
  const alternatives: [DescriptorFact, DescriptorFact][] = [];
  for (const d of sorted) {
    const other = kept.find((k) => exclusive(k.frames, d.frames));
    if (other) alternatives.push([d, other]);
    else kept.push(d);
  }
  return { primary: kept[0]!, extras: kept.slice(1), alternatives };
}

function moduleName(d: DescriptorFact, defines: Defines, mk: MakefileInfo | null): string | null {
  if (d.declared) return d.declared.name;
  const raw = d.handBuilt
    ? (d.fields.lkm_name ?? d.declaration.args.find((a) => stringLiteral(a) !== null))
    : d.declaration.args[0];
  if (raw !== undefined) {
    const lit = stringLiteral(raw) ?? stringLiteral(defines.value(raw, d.declaration.file));
    if (lit !== null) return lit;
  }
  return mk?.kmod ?? null;
}

// ---------------------------------------------------------------------------------------------

function srcsSite(mk: MakefileInfo, src: string): { file: string; line: number } {
  const sites = mk.assignments.get('SRCS') ?? [];
  const hit = [...sites].reverse().find((s) => s.raw.split(/\s+/).includes(src)) ?? sites.at(-1);
  return hit ? { file: hit.file, line: hit.line } : { file: mk.file, line: 1 };
}

/** Glue first (the declaration's file, then the entry's), then the build order. */
function orderFiles(files: string[], declaration: Declaration, entry: EntryFunction | null): string[] {
  const first = [declaration.file, entry?.file].filter((f): f is string => !!f);
  return [...new Set([...first, ...files])];
}

function dedupe(list: Finding[]): Finding[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const k = `${f.code}\0${f.file}\0${f.line}\0${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const SEVERITY_ORDER = { error: 0, warning: 1, note: 2 };

/** In reading order: by file, then line; errors first on the same line. */
export function sortFindings(list: Finding[]): Finding[] {
  return [...list].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
}
