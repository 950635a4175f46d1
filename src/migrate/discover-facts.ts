/**
 * What one C file says about LKMs, as plain data: the descriptors it declares, the functions it
 * defines (and which of them dispatch), the macros it defines, and the places where it reads
 * what the kernel assigned or patches sysent by hand.
 *
 * This is the expensive step (the tree-sitter parse), and it needs nothing but the file, so it
 * runs in worker threads; the result crosses threads by structured clone. Relating facts of
 * several files into modules is discover-assemble's job.
 */
import type { Declaration, DispatchSite, LkmKind } from './plan.ts';
import { parseC, walk, type SyntaxNode } from '../source/cparse.ts';
import { maskCode, LineIndex, closingBracket, splitTopLevel, onPreprocessorLine, stringLiteral, bareName } from './discover-text.ts';
import { PreprocessorConditions, isDead, type CondFrame } from './discover-conditions.ts';

export const MOD_MACRO_KINDS: Record<string, LkmKind> = {
  MOD_SYSCALL: 'syscall',
  MOD_VFS: 'vfs',
  MOD_DEV: 'dev',
  MOD_EXEC: 'exec',
  MOD_COMPAT: 'compat',
  MOD_MISC: 'misc',
  MOD_DRV: 'drv',
  MOD_STRMOD: 'strmod',
};

/** `struct lkm_<x>` descriptor types; lkm_any's kind comes from its LM_ type constant. */
const STRUCT_KINDS: Record<string, LkmKind | null> = {
  lkm_syscall: 'syscall',
  lkm_vfs: 'vfs',
  lkm_dev: 'dev',
  lkm_exec: 'exec',
  lkm_compat: 'compat',
  lkm_misc: 'misc',
  lkm_drv: 'drv',
  lkm_strmod: 'strmod',
  lkm_any: null,
};

export const LM_KINDS: Record<string, LkmKind> = {
  LM_SYSCALL: 'syscall',
  LM_VFS: 'vfs',
  LM_DEV: 'dev',
  LM_EXEC: 'exec',
  LM_COMPAT: 'compat',
  LM_MISC: 'misc',
  LM_DRV: 'drv',
  LM_STRMOD: 'strmod',
};

export interface DescriptorFact {
  declaration: Declaration;
  kind: LkmKind | null;
  handBuilt: boolean;
  /** Designated initialiser fields of a hand-built descriptor (`lkm_vfsops` → `&coda_vfsops`). */
  fields: Record<string, string>;
  frames: CondFrame[];
}

export interface DispatchFact extends DispatchSite {
  frames: CondFrame[];
}

export interface FunctionFact {
  file: string;
  name: string;
  start: number;
  end: number;
  line: number;
  endLine: number;
  /** The line of the function's name (BSD style puts the return type on the line above). */
  nameLine: number;
  params: string[];
  /** Parameter types as written, by position (`struct lkm_table *`), when known. */
  paramTypes: string[];
  knr: boolean;
  isStatic: boolean;
  /** The declarator was a macro call: `LKMENTRY(foo)`; `name` is then the macro's name until resolved. */
  macroCall?: { macro: string; args: string[] };
  dispatch: DispatchFact[];
  /** Descriptors assigned to `lkmtp->private.lkm_any` before lkmdispatch(), in source order. */
  privateDescriptors: string[];
  /** First use of the lkm_table parameter other than as lkmexists()'s argument. */
  lkmtpUse: { line: number; text: string } | null;
  switchesOnCmd: boolean;
  callsLkmexists: boolean;
  /** Names this function calls directly. */
  calls: string[];
  /** Functions called under each `case LKM_E_LOAD:` / `LKM_E_UNLOAD` / `LKM_E_STAT` of a switch on cmd. */
  caseCalls: Record<string, string[]>;
  /** Recovered from the text because tree-sitter did not see this definition. */
  recovered?: boolean;
  frames: CondFrame[];
}

export interface MacroDefine {
  name: string;
  params: string[] | null;
  body: string;
  line: number;
  frames: CondFrame[];
}

export interface SiteFact {
  line: number;
  start: number;
  /** The source line, trimmed, to quote in a finding. */
  text: string;
  /** The function it is in, if known. */
  inFunction: string | null;
}

