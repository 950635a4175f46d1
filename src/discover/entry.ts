/**
 * The entry function (what modload(8) called: the function that dispatches) and the
 * load/unload/stat handlers it names.
 */
import path from 'node:path';
import type { EntryFunction, Finding, Handler, Handlers } from './plan.ts';
import type { DescriptorFact, FunctionFact } from './facts.ts';
import type { ModuleSources } from './assemble.ts';
import { exclusive } from './conditions.ts';
import { findings } from './findings.ts';
import { stringLiteral, bareName } from './text.ts';
import { Defines, expandCall } from './macros.ts';

/** The first parameter of an entry or a handler: `struct lkm_table *`. */
export const ENTRY_PARAMS = /lkm_table/;

export function chooseEntry(
  functions: FunctionFact[],
  descriptors: DescriptorFact[],
  src: ModuleSources,
  defines: Defines,
  out: Finding[],
): { entry: EntryFunction | null; entryFact: FunctionFact | null } {
  const byMacro = functions.filter((f) => f.dispatch.some((d) => d.macro !== 'lkmdispatch'));
  const byCall = functions.filter((f) => f.dispatch.length > 0);
  // Registrations declared in functions of their own: the entry is the function that calls them.
  const callers = subDispatcherCallers(functions, descriptors);
  let pool = callers.length ? callers : byMacro.length ? byMacro : byCall;
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
  // A head written once per system: the entry is known by the name modload(8) looks for.
  for (const f of pool) {
    const all = [f.name, ...(f.alternativeNames ?? [])];
    f.name = all.find((n) => names.some((m) => n === `${m}_lkmentry`)) ?? all.find((n) => /_lkmentry$|^xxxinit$/.test(n)) ?? f.name;
  }
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

/** Functions holding a MOD_* of their own (with its DISPATCH), by name. */
function holders(descriptors: DescriptorFact[]): Set<string> {
  return new Set(descriptors.flatMap((d) => (d.declaration.enclosing ? [d.declaration.enclosing.name] : [])));
}

function subDispatcherCallers(functions: FunctionFact[], descriptors: DescriptorFact[]): FunctionFact[] {
  const h = holders(descriptors);
  return h.size ? functions.filter((f) => !h.has(f.name) && f.calls.some((c) => h.has(c))) : [];
}

/**
 * The functions that hold a registration each, as the entry calls them on LKM_E_LOAD (or, when
 * it does not switch on the command, as it calls them): the order the modcmd registers in.
 * Empty when the entry is no such caller.
 */
export function subDispatchers(entry: FunctionFact | null, descriptors: DescriptorFact[], functions: FunctionFact[]): FunctionFact[] {
  if (!entry) return [];
  const h = holders(descriptors);
  if (!h.size || h.has(entry.name)) return [];
  const order = [...(entry.caseCalls.LKM_E_LOAD ?? []), ...entry.calls].filter((c) => h.has(c));
  return [...new Set(order)].flatMap((n) => functions.filter((f) => f.name === n).slice(0, 1));
}

/**
 * The handlers of registrations that dispatch each in their own function: each DISPATCH names
 * load, unload and stat for its registration; the module's are the ones they name, the first
 * in registration order for each role. A second, different handler for a role is reported.
 */
export function subDispatcherHandlers(subs: FunctionFact[], functions: FunctionFact[], defines: Defines, out: Finding[]): Handlers {
  const handlers: Handlers = { load: null, unload: null, stat: null };
  const roles = ['load', 'unload', 'stat'] as const;
  for (const sub of subs) {
    const site = sub.dispatch.find((d) => d.macro !== 'lkmdispatch');
    if (!site || site.args.length < 6) continue;
    roles.forEach((role, i) => {
      const h = handlerNamed(role, defines.value(bareName(site.args[3 + i]!), sub.file), site, functions, out);
      if (!h) return;
      const had = handlers[role];
      if (!had) handlers[role] = h;
      else if (had.name !== h.name) out.push(findings.severalHandlerSets(site.file, site.line, role, had.name, h.name, sub.name));
    });
  }
  return handlers;
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

export function resolveHandlers(entry: FunctionFact | null, functions: FunctionFact[], defines: Defines, out: Finding[]): Handlers {
  const handlers: Handlers = { load: null, unload: null, stat: null };
  if (!entry) return handlers;
  const site = entry.dispatch.find((d) => d.macro !== 'lkmdispatch');
  if (!site) return handlersFromCases(entry, functions, out);
  if (site.args.length < 6) return handlers;
  const roles = ['load', 'unload', 'stat'] as const;
  roles.forEach((role, i) => {
    handlers[role] = handlerNamed(role, defines.value(bareName(site.args[3 + i]!), entry.file), site, functions, out);
  });
  return handlers;
}

/**
 * The function `name` a dispatch at `site` calls in `role`: the one in the site's file first,
 * else a global one. None for lkm_nofunc; an unresolved handler (and a finding) when no file of
 * the module defines it.
 */
export function handlerNamed(
  role: 'load' | 'unload' | 'stat',
  name: string,
  site: { file: string; start: number; end: number; line: number },
  functions: FunctionFact[],
  out: Finding[],
): Handler | null {
  if (name === 'lkm_nofunc' || name === 'NULL' || name === '0') return null;
  const candidates = functions.filter((f) => f.name === name);
  const fn = candidates.find((f) => f.file === site.file) ?? candidates.find((f) => !f.isStatic) ?? candidates[0];
  if (fn) return handlerOf(fn);
  out.push(findings.handlerNotFound(site.file, site.line, role, name));
  return {
    file: site.file, start: site.start, end: site.end, line: site.line,
    name, params: [], knr: false, usesLkmtp: false, switchesOnCmd: false, callsLkmexists: false,
    unresolved: true,
  };
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
