/**
 * The text module(9) wants: the MODULE() modinfo record and the modcmd function.
 *
 * The modcmd keeps the order the old DISPATCH had (netbsd-module-api.md A.6), because the
 * handlers were written against it:
 *   INIT: the entry's prelude, register with each subsystem, then the old load handler;
 *         a failure undoes what was done, in reverse.
 *   FINI: the old unload handler, then deregister in reverse; if a subsystem refuses (EBUSY
 *         while mounted, in use), what was already undone is redone, so the module stays
 *         loaded and whole instead of half torn down.
 *   Registrations marked afterLoad (what the old load handler published at its very end, such
 *   as hand-patched sysent slots) come after the load handler in INIT and go first in FINI.
 *   STAT: the old stat handler, if there was one. Anything else: ENOTTY, as module(9) asks.
 * Written in KNF (tabs, `return error;`), the way NetBSD's own modules read.
 */
import type { ModuleClass, Registration } from '../discover/rule-api.ts';

export interface ModcmdSpec {
  name: string;
  /** Statements the old entry function ran before dispatching, as written. */
  prelude: string[];
  /** Declarations the prelude uses, as written: at the top of the function, before the switch. */
  locals?: string[];
  registrations: Registration[];
  /** C call expressions for the old handlers, or null. */
  load: string | null;
  unload: string | null;
  stat: string | null;
  /** XXX lkm2mod notes written above the switch. */
  notes: string[];
  /** Called by another module's modcmd (a merged exec format): external, not static. */
  helper?: boolean;
  /**
   * Releases what the old load handler acquired and its unload handler never released: run in
   * FINI once nothing can refuse any more, or right after the unload handler when a refused
   * detach would run the load handler again (src/migrate/init-release.ts).
   */
  loadRelease?: { statement: string; comment: string };
}

/** `MODULE(MODULE_CLASS_VFS, kernfs, NULL);` */
export function moduleDeclaration(name: string, cls: ModuleClass, required: string[]): string {
  const req = required.length ? `"${required.join(',')}"` : 'NULL';
  return `MODULE(MODULE_CLASS_${cls}, ${name}, ${req});`;
}

export function modcmdName(name: string): string {
  return `${name}_modcmd`;
}

interface Line {
  text: string;
  /** Only for the loadable build: collected under `#ifdef _MODULE`. */
  modular: boolean;
}

const T2 = '\t\t';
const T3 = '\t\t\t';

export function renderModcmd(spec: ModcmdSpec): string {
  const init = renderInit(spec);
  const fini = renderFini(spec);
  const body: string[] = [];
  const usesError = [...init, ...fini].some((l) => /\berror\b/.test(l.text));
  for (const note of spec.notes) body.push(...markerComment('\t', note).split('\n'));
  const locals = [...(usesError ? ['int error;'] : []), ...(spec.locals ?? [])];
  if (locals.length) body.push(...locals.map((l) => reindent(l, '\t')), '');
  body.push('\tswitch (cmd) {', '\tcase MODULE_CMD_INIT:', ...render(init), '');
  body.push('\tcase MODULE_CMD_FINI:', ...render(fini), '');
  if (spec.stat) body.push('\tcase MODULE_CMD_STAT:', `${T2}return ${spec.stat};`, '');
  body.push('\tdefault:', `${T2}return ENOTTY;`, '\t}');
  return [
    spec.helper ? 'int' : 'static int',
    `${modcmdName(spec.name)}(modcmd_t cmd, void *arg)`,
    '{',
    ...body,
    '}',
  ].join('\n');
}

