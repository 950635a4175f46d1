/**
 * From the facts of a module's files to its ModulePlan: which descriptor is the registration,
 * which function is the entry, which functions DISPATCH calls, what tables it installs, and
 * what a conversion must take care of.
 */
import path from 'node:path';
import type {
  Declaration, EntryFunction, Finding, Handler, Handlers, InstalledTables, LkmKind, ModulePlan,
} from './plan.ts';
import type { DescriptorFact, FunctionFact, MacroDefine, SourceFacts } from './discover-facts.ts';
import { exclusive, type CondFrame } from './discover-conditions.ts';
import { findings } from './discover-findings.ts';
import { stringLiteral, bareName } from './discover-text.ts';
import type { MakefileInfo } from '../source/makefile.ts';

export interface ModuleSources {
  dir: string;
  makefile: MakefileInfo | null;
  /** C sources in build order. */
  files: string[];
  /** SRCS entries the tree lacks. */
  missing: string[];
}

export interface AssembleContext {
  facts(file: string): SourceFacts | undefined;
  /** Macro definitions from the local headers a module file includes. */
  headerDefines(file: string): MacroDefine[];
}

/** Conditions every LKM build satisfies: they do not change whether the module registers. */
const ALWAYS = new Set(['_KERNEL', '_LKM', 'LKM', '__NetBSD__']);

/** The arguments each MOD_* macro takes (the six-argument MOD_DEV, or the historic four). */
const MACRO_ARITY: Record<string, { n: number[]; text: string }> = {
  MOD_SYSCALL: { n: [3], text: '3 arguments (name, slot, sysent)' },
  MOD_VFS: { n: [3], text: '3 arguments (name, slot, vfsops)' },
  MOD_DEV: { n: [6, 4], text: '6 arguments (name, devname, bdevsw, bmajor, cdevsw, cmajor), or the old 4' },
  MOD_EXEC: { n: [4], text: '4 arguments (name, slot, execsw, emulation name)' },
  MOD_COMPAT: { n: [3], text: '3 arguments (name, slot, emul)' },
  MOD_MISC: { n: [1], text: '1 argument (name)' },
  MOD_DRV: { n: [4], text: '4 arguments (name, cfdrivers, cfattachlkminit, cfdata)' },
  MOD_STRMOD: { n: [1, 2, 3], text: 'a name' },
};

const ENTRY_PARAMS = /lkm_table/;

export function assembleModule(src: ModuleSources, ctx: AssembleContext): ModulePlan | null {
  const all = src.files.map((f) => ctx.facts(f)).filter((f): f is SourceFacts => f !== undefined);
  const descriptors = all.flatMap((f) => f.descriptors);
  if (descriptors.length === 0) return null;
  const out: Finding[] = [];
  const functions = all.flatMap((f) => f.functions);
  const defines = new Defines(all, ctx);
  const mk = src.makefile;

  const { entry, entryFact } = chooseEntry(functions, descriptors, src, defines, out);
  const handlers = resolveHandlers(entryFact, functions, defines, out);
  const { primary, extras, alternatives } = orderDeclarations(descriptors, entryFact, functions);
  const registrations = [primary, ...extras];
  const declaration = primary.declaration;
  const kind: LkmKind = primary.kind ?? extras.find((e) => e.kind)?.kind ?? 'misc';
  if (!primary.kind) out.push(findings.unknownKind(declaration.file, declaration.line, declaration.variable));
  let name = moduleName(primary, defines, mk) ?? path.basename(src.dir);
  // Several registrations: the module is what modload(8) loads, the KMOD, when one of them is named so.
  if (extras.length && mk?.kmod && registrations.some((d) => moduleName(d, defines, null) === mk.kmod)) name = mk.kmod;

  const tables: InstalledTables = {};
  for (const d of registrations) describeTables(d, tables, all, defines, out);
  out.push(
    ...registrationFindings(registrations, alternatives, entryFact, alwaysTrue(mk)),
    ...handlerFindings(handlers, functions),
    ...sourceFindings(all, kind, [entryFact, ...Object.values(handlers).map((h) => h && functions.find((g) => g.file === h.file && g.start === h.start))]),
    ...(mk ? makefileFindings(mk, src.missing, name) : []),
  );
  const files = orderFiles(src.files, declaration, entry);
  if (!mk) out.push(findings.noMakefile(declaration.file, declaration.line, files.map((f) => path.basename(f))));
  return {
    name,
    kind,
    dir: src.dir,
    makefile: mk?.file ?? null,
    kmod: mk?.kmod ?? null,
    files,
    missingSources: src.missing,
    searchPath: mk ? [...(mk.searchPathBySuffix.get('.c') ?? []), ...mk.searchPath] : [],
    declaration,
    extraDeclarations: extras.map((e) => e.declaration),
    entry,
    handlers,
    tables,
    findings: sortFindings(dedupe(out)),
  };
}

