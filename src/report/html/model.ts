/**
 * The report as data: what `report --html` writes as report.json and what the page renders.
 * One value feeds both, so the page cannot say something the JSON does not.
 *
 * Modules are the union of what convert produced and what validate checked: a module(9) tree
 * has nothing to convert but its modules are still validated and shown.
 */
import path from 'node:path';
import { diffLines } from 'diff';
import type { FileChange, ModuleConversion } from '../../migrate/convert.ts';
import type { Finding, Module9, Severity } from '../../discover/plan.ts';
import type { CheckResult, ModuleResult } from '../../validate/result.ts';
import { relativeTo } from '../../source/relative.ts';
import { relativeText, resultFor, type BuiltinModule, type Migration } from '../../review/migration.ts';
import { anchor } from './escape.ts';

export type ModuleStatus = 'converted' | 'not-converted' | 'module(9)';

export interface ReportFinding {
  file: string;
  line: number;
  severity: Severity;
  code: string;
  message: string;
}

export interface ReportFile {
  path: string;
  /** Set for a rename. */
  from?: string;
  status: 'added' | 'deleted' | 'renamed' | 'modified';
  added: number;
  removed: number;
}

export interface ReportValidation {
  ok: boolean;
  timeMs: number;
  /** What validation says about the module beyond its checks (convert's errors for it …). */
  notes: string[];
  checks: CheckResult[];
}

export interface ReportModule {
  /** The module's fragment id on the page (`module-md`); unique even if two modules share a name. */
  id: string;
  name: string;
  /** The LKM's own name, when the module comes from one. */
  lkm: string | null;
  renamedFrom?: string;
  kind: string;
  /** MODULE_CLASS_* without the prefix; null when no MODULE() line could be read. */
  class: string | null;
  status: ModuleStatus;
  /** The LKM's directory (or the module's, for a module(9) input). */
  from: string;
  /** Where the module(9) module lives after conversion. */
  dir: string;
  required: { module: string; reason: string }[];
  files: ReportFile[];
  findings: ReportFinding[];
  /** null: not validated (validation off, or validation did not reach it). */
  validation: ReportValidation | null;
}

export type NodeOrigin = 'tree' | 'builtin' | 'external';

export interface GraphNode {
  name: string;
  /** The page fragment of a tree module's section; null for a module outside the tree. */
  id: string | null;
  kind: string;
  /** tree: a module of this tree; builtin: in the kernel image; external: named, found nowhere here. */
  origin: NodeOrigin;
  /** Validation verdict for a tree module; null when not validated or not a tree module. */
  ok: boolean | null;
}

export interface GraphEdge {
  /** The module that requires … */
  from: string;
  /** … this one. */
  to: string;
  reason: string;
}

export interface ReportSummary {
  modules: number;
  converted: number;
  notConverted: number;
  alreadyModules: number;
  filesChanged: number;
  findings: Record<Severity, number>;
  validation: { passed: number; failed: number; notValidated: number };
}

export interface ReportJson {
  /** The paths reviewed, relative to where the command ran. */
  paths: string[];
  /** The tree root patch paths are relative to. */
  root: string;
  summary: ReportSummary;
  modules: ReportModule[];
  /** Findings that belong to no module (unreadable files, Makefiles declaring nothing). */
  findings: ReportFinding[];
  /** What the tree holds that validation could not treat as a module, with why. */
  unvalidated: string[];
  /** Validation could not run at all, and why; null when it ran or was not asked for. */
  validationError: string | null;
  graph: { nodes: GraphNode[]; edges: GraphEdge[] };
}

export interface Report {
  json: ReportJson;
  /** The changes behind each module's diffs, by module id (not in the JSON: too big). */
  changes: Map<string, FileChange[]>;
  /** Changes that belong to no module (sys/modules/Makefile and friends). */
  treeChanges: FileChange[];
}

