/**
 * What `lkm2mod scan` prints: the stable JSON document (schema in the README) and the
 * terminal report (a table of modules, then every finding as `file:line: severity: message`).
 */
import pc from 'picocolors';
import type { Declaration, Finding, Handler, Module9, ModulePlan, ScanResult } from '../discover/plan.ts';
import { relativeTo, location } from '../source/relative.ts';
import { renderTable } from './table.ts';

export interface ScanJson {
  modules: ModuleJson[];
  files_scanned: number;
  files_parsed: number;
  parse_errors: FindingJson[];
  findings: FindingJson[];
}

export interface FindingJson {
  file: string;
  line: number;
  severity: string;
  code: string;
  message: string;
}

export interface DeclarationJson {
  file: string;
  line: number;
  macro: string;
  args: string[];
  variable: string;
  conditions: string[];
}

export interface FunctionJson {
  name: string;
  file: string;
  line: number;
}

export interface ModuleJson {
  name: string;
  /** lkm: an old-style LKM, to convert; module: already in module(9) form. */
  form: 'lkm' | 'module';
  /** The LKM kind; for a module(9) module its MODULE_CLASS_, lower case, as modstat prints it. */
  kind: string;
  dir: string;
  makefile: string | null;
  kmod: string | null;
  files: string[];
  missing_sources: string[];
  declaration: DeclarationJson | null;
  extra_declarations: DeclarationJson[];
  entry: (FunctionJson & { via_macro: string | null; knr: boolean }) | null;
  handlers: { load: HandlerJson | null; unload: HandlerJson | null; stat: HandlerJson | null };
  /** ModulePlan.tables with snake_case keys (slot_text, emul_name, old_form). */
  tables: Record<string, unknown>;
  /** A module(9) module's MODULE() required list; null when macros build it. */
  required?: string[] | null;
  findings: FindingJson[];
}

export interface HandlerJson extends FunctionJson {
  defined: boolean;
  uses_lkmtp: boolean;
  switches_on_cmd: boolean;
  calls_lkmexists: boolean;
}

export function scanJson(result: ScanResult, cwd: string): ScanJson {
  const rel = relativeTo(cwd);
  const finding = (f: Finding): FindingJson => ({ file: rel(f.file), line: f.line, severity: f.severity, code: f.code, message: f.message });
  const decl = (d: Declaration): DeclarationJson => ({
    file: rel(d.file), line: d.line, macro: d.macro, args: d.args, variable: d.variable, conditions: d.conditions,
  });
  const handler = (h: Handler | null): HandlerJson | null =>
    h && {
      name: h.name, file: rel(h.file), line: h.line, defined: !h.unresolved,
      uses_lkmtp: h.usesLkmtp, switches_on_cmd: h.switchesOnCmd, calls_lkmexists: h.callsLkmexists,
    };
  const lkm = (m: ModulePlan): ModuleJson => ({
    name: m.name,
    form: 'lkm',
    kind: m.kind,
    dir: rel(m.dir),
    makefile: m.makefile && rel(m.makefile),
    kmod: m.kmod,
    files: m.files.map(rel),
    missing_sources: m.missingSources,
    declaration: m.declaration && decl(m.declaration),
    extra_declarations: m.extraDeclarations.map(decl),
    entry: m.entry && {
      name: m.entry.name, file: rel(m.entry.file), line: m.entry.line, via_macro: m.entry.viaMacro ?? null, knr: m.entry.knr,
    },
    handlers: { load: handler(m.handlers.load), unload: handler(m.handlers.unload), stat: handler(m.handlers.stat) },
    tables: snakeKeys(m.tables) as Record<string, unknown>,
    findings: m.findings.map(finding),
  });
  const module9 = (m: Module9): ModuleJson => ({
    name: m.name,
    form: 'module',
    kind: m.moduleClass.toLowerCase(),
    dir: rel(m.dir),
    makefile: m.makefile && rel(m.makefile),
    kmod: m.kmod,
    files: m.files.map(rel),
    missing_sources: m.missingSources,
    declaration: {
      file: rel(m.modinfo.file), line: m.modinfo.line, macro: 'MODULE', args: m.modinfo.args, variable: `${m.name}_modinfo`,
      conditions: m.modinfo.conditions,
    },
    extra_declarations: [],
    entry: m.modcmd && { name: m.modcmd.name, file: rel(m.modcmd.file), line: m.modcmd.line, via_macro: null, knr: false },
    handlers: { load: null, unload: null, stat: null },
    tables: {},
    required: m.required,
    findings: m.findings.map(finding),
  });
  return {
    modules: inDirectoryOrder(result, lkm, module9),
    files_scanned: result.filesScanned,
    files_parsed: result.filesParsed,
    parse_errors: result.parseErrors.map(finding),
    findings: (result.findings ?? []).map(finding),
  };
}

