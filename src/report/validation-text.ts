/**
 * The terminal report: one row per module with a mark per check (✓ passed, ✗ failed, - did
 * not apply) and its time, then what failed, module by module, with the lines to act on.
 */
import pc from 'picocolors';
import { renderTable, type Column } from './table.ts';
import type { CheckName, ModuleResult, Unmodelled, ValidationReport } from '../validate/result.ts';

/** Columns in check order, with the short headers the table uses. */
const CHECKS: [CheckName, string][] = [
  ['lifecycle', 'lifecycle'],
  ['faults', 'faults'],
  ['equivalence', 'equiv'],
  ['dependencies', 'deps'],
  ['repeat', 'repeat'],
  ['syscall-indirection', 'sysent'],
  ['compile', 'cc'],
];

export interface TextOptions {
  color: boolean;
  /** Also list the facts of passing checks (what load changed, calls compared …). */
  verbose?: boolean;
}

export function renderValidationText(report: ValidationReport, opts: TextOptions): string {
  const c = opts.color ? pc : pc.createColors(false);
  const used = CHECKS.filter(([name]) => report.modules.some((m) => m.checks.some((x) => x.name === name)));
  const mark = (m: ModuleResult, name: CheckName): string => {
    const r = m.checks.find((x) => x.name === name);
    if (!r || r.skipped) return '-';
    return r.ok ? '✓' : '✗';
  };
  const paint = (cell: string) => (cell.includes('✗') ? c.red(cell) : cell.includes('✓') ? c.green(cell) : c.dim(cell));
  const columns: Column[] = [
    { header: 'MODULE', style: (cell, row) => (report.modules[row]!.ok ? cell : c.bold(cell)) },
    { header: 'KIND' },
    ...used.map(([, header]): Column => ({ header, style: paint })),
    { header: 'UNMODELLED', align: 'right', style: (cell) => (cell === '0' || cell === '-' ? c.dim(cell) : c.yellow(cell)) },
    { header: 'TIME', align: 'right' },
  ];
  const rows = report.modules.map((m) => [
    m.name,
    m.input === 'module' ? `${m.kind} (module)` : m.kind,
    ...used.map(([name]) => mark(m, name)),
    m.unmodelled ? String(m.unmodelled.calls) : '-',
    seconds(m.timeMs),
  ]);
  const out: string[] = [report.modules.length ? renderTable(columns, rows, { headerStyle: c.bold }).trimEnd() : 'no modules found'];

  const t = report.together;
  if (t) {
    out.push('');
    const kernels = t.machines ? `one kernel per machine (${t.machines.join(', ')})` : 'one kernel';
    const summary = t.skipped
      ? t.details.at(-1) ?? 'nothing to load together'
      : t.ok
      ? `${t.modules.length} module(s) loaded into ${kernels}, requisites first, and unloaded in reverse; the kernel is as it booted`
      : `${t.failures?.length ?? 0} problem(s) loading ${t.modules.length ? 'them' : 'the modules'} into ${kernels}`;
    out.push(`${c.bold('all together')}  ${t.skipped ? c.dim('-') : t.ok ? c.green('✓') : c.red('✗')} ${summary} ${c.dim(`(${seconds(t.timeMs)})`)}`);
    for (const f of t.failures ?? []) out.push(c.red(`    ${f}`));
    if (opts.verbose || !t.ok) for (const d of t.details.filter((x) => !(t.failures ?? []).includes(x))) out.push(c.dim(`    ${d}`));
  }

  for (const m of report.modules) {
    const lines = moduleLines(m, opts.verbose ?? false);
    if (lines.length === 0) continue;
    out.push('');
    const where = m.lkm && m.lkm !== m.dir ? `${m.lkm} → ${m.dir}` : m.lkm ? `${m.dir}, converted in place` : m.dir;
    out.push(`${c.bold(m.name)} ${c.dim(`(${where})`)}`);
    for (const l of lines) out.push(l.startsWith('✗') ? c.red(l) : l.startsWith('!') ? c.yellow(l) : l);
  }
  if (report.unvalidated?.length) {
    out.push('');
    out.push(c.bold('not validated:'));
    for (const u of report.unvalidated) out.push(`  ${c.yellow(u)}`);
  }
  const total = report.passed + report.failed;
  out.push('');
  // The summary line stays what scripts match; only a failure together changes it.
  const apart = t && !t.ok ? '; they fail when loaded all together' : '';
  out.push(
    report.failed
      ? c.red(`${report.failed} of ${total} module(s) failed validation, ${report.passed} passed${apart}`)
      : t && !t.ok
        ? c.red(`${report.passed} of ${total} module(s) passed every check alone${apart}`)
        : c.green(`${report.passed} of ${total} module(s) passed every check${apart}`),
  );
  return `${out.join('\n')}\n`;
}

function moduleLines(m: ModuleResult, verbose: boolean): string[] {
  const lines: string[] = [];
  for (const n of m.notes ?? []) lines.push(`  note: ${n}`);
  if (m.unmodelled?.calls) lines.push(`~ ${unmodelledLine(m.unmodelled)}`);
  if (m.unmodelled?.variables?.length) lines.push(`~ ${variablesLine(m.unmodelled.variables)}`);
  for (const r of m.checks) {
    if (!r.ok) {
      lines.push(`✗ ${r.name}:`);
      for (const f of r.failures ?? r.details) lines.push(`    ${f}`);
    } else if (verbose && !r.skipped) {
      lines.push(`  ${r.name}:`);
      for (const d of r.details) lines.push(`    ${d}`);
    }
    for (const w of r.warnings ?? []) lines.push(`! ${r.name}: ${w}`);
  }
  return lines;
}

/** `12 call(s) to 3 function(s) … : vfs_hashinit ×4 (sys/kern/vfs_subr.c:123), …` */
export function unmodelledLine(u: Unmodelled, shown = 6): string {
  const list = u.functions.slice(0, shown).map((f) => `${f.name} ×${f.calls} (${f.where})`);
  const more = u.functions.length > shown ? `, and ${u.functions.length - shown} more` : '';
  return (
    `unmodelled: ${u.calls} call(s) to ${u.functions.length} kernel function(s) the simulated kernel does not model, ` +
    `each returned 0 or NULL and did nothing: ${list.join(', ')}${more}`
  );
}

/** `unmodelled variables, zero-filled stand-ins: msgbufp (sys/kern/subr_log.c:69), curproc (…; holds …), …` */
export function variablesLine(vs: NonNullable<Unmodelled['variables']>, shown = 6): string {
  const list = vs.slice(0, shown).map((v) => `${v.name} (${v.where}${v.holds ? `; holds ${v.holds}` : ''})`);
  const more = vs.length > shown ? `, and ${vs.length - shown} more` : '';
  const filled = vs.slice(0, shown).some((v) => v.holds) ? ' unless said' : '';
  return `unmodelled variables of the tree's kernel, zero-filled stand-ins${filled}: ${list.join(', ')}${more}`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${ms}ms` : `${(ms / 1000).toFixed(1)}s`;
}