function renderInit(spec: ModcmdSpec): Line[] {
  const out: Line[] = spec.prelude.map((s) => ({ text: reindent(s, T2), modular: false }));
  const regs = spec.registrations.filter((r) => !r.afterLoad);
  const late = spec.registrations.filter((r) => r.afterLoad);
  if (regs.length === 1 && !spec.load && !late.length && !regs[0].modularOnly && !regs[0].note && !regs[0].attachIsVoid) {
    out.push({ text: `${T2}return ${regs[0].attach};`, modular: false });
    return out;
  }
  // One registration: its marker, the attach, and on failure `undo` (what came before it).
  const attach = (r: Registration, undo: Line[]) => {
    const m = !!r.modularOnly;
    if (r.note) out.push(...lines(markerComment(T2, r.note), m));
    if (r.attachIsVoid) {
      out.push(...lines(reindent(r.attach, T2), m));
      return;
    }
    out.push({ text: `${T2}error = ${r.attach};`, modular: m });
    out.push(...failure(undo, m));
  };
  regs.forEach((r, i) => attach(r, undoAll(regs.slice(0, i))));
  if (spec.load) {
    if (regs.length === 0 && late.length === 0) {
      out.push({ text: `${T2}return ${spec.load};`, modular: false });
      return out;
    }
    out.push({ text: `${T2}error = ${spec.load};`, modular: false });
    out.push(...failure(undoAll(regs), false));
  }
  // Published last, as the old load handler did at its end: a failure takes back the handler's
  // work (its unload) and the earlier registrations.
  late.forEach((r, i) => {
    const undo = [...undoAll(late.slice(0, i))];
    if (spec.unload) undo.push({ text: `${T3}(void)${spec.unload};`, modular: false });
    if (spec.unload && spec.loadRelease) undo.push({ text: `${T3}${spec.loadRelease.statement}`, modular: false });
    attach(r, [...undo, ...undoAll(regs)]);
  });
  out.push({ text: `${T2}return 0;`, modular: false });
  return out;
}

function renderFini(spec: ModcmdSpec): Line[] {
  const out: Line[] = [];
  const regs = spec.registrations.filter((r) => !r.afterLoad).reverse();
  const late = spec.registrations.filter((r) => r.afterLoad).reverse();
  const reattach = (done: Registration[]): Line[] => [...done].reverse().flatMap(redo);
  // Withdrawn first, so no new caller enters what the unload handler is about to tear down;
  // put back if the handler refuses (EBUSY while in use), as aio's modcmd does.
  late.forEach((r, i) => {
    const m = !!r.modularOnly;
    out.push({ text: `${T2}error = ${r.detach};`, modular: m });
    out.push(...failure(reattach(late.slice(0, i)), m));
  });
  const loadRelease = spec.load && spec.loadRelease ? spec.loadRelease : null;
  // A refused detach runs the load handler again (below): what it acquires goes before that.
  const releaseEarly = !!loadRelease && !!spec.unload && regs.length > 0;
  if (spec.unload) {
    if (regs.length === 0 && late.length === 0 && !loadRelease) return [{ text: `${T2}return ${spec.unload};`, modular: false }];
    out.push({ text: `${T2}error = ${spec.unload};`, modular: false });
    out.push(...failure(reattach(late), false));
  }
  if (loadRelease && releaseEarly) out.push(...released(loadRelease));
  if (regs.length === 1 && !spec.unload && !late.length && !regs[0].modularOnly && !regs[0].release && !loadRelease) {
    const r = regs[0];
    if (r.detachIsVoid) return [{ text: `${T2}${r.detach};`, modular: false }, { text: `${T2}return 0;`, modular: false }];
    return [{ text: `${T2}return ${r.detach};`, modular: false }];
  }
  regs.forEach((r, i) => {
    const m = !!r.modularOnly;
    if (r.detachIsVoid) {
      out.push({ text: `${T2}${r.detach};`, modular: m });
      if (r.release) out.push(...released(r.release, m));
      return;
    }
    out.push({ text: `${T2}error = ${r.detach};`, modular: m });
    // Still registered with this subsystem: put back what was already taken down, so the
    // module stays loaded in the state INIT left it in.
    const again: Line[] = regs.slice(0, i).reverse().flatMap(redo);
    // Only the unload handler's work needs redoing; without one there is nothing to give back.
    if (spec.load && spec.unload) again.push({ text: `${T3}(void)${spec.load};`, modular: false });
    again.push(...reattach(late));
    out.push(...failure(again, m));
    // Detached for good: what the kernel ran at attach and never undoes is released now.
    if (r.release) out.push(...released(r.release, m));
  });
  if (loadRelease && !releaseEarly) out.push(...released(loadRelease));
  out.push({ text: `${T2}return 0;`, modular: false });
  return out;
}

/** A release after its detach, with the one-line comment saying why. */
function released(r: { statement: string; comment: string }, modular = false): Line[] {
  return [{ text: `${T2}/* ${r.comment} */`, modular }, { text: `${T2}${r.statement}`, modular }];
}