/** Wrong arity, registrations under #if, alternatives, several registrations, DISPATCH under #if. */
function registrationFindings(
  registrations: DescriptorFact[],
  alternatives: [DescriptorFact, DescriptorFact][],
  entry: FunctionFact | null,
  always: Set<string>,
): Finding[] {
  const out: Finding[] = [];
  for (const d of registrations) {
    const { file, line, macro, args } = d.declaration;
    const arity = MACRO_ARITY[macro];
    if (arity && !arity.n.includes(args.length)) out.push(findings.declarationArgs(file, line, macro, args.length, arity.text));
    const conds = significant(d.frames, always);
    if (conds.length) out.push(findings.conditionalDeclaration(file, line, describe(d), conds));
  }
  for (const [a, b] of alternatives) {
    out.push(findings.alternativeDeclaration(a.declaration.file, a.declaration.line, describe(a), b.declaration.line));
  }
  if (registrations.length > 1) {
    const d = registrations[0]!.declaration;
    out.push(findings.twoRegistrations(d.file, d.line, registrations.map(describe)));
  }
  for (const site of entry?.dispatch ?? []) {
    if (site.macro === 'lkmdispatch') continue;
    // Conditions around the whole entry are the declaration's business; these are the DISPATCH's own.
    const conds = significant(site.frames, always).filter((c) => !entry!.frames.some((f) => f.condition === c));
    if (conds.length) out.push(findings.conditionalDeclaration(site.file, site.line, site.macro, conds));
  }
  return out;
}

function handlerFindings(handlers: Handlers, functions: FunctionFact[]): Finding[] {
  const out: Finding[] = [];
  const seen = new Set<string>();
  for (const h of [handlers.load, handlers.unload, handlers.stat]) {
    if (!h || h.unresolved || seen.has(h.name)) continue; // one report per function
    seen.add(h.name);
    const use = functions.find((f) => f.name === h.name && f.file === h.file)?.lkmtpUse;
    if (use) out.push(findings.handlerUsesLkmtp(h.file, use.line, h.name, use.text));
  }
  return out;
}

/** What the files do that a conversion must handle, and how well they parsed. */
function sourceFindings(all: SourceFacts[], kind: LkmKind, keyFunctions: (FunctionFact | null | undefined)[]): Finding[] {
  const out: Finding[] = [];
  for (const f of all) {
    for (const r of f.offsetReads) out.push(findings.offsetRead(f.file, r.line, r.text, kind));
    for (const w of f.sysentWrites) out.push(findings.sysentPatched(f.file, w.line, w.text));
    for (const p of f.conditionProblems) out.push(findings.unbalanced(f.file, p.line, p.message));
    if (f.parseErrors.count === 0) continue;
    // An error inside the entry or a handler may hide something about them: worth a warning.
    const inKeyFunction = keyFunctions.some(
      (x) => x && x.file === f.file && f.parseErrors.lines.some((l) => l >= x.line && l <= x.endLine),
    );
    out.push(findings.parseErrors(f.file, f.parseErrors.count, f.parseErrors.lines, inKeyFunction ? 'warning' : 'note'));
  }
  return out;
}