export interface SourceFacts {
  file: string;
  /** ERROR/MISSING nodes tree-sitter produced, with their lines (first few). */
  parseErrors: { count: number; lines: number[] };
  descriptors: DescriptorFact[];
  functions: FunctionFact[];
  defines: MacroDefine[];
  /** Reads of what the kernel assigned at load: lkm_offset, lkm_cdevmaj, lkm_bdevmaj, LKM_*_MAJOR(). */
  offsetReads: SiteFact[];
  /** Assignments into sysent[] (or copies onto it). */
  sysentWrites: SiteFact[];
  /** File-scope `struct sysent x = {...}` initialisers, by variable: their items as written. */
  sysents: Record<string, string[]>;
  /** Local headers it includes (`#include "foo.h"`), as written. */
  localIncludes: string[];
  conditionProblems: { line: number; message: string }[];
}

const DISPATCH_NAMES = new Set(['DISPATCH', 'LKM_DISPATCH', 'lkmdispatch']);
const MAX_ERROR_LINES = 5;

/** Extracts the facts of one file. Never throws on bad C: it works from what parsed. */
export function extractFacts(file: string, text: string): SourceFacts {
  const masked = maskCode(text);
  // Arguments and initialisers are quoted from the text without its comments.
  const plain = maskCode(text, false);
  const lines = new LineIndex(text);
  const conds = new PreprocessorConditions(masked);
  const tree = parseC(text);
  const facts: SourceFacts = {
    file,
    parseErrors: collectErrors(tree.rootNode),
    descriptors: [],
    functions: [],
    defines: collectDefines(text, lines, conds),
    offsetReads: [],
    sysentWrites: [],
    sysents: {},
    localIncludes: [...text.matchAll(/^[ \t]*#[ \t]*include[ \t]+"([^"]+)"/gm)].map((m) => m[1]!),
    conditionProblems: conds.problems,
  };
  collectFunctions(tree.rootNode, file, text, conds, facts.functions);
  recoverDispatchers(file, plain, masked, lines, conds, facts.functions);
  const inFunction = (index: number) =>
    facts.functions.find((f) => f.start <= index && index < f.end)?.name ?? null;
  facts.descriptors = [
    ...findModMacros(file, plain, masked, lines, conds, inFunction),
    ...findHandBuilt(file, plain, masked, lines, conds, inFunction),
  ].sort((a, b) => a.declaration.start - b.declaration.start);
  facts.sysents = findSysentInitialisers(plain, masked);
  const site = (index: number): SiteFact => {
    const line = lines.lineOf(index);
    const s = lines.lineStart(line);
    const e = text.indexOf('\n', s);
    return { line, start: index, text: text.slice(s, e < 0 ? undefined : e).trim(), inFunction: inFunction(index) };
  };
  for (const m of masked.matchAll(/(?:\.|->)\s*lkm_(?:offset|cdevmaj|bdevmaj)\b|\bLKM_(?:CHAR|BLOCK)_MAJOR\s*\(/g)) {
    if (onPreprocessorLine(masked, m.index)) continue;
    // An assignment to the field is the kernel's business (or a descriptor being filled), not a read.
    const after = masked.slice(m.index + m[0].length, m.index + m[0].length + 3);
    if (/^\s*=[^=]/.test(after)) continue;
    if (isDead(conds.at(m.index))) continue;
    const read = site(m.index);
    read.text = readExpression(plain, masked, m.index, m[0]);
    const sameLine = facts.offsetReads.find((r) => r.line === read.line);
    if (sameLine) sameLine.text += `, ${read.text}`;
    else facts.offsetReads.push(read);
  }
  for (const at of sysentWrites(masked)) {
    if (onPreprocessorLine(masked, at) || isDead(conds.at(at))) continue;
    facts.sysentWrites.push(site(at));
  }
  return facts;
}

/** The whole expression of a read: `_module.lkm_cdevmaj`, `LKM_CHAR_MAJOR(_module.lkm_offset)`. */
function readExpression(plain: string, masked: string, at: number, match: string): string {
  if (match.startsWith('LKM_')) {
    const close = closingBracket(masked, at + match.length - 1);
    return plain.slice(at, close < 0 ? at + match.length : close + 1).replace(/\s+/g, ' ');
  }
  let start = at;
  while (start > 0 && /[\w.\]\[>-]/.test(masked[start - 1]!)) start--;
  return plain.slice(start, at + match.length).replace(/\s+/g, '');
}

/**
 * Where the code stores into the system call table: `sysent[i] = x`, `sysent[i].sy_call = f`
 * (also through `e_sysent`), or copies onto an entry with memcpy/memmove/bcopy.
 */
function sysentWrites(masked: string): number[] {
  const out: number[] = [];
  for (const m of masked.matchAll(/\b(?:e_)?sysent\s*\[/g)) {
    const close = closingBracket(masked, m.index + m[0].length - 1);
    if (close < 0) continue;
    const rest = masked.slice(close + 1, close + 80);
    if (/^\s*(?:\.\s*\w+\s*)?=(?!=)/.test(rest)) {
      out.push(m.index);
      continue;
    }
    // The destination of a copy: memcpy(&sysent[i], ...) / bcopy(src, &sysent[i], n).
    const before = masked.slice(Math.max(0, m.index - 80), m.index);
    const owner = String.raw`&?\s*(?:\w+\s*(?:\.|->)\s*)*$`;
    if (new RegExp(String.raw`\b(?:memcpy|memmove)\s*\(\s*` + owner).test(before) ||
        new RegExp(String.raw`\bbcopy\s*\([^;,()]*,\s*` + owner).test(before)) {
      out.push(m.index);
    }
  }
  return out;
}

function collectErrors(root: SyntaxNode): { count: number; lines: number[] } {
  let count = 0;
  const lines: number[] = [];
  if (!root.hasError) return { count, lines };
  walk(root, (n) => {
    if (n.isMissing && n.type === ';' && (afterMacroCall(n) || beforeKnrPrototype(n))) return false;
    if (n.type === 'call_expression' && callName(n) === '__P') return false;
    if (n.type === 'ERROR' || n.isMissing) {
      count++;
      const line = n.startPosition.row + 1;
      if (lines.length < MAX_ERROR_LINES && !lines.includes(line)) lines.push(line);
      return n.type !== 'ERROR';
    }
    return n.hasError;
  });
  return { count, lines };
}

/** The #defines of a header, for macros a module's files use (a syscall number, an entry-name macro). */
export function headerDefines(text: string): MacroDefine[] {
  return collectDefines(text, new LineIndex(text), new PreprocessorConditions(maskCode(text)));
}

/**
 * `DISPATCH(...)` or `MOD_DEV(...)` with no semicolon is how these macros are written (their
 * expansion ends in a statement or a declaration); tree-sitter's missing `;` there is no error.
 */
function afterMacroCall(semicolon: SyntaxNode): boolean {
  const prev = semicolon.previousSibling;
  if (prev?.type !== 'call_expression') return false;
  return /^[A-Z][A-Z0-9_]*$/.test(callName(prev));
}

/** `int foo __P((struct lkm_table *, int));`: the pre-ANSI prototype macro every old file uses. */
function beforeKnrPrototype(semicolon: SyntaxNode): boolean {
  const next = semicolon.parent?.nextSibling;
  const call = next?.type === 'expression_statement' ? next.firstChild : null;
  return call?.type === 'call_expression' && callName(call) === '__P';
}

function collectDefines(text: string, lines: LineIndex, conds: PreprocessorConditions): MacroDefine[] {
  const out: MacroDefine[] = [];
  for (const m of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)(\(([^)]*)\))?[ \t]*(.*)$/gm)) {
    const body = m[4]!.replace(/\/\*.*?\*\//g, '').trim();
    if (body.endsWith('\\') || body.length > 200) continue; // multi-line bodies are code, not names
    out.push({
      name: m[1]!,
      params: m[2] === undefined ? null : m[3]!.split(',').map((p) => p.trim()).filter(Boolean),
      body,
      line: lines.lineOf(m.index),
      frames: conds.at(m.index),
    });
  }
  return out;
}

/** `MOD_xxx(...)` at file scope, found in the text (see discover-text.ts for why). */
function findModMacros(
  file: string,
  text: string,
  masked: string,
  lines: LineIndex,
  conds: PreprocessorConditions,
  inFunction: (i: number) => string | null,
): DescriptorFact[] {
  const out: DescriptorFact[] = [];
  for (const m of masked.matchAll(/\b(MOD_(?:SYSCALL|VFS|DEV|EXEC|COMPAT|MISC|DRV|STRMOD))\s*\(/g)) {
    const start = m.index;
    if (onPreprocessorLine(masked, start) || inFunction(start)) continue;
    const frames = conds.at(start);
    if (isDead(frames)) continue;
    const open = start + m[0].length - 1;
    const close = closingBracket(masked, open);
    if (close < 0) continue;
    let end = close + 1;
    const semi = /^\s*;/.exec(masked.slice(end, end + 64));
    if (semi) end += semi[0].length;
    const macro = m[1]!;
    out.push({
      declaration: {
        file,
        start,
        end,
        line: lines.lineOf(start),
        macro,
        args: splitTopLevel(text, masked, open + 1, close).map((a) => a.text),
        variable: '_module',
        conditions: frames.map((f) => f.condition),
      },
      kind: MOD_MACRO_KINDS[macro]!,
      handBuilt: false,
      fields: {},
      frames,
    });
  }
  return out;
}

/** `[static] struct lkm_<x> name [= { ... }];` at file scope: a descriptor built by hand. */
function findHandBuilt(
  file: string,
  text: string,
  masked: string,
  lines: LineIndex,
  conds: PreprocessorConditions,
  inFunction: (i: number) => string | null,
): DescriptorFact[] {
  const out: DescriptorFact[] = [];
  const re = /\b(?:(?:static|const|volatile)\s+)*struct\s+(lkm_(?:syscall|vfs|dev|exec|compat|misc|drv|strmod|any))\s+(\w+)\s*(=\s*\{|;)/g;
  for (const m of masked.matchAll(re)) {
    const start = m.index;
    if (onPreprocessorLine(masked, start) || inFunction(start)) continue;
    if (/\bextern\s+$/.test(masked.slice(Math.max(0, start - 16), start))) continue;
    const frames = conds.at(start);
    if (isDead(frames)) continue;
    const type = m[1]!;
    let end = start + m[0].length;
    let items: { text: string; start: number }[] = [];
    if (m[3] !== ';') {
      const open = start + m[0].length - 1;
      const close = closingBracket(masked, open);
      if (close < 0) continue;
      items = flattenInitialiser(text, masked, open + 1, close);
      end = close + 1;
      const semi = /^\s*;/.exec(masked.slice(end, end + 64));
      if (semi) end += semi[0].length;
    }
    const fields: Record<string, string> = {};
    const positional: string[] = [];
    for (const it of items) {
      const d = /^\.\s*(\w+)\s*=\s*([\s\S]*)$/.exec(it.text);
      if (d) fields[d[1]!] = d[2]!;
      else positional.push(it.text);
    }
    const lmType = fields.lkm_type ?? positional.find((p) => /^LM_\w+$/.test(p));
    const kind = STRUCT_KINDS[type] ?? (lmType ? (LM_KINDS[lmType] ?? null) : null);
    out.push({
      declaration: {
        file,
        start,
        end,
        line: lines.lineOf(start),
        macro: `struct ${type}`,
        args: items.map((i) => i.text),
        variable: m[2]!,
        conditions: frames.map((f) => f.condition),
      },
      kind,
      handBuilt: true,
      fields,
      frames,
    });
  }
  return out;
}

/** The items of `{ {a, b}, .x = c, d }` with nested braces opened: a, b, .x = c, d. */
function flattenInitialiser(text: string, masked: string, from: number, to: number): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  for (const part of splitTopLevel(text, masked, from, to)) {
    if (part.text.startsWith('{')) {
      const open = part.start;
      const close = closingBracket(masked, open);
      if (close > open) {
        out.push(...flattenInitialiser(text, masked, open + 1, close));
        continue;
      }
    }
    // `.mod = { ... }`: a designated sub-structure (the lkm_any header)
    const nested = /^\.\s*\w+\s*=\s*\{/.exec(part.text);
    if (nested) {
      const open = masked.indexOf('{', part.start);
      const close = closingBracket(masked, open);
      if (close > open) {
        out.push(...flattenInitialiser(text, masked, open + 1, close));
        continue;
      }
    }
    out.push(part);
  }
  return out;
}

function findSysentInitialisers(text: string, masked: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of masked.matchAll(/\bstruct\s+sysent\s+(\w+)\s*(\[[^\]]*\])?\s*=\s*\{/g)) {
    const open = m.index + m[0].length - 1;
    const close = closingBracket(masked, open);
    if (close < 0) continue;
    out[m[1]!] = flattenInitialiser(text, masked, open + 1, close).map((i) => i.text);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Functions, from the tree.

function collectFunctions(root: SyntaxNode, file: string, text: string, conds: PreprocessorConditions, out: FunctionFact[]): void {
  walk(root, (n) => {
    if (n.type !== 'function_definition') return true;
    const f = describeFunction(n, file, text, conds);
    if (f && !isDead(f.frames)) out.push(f);
    return false; // no nested definitions in C
  });
}

function functionDeclarator(n: SyntaxNode | null): SyntaxNode | null {
  while (n) {
    if (n.type === 'function_declarator') return n;
    n = n.childForFieldName('declarator');
  }
  return null;
}

function identifierIn(n: SyntaxNode | null): string | null {
  while (n) {
    if (n.type === 'identifier' || n.type === 'type_identifier') return n.text;
    const next = n.childForFieldName('declarator');
    if (!next) {
      const id = n.namedChildren.find((c) => c.type === 'identifier');
      return id ? id.text : null;
    }
    n = next;
  }
  return null;
}

function describeFunction(n: SyntaxNode, file: string, text: string, conds: PreprocessorConditions): FunctionFact | null {
  const decl = functionDeclarator(n.childForFieldName('declarator'));
  const body = n.childForFieldName('body');
  if (!decl || !body) return null;
  const inner = decl.childForFieldName('declarator');
  let name: string;
  let macroCall: FunctionFact['macroCall'];
  if (inner?.type === 'function_declarator') {
    // `int LKMENTRY(foo)(lkmtp, cmd, ver)`: tree-sitter reads the macro call as a declarator.
    const macro = inner.childForFieldName('declarator')?.text ?? '';
    const args = (inner.childForFieldName('parameters')?.namedChildren ?? []).map((c) => c.text.trim());
    name = macro;
    macroCall = { macro, args };
  } else {
    const id = identifierIn(inner);
    if (!id) return null;
    name = id;
  }
  const paramList = decl.childForFieldName('parameters');
  const params: string[] = [];
  const paramTypes: string[] = [];
  let knr = false;
  for (const p of paramList?.namedChildren ?? []) {
    if (p.type === 'identifier') {
      knr = true;
      params.push(p.text);
      paramTypes.push('');
    } else if (p.type === 'parameter_declaration') {
      const id = identifierIn(p.childForFieldName('declarator'));
      const type = p.childForFieldName('type')?.text ?? '';
      if (!id && type === 'void') continue;
      params.push(id ?? '');
      paramTypes.push(typeText(p, text));
    }
  }
  if (knr) {
    // The K&R declarations between `)` and `{` give the types.
    for (const c of n.namedChildren) {
      if (c.type !== 'declaration') continue;
      const type = c.childForFieldName('type')?.text ?? '';
      for (const d of c.childrenForFieldName('declarator')) {
        const id = identifierIn(d);
        const i = id ? params.indexOf(id) : -1;
        if (i >= 0) paramTypes[i] = `${type}${d.type === 'pointer_declarator' ? ' *' : ''}`;
      }
    }
  }
  const isStatic = n.namedChildren.some((c) => c.type === 'storage_class_specifier' && c.text === 'static');
  const f: FunctionFact = {
    file,
    name,
    start: n.startIndex,
    end: n.endIndex,
    line: n.startPosition.row + 1,
    endLine: n.endPosition.row + 1,
    nameLine: decl.startPosition.row + 1,
    params,
    paramTypes,
    knr,
    isStatic,
    dispatch: [],
    privateDescriptors: [],
    lkmtpUse: null,
    switchesOnCmd: false,
    callsLkmexists: false,
    calls: [],
    caseCalls: {},
    frames: conds.at(n.startIndex),
  };
  if (macroCall) f.macroCall = macroCall;
  describeBody(f, body, text, conds);
  return f;
}

function typeText(p: SyntaxNode, text: string): string {
  const d = p.childForFieldName('declarator');
  const t = p.childForFieldName('type');
  if (!t) return '';
  const ptr = d && d.type.includes('pointer') ? ' *' : '';
  return `${text.slice(p.startIndex, t.endIndex).trim()}${ptr}`;
}

function callName(call: SyntaxNode): string {
  return call.childForFieldName('function')?.text ?? '';
}

function describeBody(f: FunctionFact, body: SyntaxNode, text: string, conds: PreprocessorConditions): void {
  const lkmtp = f.params[0];
  const cmd = f.params[1];
  const calls = new Set<string>();
  walk(body, (n) => {
    switch (n.type) {
      case 'call_expression': {
        const name = callName(n);
        calls.add(name);
        if (name === 'lkmexists') f.callsLkmexists = true;
        if (DISPATCH_NAMES.has(name)) f.dispatch.push(dispatchSite(f.file, n, name, text, conds));
        const label = lkmCaseOf(n, body);
        if (label) (f.caseCalls[label] ??= []).push(name);
        break;
      }
      case 'switch_statement':
        if (cmd && stripParens(n.childForFieldName('condition')?.text ?? '') === cmd) f.switchesOnCmd = true;
        break;
      case 'binary_expression': {
        const op = n.childForFieldName('operator')?.text;
        const l = n.childForFieldName('left')?.text;
        const r = n.childForFieldName('right')?.text ?? '';
        if (cmd && (op === '==' || op === '!=') && l === cmd && /^LKM_E_/.test(r)) f.switchesOnCmd = true;
        break;
      }
      case 'assignment_expression': {
        const left = n.childForFieldName('left')?.text ?? '';
        if (/->\s*private\s*\.\s*lkm_\w+$/.test(left)) {
          const right = bareName(n.childForFieldName('right')?.text ?? '');
          if (right) f.privateDescriptors.push(right);
        }
        break;
      }
      case 'identifier':
        if (lkmtp && n.text === lkmtp && !f.lkmtpUse && !isLkmexistsArgument(n)) {
          const row = n.startPosition.row;
          f.lkmtpUse = { line: row + 1, text: (text.split('\n', row + 1)[row] ?? '').trim() };
        }
        break;
    }
    return true;
  });
  f.calls = [...calls];
}

/** The `case LKM_E_xxx:` a node sits under, within `body`. */
function lkmCaseOf(n: SyntaxNode, body: SyntaxNode): string | null {
  for (let p = n.parent; p && p.id !== body.id; p = p.parent) {
    if (p.type === 'case_statement') {
      const v = p.childForFieldName('value')?.text ?? '';
      return /^LKM_E_(LOAD|UNLOAD|STAT)$/.test(v) ? v : null;
    }
  }
  return null;
}

function stripParens(s: string): string {
  let t = s.trim();
  while (t.startsWith('(') && t.endsWith(')')) t = t.slice(1, -1).trim();
  return t;
}

function isLkmexistsArgument(id: SyntaxNode): boolean {
  const args = id.parent;
  const call = args?.parent;
  return args?.type === 'argument_list' && call?.type === 'call_expression' && callName(call) === 'lkmexists';
}

function dispatchSite(file: string, call: SyntaxNode, macro: string, text: string, conds: PreprocessorConditions): DispatchFact {
  const argList = call.childForFieldName('arguments');
  const args = argList ? splitArgs(text, argList.startIndex + 1, argList.endIndex - 1) : [];
  const stmt = call.parent?.type === 'expression_statement' ? call.parent : null;
  const semicolon = stmt?.children.find((c) => c.type === ';');
  const frames = conds.at(call.startIndex);
  const site: DispatchFact = {
    file,
    start: call.startIndex,
    end: semicolon && !semicolon.isMissing ? semicolon.endIndex : call.endIndex,
    line: call.startPosition.row + 1,
    macro,
    args,
    conditions: frames.map((f) => f.condition),
    frames,
  };
  if (macro !== 'lkmdispatch' && (!semicolon || semicolon.isMissing)) site.noSemicolon = true;
  return site;
}

function splitArgs(text: string, from: number, to: number): string[] {
  const slice = text.slice(from, to);
  return splitTopLevel(maskCode(slice, false), maskCode(slice), 0, slice.length).map((a) => a.text);
}

// ---------------------------------------------------------------------------------------------
// Recovery: a dispatch tree-sitter did not place in any function (an #ifdef split the header).

function recoverDispatchers(
  file: string,
  text: string,
  masked: string,
  lines: LineIndex,
  conds: PreprocessorConditions,
  functions: FunctionFact[],
): void {
  for (const m of masked.matchAll(/\b(LKM_DISPATCH|DISPATCH|lkmdispatch)\s*\(/g)) {
    const at = m.index;
    if (onPreprocessorLine(masked, at) || isDead(conds.at(at))) continue;
    if (/\bint\s+$/.test(masked.slice(Math.max(0, at - 8), at))) continue; // a prototype
    if (functions.some((f) => f.start <= at && at < f.end)) continue;
    const f = enclosingFunctionByText(file, text, masked, lines, conds, at);
    if (!f) continue;
    const open = at + m[0].length - 1;
    const close = closingBracket(masked, open);
    if (close < 0) continue;
    const semi = /^\s*;/.exec(masked.slice(close + 1, close + 64));
    const frames = conds.at(at);
    const site: DispatchFact = {
      file,
      start: at,
      end: close + 1 + (semi ? semi[0].length : 0),
      line: lines.lineOf(at),
      macro: m[1]!,
      args: splitTopLevel(text, masked, open + 1, close).map((a) => a.text),
      conditions: frames.map((fr) => fr.condition),
      frames,
    };
    if (m[1] !== 'lkmdispatch' && !semi) site.noSemicolon = true;
    const known = functions.find((g) => g.recovered && g.start === f.start);
    if (known) known.dispatch.push(site);
    else {
      f.dispatch.push(site);
      functions.push(f);
    }
  }
}

/**
 * The function around `at`, read from the text: the top-level `{` before it and the header
 * before that. Preprocessor lines are skipped, so `#ifdef`-split headers still read as one.
 */
function enclosingFunctionByText(
  file: string,
  text: string,
  masked: string,
  lines: LineIndex,
  conds: PreprocessorConditions,
  at: number,
): FunctionFact | null {
  const code = masked.replace(/^[ \t]*#.*$/gm, (l) => ' '.repeat(l.length));
  let depth = 0;
  let open = -1;
  for (let i = at; i >= 0; i--) {
    const ch = code[i];
    if (ch === '}') depth++;
    else if (ch === '{') {
      if (depth === 0) open = i;
      else depth--;
    }
  }
  // `open` is now the outermost unclosed `{` before `at`: the function body.
  if (open < 0) return null;
  const close = closingBracket(code, open);
  let headStart = open;
  while (headStart > 0 && !';}'.includes(code[headStart - 1]!)) headStart--;
  const head = code.slice(headStart, open);
  const m = /(\w+)\s*\(([^()]*)\)\s*([^(){}]*)$/.exec(head);
  if (!m) return null;
  const params = m[2]!.split(',').map((p) => /(\w+)\s*$/.exec(p.trim())?.[1] ?? '').filter((p) => p && p !== 'void');
  const knr = /^\s*\w+\s*(,\s*\w+\s*)*$/.test(m[2]!) && m[3]!.trim() !== '';
  const start = headStart + (head.length - head.trimStart().length);
  const bodyEnd = close < 0 ? text.length : close + 1;
  const f: FunctionFact = {
    file,
    name: m[1]!,
    start,
    end: bodyEnd,
    line: lines.lineOf(start),
    endLine: lines.lineOf(Math.max(start, bodyEnd - 1)),
    nameLine: lines.lineOf(headStart + m.index),
    params,
    paramTypes: params.map(() => ''),
    knr,
    isStatic: /\bstatic\b/.test(head),
    dispatch: [],
    privateDescriptors: [],
    lkmtpUse: null,
    switchesOnCmd: new RegExp(`switch\\s*\\(\\s*${params[1] ?? '\\0'}\\s*\\)`).test(code.slice(open, bodyEnd)),
    callsLkmexists: /\blkmexists\s*\(/.test(code.slice(open, bodyEnd)),
    calls: [],
    caseCalls: {},
    recovered: true,
    frames: conds.at(start),
  };
  return f;
}
