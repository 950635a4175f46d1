/**
 * Validation: prove each module in the simulated kernel. The public entry points are
 * validatePaths (a tree: LKMs are converted in memory, module(9) modules taken as they are)
 * and validateConversion (a conversion someone already made, with the module(9) modules the same
 * scan found). Both materialise the converted sources in a temporary overlay of the tree —
 * nothing in the user's tree is written — and run every check on every module, in worker
 * threads when asked to.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { treeRoot } from '../source/tree-root.ts';
import { findKernelTree } from '../kernel/cc/pp/include-path.ts';
import { convertPlans, type ConversionSet } from '../migrate/convert.ts';
import { discover } from '../discover/discover.ts';
import type { Module9, ScanResult } from '../discover/plan.ts';
import type { PlanDecisions } from '../migrate/plan-file.ts';
import type { Machine } from '../source/make-env.ts';
import type { Rule } from '../discover/rule-api.ts';
import { PathNotFoundError } from '../source/files.ts';
import { Catalog } from './catalog.ts';
import { Overlay } from './overlay.ts';
import { ValidatePool, type WorkerKind } from './pool.ts';
import type { ModuleResult, TogetherResult, ValidationReport } from './result.ts';
import { showPaths, validateModule } from './run-module.ts';
import { together } from './together.ts';
import { treePaths } from './overlay.ts';
import type { CheckSettings, ModuleSpec, OverlayMap, ValidationJob } from './spec.ts';
import { conversionSpecs, findingLine, module9Spec, noteDuplicates } from './specs.ts';
import { DEFAULT_REPEAT } from './defaults.ts';

export interface ValidateOptions {
  /** Modules validated at once (worker threads); default 1. */
  jobs?: number;
  /** Also run the converted sources through a real C compiler (`cc -fsyntax-only`). */
  cc?: boolean;
  /** Other trees to index for `required` inference (convert's --kernel-src). */
  kernelSrc?: string[];
  /** Answers to slot -1 syscalls, by module name (convert's --syscall-slot). */
  syscallSlots?: Map<string, number>;
  onProgress?: (done: number, total: number, name: string) => void;
  /** Load/unload cycles of the repeat check (default 100). */
  repeat?: number;
  /** Rule packs' rules (`--rules DIR`), for discovery and conversion. */
  rules?: readonly Rule[];
  /** The simulated kernel's memory in bytes (default 64 MB). */
  kernelMemory?: number;
  /** The machine whose Makefiles are read (`--machine`); default i386. */
  machine?: Machine;
  /** The plan file's decisions (`--plan`). */
  plan?: PlanDecisions;
}

/** Threads or processes for --jobs: see bench/validate.bench.ts for why threads are the default. */
export interface ValidateInternals {
  workers?: WorkerKind;
}

export interface ConversionValidation {
  /**
   * The module(9) modules the scan found: validated with the conversion (the default), or only
   * there for converted modules to load as requisites (re-validating a few modules after an edit).
   */
  module9?: 'validate' | 'requisites';
}

export { DEFAULT_REPEAT };

/** Validate every module under `paths`: LKMs (converted in memory) and module(9) modules. */
export async function validatePaths(paths: string[], opts: ValidateOptions & ValidateInternals = {}): Promise<ValidationReport> {
  const list = paths.length ? paths : ['.'];
  const missing = list.filter((p) => !fs.existsSync(p));
  if (missing.length) throw new PathNotFoundError(missing);
  const abs = list.map((p) => path.resolve(p));
  // Workers warm up while this thread discovers and converts.
  const pool = startPool(opts);
  try {
    const scan = await discover(abs, { jobs: opts.jobs, rules: opts.rules, machine: opts.machine });
    const root = treeRoot(abs, process.cwd(), scan.sysDirs);
    const set = await convertPlans(scan, { root, kernelSrc: opts.kernelSrc, syscallSlots: opts.syscallSlots, rules: [...(opts.rules ?? [])], plan: opts.plan });
    return await run(set, scan, opts, pool);
  } finally {
    await pool?.close();
  }
}

/**
 * Validate a conversion convertPlans made from `scan`, and the module(9) modules the scan found
 * (nothing is written to the tree).
 */
export async function validateConversion(
  set: ConversionSet,
  scan: ScanResult,
  opts: ValidateOptions & ValidateInternals & ConversionValidation = {},
): Promise<ValidationReport> {
  const pool = startPool(opts);
  try {
    return await run(set, scan, opts, pool);
  } finally {
    await pool?.close();
  }
}

function startPool(opts: ValidateOptions & ValidateInternals): ValidatePool | null {
  const jobs = opts.jobs ?? 1;
  return jobs > 1 ? new ValidatePool(jobs, opts.workers ?? 'thread') : null;
}