/** LKMs and module(9) modules together, as a tree lists them: by directory, then name. */
function inDirectoryOrder<T>(r: ScanResult, lkm: (m: ModulePlan) => T, module9: (m: Module9) => T): T[] {
  const all = [
    ...r.modules.map((m) => ({ dir: m.dir, name: m.name, out: () => lkm(m) })),
    ...(r.module9 ?? []).map((m) => ({ dir: m.dir, name: m.name, out: () => module9(m) })),
  ];
  return all.sort((a, b) => a.dir.localeCompare(b.dir) || a.name.localeCompare(b.name)).map((x) => x.out());
}

/** The JSON document's keys are snake_case throughout. */
function snakeKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(snakeKeys);
  if (v === null || typeof v !== 'object') return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`), snakeKeys(x)]));
}

export interface TextOptions {
  color: boolean;
}

const SEVERITY_STYLE = { error: pc.red, warning: pc.yellow, note: pc.cyan };

export function renderScanText(result: ScanResult, cwd: string, opts: TextOptions): string {
  const rel = relativeTo(cwd);
  const c = pc.createColors(opts.color);
  const paint = (sev: Finding['severity'], s: string) => (opts.color ? SEVERITY_STYLE[sev](s) : s);
  let out = '';
  const module9 = result.module9 ?? [];
  if (result.modules.length || module9.length) {
    const handlerName = (h: Handler | null) => (h ? `${h.name}${h.unresolved ? '?' : ''}` : '-');
    const lkm = (m: ModulePlan) => [
      m.name,
      m.kind,
      m.entry?.name ?? '?',
      [m.handlers.load, m.handlers.unload, m.handlers.stat].map(handlerName).join(' '),
      String(m.files.length),
      String(m.findings.length),
      rel(m.dir),
    ];
    // Already converted: the entry is its modcmd, and there are no handlers to carry over.
    const converted = (m: Module9) => [
      m.name,
      `module(9) ${m.moduleClass.toLowerCase()}`,
      m.modcmd?.name ?? '?',
      '',
      String(m.files.length),
      String(m.findings.length),
      rel(m.dir),
    ];
    const rows = inDirectoryOrder(result, lkm, converted);
    out += renderTable(
      [
        { header: 'MODULE', style: (s) => c.bold(s) },
        { header: 'KIND' },
        { header: 'ENTRY' },
        { header: 'HANDLERS (load unload stat)' },
        { header: 'FILES', align: 'right' },
        { header: 'FINDINGS', align: 'right' },
        { header: 'DIRECTORY' },
      ],
      rows,
      { headerStyle: (h) => c.dim(h) },
    );
  }
  const sections: string[] = [];
  for (const m of inDirectoryOrder<ModulePlan | Module9>(result, (x) => x, (x) => x)) {
    if (!m.findings.length) continue;
    const lines = m.findings.map((f) => `  ${location(rel, f.file, f.line)}: ${paint(f.severity, f.severity)}: ${f.message} [${f.code}]`);
    sections.push(`${c.bold(m.name)} (${rel(m.dir)}):\n${lines.join('\n')}`);
  }
  // Problems with files no module claims (unreadable, binary) are shown with the tree's findings.
  const inModules = new Set(moduleFindings(result).map(key));
  const loose = [...(result.findings ?? []), ...result.parseErrors.filter((f) => !inModules.has(key(f)))];
  if (loose.length) {
    const lines = loose.map((f) => `  ${location(rel, f.file, f.line)}: ${paint(f.severity, f.severity)}: ${f.message} [${f.code}]`);
    sections.push(`${c.bold('not part of a module')}:\n${lines.join('\n')}`);
  }
  // Table, findings, summary: separated by one blank line, whichever are there.
  return `${[out.trimEnd(), ...sections, summary(result)].filter(Boolean).join('\n\n')}\n`;
}

const key = (f: Finding) => `${f.code}\0${f.file}\0${f.line}`;

function moduleFindings(r: ScanResult): Finding[] {
  return [...r.modules.flatMap((m) => m.findings), ...(r.module9 ?? []).flatMap((m) => m.findings)];
}

function summary(r: ScanResult): string {
  const inModules = new Set(moduleFindings(r).map(key));
  const all = [...moduleFindings(r), ...(r.findings ?? []), ...r.parseErrors.filter((f) => !inModules.has(key(f)))];
  const count = (s: Finding['severity']) => all.filter((f) => f.severity === s).length;
  const n = r.modules.length;
  const kinds = [...new Set(r.modules.map((m) => m.kind))].sort().join(', ');
  const n9 = r.module9?.length ?? 0;
  const classes = [...new Set(r.module9?.map((m) => m.moduleClass.toLowerCase()))].sort().join(', ');
  const converted = n9 ? `, ${n9} module(9) module${n9 === 1 ? '' : 's'} already converted (${classes})` : '';
  return (
    `${n} LKM${n === 1 ? '' : 's'}${n ? ` (${kinds})` : ''}${converted} in ${r.filesScanned} files scanned, ${r.filesParsed} parsed; ` +
    `${count('error')} error${count('error') === 1 ? '' : 's'}, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ` +
    `${count('note')} note${count('note') === 1 ? '' : 's'}.`
  );
}
