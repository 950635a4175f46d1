/**
 * convertPlans: ModulePlans in, module(9) sources out, as FileChanges (nothing is written here).
 *
 * Per module, in this order, because each step reads what the earlier ones left:
 *   1. the rules convert each registration (descriptor → registrations, declarations, includes);
 *   2. reads of kernel-assigned numbers are rewritten, lkmexists() checks go;
 *   3. the handlers lose the parameters module(9) does not pass;
 *   4. the entry function becomes <name>_modcmd; includes, _LKM and LKM_E_* follow.
 * Then tree rules run over the whole tree (call sites elsewhere that reach a converted
 * module); then, for all modules at once, the symbol index infers `required` from what is
 * still referenced, and each declaration becomes MODULE(); tables nothing uses any more go;
 * leftovers of sys/lkm.h are marked. Last, the layout (sys/lkm → sys/modules) turns edits into
 * file changes.
 *
 * A module whose conversion fails (conflicting edits, a rule that throws) is reported and
 * contributes no change at all; the others still convert.
 */
import path from 'node:path';
import { configHeaders } from '../kernel/cc/pp/config-headers.ts';
import type { FileChange } from '../source/patch.ts';
import { DEFAULT_MACHINE } from '../source/make-env.ts';
import { builtinRules } from './builtin-rules.ts';
import { CSource, SourceCache } from './csource.ts';
import { EditConflict } from '../source/edits.ts';
import { ModuleJob } from './job.ts';
import { markerComment } from './modinfo.ts';
import { moduleName, unquote } from './names.ts';
import { inferModuleSet, plannedFor, type KernelCode, type ModuleSet, type SharedModule } from './module-set.ts';
import type { PlanDecisions } from './plan-file.ts';
import { moduleSetFromPlan } from './plan-load.ts';
import { hostedKernelCode, mergedModuleParts, sharedModuleFiles, type CreatedModule } from './module-set-convert.ts';
import type { Finding, ModulePlan, ScanResult } from '../discover/plan.ts';
import type { ModuleClass, ModuleRule, Rule, TreeContext, TreeRule } from '../discover/rule-api.ts';
import { SymbolIndex, type Provider, type Requirement } from './symbols.ts';
import { findEmulations } from './emulations.ts';
import { type Prepared, alreadyModule, declaredName, finish, peek, prepare, readable, stillUsed } from './prepare.ts';
import { BUNDLED_INCLUDE, kernelBuilt, kernelTree, sysDirOf } from './kernel-tree.ts';
import { assemble } from './assemble.ts';
import { settleGlobalClashes, tentativeGlobals } from './global-clashes.ts';

export type { FileChange };

export interface ConvertOptions {
  /** The tree root: patch paths are relative to it and nothing is written outside it. */
  root: string;
  /** Other trees to index for `required` (`--kernel-src`). */
  kernelSrc?: string[];
  /** Answers to slot -1 syscalls, by module name (`--syscall-slot NAME=NUMBER`). */
  syscallSlots?: Map<string, number>;
  /** Extra rules; for a kind they also cover, they take precedence over the built-in ones. */
  rules?: Rule[];
  /**
   * The migration's decisions for the tree (names, shared modules, merges, slots), from a plan
   * file (`--plan`); lkm2mod infers them when there is none.
   */
  moduleSet?: ModuleSet;
  /** A plan file's decisions (`--plan`), checked against the scan; used when moduleSet is not given. */
  plan?: PlanDecisions;
}

export interface ModuleConversion {
  plan: ModulePlan;
  name: string;
  renamedFrom?: string;
  /** Folded into this emulation module (a plan's merge): no module of its own. */
  mergedInto?: string;
  moduleClass: ModuleClass;
  required: { module: string; reason: string; symbols?: string[] }[];
  /** The module(9) module's directory (sys/modules/<name> when it moved). */
  dir: string;
  /** The module's sources after conversion, paths as they will be. */
  sources: string[];
  changes: FileChange[];
  findings: Finding[];
}

export interface ConversionSet {
  modules: ModuleConversion[];
  /** Modules the conversion made that no LKM was: shared code several LKMs built. */
  created?: CreatedModule[];
  /** The decisions the conversion followed. */
  moduleSet?: ModuleSet;
  /** All changes inside the tree root, in path order: what --write and --out write. */
  changes: FileChange[];
  /**
   * Edits to files outside the tree root (a .PATH that leads out of the kernel tree): never
   * written; each is an outside-tree-root finding carrying its hunk, and the preview shows them.
   */
  outside?: FileChange[];
  findings: Finding[];
}

