/**
 * Every check on one module, in order, and its result as the user will read it: paths in the
 * overlay shown as the tree paths they stand for. A module that does not compile, or that
 * convert could not convert, still gets a result — failed, saying why — never a silent skip;
 * and a bug in lkm2mod itself fails that module's check, not the whole run.
 */
import type { CompiledModule } from '../kernel/cc/compile.ts';
import { Catalog } from './catalog.ts';
import { compileCheck } from './checks/compile.ts';
import { dependencies } from './checks/dependencies.ts';
import { equivalence } from './checks/equivalence.ts';
import { faults } from './checks/faults.ts';
import { lifecycle } from './checks/lifecycle.ts';
import { repeat } from './checks/repeat.ts';
import { syscallIndirection } from './syscall-indirection.ts';
import { skipped, sitesIn } from './outcome.ts';
import { treePaths } from './overlay.ts';
import { modinfoOf } from './rig.ts';
import type { CheckName, CheckResult, ModuleResult } from './result.ts';
import { showUnmodelled } from './paths.ts';
import type { CheckSettings, ModuleSpec, OverlayMap } from './spec.ts';
import type { Subject } from './subject.ts';

type Check = (s: Subject) => Promise<CheckResult>;

const KERNEL_CHECKS: [CheckName, Check][] = [
  ['lifecycle', lifecycle],
  ['faults', faults],
  ['equivalence', equivalence],
  ['dependencies', dependencies],
  ['repeat', repeat],
  ['syscall-indirection', syscallIndirection],
];

export async function validateModule(spec: ModuleSpec, catalog: Catalog, settings: CheckSettings, overlay: OverlayMap | null): Promise<ModuleResult> {
  const started = performance.now();
  const checks: CheckResult[] = [];
  const display = (text: string) => treePaths(text, overlay);

  const subject = spec.unconverted ? null : prepare(spec, catalog, settings);
  if (subject === null || 'error' in subject) {
    const why = subject === null ? `convert could not convert ${spec.name}; see the notes` : subject.error;
    checks.push({ name: 'lifecycle', ok: false, details: [why], failures: [why], sites: sitesIn(why), timeMs: 0 });
    for (const [name] of KERNEL_CHECKS.slice(1)) checks.push(skipped(name, 'the module cannot be loaded; see lifecycle'));
  } else {
    for (const [name, check] of KERNEL_CHECKS) checks.push(await guarded(name, () => check(subject)));
  }
  if (!spec.unconverted) checks.push(await guarded('compile', () => compileCheck(spec, settings.cc, display, spec.machine ?? settings.machine)));

  const notes = [...spec.notes, ...(subject && !('error' in subject) ? [...headerNotes(subject.object), ...confNotes(subject)] : [])].map(display);
  const life = checks.find((c) => c.name === 'lifecycle');
  const unmodelled = life?.unmodelled;
  if (life) delete life.unmodelled;
  const result: ModuleResult = {
    name: spec.name,
    kind: spec.kind,
    input: spec.input,
    dir: spec.dir,
    ...(spec.lkm ? { lkm: spec.lkm.moduleDir.dir } : {}),
    ok: checks.every((c) => c.ok),
    ...(notes.length ? { notes } : {}),
    checks: checks.map((c) => showPaths(c, display)),
    ...(unmodelled ? { unmodelled: showUnmodelled(unmodelled, display) } : {}),
    timeMs: Math.round(performance.now() - started),
  };
  return result;
}

/** Compile the module and read its modinfo: what every kernel check starts from. */
function prepare(spec: ModuleSpec, catalog: Catalog, settings: CheckSettings): Subject | { error: string } {
  let object;
  try {
    object = catalog.object(spec.moduleDir);
  } catch (err) {
    const e = err as Error;
    const missing = spec.moduleDir.missing.length ? ` (the Makefile names ${spec.moduleDir.missing.join(', ')}, which the tree does not have)` : '';
    return { error: `does not compile in the simulated kernel: ${e.message}${missing}` };
  }
  let info;
  try {
    info = modinfoOf(object);
  } catch (err) {
    return { error: `not a loadable module: ${(err as Error).message}` };
  }
  return { spec, catalog, object, infoName: info.name, required: info.required, settings };
}

/** The headers config(8) would have written that the module includes, synthesised: named. */
function headerNotes(object: object): string[] {
  const generated = (object as Partial<CompiledModule>).configHeaders ?? [];
  if (!generated.length) return [];
  const groups = new Map<string, string[]>();
  for (const g of [...generated].sort((a, b) => a.name.localeCompare(b.name))) groups.set(g.why, [...(groups.get(g.why) ?? []), g.name]);
  const parts = [...groups].map(([why, names]) => `${names.join(', ')} (${why})`);
  return [`headers config(8) writes, synthesised: ${parts.join('; ')}`];
}

/**
 * A 1.x tree's conf.c that does not compile leaves the kernel with the model's pointer-shaped
 * switches: said on every module that uses them, since code indexing cdevsw[] then fails.
 */
function confNotes(s: Subject): string[] {
  const conf = s.catalog.devswConf(s.spec.machine);
  if (!(conf instanceof Error)) return [];
  const objects = [s.object];
  try {
    if (s.spec.lkm) objects.push(s.catalog.lkmObject(s.spec.lkm.moduleDir));
  } catch {
    // An original that does not compile says so in equivalence.
  }
  if (!objects.some((o) => ['cdevsw', 'bdevsw', 'nchrdev', 'nblkdev'].some((n) => o.undefined.has(n)))) return [];
  return [`the tree's conf.c, which defines the kernel's device switches, does not compile, so the simulated kernel's own (pointer-shaped) cdevsw[] and bdevsw[] stand in: ${conf.message}`];
}

async function guarded(name: CheckName, check: () => Promise<CheckResult>): Promise<CheckResult> {
  const started = performance.now();
  try {
    return await check();
  } catch (err) {
    const e = err as Error;
    const line = `internal error in lkm2mod while checking: ${e?.message ?? String(err)} — this is a bug in lkm2mod; please report it with the module`;
    return {
      name,
      ok: false,
      details: [line],
      failures: [line],
      timeMs: Math.round(performance.now() - started),
    };
  }
}

export function showPaths(c: CheckResult, display: (text: string) => string): CheckResult {
  return {
    ...c,
    details: c.details.map(display),
    ...(c.failures ? { failures: c.failures.map(display) } : {}),
    ...(c.warnings ? { warnings: c.warnings.map(display) } : {}),
    ...(c.sites ? { sites: c.sites.map((s) => ({ file: display(s.file), line: s.line })) } : {}),
  };
}