function makefileFindings(mk: MakefileInfo, missing: string[], name: string): Finding[] {
  const out: Finding[] = [];
  for (const miss of missing) {
    const rule = mk.rules.find((r) => r.targets.includes(miss));
    const from = rule?.sources.length ? ` from ${rule.sources.map((s) => path.basename(s)).join(', ')}` : '';
    const site = srcsSite(mk, miss);
    out.push(findings.missingSource(site.file, site.line, miss, rule ? `by the rule at ${path.basename(rule.file)}:${rule.line}${from}` : null));
  }
  for (const p of mk.problems) out.push({ file: p.file, line: p.line, severity: p.severity, code: p.code, message: p.message });
  if (mk.kmod && mk.kmod !== name) {
    const site = mk.assignments.get('KMOD')?.at(-1);
    out.push(findings.nameDiffers(site?.file ?? mk.file, site?.line ?? 1, name, mk.kmod));
  }
  return out;
}

function alwaysTrue(mk: MakefileInfo | null): Set<string> {
  const s = new Set(ALWAYS);
  for (const flag of mk?.cppflags ?? []) {
    const m = /^-D(\w+)/.exec(flag);
    if (m) s.add(m[1]!);
  }
  return s;
}

/** The conditions that can actually be false in an LKM build. */
function significant(frames: CondFrame[], always: Set<string>): string[] {
  return frames
    .map((f) => f.condition)
    .filter((c) => {
      const m = /^(?:defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)|(\w+))$/.exec(c.trim());
      return !(m && always.has(m[1] ?? m[2] ?? m[3]!));
    });
}

function describe(d: DescriptorFact): string {
  return d.handBuilt ? `${d.declaration.macro} ${d.declaration.variable}` : d.declaration.macro;
}

// ---------------------------------------------------------------------------------------------
// Macros: the module's own #defines, then those of the local headers its files include.

class Defines {
  constructor(
    private files: SourceFacts[],
    private ctx: AssembleContext,
  ) {}

  /** The definition of `name`, preferring one every LKM build sees (`#ifdef __NetBSD__`). */
  find(name: string, near?: string): MacroDefine | undefined {
    const order = near ? [...this.files.filter((f) => f.file === near), ...this.files.filter((f) => f.file !== near)] : this.files;
    for (const f of order) {
      const hit = pick(f.defines.filter((d) => d.name === name));
      if (hit) return hit;
    }
    for (const f of order) {
      const hit = pick(this.ctx.headerDefines(f.file).filter((d) => d.name === name));
      if (hit) return hit;
    }
    return undefined;
  }

  /** An object-like macro's value, followed through further macros (`UPTIME_SYSCALL` → `210`). */
  value(expr: string, near?: string): string {
    let e = expr.trim();
    for (let i = 0; i < 8 && /^\w+$/.test(e); i++) {
      const d = this.find(e, near);
      if (!d || d.params !== null) break;
      e = d.body.replace(/^\((.*)\)$/, '$1').trim();
    }
    return e;
  }
}

function pick(defs: MacroDefine[]): MacroDefine | undefined {
  return defs.find((d) => d.frames.every((f) => ALWAYS.has(f.condition.replace(/^defined\((\w+)\)$/, '$1')))) ?? defs[0];
}

