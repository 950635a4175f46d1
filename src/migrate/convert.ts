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
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sourcePath } from '../runtime.ts';
import { renderPatch, type FileChange } from '../report/diff.ts';
import { commonRoot, contains } from '../source/tree-root.ts';
import { walkPaths } from '../source/files.ts';
import { readSource } from '../source/text-encoding.ts';
import { parseMakefile, resolveSources } from '../source/makefile.ts';
import { DEFAULT_MACHINE, type Machine } from '../source/make-env.ts';
import { builtinRules } from './builtin-rules.ts';
import { lkmCommands, lkmConditions, makefileIncludeDirs, reportLeftovers, swapIncludes, treeHeaders } from './cleanup.ts';
import { CSource, SourceCache } from './csource.ts';
import { readDescriptor } from './descriptor.ts';
import { PreprocessorConditions } from './discover-conditions.ts';
import { maskCode } from './discover-text.ts';
import { EditConflict } from './edits.ts';
import { handwrittenParts, mergeAlternativeDeclarations, readEntry, removeEntryMacro, removeEntryPrototypes, removePrototypes, type EntryInfo } from './entry.ts';
import { convertHandler, functionName, removeLkmexists, type HandlerRole } from './handlers.ts';
import { ModuleJob } from './job.ts';
import { kernelSources, readConfFiles } from './kernel-conf.ts';
import { movedInclude, placeModule, type Placement } from './layout.ts';
import { dropSubdir, modulesMakefileInc, modulesSubdirMakefile, rewriteMakefile } from './makefile-gen.ts';
import { markerComment, moduleDeclaration, renderModcmd } from './modinfo.ts';
import { moduleName, unquote } from './names.ts';
import { inferModuleSet, plannedFor, type ModuleSet, type SharedModule } from './module-set.ts';
import type { PlanDecisions } from './plan-file.ts';
import { moduleSetFromPlan } from './plan-load.ts';
import { foldedPlacement, makefileForSet, mergedModuleParts, sharedModuleFiles, type CreatedModule } from './module-set-convert.ts';
import type { Declaration, Finding, ModulePlan, ScanResult } from './plan.ts';
import type { ModuleClass, ModuleRule, Rule, TreeContext, TreeRule } from './rule-api.ts';
import { findEmulations, SymbolIndex, type Provider, type Requirement } from './symbols.ts';

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