export async function convertPlans(scan: ScanResult, opts: ConvertOptions): Promise<ConversionSet> {
  const cache = new SourceCache();
  const rules = [...(opts.rules ?? []), ...builtinRules];
  const moduleRules = rules.filter((r): r is ModuleRule => r.scope === 'module');
  const treeRules = rules.filter((r): r is TreeRule => r.scope === 'tree');
  const moduleSet =
    opts.moduleSet ?? (opts.plan ? moduleSetFromPlan(opts.plan, scan, opts.syscallSlots) : inferModuleSet(scan, { syscallSlots: opts.syscallSlots }));
  const slots = new Map(opts.syscallSlots ?? []);
  for (const s of moduleSet.slots) if (s.slot !== null && !slots.has(s.module)) slots.set(s.module, s.slot);
  // Sources a shared module now holds, and which module takes which exec format.
  const sharedOf = new Map<string, SharedModule>();
  for (const sh of moduleSet.shared) for (const f of sh.sources) sharedOf.set(f, sh);
  // Kernel code only the modules' options build: into one of the modules, or a module of its own.
  const moduleNames = new Set(moduleSet.modules.map((m) => m.name));
  const hosted = new Map<string, KernelCode[]>();
  const kernelModules: SharedModule[] = [];
  for (const kc of moduleSet.kernel) {
    if (moduleNames.has(kc.into)) hosted.set(kc.into, [...(hosted.get(kc.into) ?? []), kc]);
    else kernelModules.push({ name: kc.into, sources: kc.sources, users: kc.users, reason: kc.reason, kernelCode: true, ...(kc.line !== undefined ? { line: kc.line } : {}) });
  }
  const hostedSources = (name: string) => (hosted.get(name) ?? []).flatMap((k) => k.sources);
  const mergedInto = new Map(moduleSet.merges.map((m) => [m.from, m.into]));
  const absorbs = new Map<string, string[]>();
  for (const m of moduleSet.merges) absorbs.set(m.into, [...(absorbs.get(m.into) ?? []), m.from]);
  // Discovery's loose findings (a KMOD that declares nothing, a vendor macro no rule reads) are convert's to report too.
  const findings: Finding[] = [...scan.parseErrors, ...(scan.findings ?? [])];
  const plans = [...scan.modules].sort((a, b) => a.dir.localeCompare(b.dir));

  const convertible: Array<{ plan: ModulePlan; name: string; renamedFrom?: string; reason?: string }> = [];
  for (const plan of plans) {
    if (!plan.declaration) {
      if (!alreadyModule(plan)) {
        findings.push({
          file: plan.makefile ?? plan.files[0] ?? plan.dir,
          line: 1,
          severity: 'error',
          code: 'no-declaration',
          message: `No MOD_* declaration or lkm descriptor was found for ${plan.name}, so it was not converted. Check the scan findings for it.`,
        });
      }
      continue;
    }
    const planned = plannedFor(moduleSet, plan.dir);
    const declared = unquote(declaredName(cache, plan).trim());
    const n = planned
      ? { name: planned.name, renamedFrom: planned.name !== declared ? declared : undefined, reason: planned.reason }
      : moduleName(declaredName(cache, plan), plan.kmod);
    convertible.push({ plan, name: n.name, renamedFrom: n.renamedFrom, reason: n.reason });
  }

  const machine = scan.machine ?? DEFAULT_MACHINE;
  const kernel = kernelTree(convertible.map((c) => c.plan), opts.kernelSrc ?? [], machine);
  const moduleFileSet = new Set(convertible.flatMap((c) => c.plan.files));
  // A whole kernel tree is big: its files are read one at a time for this, not kept.
  const emulations = findEmulations(
    (function* () {
      for (const f of new Set([...moduleFileSet, ...kernel.cFiles])) {
        const text = peek(f);
        if (text !== null) yield { text };
      }
    })(),
  );

  // Step 1-4 per module.
  const prepared = new Map<ModulePlan, Prepared>();
  const failed = new Map<ModulePlan, Finding[]>();
  const names = new Map<string, ModulePlan>();
  for (const c of convertible) {
    const clash = names.get(c.name);
    if (clash) {
      failed.set(c.plan, [
        {
          file: c.plan.declaration!.file,
          line: c.plan.declaration!.line,
          severity: 'error',
          code: 'duplicate-module-name',
          message: `Module name ${c.name} is already taken by the LKM in ${clash.dir}; module(9) refuses two modules of one name (EEXIST). Rename one of them (its name in the declaration) and convert again.`,
        },
      ]);
      continue;
    }
    names.set(c.name, c.plan);
    const files = c.plan.files.filter((f) => !sharedOf.has(f)).flatMap((f) => readable(cache, f));
    const job = new ModuleJob(c.plan, c.name, files, cache, emulations, slots);
    if (mergedInto.has(c.name)) job.helperOf = mergedInto.get(c.name);
    for (const from of absorbs.get(c.name) ?? []) mergedModuleParts(job, from);
    for (const kc of hosted.get(c.name) ?? []) {
      hostedKernelCode(job, kc);
      job.hosted.push(...kc.sources.flatMap((f) => readable(cache, f)));
    }
    const checkpoints = new Map(cache.all().map((s) => [s, s.edits.size]));
    try {
      const p = prepare(job, moduleRules, machine);
      if (c.renamedFrom) {
        job.finding({
          file: c.plan.declaration!.file,
          line: c.plan.declaration!.line,
          severity: 'note',
          code: 'module-renamed',
          message: `The module is named ${c.name}, not "${c.renamedFrom}": ${c.reason}. modload, modstat and requisite lists use the new name.`,
        });
      }
      prepared.set(c.plan, { ...p, renamedFrom: c.renamedFrom, required: [], checkpoints });
    } catch (err) {
      rollBack(cache, checkpoints);
      failed.set(c.plan, [failure(c.plan, err)]);
    }
  }

  // required, from the symbols every module defines and uses.
  const converting = new Set(convertible.flatMap((c) => (c.plan.makefile ? [c.plan.makefile] : [])));
  const providers: Provider[] = [
    ...[...prepared.values()].map((p) => ({ module: p.job.helperOf ?? p.job.name, files: [...p.job.files.map((f) => f.path), ...(p.job.helperOf ? [] : hostedSources(p.job.name))] })),
    ...[...moduleSet.shared, ...kernelModules].map((sh) => ({ module: sh.name, files: sh.sources })),
    ...kernel.providers.filter((p) => !names.has(p.module) && !converting.has(p.makefile)),
  ];
  const providerFiles = new Set(providers.flatMap((p) => p.files));
  const built = kernelBuilt(kernel.cFiles, convertible.map((c) => c.plan), opts.kernelSrc ?? [], machine);
  const index = new SymbolIndex(
    cache,
    providers,
    built.files.filter((f) => !providerFiles.has(f)),
    opts.root,
    [...built.configured, ...(opts.kernelSrc ?? []).map((k) => path.resolve(k)), BUNDLED_INCLUDE],
    new Set(built.configured.flatMap((sys) => [...configHeaders(sys, machine.machine).offOptions()])),
    built.always.filter((f) => !providerFiles.has(f)),
  );
  // Tree rules run before `required` is inferred: a call they send through a kernel table
  // (syscall-indirection) no longer links the caller to the module behind it.
  const modulesForTree = [...prepared.values()].map((p) => ({
    plan: p.job.plan,
    name: p.job.name,
    moduleClass: p.job.moduleClass,
    defines: index.definesOf(p.job.name),
  }));
  for (const rule of treeRules) {
    const ctx: TreeContext = {
      root: opts.root,
      modules: modulesForTree,
      treeFiles: kernel.cFiles,
      source: (file) => cache.get(file),
      marker: (file, offset, code, severity, message) => {
        const src = cache.get(file);
        findings.push({ file, line: src.line(offset), severity, code, message });
        src.edits.insert(src.lineStartOf(offset), markerComment(src.indentAt(offset), message) + '\n', `${rule.meta.id}: marker`);
      },
      finding: (f) => void findings.push(f),
    };
    try {
      rule.run(ctx);
    } catch (err) {
      findings.push({
        file: opts.root,
        line: 0,
        severity: 'error',
        code: 'rule-failed',
        message: `Tree rule ${rule.meta.id} failed: ${(err as Error).message}`,
      });
    }
  }

  const jobsOf = (name: string) => [...prepared.values()].filter((q) => q.job.name === name || q.job.helperOf === name).map((q) => q.job);
  const usedBy = (name: string) => (sym: string) => jobsOf(name).some((j) => stillUsed(j, sym));
  // Only a whole kernel tree (one with config files) says what the kernel defines.
  const inKernelTree = [...prepared.values()].filter((p) => {
    const sys = sysDirOf(p.job.plan.dir);
    return !p.job.helperOf && sys !== null && built.configured.includes(sys);
  });
  const unresolved = await index.unresolvedCallsAsync(inKernelTree.map((p) => ({ name: p.job.name, stillUsed: usedBy(p.job.name) })));
  for (const p of prepared.values()) {
    if (p.job.helperOf) continue;
    const parts = jobsOf(p.job.name);
    const { required: inferred, ambiguous } = await index.requiredAsync(
      p.job.name,
      parts.flatMap((j) => [...j.uses]),
      (sym) => parts.some((j) => stillUsed(j, sym)),
    );
    const required = withSharedModules(inferred, p.job.plan, moduleSet);
    p.required = required;
    const nowhere = unresolved.get(p.job.name) ?? [];
    if (nowhere.length) {
      const shown = nowhere.length > 6 ? `${nowhere.slice(0, 6).join(', ')} and ${nowhere.length - 6} more` : nowhere.join(', ');
      p.job.finding({
        file: p.job.plan.declaration!.file,
        line: p.job.plan.declaration!.line,
        severity: 'warning',
        code: 'symbol-unresolved',
        message: `${p.job.name} calls ${shown}, and lkm2mod finds no definition it could link against: not in its own sources, not in a module of the tree, not in what the tree builds into a kernel (conf/files, with the options the tree's LKMs stand for off; libraries and assembler count as the kernel's). kobj would refuse the load: add the sources that define them to SRCS, or the module that does to the required list. (Sources are read unpreprocessed here: a call in code no configuration compiles, or a definition behind macros, shows up too; validate's dependencies check links the compiled module exactly.)`,
      });
    }
    for (const a of ambiguous) {
      p.job.finding({
        file: p.job.plan.declaration!.file,
        line: p.job.plan.declaration!.line,
        severity: 'warning',
        code: 'required-ambiguous',
        message: `The module uses ${a}; more than one module provides it, so none was listed as required. Add the right one to MODULE()'s required list.`,
      });
    }
    for (const r of required) {
      p.job.finding({
        file: p.job.plan.declaration!.file,
        line: p.job.plan.declaration!.line,
        severity: 'note',
        code: 'required-inferred',
        message: `Requires ${r.module}: it ${r.reason}.`,
      });
    }
  }

  // Globals two modules define, or a module and the kernel: kobj would refuse the module.
  const jobs = [...prepared.values()].map((p) => p.job);
  const kernelGlobals = inKernelTree.length ? await index.kernelDefinitions(tentativeGlobals(jobs)) : new Map<string, string>();
  settleGlobalClashes(jobs, kernelGlobals);

  // MODULE(), unused tables, leftovers.
  for (const [plan, p] of prepared) {
    try {
      finish(p);
    } catch (err) {
      rollBack(cache, p.checkpoints);
      prepared.delete(plan);
      failed.set(plan, [failure(plan, err)]);
    }
  }

  const set = assemble(cache, plans, prepared, failed, findings, opts.root, machine, hostedSources);
  const created = sharedModuleFiles([...moduleSet.shared, ...kernelModules], convertible.map((c) => c.plan), set, opts.root);
  return { ...set, created: created.modules, changes: [...set.changes, ...created.changes].sort((a, b) => a.path.localeCompare(b.path)), findings: [...set.findings, ...created.findings], moduleSet };
}