/** Expands `LKMENTRY(foo)` with `#define LKMENTRY(n) n##_lkmentry` to `foo_lkmentry`. */
function expandCall(def: MacroDefine, args: string[]): string {
  let body = def.body;
  (def.params ?? []).forEach((p, i) => {
    body = body.replace(new RegExp(`\\b${p}\\b`, 'g'), args[i] ?? '');
  });
  return body.replace(/\s*##\s*/g, '');
}

// ---------------------------------------------------------------------------------------------
// The entry function.

function chooseEntry(
  functions: FunctionFact[],
  descriptors: DescriptorFact[],
  src: ModuleSources,
  defines: Defines,
  out: Finding[],
): { entry: EntryFunction | null; entryFact: FunctionFact | null } {
  const byMacro = functions.filter((f) => f.dispatch.some((d) => d.macro !== 'lkmdispatch'));
  const byCall = functions.filter((f) => f.dispatch.length > 0);
  let pool = byMacro.length ? byMacro : byCall;
  let dispatches = true;
  if (!pool.length) {
    // An entry that switches on cmd by hand: the lkm_table signature or a modload(8) name.
    pool = functions.filter((f) => ENTRY_PARAMS.test(f.paramTypes[0] ?? '') && f.params.length === 3);
    if (!pool.length) pool = functions.filter((f) => /_lkmentry$|^xxxinit$/.test(f.name));
    dispatches = false;
  }
  const d0 = descriptors[0]!.declaration;
  if (!pool.length) {
    out.push(findings.entryNotFound(d0.file, d0.line, src.files.map((f) => path.basename(f))));
    return { entry: null, entryFact: null };
  }
  const names = descriptors.map((d) => stringLiteral(d.declaration.args[0] ?? '') ?? '').filter(Boolean);
  if (src.makefile?.kmod) names.push(src.makefile.kmod);
  const score = (f: FunctionFact) => {
    const resolved = resolvedName(f, defines).name;
    if (names.some((n) => resolved === `${n}_lkmentry`)) return 0;
    if (/_lkmentry$|^xxxinit$/.test(resolved)) return 1;
    if (f.params.length === 3) return 2;
    return 3;
  };
  const ranked = [...pool].sort((a, b) => score(a) - score(b));
  const chosen = ranked[0]!;
  const rivals = ranked.slice(1).filter((f) => !exclusive(f.frames, chosen.frames) && f.name !== chosen.name);
  if (rivals.length) {
    out.push(findings.severalEntries(chosen.file, chosen.nameLine, [chosen, ...rivals].map((f) => resolvedName(f, defines).name)));
  }
  const { name, viaMacro } = resolvedName(chosen, defines);
  const entry: EntryFunction = {
    file: chosen.file,
    start: chosen.start,
    end: chosen.end,
    line: chosen.line,
    name,
    params: chosen.params,
    knr: chosen.knr,
    dispatch: chosen.dispatch.map(({ frames: _frames, ...site }) => site),
  };
  if (viaMacro) {
    entry.viaMacro = viaMacro;
    out.push(findings.entryViaMacro(chosen.file, chosen.nameLine, viaMacro, name));
  }
  if (!dispatches) out.push(findings.entryWithoutDispatch(chosen.file, chosen.nameLine, name));
  for (const site of chosen.dispatch) {
    if (site.macro !== 'lkmdispatch' && site.args.length !== 6) {
      out.push(findings.dispatchArgs(site.file, site.line, site.macro, site.args.length));
    }
  }
  return { entry, entryFact: chosen };
}

function resolvedName(f: FunctionFact, defines: Defines): { name: string; viaMacro?: string } {
  if (f.macroCall) {
    const text = `${f.macroCall.macro}(${f.macroCall.args.join(', ')})`;
    const def = defines.find(f.macroCall.macro, f.file);
    const expanded = def && def.params ? expandCall(def, f.macroCall.args) : '';
    return { name: /^\w+$/.test(expanded) ? expanded : text, viaMacro: text };
  }
  const def = defines.find(f.name, f.file);
  if (def && def.params === null && /^\w+$/.test(def.body)) return { name: def.body, viaMacro: f.name };
  return { name: f.name };
}

// ---------------------------------------------------------------------------------------------
// Handlers.

function resolveHandlers(entry: FunctionFact | null, functions: FunctionFact[], defines: Defines, out: Finding[]): Handlers {
  const handlers: Handlers = { load: null, unload: null, stat: null };
  if (!entry) return handlers;
  const site = entry.dispatch.find((d) => d.macro !== 'lkmdispatch');
  if (!site) return handlersFromCases(entry, functions, out);
  if (site.args.length < 6) return handlers;
  const roles = ['load', 'unload', 'stat'] as const;
  roles.forEach((role, i) => {
    const arg = defines.value(bareName(site.args[3 + i]!), entry.file);
    if (arg === 'lkm_nofunc' || arg === 'NULL' || arg === '0') return;
    const candidates = functions.filter((f) => f.name === arg);
    const fn =
      candidates.find((f) => f.file === entry.file) ?? candidates.find((f) => !f.isStatic) ?? candidates[0];
    if (!fn) {
      out.push(findings.handlerNotFound(site.file, site.line, role, arg));
      handlers[role] = {
        file: site.file, start: site.start, end: site.end, line: site.line,
        name: arg, params: [], knr: false, usesLkmtp: false, switchesOnCmd: false, callsLkmexists: false,
        unresolved: true,
      };
      return;
    }
    handlers[role] = handlerOf(fn);
  });
  return handlers;
}

function handlerOf(fn: FunctionFact): Handler {
  return {
    file: fn.file,
    start: fn.start,
    end: fn.end,
    line: fn.line,
    name: fn.name,
    params: fn.params,
    knr: fn.knr,
    usesLkmtp: fn.lkmtpUse !== null,
    switchesOnCmd: fn.switchesOnCmd,
    callsLkmexists: fn.callsLkmexists,
  };
}

/**
 * An entry that switches on cmd and calls lkmdispatch() itself (coda) has no DISPATCH to name
 * its handlers; they are the module's own (struct lkm_table *, int) functions it calls under
 * `case LKM_E_LOAD:` / `LKM_E_UNLOAD:` / `LKM_E_STAT:`.
 */
function handlersFromCases(entry: FunctionFact, functions: FunctionFact[], out: Finding[]): Handlers {
  const handlers: Handlers = { load: null, unload: null, stat: null };
  const cases = { load: 'LKM_E_LOAD', unload: 'LKM_E_UNLOAD', stat: 'LKM_E_STAT' } as const;
  for (const role of ['load', 'unload', 'stat'] as const) {
    for (const callee of entry.caseCalls[cases[role]] ?? []) {
      const fn = functions.find((f) => f.name === callee && f !== entry && ENTRY_PARAMS.test(f.paramTypes[0] ?? ''));
      if (fn) {
        handlers[role] = handlerOf(fn);
        break;
      }
    }
  }
  if (entry.dispatch.length) {
    const names = Object.values(handlers).filter((h): h is Handler => h !== null).map((h) => h.name);
    out.push(findings.entryDispatchesByHand(entry.file, entry.nameLine, entry.name, [...new Set(names)]));
  }
  return handlers;
}

// ---------------------------------------------------------------------------------------------
// Declarations.

/**
 * The registration is the first descriptor dispatched: `_module` when DISPATCH is used (it
 * dispatches _module before calling load()), else the first one the entry (or a handler) hands
 * to lkmdispatch() through lkmtp->private. Descriptors in another branch of the same #if as an
 * earlier one are alternatives, not extra registrations.
 */
function orderDeclarations(descriptors: DescriptorFact[], entry: FunctionFact | null, functions: FunctionFact[]) {
  const usesDispatchMacro = entry?.dispatch.some((d) => d.macro !== 'lkmdispatch') ?? false;
  const privateOrder = [entry, ...functions.filter((f) => f !== entry)].flatMap((f) => f?.privateDescriptors ?? []);
  const rank = (d: DescriptorFact) => {
    if (usesDispatchMacro && !d.handBuilt) return -1;
    const i = privateOrder.findIndex((p) => p === d.declaration.variable || p.startsWith(`${d.declaration.variable}[`));
    return i < 0 ? privateOrder.length : i;
  };
  const sorted = [...descriptors].sort((a, b) => rank(a) - rank(b));
  const kept: DescriptorFact[] = [];
  const alternatives: [DescriptorFact, DescriptorFact][] = [];
  for (const d of sorted) {
    const other = kept.find((k) => exclusive(k.frames, d.frames));
    if (other) alternatives.push([d, other]);
    else kept.push(d);
  }
  return { primary: kept[0]!, extras: kept.slice(1), alternatives };
}

function moduleName(d: DescriptorFact, defines: Defines, mk: MakefileInfo | null): string | null {
  const raw = d.handBuilt
    ? (d.fields.lkm_name ?? d.declaration.args.find((a) => stringLiteral(a) !== null))
    : d.declaration.args[0];
  if (raw !== undefined) {
    const lit = stringLiteral(raw) ?? stringLiteral(defines.value(raw, d.declaration.file));
    if (lit !== null) return lit;
  }
  return mk?.kmod ?? null;
}

// ---------------------------------------------------------------------------------------------
// Tables.

/** Payload fields after the common lkm_any header, by kind, for positional initialisers. */
const PAYLOAD: Record<LkmKind, string[]> = {
  syscall: ['lkm_sysent'],
  vfs: ['lkm_vfsops'],
  dev: ['lkm_devname', 'lkm_bdev', 'lkm_bdevmaj', 'lkm_cdev', 'lkm_cdevmaj'],
  exec: ['lkm_execsw', 'lkm_emul'],
  compat: ['lkm_compat'],
  misc: [],
  drv: ['lkm_cd', 'lkm_cai', 'lkm_cf'],
  strmod: [],
};

const HEADER_FIELDS = 6; // lkm_type, lkm_name, lkm_offset, lkm_modver, lkm_sysver, lkm_envver

/** The declaration's arguments by role, whether written as MOD_* arguments or an initialiser. */
function roleArgs(d: DescriptorFact): { name?: string; slot?: string; payload: Record<string, string> } {
  const kind = d.kind;
  const a = d.declaration.args;
  if (!d.handBuilt) {
    const m = d.declaration.macro;
    const p: Record<string, string> = {};
    if (m === 'MOD_SYSCALL') p.lkm_sysent = a[2] ?? '';
    if (m === 'MOD_VFS') p.lkm_vfsops = a[2] ?? '';
    if (m === 'MOD_COMPAT') p.lkm_compat = a[2] ?? '';
    if (m === 'MOD_EXEC') Object.assign(p, { lkm_execsw: a[2] ?? '', lkm_emul: a[3] ?? 'NULL' });
    if (m === 'MOD_DRV') Object.assign(p, { lkm_cd: a[1] ?? '', lkm_cai: a[2] ?? '', lkm_cf: a[3] ?? '' });
    if (m === 'MOD_DEV' && a.length === 6) {
      Object.assign(p, { lkm_devname: a[1]!, lkm_bdev: a[2]!, lkm_bdevmaj: a[3]!, lkm_cdev: a[4]!, lkm_cdevmaj: a[5]! });
    }
    return { name: a[0], slot: a[1], payload: p };
  }
  const positional = a.filter((x) => !/^\.\s*\w+\s*=/.test(x));
  const fields = kind ? PAYLOAD[kind] : [];
  const start = positional.length >= HEADER_FIELDS + fields.length ? HEADER_FIELDS : Math.max(0, positional.length - fields.length);
  const payload: Record<string, string> = {};
  fields.forEach((f, i) => {
    const v = d.fields[f] ?? positional[start + i];
    if (v !== undefined) payload[f] = v;
  });
  return { name: d.fields.lkm_name, slot: d.fields.lkm_offset ?? positional[2], payload };
}

const orNull = (e: string | undefined) => (e === undefined || e === 'NULL' || e === '0' ? null : e);

function describeTables(d: DescriptorFact, t: InstalledTables, all: SourceFacts[], defines: Defines, out: Finding[]): void {
  const { slot, payload } = roleArgs(d);
  const file = d.declaration.file;
  const line = d.declaration.line;
  switch (d.kind) {
    case 'syscall': {
      const slotText = slot ?? '-1';
      const value = defines.value(slotText, file).replace(/\s+/g, '');
      const n = /^-?\d+$/.test(value) ? Number(value) : null;
      const sysent = payload.lkm_sysent ?? '';
      const items = all.map((f) => f.sysents[bareName(sysent)]).find(Boolean);
      const call = items ? syscallHandler(items) : undefined;
      t.sysent = { slot: n, slotText, sysent, ...(call ? { handler: call } : {}) };
      const name = stringLiteral(d.declaration.args[0] ?? '') ?? d.declaration.variable;
      if (n === -1) out.push(findings.slotDynamic(file, line, name));
      else if (n === null) out.push(findings.slotUnknown(file, line, slotText));
      return;
    }
    case 'vfs':
      t.vfsops = payload.lkm_vfsops ?? '';
      return;
    case 'dev': {
      const a = d.declaration.args;
      if (!d.handBuilt && a.length === 4) {
        const devtype = a[1] === 'LM_DT_BLOCK' ? 'LM_DT_BLOCK' : 'LM_DT_CHAR';
        const block = devtype === 'LM_DT_BLOCK';
        t.devsw = {
          devname: null,
          bdevsw: block ? a[3]! : null,
          bmajor: block ? a[2]! : '-1',
          cdevsw: block ? null : a[3]!,
          cmajor: block ? '-1' : a[2]!,
          oldForm: devtype,
        };
        out.push(findings.oldModDev(file, line, devtype));
        return;
      }
      const devname = payload.lkm_devname;
      t.devsw = {
        devname: devname === undefined ? null : (stringLiteral(devname) ?? devname),
        bdevsw: orNull(payload.lkm_bdev),
        bmajor: payload.lkm_bdevmaj ?? '-1',
        cdevsw: orNull(payload.lkm_cdev),
        cmajor: payload.lkm_cdevmaj ?? '-1',
      };
      return;
    }
    case 'exec': {
      const emul = payload.lkm_emul;
      t.execsw = { execsw: payload.lkm_execsw ?? '', emulName: emul === undefined ? null : stringLiteral(emul) };
      return;
    }
    case 'compat':
      t.emul = payload.lkm_compat ?? '';
      return;
    case 'drv':
      t.autoconf = { cfdrivers: payload.lkm_cd ?? '', cfattachinit: payload.lkm_cai ?? '', cfdata: payload.lkm_cf ?? '' };
      return;
    default:
      return;
  }
}

/** sy_call of a `struct sysent` initialiser: the designated field, else the last function-like item. */
function syscallHandler(items: string[]): string | undefined {
  const designated = items.find((i) => /^\.\s*sy_call\s*=/.test(i));
  if (designated) return bareName(designated.replace(/^\.\s*sy_call\s*=\s*/, ''));
  const last = [...items].reverse().find((i) => /^(\([^)]*\)\s*)?&?\s*[A-Za-z_]\w*$/.test(i) && !/^(NULL|0)$/.test(i));
  return last ? bareName(last) : undefined;
}

// ---------------------------------------------------------------------------------------------

function srcsSite(mk: MakefileInfo, src: string): { file: string; line: number } {
  const sites = mk.assignments.get('SRCS') ?? [];
  const hit = [...sites].reverse().find((s) => s.raw.split(/\s+/).includes(src)) ?? sites.at(-1);
  return hit ? { file: hit.file, line: hit.line } : { file: mk.file, line: 1 };
}

/** Glue first (the declaration's file, then the entry's), then the build order. */
function orderFiles(files: string[], declaration: Declaration, entry: EntryFunction | null): string[] {
  const first = [declaration.file, entry?.file].filter((f): f is string => !!f);
  return [...new Set([...first, ...files])];
}

function dedupe(list: Finding[]): Finding[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const k = `${f.code}\0${f.file}\0${f.line}\0${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

const SEVERITY_ORDER = { error: 0, warning: 1, note: 2 };

/** In reading order: by file, then line; errors first on the same line. */
export function sortFindings(list: Finding[]): Finding[] {
  return [...list].sort(
    (a, b) => a.file.localeCompare(b.file) || a.line - b.line || SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity],
  );
}