export function buildReport(m: Migration): Report {
  const rel = relativeTo(m.cwd);
  const finding = (f: Finding): ReportFinding => ({ file: rel(f.file), line: f.line, severity: f.severity, code: f.code, message: f.message });
  const changes = new Map<string, FileChange[]>();
  const modules: ReportModule[] = [];
  const seen = new Set<ModuleResult>();
  const ids = new Set<string>();
  const idFor = (name: string) => {
    let id = anchor('module', name);
    for (let n = 2; ids.has(id); n++) id = `${anchor('module', name)}-${n}`;
    ids.add(id);
    return id;
  };

  for (const c of m.set.modules) {
    const result = resultFor(m.validation, c, m.cwd);
    if (result) seen.add(result);
    const id = idFor(c.name);
    changes.set(id, c.changes);
    modules.push({
      id,
      name: c.name,
      lkm: c.plan.name,
      ...(c.renamedFrom ? { renamedFrom: c.renamedFrom } : {}),
      kind: c.plan.kind,
      class: c.moduleClass,
      status: c.changes.length ? 'converted' : 'not-converted',
      from: rel(c.plan.dir),
      dir: rel(c.dir),
      required: c.required,
      files: c.changes.map((ch) => reportFile(ch, rel)),
      findings: c.findings.map(finding),
      validation: result ? validationOf(result, rel, m.cwd) : null,
    });
  }
  // Modules already in module(9) form: nothing to convert, their class and requisites as their
  // MODULE() line says, and their verdict.
  const module9Result = (mod: Module9) =>
    m.validation?.modules.find((r) => !seen.has(r) && r.input === 'module' && path.resolve(m.cwd, r.dir) === mod.dir) ?? null;
  for (const mod of m.scan.module9 ?? []) {
    const result = module9Result(mod);
    if (result) seen.add(result);
    const id = idFor(mod.name);
    changes.set(id, []);
    const where = `${rel(mod.modinfo.file)}:${mod.modinfo.line}`;
    modules.push({
      id,
      name: mod.name,
      lkm: null,
      kind: mod.moduleClass.toLowerCase(),
      class: mod.moduleClass,
      status: 'module(9)',
      from: rel(mod.dir),
      dir: rel(mod.dir),
      required: (mod.required ?? []).map((module) => ({ module, reason: `listed in its MODULE() (${where})` })),
      files: [],
      findings: mod.findings.map(finding),
      validation: result ? validationOf(result, rel, m.cwd) : null,
    });
  }
  // Verdicts for modules the scan did not report (a validator handed in by a caller): shown as they come.
  for (const r of m.validation?.modules ?? []) {
    if (seen.has(r)) continue;
    const id = idFor(r.name);
    changes.set(id, []);
    modules.push({
      id,
      name: r.name,
      lkm: null,
      kind: r.kind,
      class: null,
      status: 'module(9)',
      from: rel(r.dir),
      dir: rel(r.dir),
      required: [],
      files: [],
      findings: [],
      validation: validationOf(r, rel, m.cwd),
    });
  }
  modules.sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));

  const inModule = new Set(m.set.modules.flatMap((c) => c.changes.map((ch) => ch.path)));
  const treeChanges = m.set.changes.filter((ch) => !inModule.has(ch.path));
  const moduleFindings = new Set(m.set.modules.flatMap((c) => c.findings));
  const treeFindings = dedupe(m.set.findings.filter((f) => !moduleFindings.has(f))).map(finding);

  const json: ReportJson = {
    paths: m.paths.map(rel),
    root: rel(m.root),
    summary: summarise(modules, treeFindings, m.set.changes.length),
    modules,
    findings: treeFindings,
    unvalidated: (m.validation?.unvalidated ?? []).map(relativeText(m.cwd)),
    validationError: m.validationError,
    graph: dependencyGraph(modules, m.builtins),
  };
  return { json, changes, treeChanges };
}

export function fileStatus(c: FileChange): ReportFile['status'] {
  if (c.before === null) return 'added';
  if (c.after === null) return 'deleted';
  if (c.oldPath && c.oldPath !== c.path) return 'renamed';
  return 'modified';
}

function reportFile(c: FileChange, rel: (p: string) => string): ReportFile {
  let added = 0;
  let removed = 0;
  for (const part of diffLines(c.before ?? '', c.after ?? '')) {
    if (part.added) added += part.count ?? 0;
    else if (part.removed) removed += part.count ?? 0;
  }
  const status = fileStatus(c);
  return { path: rel(c.path), ...(status === 'renamed' ? { from: rel(c.oldPath!) } : {}), status, added, removed };
}

function validationOf(r: ModuleResult, rel: (p: string) => string, cwd: string): ReportValidation {
  const text = relativeText(cwd);
  return {
    ok: r.ok,
    timeMs: r.timeMs,
    notes: (r.notes ?? []).map(text),
    checks: r.checks.map((c) => ({
      ...c,
      details: c.details.map(text),
      ...(c.warnings ? { warnings: c.warnings.map(text) } : {}),
      ...(c.sites ? { sites: c.sites.map((s) => ({ file: rel(s.file), line: s.line })) } : {}),
    })),
  };
}

function summarise(modules: ReportModule[], treeFindings: ReportFinding[], filesChanged: number): ReportSummary {
  const findings: Record<Severity, number> = { error: 0, warning: 0, note: 0 };
  for (const f of [...modules.flatMap((mod) => mod.findings), ...treeFindings]) findings[f.severity]++;
  return {
    modules: modules.length,
    converted: modules.filter((mod) => mod.status === 'converted').length,
    notConverted: modules.filter((mod) => mod.status === 'not-converted').length,
    alreadyModules: modules.filter((mod) => mod.status === 'module(9)').length,
    filesChanged,
    findings,
    validation: {
      passed: modules.filter((mod) => mod.validation?.ok === true).length,
      failed: modules.filter((mod) => mod.validation?.ok === false).length,
      notValidated: modules.filter((mod) => mod.validation === null).length,
    },
  };
}

/**
 * Nodes: every module of the tree, and every requisite they name that the tree does not hold —
 * built into the kernel, or found nowhere here (another tree's, via --kernel-src). Built-ins'
 * own requisites are followed so the graph shows what loading really pulls in.
 */
function dependencyGraph(modules: ReportModule[], builtins: BuiltinModule[]): ReportJson['graph'] {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  for (const mod of modules) {
    if (nodes.has(mod.name)) continue;
    nodes.set(mod.name, { name: mod.name, id: mod.id, kind: mod.kind, origin: 'tree', ok: mod.validation ? mod.validation.ok : null });
  }
  const builtin = new Map(builtins.map((b) => [b.name, b]));
  const pending = modules.map((mod) => ({ from: mod.name, required: mod.required }));
  while (pending.length) {
    const { from, required } = pending.shift()!;
    for (const r of required) {
      edges.push({ from, to: r.module, reason: r.reason });
      if (nodes.has(r.module)) continue;
      const b = builtin.get(r.module);
      nodes.set(r.module, { name: r.module, id: null, kind: b ? b.class : 'unknown', origin: b ? 'builtin' : 'external', ok: null });
      if (b) pending.push({ from: b.name, required: b.required.map((module) => ({ module, reason: 'built into the kernel with it' })) });
    }
  }
  return { nodes: [...nodes.values()], edges };
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const k = `${f.code}\0${f.file}\0${f.line}\0${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