/**
 * The shared modules a module's LKM built the sources of come first in `required`, for that
 * reason; requisites its symbols bring in follow.
 */
function withSharedModules(inferred: Requirement[], plan: ModulePlan, set: ModuleSet): Requirement[] {
  const out: Requirement[] = [];
  for (const sh of set.shared) {
    const built = sh.sources.filter((f) => plan.files.includes(f)).map((f) => path.basename(f));
    if (built.length === 0) continue;
    const also = inferred.find((r) => r.module === sh.name);
    out.push({
      module: sh.name,
      reason: `built ${built.join(', ')}, which ${sh.name} now holds for ${sh.users.join(', ')}${also ? `; it ${also.reason}` : ''}`,
      ...(also?.symbols ? { symbols: also.symbols } : {}),
    });
  }
  return [...out, ...inferred.filter((r) => !out.some((o) => o.module === r.module))];
}

function rollBack(cache: SourceCache, checkpoints: Map<CSource, number>): void {
  for (const s of cache.all()) s.edits.rollback(checkpoints.get(s) ?? 0);
}

function failure(plan: ModulePlan, err: unknown): Finding {
  const e = err as Error;
  if (err instanceof EditConflict) {
    return {
      file: err.file,
      line: err.line,
      severity: 'error',
      code: 'edit-conflict',
      message: `Not converted: ${err.first.origin} and ${err.second.origin} both change this text. Nothing of ${plan.name} was changed; report this with the file (or fix the rule pack that collides).`,
    };
  }
  return {
    file: plan.declaration?.file ?? plan.dir,
    line: plan.declaration?.line ?? 0,
    severity: 'error',
    code: 'conversion-failed',
    message: `Not converted, nothing of ${plan.name} was changed: ${e?.message ?? String(err)}`,
  };
}