interface Prepared {
  job: ModuleJob;
  entry: EntryInfo | null;
  /** The file MODULE() goes into. */
  moduleFile: CSource;
  modcmd: string;
  modcmdPlaced: boolean;
  renamedFrom?: string;
  required: { module: string; reason: string }[];
  /** EditSet checkpoints, to take the module's edits back if it fails. */
  checkpoints: Map<CSource, number>;
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
    ...[...prepared.values()].map((p) => ({ module: p.job.helperOf ?? p.job.name, files: p.job.files.map((f) => f.path) })),
    ...moduleSet.shared.map((sh) => ({ module: sh.name, files: sh.sources })),
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
  for (const p of prepared.values()) {
    if (p.job.helperOf) continue;
    const parts = jobsOf(p.job.name);
    const { required: inferred, ambiguous } = await index.required(
      p.job.name,
      parts.flatMap((j) => [...j.uses]),
      (sym) => parts.some((j) => stillUsed(j, sym)),
    );
    const required = withSharedModules(inferred, p.job.plan, moduleSet);
    p.required = required;
    // Only a whole kernel tree (one with config files) says what the kernel defines.
    const sys = sysDirOf(p.job.plan.dir);
    const nowhere = sys && built.configured.includes(sys) ? await index.unresolvedCalls(p.job.name, (sym) => parts.some((j) => stillUsed(j, sym))) : [];
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

  const set = assemble(cache, plans, prepared, failed, findings, opts.root, machine);
  const created = sharedModuleFiles(moduleSet.shared, convertible.map((c) => c.plan), set, opts.root);
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

function prepare(job: ModuleJob, rules: ModuleRule[], machine: Machine): Omit<Prepared, 'renamedFrom' | 'required' | 'checkpoints'> {
  const plan = job.plan;
  // What no configuration compiles (`#if 0`) is the author's archive: nothing in it is converted or marked.
  for (const src of job.files) {
    for (const [start, end] of new PreprocessorConditions(maskCode(src.text)).neverCompiled()) job.markDead(src.path, start, end);
  }
  const entry = readEntry(job);
  if (entry) job.markDead(entry.src.path, entry.node.startIndex, entry.node.endIndex);
  // The whole prelude, an entry that dispatched by hand included, before the rules: a rule may
  // take part of it (vfs: vfs_attach builds the vnode-op vectors the entry built by hand).
  const decls = [plan.declaration!, ...plan.extraDeclarations];
  // Registrations each in a function of its own, which the entry called as it called lkmdispatch().
  const dispatchers = new Set(decls.flatMap((d) => (d.enclosing && d.enclosing.name !== entry?.declaredName ? [d.enclosing.name] : [])));
  const manual = entry?.handwritten ? handwrittenParts(entry, moduleFunctions(job), dispatchers) : null;
  if (entry) job.setPrelude(entry.src, [...entry.prelude, ...(manual?.prelude ?? [])]);
  for (const decl of decls) {
    const kind = declKind(decl.macro) ?? plan.kind;
    const rule = rules.find((r) => claims(r, decl, plan, kind));
    if (!rule) {
      job.finding({
        file: decl.file,
        line: decl.line,
        severity: 'error',
        code: 'no-rule',
        message: `No rule converts ${decl.macro} (${kind}); the registration was left out of ${job.name}_modcmd. Convert it by hand or load a rule pack for it.`,
      });
      continue;
    }
    const ctx = job.contextFor(decl);
    if (!ctx) continue;
    try {
      rule.convert(ctx);
    } catch (err) {
      if (err instanceof EditConflict) throw err;
      throw new Error(`rule ${rule.meta.id} failed on ${decl.file}:${decl.line}: ${(err as Error).message}`);
    }
  }
  const moduleFile = job.descriptors[0]?.src ?? job.source(plan.declaration!.file);

  job.rewriteAssigned();
  removeLkmexists(job);
  const includeDirs = plan.makefile ? makefileIncludeDirs(parseMakefile(plan.makefile, { machine }).cppflags, plan.dir) : [];
  job.headers = treeHeaders(job, sysDirOf(plan.dir), (f) => readable(job.cache, f)[0] ?? null, includeDirs);

  // Handlers, named by the plan or read from DISPATCH, or from the switch of an entry that
  // dispatched by hand.
  const roles: Record<HandlerRole, string | null> = {
    load: plan.handlers.load?.name ?? handlerArg(entry, 0) ?? manual?.handlers.load ?? null,
    unload: plan.handlers.unload?.name ?? handlerArg(entry, 1) ?? manual?.handlers.unload ?? null,
    stat: plan.handlers.stat?.name ?? handlerArg(entry, 2) ?? manual?.handlers.stat ?? null,
  };
  const byName = new Map<string, HandlerRole[]>();
  for (const role of ['load', 'unload', 'stat'] as const) {
    const n = roles[role];
    if (n) byName.set(n, [...(byName.get(n) ?? []), role]);
  }
  const calls: Partial<Record<HandlerRole, string>> = {};
  for (const [name, rs] of byName) {
    const planned = plan.handlers[rs[0]];
    const h = convertHandler(job, name, rs, planned?.file ?? entry?.src.path ?? moduleFile.path, new Set(byName.keys()));
    if (!h) continue;
    Object.assign(calls, h.calls);
    if (h.isStatic && h.file !== moduleFile.path) {
      job.finding({
        file: h.file,
        line: job.source(h.file).line(0),
        severity: 'error',
        code: 'handler-static-elsewhere',
        message: `${name}() is static in ${path.basename(h.file)} but ${job.name}_modcmd lives in ${path.basename(moduleFile.path)}; make it global or move it next to the modcmd.`,
      });
    }
  }

  const notes: string[] = [];
  if (!entry && !entryInDeclaration(plan)) {
    notes.push(
      `no LKM entry function was found for ${plan.name}: this modcmd only registers the module; call its load/unload code here.`,
    );
    job.finding({
      file: plan.declaration!.file,
      line: plan.declaration!.line,
      severity: 'error',
      code: 'entry-not-found',
      message: `No entry function (one that calls DISPATCH or lkmdispatch) was found, so ${job.name}_modcmd only registers and deregisters; add the module's own load and unload work to it.`,
    });
  } else if (entry?.handwritten) {
    const line = entry.src.line(entry.node.startIndex);
    const called = Object.values(manual?.handlers ?? {});
    notes.push(
      `${entry.declaredName ?? 'the entry'}() (${path.basename(entry.src.path)}:${line}) dispatched by hand; its registrations are made here in the order it made them${called.length ? `, and ${[...new Set(called)].join(', ')} called as the handlers it called` : ''}. Check that nothing else it did on load or unload is lost.`,
    );
    job.finding({
      file: entry.src.path,
      line,
      severity: plan.extraDeclarations.length ? 'warning' : 'error',
      code: plan.extraDeclarations.length ? 'two-registrations' : 'handwritten-dispatch',
      message: `${entry.declaredName ?? 'The entry'}() ${dispatchers.size ? `registered through ${[...dispatchers].map((d) => `${d}()`).join(' and ')}, each with its own MOD_* and DISPATCH,` : 'called lkmdispatch() itself'}${plan.extraDeclarations.length ? ` for ${decls.length} registrations` : ''}. ${job.name}_modcmd makes the same registrations in the same order and undoes them in reverse; review it against the old function${dispatchers.size ? 's' : ''}, which ${dispatchers.size ? 'are' : 'is'} gone.`,
    });
    const lost = manual?.notCarried ?? [];
    if (lost.length) {
      notes.push(
        `Not carried, to be redone here by hand: ${lost.map((l) => `${oneLine(l.node.text)} (${path.basename(entry.src.path)}:${entry.src.line(l.node.startIndex)}, ${WHEN[l.when]})`).join('; ')}.`,
      );
    }
    for (const l of lost) {
      job.finding({
        file: entry.src.path,
        line: entry.src.line(l.node.startIndex),
        severity: 'error',
        code: 'handwritten-work-dropped',
        message: `${oneLine(l.node.text)} ran ${WHEN[l.when]} in ${entry.declaredName}(), which dispatched by hand; lkm2mod cannot tell how it pairs with the registration, so it is not in ${job.name}_modcmd. Put it where it belongs (INIT before or after the attach, its undo on INIT's error path, FINI).`,
      });
    }
  }
  for (const d of entry?.dropped ?? []) {
    job.finding({
      file: entry!.src.path,
      line: entry!.src.line(d.startIndex),
      severity: 'warning',
      code: 'entry-dispatch-dropped',
      message: `This statement of ${entry!.declaredName}() looked at cmd or lkmtp before DISPATCH; it was not carried into ${job.name}_modcmd, whose switch now decides per command (unknown commands get ENOTTY). Check nothing else depended on it.`,
    });
  }
  const prelude = job.preludeText();
  if (entry && prelude.statements.length) {
    job.finding({
      file: entry.src.path,
      line: entry.src.line(entry.node.startIndex),
      severity: 'note',
      code: 'entry-prelude-moved',
      message: `What ${entry.declaredName}() did before dispatching now runs at the start of MODULE_CMD_INIT only (the LKM ran it before every command).`,
    });
  }

  const modcmd = renderModcmd({
    name: job.name,
    prelude: prelude.statements,
    locals: prelude.locals,
    registrations: job.registrations,
    load: calls.load ?? null,
    unload: calls.unload ?? null,
    stat: calls.stat ?? null,
    notes,
    helper: !!job.helperOf,
  });
  let modcmdPlaced = false;
  // MOD_* inside the entry itself: the entry is the declaration's site, where finish() puts both.
  const entryHoldsDeclaration = !!entry && decls.some((d) => d.enclosing && d.enclosing.name === entry.declaredName);
  if (entry && !entryHoldsDeclaration) {
    if (entry.src === moduleFile) {
      entry.src.edits.replace(entry.node.startIndex, entry.node.endIndex, modcmd, `${job.origin}: modcmd`);
      modcmdPlaced = true;
    } else {
      entry.src.removeNode(entry.node, `${job.origin}: entry function`);
    }
  }
  if (entry) {
    removeEntryPrototypes(job, entry);
    removeEntryMacro(job, entry);
  }
  for (const d of dispatchers) removePrototypes(job, d);
  for (const d of job.descriptors) {
    const cond = mergeAlternativeDeclarations(job, d.src, d.site.start, d.site.end);
    if (cond) {
      job.finding({
        file: d.decl.file,
        line: d.decl.line,
        severity: 'note',
        code: 'conditional-declaration-merged',
        message: `The declaration sat under ${cond} with other MOD_* declarations of the same module in the other branches; a module(9) module has one modinfo whatever the options, so the conditional was removed and ${job.name} is declared once.`,
      });
    }
  }
  swapIncludes(job, moduleFile);
  lkmConditions(job, job.headers);
  lkmCommands(job);
  return { job, entry, moduleFile, modcmd, modcmdPlaced };
}

function finish(p: Prepared): void {
  const { job } = p;
  const [first, ...rest] = job.descriptors;
  if (first) {
    // A merged exec format has no modinfo: the emulation module's MODULE() covers it.
    const modinfo = job.helperOf ? [] : [moduleDeclaration(job.name, job.moduleClass, p.required.map((r) => r.module))];
    const parts = [...modinfo, ...job.declarations];
    if (!p.modcmdPlaced) parts.push(p.modcmd);
    if (parts.length) first.src.edits.replace(first.site.start, first.site.end, parts.join('\n\n'), `${job.origin}: MODULE()`);
    else first.src.removeRange(first.site.start, first.site.end, `${job.origin}: descriptor`);
  }
  for (const d of rest) d.src.removeRange(d.site.start, d.site.end, `${job.origin}: descriptor ${d.site.variable ?? d.decl.macro}`);
  job.dropUnused();
  reportLeftovers(job);
}

/**
 * The name the module gets: the file system's own name when it registers one (mount autoloads
 * a VFS module by the file system type, so `null` stays `null` even if KMOD said nullfs), else
 * the name its (first) declaration gave.
 */
function declaredName(cache: SourceCache, plan: ModulePlan): string {
  for (const decl of [plan.declaration!, ...plan.extraDeclarations]) {
    if (declKind(decl.macro) !== 'vfs') continue;
    try {
      const name = readDescriptor(cache.get(decl.file), decl)?.fields.get('lkm_name');
      if (name && /^\s*"/.test(name)) return name;
    } catch {
      // Unreadable here means unreadable for the rules too; they report it.
    }
  }
  return plan.name;
}

/**
 * A symbol the module's sources still refer to once every edit is made: some reference to it
 * is left that no edit replaced (a prototype is not a reference).
 */
function stillUsed(job: ModuleJob, symbol: string): boolean {
  return job.files.some((src) =>
    src.identifiers(symbol).some((n) => !n.parent?.type.endsWith('declarator') && !src.edits.covers(n.startIndex, n.endIndex)),
  );
}

/** The kernel tree's `sys` directory above an LKM folder in `sys/lkm`, if it is one. */
function sysDirOf(dir: string): string | null {
  const parts = dir.split(path.sep);
  const at = parts.lastIndexOf('lkm');
  return at > 0 ? parts.slice(0, at).join(path.sep) : null;
}

function moduleFunctions(job: ModuleJob): Set<string> {
  const out = new Set<string>();
  for (const src of job.files) for (const fn of src.root.descendantsOfType('function_definition')) {
    const n = functionName(fn);
    if (n) out.add(n);
  }
  return out;
}

function handlerArg(entry: EntryInfo | null, i: number): string | null {
  const a = entry?.handlerArgs?.[i];
  if (!a || a === 'lkm_nofunc' || /^\(?\s*NULL\s*\)?$/.test(a)) return null;
  return /^\w+$/.test(a) ? a : null;
}

/**
 * Whether a rule converts a registration: its own test if it has one; else a declaration a
 * rule's shape found belongs to that rule, and the MOD_* ones to the rules of their kind.
 */
function claims(rule: ModuleRule, decl: Declaration, plan: ModulePlan, kind: string): boolean {
  if (rule.matches) return rule.matches(decl, plan);
  if (decl.rule) return decl.rule === rule.meta.id;
  return !rule.declares && rule.meta.kind === kind;
}

/** A vendor macro defined the entry inside the declaration (the rule said so): it goes with it. */
function entryInDeclaration(plan: ModulePlan): boolean {
  const e = plan.entry;
  const d = plan.declaration;
  return !!e && !!d && e.file === d.file && d.start <= e.start && e.end <= d.end;
}

/** The kind a declaration registers, from its macro or descriptor struct. */
function declKind(macro: string): string | null {
  const m = /^MOD_(\w+)$/.exec(macro) ?? /struct\s+lkm_(\w+)/.exec(macro);
  return m ? m[1].toLowerCase().replace(/_old$/, '') : null;
}

function alreadyModule(plan: ModulePlan): boolean {
  return plan.files.some((f) => {
    try {
      return /^\s*MODULE\s*\(\s*MODULE_CLASS_/m.test(readFileSync(f, 'utf8'));
    } catch {
      return false;
    }
  });
}

function peek(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function readable(cache: SourceCache, file: string): CSource[] {
  try {
    return [cache.get(file)];
  } catch {
    return [];
  }
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

interface KernelTree {
  /** Every C file of the kernel trees the modules sit in, and of --kernel-src trees. */
  cFiles: string[];
  /** Modules of the kernel trees (Makefiles with KMOD), with the Makefile that builds each. */
  providers: Array<Provider & { makefile: string }>;
}

/**
 * The rest of the kernel: in a full tree, the `sys` directory a module's `sys/lkm` folder sits
 * in; plus every --kernel-src tree. Their module Makefiles (KMOD=, in sys/lkm or sys/modules)
 * are providers in their own right, so converting one LKM of a tree still finds the modules of
 * that tree it depends on.
 */
function kernelTree(plans: ModulePlan[], kernelSrc: string[], machine: Machine): KernelTree {
  const roots = new Set<string>();
  for (const p of plans) {
    const sys = sysDirOf(p.dir);
    if (sys) roots.add(sys);
  }
  for (const k of kernelSrc) roots.add(path.resolve(k));
  const existing = [...roots].filter((r) => existsSync(r));
  if (existing.length === 0) return { cFiles: [], providers: [] };
  const walked = walkPaths(existing);
  const providers: KernelTree['providers'] = [];
  for (const mf of walked.makefiles) {
    let text: string;
    try {
      text = readFileSync(mf, 'utf8');
    } catch {
      continue;
    }
    if (!/^\s*KMOD\s*[?:]?=/m.test(text)) continue;
    const info = parseMakefile(mf, { text, machine });
    if (!info.kmod) continue;
    const { found } = resolveSources(info, path.dirname(mf));
    const files = found.filter((f) => f.endsWith('.c'));
    if (files.length) providers.push({ module: moduleName(info.kmod, null).name, files, makefile: mf });
  }
  return { cFiles: walked.cFiles, providers };
}

/**
 * The files the kernel proper is built from, for `required`: in a tree with config files, what
 * its conf/files build for the machine with the LKMs' own options off (kernel-conf.ts); else
 * every C file of the tree. --kernel-src trees count whole.
 */
function kernelBuilt(cFiles: string[], plans: ModulePlan[], kernelSrc: string[], machine: Machine): { files: string[]; configured: string[] } {
  const lkmFiles = new Set(plans.flatMap((p) => p.files));
  const extra = kernelSrc.map((k) => path.resolve(k) + path.sep);
  const bySys = new Map<string, Set<string> | null>();
  for (const p of plans) {
    const sys = sysDirOf(p.dir);
    if (!sys || bySys.has(sys)) continue;
    const conf = readConfFiles(sys, machine.machine);
    bySys.set(sys, conf ? kernelSources(conf, lkmFiles).off : null);
  }
  // Files conf/files does not list (libkern, libcompat, generated ones) are linked some other
  // way: they count as the kernel's.
  const files = cFiles.filter((f) => {
    if (extra.some((k) => f.startsWith(k))) return true;
    for (const [sys, off] of bySys) if (off && f.startsWith(sys + path.sep)) return !off.has(f);
    return true;
  });
  return { files, configured: [...bySys].filter(([, b]) => b !== null).map(([sys]) => sys) };
}

/** The simulated kernel's bundled headers: their macros are no symbols. */
const BUNDLED_INCLUDE = sourcePath(import.meta.url, '../kernel/include');

/** Edits become file changes, laid out where the modules now live. */
function assemble(
  cache: SourceCache,
  plans: ModulePlan[],
  prepared: Map<ModulePlan, Prepared>,
  failed: Map<ModulePlan, Finding[]>,
  treeFindings: Finding[],
  root: string,
  scanMachine: Machine,
): ConversionSet {
  const placements = new Map<ModulePlan, Placement>();
  const moves = new Map<string, string>();
  const changes = new Map<string, FileChange>();
  const perModule = new Map<ModulePlan, Set<string>>();
  const touch = (plan: ModulePlan, key: string) => perModule.get(plan)!.add(key);

  // Emulation modules are placed before the exec formats folded into them, which go with them.
  const hostOf = (p: Prepared) => [...prepared].find(([, q]) => q.job.name === p.job.helperOf);
  const ordered = [...prepared].sort(([, a], [, b]) => Number(!!a.job.helperOf) - Number(!!b.job.helperOf));
  for (const [plan, p] of ordered) {
    perModule.set(plan, new Set());
    const glue = p.job.descriptors.map((d) => d.src.path);
    const host = p.job.helperOf ? hostOf(p) : undefined;
    if (host && placements.has(host[0])) {
      const placement = foldedPlacement(plan, p.job.name, glue, placements.get(host[0])!);
      placements.set(plan, placement);
      for (const [from, to] of placement.moves) moves.set(from, to);
      continue;
    }
    let placement = placeModule(plan.dir, p.job.name, plan.makefile, glue);
    if (placement.moved && !contains(root, placement.dir)) {
      // Nothing is written outside the root: a module whose NetBSD place is outside it stays put.
      p.job.finding({
        file: plan.makefile ?? plan.dir,
        line: 1,
        severity: 'note',
        code: 'layout-outside-root',
        message: `${p.job.name} was converted in place: its NetBSD place, ${placement.dir}, is outside the tree root ${root}, where lkm2mod never writes. Convert from the kernel tree to get the NetBSD layout.`,
      });
      placement = { ...placement, dir: plan.dir, moved: false, moves: new Map(), leftBehind: [] };
    }
    const target = placement.moved ? placement.dir : null;
    if (target && existsSync(target)) {
      p.job.finding({
        file: plan.makefile ?? plan.dir,
        line: 1,
        severity: 'error',
        code: 'module-dir-exists',
        message: `${path.relative(root, target)} already exists, so ${p.job.name} was converted in place in ${path.relative(root, plan.dir)} instead of moving there. Move the existing directory away and convert again to get the NetBSD layout.`,
      });
      placements.set(plan, { ...placement, dir: plan.dir, moved: false, moves: new Map() });
      continue;
    }
    placements.set(plan, placement);
    for (const [from, to] of placement.moves) moves.set(from, to);
    for (const left of placement.leftBehind) {
      p.job.finding({
        file: left,
        line: 1,
        severity: 'warning',
        code: 'left-behind',
        message: `${path.basename(left)} is a directory in the old LKM folder; it was not moved to ${path.relative(root, placement.dir)}. Move what the module needs by hand.`,
      });
    }
  }

  // Relative includes in files that move must still find their headers.
  for (const [plan, placement] of placements) {
    if (!placement.moved) continue;
    for (const [from, to] of placement.moves) {
      if (!from.endsWith('.c') && !from.endsWith('.h')) continue;
      const src = cache.get(from);
      for (const m of src.text.matchAll(/^[ \t]*#[ \t]*include[ \t]*"([^"]+)"/gm)) {
        const spec = m[1];
        const fixed = movedInclude(spec, path.dirname(from), path.dirname(to), moves);
        if (!fixed) continue;
        const at = m.index! + m[0].lastIndexOf(spec);
        if (!src.edits.touches(at, at + spec.length)) src.edits.replace(at, at + spec.length, fixed, `convert ${plan.name}: include path`);
      }
    }
  }

  for (const src of cache.all()) {
    const to = moves.get(src.path);
    if (src.edits.size === 0 && !to) continue;
    const after = src.edits.apply();
    if (!to && after === src.text) continue;
    changes.set(to ?? src.path, {
      path: to ?? src.path,
      ...(to ? { oldPath: src.path } : {}),
      before: src.text,
      after,
      ...(src.encoding === 'utf8' ? {} : { encoding: src.encoding }),
    });
  }
  for (const [plan, placement] of placements) {
    const p = prepared.get(plan)!;
    for (const [from, to] of placement.moves) {
      if (changes.has(to) || from === plan.makefile) continue;
      const { text, encoding } = readSource(from);
      changes.set(to, { path: to, oldPath: from, before: text, after: text, ...(encoding === 'utf8' ? {} : { encoding }) });
    }
    for (const file of p.job.files) touch(plan, moves.get(file.path) ?? file.path);
    for (const to of placement.moves.values()) touch(plan, to);
    if (plan.makefile && p.job.helperOf) {
      // Its sources are built by the emulation module's Makefile now.
      changes.set(plan.makefile, { path: plan.makefile, before: readFileSync(plan.makefile, 'utf8'), after: null });
      touch(plan, plan.makefile);
    } else if (plan.makefile) {
      const before = readFileSync(plan.makefile, 'utf8');
      const renamedSources = new Map<string, string>();
      for (const [from, to] of placement.moves) {
        if (path.basename(from) !== path.basename(to)) renamedSources.set(path.basename(from), path.basename(to));
      }
      const rewritten = rewriteMakefile(before, {
        moved: placement.moved,
        kmod: plan.kmod && plan.kmod !== p.job.name ? p.job.name : undefined,
        renamedSources,
        searchPath: plan.searchPath,
        oldDir: plan.dir,
        newDir: placement.dir,
        sysDir: placement.sysDir,
        addSources: (plan.unlistedSources ?? []).map((f) => path.basename(moves.get(f) ?? f)),
        vars: parseMakefile(plan.makefile, { text: before, machine: scanMachine }).vars,
      });
      const folded = [...prepared].filter(([, q]) => q.job.helperOf === p.job.name).map(([fp, q]) => ({ plan: fp, files: q.job.files.map((f) => f.path) }));
      const after = makefileForSet(rewritten, plan, p.job.files.map((f) => f.path), folded, placement, moves);
      if (plan.kmod && plan.kmod !== p.job.name) {
        p.job.finding({
          file: plan.makefile,
          line: 1,
          severity: 'note',
          code: 'kmod-renamed',
          message: `KMOD was ${plan.kmod}; module(9) finds a module as <name>/<name>.kmod by its MODULE() name, so KMOD is now ${p.job.name}.`,
        });
      }
      const to = placement.moved ? path.join(placement.dir, 'Makefile') : plan.makefile;
      if (placement.moved || after !== before) {
        changes.set(to, { path: to, ...(placement.moved ? { oldPath: plan.makefile } : {}), before, after });
        touch(plan, to);
      }
    }
  }

  // sys/modules/{Makefile,Makefile.inc}, and the SUBDIR lists of the old sys/lkm/<kind> folders.
  const bySys = new Map<string, string[]>();
  for (const [plan, placement] of placements) {
    if (!placement.moved || !placement.sysDir) continue;
    const job = prepared.get(plan)!.job;
    if (!job.helperOf) bySys.set(placement.sysDir, [...(bySys.get(placement.sysDir) ?? []), job.name]);
    const kindMakefile = path.join(path.dirname(plan.dir), 'Makefile');
    if (existsSync(kindMakefile) && !moves.has(kindMakefile)) {
      const cur = changes.get(kindMakefile);
      const before = cur?.before ?? readFileSync(kindMakefile, 'utf8');
      const after = dropSubdir(cur?.after ?? before, path.basename(plan.dir));
      if (after !== before) changes.set(kindMakefile, { path: kindMakefile, before, after });
    }
  }
  for (const [sysDir, names] of bySys) {
    const inc = path.join(sysDir, 'modules', 'Makefile.inc');
    if (!existsSync(inc)) {
      const lkmInc = path.join(sysDir, 'lkm', 'Makefile.inc');
      changes.set(inc, { path: inc, before: null, after: modulesMakefileInc(existsSync(lkmInc) ? readFileSync(lkmInc, 'utf8') : null) });
    }
    const subdir = path.join(sysDir, 'modules', 'Makefile');
    const before = existsSync(subdir) ? readFileSync(subdir, 'utf8') : null;
    const after = modulesSubdirMakefile(before, names);
    if (after !== before) changes.set(subdir, { path: subdir, before, after });
  }

  const sorted = [...changes.values()].sort((a, b) => a.path.localeCompare(b.path));
  const inRoot = (c: FileChange) => contains(root, c.path) && (!c.oldPath || contains(root, c.oldPath));
  const all = sorted.filter(inRoot);
  const outside = sorted.filter((c) => !inRoot(c));
  for (const c of outside) {
    const plan = [...perModule].find(([, keys]) => keys.has(c.path))?.[0];
    const f = outsideFinding(c, root);
    if (plan && prepared.get(plan)) prepared.get(plan)!.job.finding(f);
    else treeFindings.push(f);
  }
  const modules: ModuleConversion[] = [];
  const allFindings: Finding[] = [];
  for (const plan of plans) {
    const p = prepared.get(plan);
    const fail = failed.get(plan);
    if (!p && !fail) continue;
    const own = mergeFindings(plan.findings, [...(p?.job.findings ?? []), ...(fail ?? [])]);
    allFindings.push(...own);
    if (!p) {
      modules.push({
        plan,
        name: moduleName(plan.name, plan.kmod).name,
        moduleClass: 'MISC',
        required: [],
        dir: plan.dir,
        sources: plan.files,
        changes: [],
        findings: own,
      });
      continue;
    }
    const placement = placements.get(plan)!;
    const keys = perModule.get(plan)!;
    const folded = [...prepared.values()].filter((q) => q.job.helperOf === p.job.name).flatMap((q) => q.job.files.map((f) => f.path));
    modules.push({
      plan,
      name: p.job.name,
      ...(p.renamedFrom ? { renamedFrom: p.renamedFrom } : {}),
      ...(p.job.helperOf ? { mergedInto: p.job.helperOf } : {}),
      moduleClass: p.job.moduleClass,
      required: p.required,
      dir: placement.dir,
      sources: [...p.job.files.map((f) => f.path), ...folded].map((f) => moves.get(f) ?? f),
      changes: all.filter((c) => keys.has(c.path)),
      findings: own,
    });
  }
  // Scan's parse errors also sit in the plans' findings: report each once.
  const known = new Set(allFindings.map((f) => `${f.code}\0${f.file}\0${f.line}`));
  const rest = treeFindings.filter((f) => !known.has(`${f.code}\0${f.file}\0${f.line}`));
  return { modules, changes: all, outside, findings: [...rest, ...allFindings] };
}

/** A change lkm2mod will not write, because its file is outside the tree root: said, with its hunk. */
function outsideFinding(c: FileChange, root: string): Finding {
  const file = c.oldPath ?? c.path;
  const hunk = renderPatch([c], commonRoot([c.path, ...(c.oldPath ? [c.oldPath] : [])].map(path.dirname), path.dirname(file)));
  const before = (c.before ?? '').split('\n');
  const after = (c.after ?? '').split('\n');
  let line = 0;
  while (line < before.length && before[line] === after[line]) line++;
  return {
    file,
    line: Math.min(line, before.length - 1) + 1,
    severity: 'warning',
    code: 'outside-tree-root',
    message:
      `${path.basename(file)} needs an edit for the conversion, but it is outside the tree root ${root}, ` +
      'where lkm2mod never writes (a .PATH leads there). The edit is in the preview patch, after the tree\'s, ' +
      'on lines starting "#| "; apply it there deliberately if the file is yours, or move the file into the tree.',
    hunk,
  };
}


/** Where a statement of an entry that dispatched by hand ran. */
const WHEN: Record<'load' | 'unload' | 'stat' | 'after', string> = {
  load: 'on load, before lkmdispatch()',
  unload: 'on unload, before lkmdispatch()',
  stat: 'on stat',
  after: 'after lkmdispatch(), on its outcome',
};

/** A statement quoted in a message: one line, shortened. */
function oneLine(code: string): string {
  const flat = code.replace(/\s+/g, ' ').trim();
  return flat.length > 90 ? `${flat.slice(0, 87)}...` : flat;
}

/**
 * Problems scan announces that the conversion itself resolves; where one remains, convert
 * reports it again (handler-uses-lkmtp, lkm-leftover, syscall-slot-dynamic) with a marker.
 */
const RESOLVED_BY_CONVERT = new Set([
  'handler-uses-lkmtp',
  'offset-read',
  'syscall-slot-dynamic',
  'name-differs-from-kmod',
  'entry-dispatches-by-hand',
]);

/** Scan's problems that a finding of convert's in the same file says were converted. */
const CONVERTED_WHEN: Record<string, string> = {
  'sysent-patched': 'sysent-patch-converted',
  // The #if that chose between declarations is gone: there is no condition left to keep.
  'conditional-registration': 'conditional-declaration-merged',
};

/** Scan's findings and convert's, one per code and place (convert's wording wins). */
function mergeFindings(scan: Finding[], convert: Finding[]): Finding[] {
  const key = (f: Finding) => `${f.code}\0${f.file}\0${f.line}`;
  const mine = new Set(convert.map(key));
  const codes = new Set(convert.map((f) => `${f.code}\0${f.file}`));
  const converted = (f: Finding) => f.code in CONVERTED_WHEN && codes.has(`${CONVERTED_WHEN[f.code]}\0${f.file}`);
  return [
    ...scan.filter((f) => !RESOLVED_BY_CONVERT.has(f.code) && !converted(f) && !mine.has(key(f)) && !codes.has(`${f.code}\0${f.file}`)),
    ...convert,
  ].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}