/** Make a registration again, its result ignored: the way back from a failed FINI. */
function redo(r: Registration): Line[] {
  if (r.attachIsVoid) return lines(reindent(r.attach, T3), !!r.modularOnly);
  return [{ text: `${T3}(void)${r.attach};`, modular: !!r.modularOnly }];
}

function undoAll(done: Registration[]): Line[] {
  return [...done].reverse().flatMap((r) => [
    { text: `${T3}${voided(r.detach, r.detachIsVoid)};`, modular: !!r.modularOnly },
    ...(r.release ? [{ text: `${T3}${r.release.statement}`, modular: !!r.modularOnly }] : []),
  ]);
}

function voided(expr: string, isVoid?: boolean): string {
  return isVoid ? expr : `(void)${expr}`;
}

/** `if (error != 0) return error;`, with the undo statements in braces when there are any. */
function failure(undo: Line[], modular: boolean): Line[] {
  if (undo.length === 0) {
    return [
      { text: `${T2}if (error != 0)`, modular },
      { text: `${T3}return error;`, modular },
    ];
  }
  return [
    { text: `${T2}if (error != 0) {`, modular },
    ...undo.map((u) => ({ text: u.text, modular: modular || u.modular })),
    { text: `${T3}return error;`, modular },
    { text: `${T2}}`, modular },
  ];
}

/** Lines with `modular` set are grouped under `#ifdef _MODULE`. */
function render(lines: Line[]): string[] {
  const out: string[] = [];
  let open = false;
  for (const l of lines) {
    if (l.modular && !open) out.push('#ifdef _MODULE');
    if (!l.modular && open) out.push('#endif');
    open = l.modular;
    out.push(wrap(l.text));
  }
  if (open) out.push('#endif');
  return out;
}

const KNF_WIDTH = 80;

function width(s: string): number {
  let w = 0;
  for (const c of s) w = c === '\t' ? (w + 8) & ~7 : w + 1;
  return w;
}

/**
 * KNF: a statement longer than 80 columns breaks after a comma, the continuation indented
 * four spaces past the statement.
 */
export function wrap(line: string): string {
  if (width(line) <= KNF_WIDTH || line.includes('\n')) return line;
  const indent = /^\t*/.exec(line)![0];
  const open = line.indexOf('(');
  if (open === -1) return line;
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') {
      i = line.indexOf('"', i + 1);
      if (i === -1) return line;
    } else if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (c === ',' && depth === 1) {
      parts.push(line.slice(from, i + 1));
      from = i + 1;
    }
  }
  parts.push(line.slice(from));
  const out: string[] = [];
  let cur = parts[0];
  for (const p of parts.slice(1)) {
    if (width(cur + p) > KNF_WIDTH) {
      out.push(cur);
      cur = `${indent}    ${p.trimStart()}`;
    } else cur += p;
  }
  out.push(cur);
  return out.join('\n');
}

function lines(text: string, modular: boolean): Line[] {
  return text.split('\n').map((t) => ({ text: t, modular }));
}

/** Re-indent a statement copied from elsewhere: its first line at `indent`, the rest kept relative. */
export function reindent(statement: string, indent: string, originalIndent = '\t'): string {
  return statement
    .split('\n')
    .map((l, i) => {
      if (i === 0) return indent + l.trimStart();
      return l.startsWith(originalIndent) ? indent + l.slice(originalIndent.length) : l;
    })
    .join('\n');
}

const WIDTH = 96;

/**
 * `/* XXX lkm2mod: … *\/` on one line when it fits, else a KNF block comment. A reviewer greps
 * for "XXX lkm2mod" to find every place a human must act.
 */
export function markerComment(indent: string, text: string): string {
  // A message that quotes code may quote a comment: its `*/` would end the marker early.
  const message = text.replace(/\*\//g, '* /');
  const one = `${indent}/* XXX lkm2mod: ${message} */`;
  if (one.replace(/\t/g, '        ').length <= WIDTH) return one;
  const words = `XXX lkm2mod: ${message}`.split(/\s+/);
  const out = [`${indent}/*`];
  let cur = '';
  for (const w of words) {
    if (cur && (`${indent} * ${cur} ${w}`).replace(/\t/g, '        ').length > WIDTH) {
      out.push(`${indent} * ${cur}`);
      cur = w;
    } else cur = cur ? `${cur} ${w}` : w;
  }
  if (cur) out.push(`${indent} * ${cur}`);
  out.push(`${indent} */`);
  return out.join('\n');
}
