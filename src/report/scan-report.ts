/**
 * What `lkm2mod scan` prints: the stable JSON document (schema in the README) and the
 * terminal report (a table of modules, then every finding as `file:line: severity: message`).
 */
import pc from 'picocolors';
import type { Declaration, Finding, Handler, ScanResult } from '../migrate/plan.ts';
import { relativeTo, location } from './relative.ts';
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
  return {
    modules: result.modules.map((m) => ({
      name: m.name,
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
    })),
    files_scanned: result.filesScanned,
    files_parsed: result.filesParsed,
    parse_errors: result.parseErrors.map(finding),
    findings: (result.findings ?? []).map(finding),
  };
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
  if (result.modules.length) {
    const handlerName = (h: Handler | null) => (h ? `${h.name}${h.unresolved ? '?' : ''}` : '-');
    const rows = result.modules.map((m) => [
      m.name,
      m.kind,
      m.entry?.name ?? '?',
      [m.handlers.load, m.handlers.unload, m.handlers.stat].map(handlerName).join(' '),
      String(m.files.length),
      String(m.findings.length),
      rel(m.dir),
    ]);
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
  for (const m of result.modules) {
    if (!m.findings.length) continue;
    const lines = m.findings.map((f) => `  ${location(rel, f.file, f.line)}: ${paint(f.severity, f.severity)}: ${f.message} [${f.code}]`);
    sections.push(`${c.bold(m.name)} (${rel(m.dir)}):\n${lines.join('\n')}`);
  }
  // Problems with files no module claims (unreadable, binary) are shown with the tree's findings.
  const inModules = new Set(result.modules.flatMap((m) => m.findings.map(key)));
  const loose = [...(result.findings ?? []), ...result.parseErrors.filter((f) => !inModules.has(key(f)))];
  if (loose.length) {
    const lines = loose.map((f) => `  ${location(rel, f.file, f.line)}: ${paint(f.severity, f.severity)}: ${f.message} [${f.code}]`);
    sections.push(`${c.bold('not part of a module')}:\n${lines.join('\n')}`);
  }
  // Table, findings, summary: separated by one blank line, whichever are there.
  return `${[out.trimEnd(), ...sections, summary(result)].filter(Boolean).join('\n\n')}\n`;
}

const key = (f: Finding) => `${f.code}\0${f.file}\0${f.line}`;

function summary(r: ScanResult): string {
  const inModules = new Set(r.modules.flatMap((m) => m.findings.map(key)));
  const all = [...r.modules.flatMap((m) => m.findings), ...(r.findings ?? []), ...r.parseErrors.filter((f) => !inModules.has(key(f)))];
  const count = (s: Finding['severity']) => all.filter((f) => f.severity === s).length;
  const n = r.modules.length;
  const kinds = [...new Set(r.modules.map((m) => m.kind))].sort().join(', ');
  return (
    `${n} LKM${n === 1 ? '' : 's'}${n ? ` (${kinds})` : ''} in ${r.filesScanned} files scanned, ${r.filesParsed} parsed; ` +
    `${count('error')} error${count('error') === 1 ? '' : 's'}, ${count('warning')} warning${count('warning') === 1 ? '' : 's'}, ` +
    `${count('note')} note${count('note') === 1 ? '' : 's'}.`
  );
}
