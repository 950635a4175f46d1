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
import { maskCode, LineIndex, closingBracket, onPreprocessorLine } from './text.ts';
import { PreprocessorConditions, isDead, type CondFrame } from './conditions.ts';
import { findModMacros, findHandBuilt, findSysentInitialisers } from './descriptors.ts';
import { collectFunctions, recoverDispatchers, callName } from './functions.ts';
import { lkmWrappers, fileScopeMacroCalls, type LkmWrapper, type MacroCall } from './wrappers.ts';

export interface DescriptorFact {
  declaration: Declaration;
  kind: LkmKind | null;
  handBuilt: boolean;
  /** Designated initialiser fields of a hand-built descriptor (`lkm_vfsops` → `&coda_vfsops`). */
  fields: Record<string, string>;
  frames: CondFrame[];
  /** Found by a rule's declaration shape: what the rule read the macro to stand for. */
  declared?: DeclaredFact;
}

export interface DeclaredFact {
  name: string;
  /** The entry function the macro defines. */
  entry?: string;
  handlers: Record<'load' | 'unload' | 'stat', string | null>;
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
  /**
   * Other names its head has under other branches of a conditional (`#if NetBSD >= 199706`
   * `foo_lkmentry(...)` `#else` `xxxinit(...)`): tree-sitter reads one of them as `name`.
   */
  alternativeNames?: string[];
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
  /**
   * Statements (as [start, end)) that only reported the slot into the descriptor's lkm_offset or
   * read it back unused, with the local pointing at the descriptor: convert deletes them.
   */
  offsetBookkeeping?: [number, number][];
  /**
   * First use of the lkm_table parameter other than as lkmexists()'s argument or in that
   * bookkeeping.
   */
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
  /** Its #defines that wrap MOD_* or DISPATCH (a vendor's ACME_MODULE). */
  wrappers: LkmWrapper[];
  /** Upper-case macros called at file scope: where a declaration, perhaps through a wrapper, stands. */
  macroCalls: MacroCall[];
}

const MAX_ERROR_LINES = 5;

/** The local headers a file includes (`#include "foo.h"`), as written: read from the text, no parse needed. */
export function localIncludes(text: string): string[] {
  return [...text.matchAll(/^[ \t]*#[ \t]*include[ \t]+"([^"]+)"/gm)].map((m) => m[1]!);
}

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
    localIncludes: localIncludes(text),
    conditionProblems: conds.problems,
    wrappers: lkmWrappers(file, text, masked, lines),
    macroCalls: [],
  };
  collectFunctions(tree.rootNode, file, text, conds, facts.functions);
  recoverDispatchers(file, plain, masked, lines, conds, facts.functions);
  const inFunction = (index: number) =>
    facts.functions.find((f) => f.start <= index && index < f.end)?.name ?? null;
  facts.descriptors = [
    ...findModMacros(file, plain, masked, lines, conds, (i) => {
      const f = facts.functions.find((g) => g.start <= i && i < g.end);
      return f ? { name: f.name, start: f.start, end: f.end, line: f.line } : null;
    }),
    ...findHandBuilt(file, plain, masked, lines, conds, inFunction),
  ].sort((a, b) => a.declaration.start - b.declaration.start);
  facts.sysents = findSysentInitialisers(plain, masked);
  facts.macroCalls = fileScopeMacroCalls(masked, lines, (i) => inFunction(i) !== null);
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
    if (facts.functions.some((f) => f.offsetBookkeeping?.some(([s, e]) => s <= m.index && m.index < e))) continue;
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
  let prev = semicolon.previousSibling;
  // tree-sitter puts the missing `;` after the comments that follow the call.
  while (prev?.type === 'comment') prev = prev.previousSibling;
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
