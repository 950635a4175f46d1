/**
 * The validation report in the formats CI reads: JUnit XML (a testsuite per module, a testcase
 * per check) and SARIF (each failure located at the source line that causes it, where the
 * kernel could say; at the module's directory otherwise). JUnit shows paths as the report
 * has them (make it relative first); SARIF wants the absolute report and makes its own
 * paths relative to `root`.
 */
import { junitXml, type JUnitSuite } from './junit.ts';
import { sarifLog, type SarifResultInput } from './sarif.ts';
import { sitesIn } from '../validate/outcome.ts';
import { relativeText } from '../validate/paths.ts';
import type { CheckName, ValidationReport } from '../validate/result.ts';
import { unmodelledLine } from './validation-text.ts';

const CHECK_RULES: Record<CheckName, string> = {
  lifecycle: 'the module loads (requisites first), answers modstat and MODULE_CMD_STAT, unloads, and leaves the kernel as it found it',
  faults: 'each failing kernel call makes INIT (or FINI) fail and leaves the kernel exactly as before',
  equivalence: 'the converted module changes the same kernel tables as the LKM did and makes its handlers\' calls in the same order',
  dependencies: 'every symbol resolves from the kernel or a listed requisite; a missing requisite fails the load; no requisite is listed for nothing',
  repeat: 'repeated load/unload cycles grow nothing: tables, ksyms, kernel memory, the model\'s memory',
  compile: 'the sources pass a real C compiler against the bundled kernel headers',
  'syscall-indirection': 'compat code reaches optional syscalls through the syscall table',
  together: 'every module that passes alone also loads with all the others in one kernel, requisites first, and unloads in reverse',
};

export function validationJUnit(report: ValidationReport): string {
  const suites: JUnitSuite[] = report.modules.map((m) => ({
    name: m.name,
    timeMs: m.timeMs,
    properties: {
      kind: m.kind,
      input: m.input,
      dir: m.dir,
      ...(m.lkm ? { lkm: m.lkm } : {}),
      ...(m.unmodelled ? { 'unmodelled-calls': String(m.unmodelled.calls) } : {}),
    },
    cases: m.checks.map((c) => {
      const failures = c.failures ?? c.details;
      return {
        name: c.name,
        classname: `lkm2mod.validate.${m.name}`,
        timeMs: c.timeMs,
        ...(c.ok ? {} : { failure: { message: failures[0] ?? `${c.name} failed`, text: failures.join('\n') } }),
        ...(c.skipped ? { skipped: c.details[0] ?? 'does not apply' } : {}),
        output: [
          ...(m.notes ?? []).map((n) => `note: ${n}`),
          ...c.details,
          ...(c.warnings ?? []).map((w) => `warning: ${w}`),
          ...(c.name === 'lifecycle' && m.unmodelled?.calls ? [unmodelledLine(m.unmodelled, Infinity)] : []),
        ].join('\n'),
      };
    }),
  }));
  const t = report.together;
  if (t) {
    const failures = t.failures ?? t.details;
    suites.push({
      name: 'all together',
      timeMs: t.timeMs,
      properties: { modules: t.modules.join(',') },
      cases: [
        {
          name: 'together',
          classname: 'lkm2mod.validate.together',
          timeMs: t.timeMs,
          ...(t.ok ? {} : { failure: { message: failures[0] ?? 'together failed', text: failures.join('\n') } }),
          output: t.details.join('\n'),
        },
      ],
    });
  }
  return junitXml('lkm2mod validate', suites);
}

export function validationSarif(report: ValidationReport, root: string, version: string) {
  const results: SarifResultInput[] = [];
  const rel = relativeText(root);
  for (const m of report.modules) {
    for (const c of m.checks) {
      // A line that names file:line is located there; others at the check's first site.
      const locate = (text: string) => {
        const at = sitesIn(text)[0] ?? c.sites?.[0];
        return { file: at?.file ?? m.dir, line: at?.line ?? 0 };
      };
      for (const f of c.ok ? [] : (c.failures ?? c.details)) {
        results.push({ ruleId: `validate-${c.name}`, level: 'error', message: `${m.name}: ${rel(f)}`, ...locate(f) });
      }
      for (const w of c.warnings ?? []) {
        results.push({ ruleId: `validate-${c.name}`, level: 'warning', message: `${m.name}: ${rel(w)}`, ...locate(w) });
      }
    }
    if (m.unmodelled?.calls) {
      results.push({ ruleId: 'validate-unmodelled', level: 'note', message: `${m.name}: ${rel(unmodelledLine(m.unmodelled, Infinity))}`, file: m.dir, line: 0 });
    }
    for (const n of m.notes ?? []) {
      const loc = /^(.+?):(\d+): /.exec(n);
      results.push({ ruleId: 'validate-conversion', level: 'error', message: `${m.name}: ${rel(n)}`, file: loc?.[1] ?? m.dir, line: loc ? Number(loc[2]) : 0 });
    }
  }
  const t = report.together;
  for (const f of t && !t.ok ? (t.failures ?? t.details) : []) {
    const at = sitesIn(f)[0] ?? t!.sites?.[0];
    results.push({ ruleId: 'validate-together', level: 'error', message: `all together: ${rel(f)}`, file: at?.file ?? root, line: at?.line ?? 0 });
  }
  const rules = Object.fromEntries(Object.entries(CHECK_RULES).map(([k, v]) => [`validate-${k}`, v]));
  rules['validate-conversion'] = 'convert could not convert the module soundly; validation depends on it';
  rules['validate-unmodelled'] = 'calls into kernel functions the simulated kernel knows only by name ran as stand-ins returning 0';
  return sarifLog({ name: 'lkm2mod', version, rules }, results, root);
}
