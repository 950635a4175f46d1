/**
 * One module's conversion before the module set is known: the rules convert its registrations,
 * kernel-assigned numbers and lkmexists() go, the handlers lose what module(9) does not pass,
 * and the entry becomes <name>_modcmd (prepare); MODULE() is written once `required` is known
 * (finish). What an entry that dispatched by hand did around lkmdispatch() is carried or reported.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseMakefile } from '../source/makefile.ts';
import type { Machine } from '../source/make-env.ts';
import { oneLine } from '../source/quote.ts';
import { lkmCommands, lkmConditions, makefileIncludeDirs, removeLkmPrototypes, reportLeftovers, swapIncludes, treeHeaders } from './cleanup.ts';
import { CSource, SourceCache } from './csource.ts';
import { readDescriptor } from './descriptor.ts';
import { PreprocessorConditions } from '../discover/conditions.ts';
import { maskCode } from '../discover/text.ts';
import { EditConflict } from '../source/edits.ts';
import { handwrittenParts, mergeAlternativeDeclarations, readEntry, removeEntryMacro, removeEntryPrototypes, removePrototypes, type EntryInfo } from './entry.ts';
import { convertHandler, functionName, removeLkmexists, type HandlerRole } from './handlers.ts';
import { ModuleJob } from './job.ts';
import { moduleDeclaration, renderModcmd } from './modinfo.ts';
import { releaseInitAcquisitions } from './init-release.ts';
import type { Declaration, ModulePlan } from '../discover/plan.ts';
import type { ModuleRule } from '../discover/rule-api.ts';
import { sysDirOf } from './kernel-tree.ts';

export interface Prepared {
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
export function prepare(job: ModuleJob, rules: ModuleRule[], machine: Machine): Omit<Prepared, 'renamedFrom' | 'required' | 'checkpoints'> {
  const plan = job.plan;
  // What no configuration compiles (`#if 0`) is the author's archive: nothing in it is converted or marked.
  for (const src of job.files) {
    for (const [start, end] of new PreprocessorConditions(maskCode(src.text)).neverCompiled()) job.markDead(src.path, start, end);
  }
  const entry = readEntry(job);
  if (entry) job.markDead(entry.src.path, entry.start, entry.end);
  // The tree's headers the sources include, before the rules: they read struct layouts there.
  const includeDirs = plan.makefile ? makefileIncludeDirs(parseMakefile(plan.makefile, { machine }).cppflags, plan.dir) : [];
  job.sysDir = sysDirOf(plan.dir);
  job.headers = treeHeaders(job, job.sysDir, (f) => readable(job.cache, f)[0] ?? null, includeDirs);
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
        `Not carried, to be redone here by hand: ${lost.map((l) => `${oneLine(l.node.text, 90)} (${path.basename(entry.src.path)}:${entry.src.line(l.node.startIndex)}, ${WHEN[l.when]})`).join('; ')}.`,
      );
    }
    for (const l of lost) {
      job.finding({
        file: entry.src.path,
        line: entry.src.line(l.node.startIndex),
        severity: 'error',
        code: 'handwritten-work-dropped',
        message: `${oneLine(l.node.text, 90)} ran ${WHEN[l.when]} in ${entry.declaredName}(), which dispatched by hand; lkm2mod cannot tell how it pairs with the registration, so it is not in ${job.name}_modcmd. Put it where it belongs (INIT before or after the attach, its undo on INIT's error path, FINI).`,
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

  // What INIT acquires and the LKM never released: released in FINI after the detach.
  const loadRelease = releaseInitAcquisitions(job, { load: roles.load, unload: roles.unload }, moduleFile);

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
    ...(loadRelease ? { loadRelease } : {}),
  });
  let modcmdPlaced = false;
  // MOD_* inside the entry itself: the entry is the declaration's site, where finish() puts both.
  const entryHoldsDeclaration = !!entry && decls.some((d) => d.enclosing && d.enclosing.name === entry.declaredName);
  if (entry && !entryHoldsDeclaration) {
    if (entry.src === moduleFile) {
      entry.src.replaceRange(entry.start, entry.end, modcmd, `${job.origin}: modcmd`);
      modcmdPlaced = true;
    } else {
      entry.src.removeRange(entry.start, entry.end, `${job.origin}: entry function`);
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

export function finish(p: Prepared): void {
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
  removeLkmPrototypes(job);
  for (const src of job.files) src.dropEmptiedConditionals(`${job.origin}: emptied conditional`);
  reportLeftovers(job);
}

/**
 * The name the module gets: the file system's own name when it registers one (mount autoloads
 * a VFS module by the file system type, so `null` stays `null` even if KMOD said nullfs), else
 * the name its (first) declaration gave.
 */
export function declaredName(cache: SourceCache, plan: ModulePlan): string {
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
export function stillUsed(job: ModuleJob, symbol: string): boolean {
  return job.files.some((src) =>
    src.identifiers(symbol).some((n) => !n.parent?.type.endsWith('declarator') && !src.edits.covers(n.startIndex, n.endIndex)),
  );
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

export function alreadyModule(plan: ModulePlan): boolean {
  return plan.files.some((f) => {
    try {
      return /^\s*MODULE\s*\(\s*MODULE_CLASS_/m.test(readFileSync(f, 'utf8'));
    } catch {
      return false;
    }
  });
}

export function peek(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

export function readable(cache: SourceCache, file: string): CSource[] {
  try {
    return [cache.get(file)];
  } catch {
    return [];
  }
}

/** Where a statement of an entry that dispatched by hand ran. */
const WHEN: Record<'load' | 'unload' | 'stat' | 'after', string> = {
  load: 'on load, before lkmdispatch()',
  unload: 'on unload, before lkmdispatch()',
  stat: 'on stat',
  after: 'after lkmdispatch(), on its outcome',
};


/**
 * Problems scan announces that the conversion itself resolves; where one remains, convert
 * reports it again (handler-uses-lkmtp, lkm-leftover, syscall-slot-dynamic) with a marker.
 */
