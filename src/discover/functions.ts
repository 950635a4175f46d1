/**
 * The functions a C file defines, read from tree-sitter's tree: name (also through a macro),
 * parameters (K&R or ANSI), and what the body does that matters to an LKM: DISPATCH and
 * lkmdispatch() calls, lkmtp->private assignments, uses of the lkm_table, a switch on cmd,
 * lkmexists(). A dispatch tree-sitter could not place in a function is recovered from the text.
 */
import type { DispatchFact, FunctionFact } from './facts.ts';
import { walk, type SyntaxNode } from '../source/cparse.ts';
import { maskCode, LineIndex, closingBracket, splitTopLevel, onPreprocessorLine, bareName } from './text.ts';
import { PreprocessorConditions, isDead } from './conditions.ts';
import { conditionalHeads } from './conditional-balance.ts';
import { inBookkeeping, offsetBookkeeping } from './offset-bookkeeping.ts';

const DISPATCH_NAMES = new Set(['DISPATCH', 'LKM_DISPATCH', 'lkmdispatch']);

export function collectFunctions(root: SyntaxNode, file: string, text: string, conds: PreprocessorConditions, out: FunctionFact[]): void {
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
  const heads = conditionalHeads(text, n.startIndex, n.endIndex, body.startIndex);
  const others = heads.names.filter((x) => x !== name);
  if (others.length && heads.start < n.startIndex) f.alternativeNames = others;
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

export function callName(call: SyntaxNode): string {
  return call.childForFieldName('function')?.text ?? '';
}

function describeBody(f: FunctionFact, body: SyntaxNode, text: string, conds: PreprocessorConditions): void {
  const lkmtp = f.params[0];
  const cmd = f.params[1];
  const calls = new Set<string>();
  // What convert deletes anyway (the slot reported into the descriptor) is no use to rewrite.
  const bookkeeping = lkmtp ? offsetBookkeeping(body, lkmtp) : null;
  if (bookkeeping) f.offsetBookkeeping = [...bookkeeping.statements, ...bookkeeping.declarations].map((s) => [s.startIndex, s.endIndex]);
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
        if (lkmtp && n.text === lkmtp && !f.lkmtpUse && !isLkmexistsArgument(n) && !(bookkeeping && inBookkeeping(bookkeeping, n))) {
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

export function recoverDispatchers(
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