async function run(
  set: ConversionSet,
  scan: ScanResult,
  opts: ValidateOptions & ValidateInternals & ConversionValidation,
  pool: ValidatePool | null,
): Promise<ValidationReport> {
  const overlay = set.changes.length ? Overlay.create(overlayRoot(set, scan), set.changes) : null;
  try {
    const byName = (a: ModuleSpec, b: ModuleSpec) => a.name.localeCompare(b.name) || a.dir.localeCompare(b.dir);
    // Shared modules the conversion created are validated as the module(9) modules they are.
    const created = (set.created ?? []).map((c) => ({ ...module9Spec(overlay ? inOverlay(c, overlay) : c), dir: c.dir }));
    const found = [...(scan.module9 ?? []).map(module9Spec), ...created];
    const validated = opts.module9 === 'requisites' ? [] : found;
    const targets = [...conversionSpecs(set, scan, overlay), ...validated].sort(byName);
    noteDuplicates(targets);
    const specs = validated === found ? targets : [...targets, ...found];
    const settings: CheckSettings = {
      repeat: opts.repeat ?? DEFAULT_REPEAT,
      cc: opts.cc ?? false,
      ...(opts.machine ? { machine: opts.machine.machine } : {}),
      ...(opts.kernelMemory !== undefined ? { kernelMemory: opts.kernelMemory } : {}),
    };
    const job: ValidationJob = { targets, catalog: specs, overlay: overlay ? { dir: overlay.dir, root: overlay.root } : null, settings };
    const catalog = new Catalog(job.catalog, job.settings);
    const results = await validateJob(job, opts, pool, catalog);
    const all = targets.length > 1 ? await together(targets, results, catalog) : undefined;
    const unvalidated = (scan.findings ?? []).filter((f) => f.severity !== 'note').map(findingLine);
    return {
      modules: results,
      ...(all ? { together: showTogether(all, job.overlay) } : {}),
      passed: results.filter((m) => m.ok).length,
      failed: results.filter((m) => !m.ok).length,
      ...(unvalidated.length ? { unvalidated } : {}),
    };
  } finally {
    overlay?.dispose();
  }
}

/** A module the conversion created, read from where the overlay materialised it. */
function inOverlay(m: Module9, overlay: Overlay): Module9 {
  return { ...m, dir: overlay.toOverlay(m.dir), makefile: m.makefile && overlay.toOverlay(m.makefile), files: m.files.map((f) => overlay.toOverlay(f)) };
}

/** Run a job in this thread, or in a pool; results in the order of `job.targets`. */
export async function validateJob(
  job: ValidationJob,
  opts: Pick<ValidateOptions, 'onProgress'>,
  pool: ValidatePool | null = null,
  shared?: Catalog,
): Promise<ModuleResult[]> {
  const total = job.targets.length;
  let done = 0;
  const progress = (r: ModuleResult) => opts.onProgress?.(++done, total, r.name);
  if (!pool || total < 2) {
    const catalog = shared ?? new Catalog(job.catalog, job.settings);
    const out: ModuleResult[] = [];
    for (const spec of job.targets) {
      const r = await validateModule(spec, catalog, job.settings, job.overlay);
      catalog.forgetLkms();
      out.push(r);
      progress(r);
    }
    return out;
  }
  const catalog = shared ?? new Catalog(job.catalog, job.settings);
  // What the workers validated, the all-together load needs compiled here too.
  const prepare = (index: number) => {
    const spec = job.targets[index]!;
    if (spec.unconverted) return;
    try {
      catalog.object(spec.moduleDir);
    } catch {
      // The module's own result says why it does not compile.
    }
  };
  return pool.run(job, progress, catalog, prepare);
}

/**
 * The directory the overlay mirrors: it must hold every change and the whole kernel tree ($S)
 * the modules include from, so converted headers are what the converted sources see.
 */
function overlayRoot(set: ConversionSet, scan: ScanResult): string {
  const paths = [
    ...set.changes.flatMap((c) => [c.path, c.oldPath ?? c.path]),
    ...scan.modules.map((m) => m.dir),
  ].map((p) => path.resolve(p));
  let root = commonDir(paths);
  const S = findKernelTree(root);
  if (S) root = commonDir([root, path.dirname(S)]);
  return root;
}

function commonDir(paths: string[]): string {
  if (paths.length === 0) return os.tmpdir();
  let common = path.dirname(paths[0]!).split(path.sep);
  for (const p of paths) {
    const parts = path.dirname(p).split(path.sep);
    let i = 0;
    while (i < common.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(path.sep) || path.sep;
}

/** The all-together result with overlay paths shown as the tree paths they stand for. */
function showTogether(t: TogetherResult, overlay: OverlayMap | null): TogetherResult {
  return { ...(showPaths(t, (text) => treePaths(text, overlay)) as TogetherResult), modules: t.modules };
}
