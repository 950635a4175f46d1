/**
 * The report with paths relative to where the user ran the command: module directories, sites
 * and every path inside a message, so `file:line` can be pasted into an editor. This is the
 * shape `--json` prints and the other reports start from.
 */
import path from 'node:path';
import type { CheckResult, ModuleResult, Unmodelled, ValidationReport } from './result.ts';

export function relativeReport(report: ValidationReport, cwd: string): ValidationReport {
  const text = relativeText(cwd);
  const file = (p: string) => (path.isAbsolute(p) ? path.relative(cwd, p) || '.' : p);
  const check = (c: CheckResult): CheckResult => ({
    ...c,
    details: c.details.map(text),
    ...(c.failures ? { failures: c.failures.map(text) } : {}),
    ...(c.warnings ? { warnings: c.warnings.map(text) } : {}),
    ...(c.sites ? { sites: c.sites.map((s) => ({ file: file(s.file), line: s.line })) } : {}),
  });
  const mod = (m: ModuleResult): ModuleResult => ({
    ...m,
    dir: file(m.dir),
    ...(m.lkm ? { lkm: file(m.lkm) } : {}),
    ...(m.notes ? { notes: m.notes.map(text) } : {}),
    checks: m.checks.map(check),
    ...(m.unmodelled ? { unmodelled: showUnmodelled(m.unmodelled, text) } : {}),
  });
  return {
    ...report,
    modules: report.modules.map(mod),
    ...(report.together ? { together: { ...(check(report.together) as typeof report.together), modules: report.together.modules } } : {}),
    ...(report.unvalidated ? { unvalidated: report.unvalidated.map(text) } : {}),
  };
}

/** Absolute paths under `cwd` inside a message, made relative. */
export function relativeText(cwd: string): (text: string) => string {
  const prefix = path.resolve(cwd) + path.sep;
  return (text) => text.split(prefix).join('');
}

/** An Unmodelled with the paths in it shown through `text`. */
export function showUnmodelled(u: Unmodelled, text: (t: string) => string): Unmodelled {
  return {
    ...u,
    functions: u.functions.map((f) => ({ ...f, where: text(f.where) })),
    ...(u.variables ? { variables: u.variables.map((v) => ({ ...v, where: text(v.where) })) } : {}),
  };
}
