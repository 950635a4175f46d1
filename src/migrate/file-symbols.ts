/**
 * What one C file defines and uses, as a linker sees it: globals with external linkage, file
 * statics, the macros it defines (a call to one is no symbol), and the identifiers its code
 * refers to (locals and parameters excluded, K&R ones too).
 */
import { C_RESERVED } from '../source/c-keywords.ts';
import { walk, type SyntaxNode } from '../source/cparse.ts';
import type { CSource } from './csource.ts';
import { macroDeclarators } from '../source/macro-declarator.ts';
import { maskCode } from '../discover/text.ts';
import type { CondFrame } from '../discover/conditions.ts';

export interface FileSymbols {
  /** Functions and variables with external linkage defined here. */
  globals: Set<string>;
  /** Identifiers called as functions (`foo(...)`), a subset of uses. */
  calls: Set<string>;
  /** Names this file #defines (a call to one is a macro, not a symbol). */
  macros: Set<string>;
  /** File-static definitions. */
  statics: Set<string>;
  /** Identifiers the code and initialisers refer to (locals excluded). */
  uses: Set<string>;
  /**
   * Identifiers written nowhere but as a bare argument of calls, with each call's callee and
   * argument position (`SCARG(uap, flags)`: flags → SCARG#1). Not in `uses`: whether one is a
   * reference depends on the callee, a function or a macro that takes a member name.
   */
  argUses: Map<string, Set<string>>;
}

const memo = new WeakMap<CSource, FileSymbols>();

export function fileSymbols(src: CSource): FileSymbols {
  const cached = memo.get(src);
  if (cached) return cached;
  const out = symbolsOf(src, true);
  memo.set(src, out);
  return out;
}

/**
 * What a file defines, and with `withUses` what it refers to, calls and #defines: walking every
 * function body for its uses costs far more than reading the definitions, which are all at the
 * top level.
 */
export function symbolsOf(src: CSource, withUses: boolean): FileSymbols {
  const out: FileSymbols = { globals: new Set(), statics: new Set(), uses: new Set(), calls: new Set(), macros: new Set(), argUses: new Map() };
  if (withUses) {
    for (const m of src.text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)/gm)) out.macros.add(m[1]!);
    for (const c of src.root.descendantsOfType('call_expression')) {
      const fn = c.childForFieldName('function');
      if (fn?.type === 'identifier' && !C_RESERVED.has(fn.text)) out.calls.add(fn.text);
    }
  }
  let code: string | undefined;
  let heads: { name: string; isStatic: boolean }[] | undefined;
  // Definitions whose head an #if split beyond tree-sitter's reading, found from their body.
  const textHeads = () => (heads ??= src.text.includes('#') ? headsBeforeBodies((code ??= codeOnly(src.text))) : []);
  const visitTop = (node: SyntaxNode) => {
    // A K&R head tree-sitter did not join to its body (`int f(a, set)` then `int set;`): the
    // declarations after it are its parameters and, when the `{` was lost too, its locals; none
    // is a global. (K&R prototypes name no parameters, so such a head is always a definition.)
    let inKnr = false;
    let knrParams = new Set<string>();
    for (const n of node.namedChildren) {
      const after = inKnr;
      inKnr = false;
      if (after && (n.type === 'comment' || n.type === 'declaration' || (n.type.startsWith('preproc_') && onlyDeclarations(n)))) {
        for (const d of n.descendantsOfType('declaration')) addDeclared(d, knrParams);
        if (n.type === 'declaration') addDeclared(n, knrParams);
        inKnr = true;
        continue;
      }
      if (after && n.type === 'compound_statement') {
        // The body tree-sitter did not join to its K&R head: its identifiers are uses.
        if (!withUses) continue;
        const locals = new Set(knrParams);
        for (const d of n.descendantsOfType('declaration')) addDeclared(d, locals);
        const found = new Set<string>();
        collectIdentifiers(n, found);
        for (const f of found) if (!locals.has(f)) out.uses.add(f);
        continue;
      }
      if (n.type === 'declaration' || n.type === 'ERROR' || n.type === 'function_declarator') {
        const params = knrHeadParams(n);
        inKnr = params !== null;
        knrParams = params ?? new Set();
        const head = params && n.type === 'declaration' ? n.descendantsOfType('function_declarator')[0] : undefined;
        const fname = head ? declaredName(head.childForFieldName('declarator')) : null;
        if (fname) {
          (isStatic(n) ? out.statics : out.globals).add(fname);
          continue;
        }
      }
      if (n.type === 'function_declarator') {
        // A definition whose pieces are loose in a file tree-sitter could not read as a whole.
        const name = declaredName(n);
        let isStaticHead = false;
        for (let p = n.previousNamedSibling, i = 0; p && i < 3 && p.type !== 'declaration'; p = p.previousNamedSibling, i++) {
          if (p.type === 'storage_class_specifier' && p.text === 'static') isStaticHead = true;
        }
        if (name && inKnr) (isStaticHead ? out.statics : out.globals).add(name);
        continue;
      }
      if (n.type === 'function_definition') {
        const name = declaredName(n.childForFieldName('declarator'));
        if (name) (isStatic(n) ? out.statics : out.globals).add(name);
        if (withUses) collectUses(n, out.uses);
      } else if (n.type === 'declaration') {
        const extern = n.namedChildren.some((c) => c.type === 'storage_class_specifier' && c.text === 'extern');
        // An indented declaration tree-sitter put at file scope is a parameter or local of a
        // function whose body #if split (kernel style writes file-scope definitions at column 0).
        const indented = /^[ \t]/.test(src.text.slice(src.lineStartOf(n.startIndex), n.startIndex + 1));
        if (indented) continue;
        // A parameter declaration of a K&R head tree-sitter could not read (`int f(dev, flags`
        // with the rest of its parameter list under #if): what follows it, over other such
        // declarations and directives, is the function's body.
        if (!extern && knrParameterDeclaration((code ??= codeOnly(src.text)), n.startIndex, n.endIndex)) continue;
        // A head tree-sitter took for a macro type (`klog(int level, ...)` under #ifdef
        // __STDC__, a K&R one under #else): its "declarators" are parameters.
        const type = n.childForFieldName('type');
        if (type?.type === 'macro_type_specifier' && textHeads().some((h) => h.name === type.childForFieldName('name')?.text)) continue;
        for (const d of n.childrenForFieldName('declarator')) {
          const inner = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
          if (!inner || inner.type === 'function_declarator') continue;
          const name = declaredName(inner);
          if (name && !extern) (isStatic(n) ? out.statics : out.globals).add(name);
          const value = withUses && d.type === 'init_declarator' ? d.childForFieldName('value') : null;
          if (value) collectIdentifiers(value, out.uses);
        }
      } else if (/^preproc_(if|ifdef|else|elif|elifdef)$/.test(n.type) || n.type === 'linkage_specification') {
        visitTop(n);
      } else if (n.type === 'expression_statement' || n.type === 'ERROR') {
        // `TAILQ_HEAD(bqueues, buf) bufqueues[4];`: read as a call and a stray expression.
        const start = src.lineStartOf(n.startIndex);
        if (start === n.startIndex) {
          const end = src.text.indexOf('\n', start);
          for (const name of macroDeclarators(src.text.slice(start, end < 0 ? undefined : end)) ?? []) out.globals.add(name);
        }
        // Top-level macro calls (MODULE(), CFATTACH_DECL()) reference symbols too. A function
        // tree-sitter could not read is one ERROR: what it declares (its parameters and
        // locals, `struct proc *p;`) are no uses of globals.
        if (withUses && n.type === 'ERROR') {
          const locals = new Set<string>(knrHeadParams(n) ?? []);
          for (const d of n.descendantsOfType(['declaration', 'parameter_declaration'])) {
            if (d.type === 'declaration') addDeclared(d, locals);
            else {
              const name = declaredName(d.childForFieldName('declarator'));
              if (name) locals.add(name);
            }
          }
          const found = new Set<string>();
          collectIdentifiers(n, found);
          for (const f of found) if (!locals.has(f)) out.uses.add(f);
        } else if (withUses) collectIdentifiers(n, out.uses);
      }
    }
  };
  visitTop(src.root);
  if (withUses) {
    // A call through a parameter or local (`(*match)(fs, bp)` written `match(fs, bp)`) names no global.
    for (const c of out.calls) if (!out.uses.has(c)) out.calls.delete(c);
    separateArgumentUses(src, out);
  }
  for (const d of textHeads()) {
    if (!out.globals.has(d.name) && !out.statics.has(d.name)) (d.isStatic ? out.statics : out.globals).add(d.name);
  }
  return out;
}

/** Words before `(...)` that head no function: C's own, and the prototype macros of 4.4BSD. */
const NOT_A_FUNCTION = new Set([...C_RESERVED, '__P', 'P']);

/**
 * Every function definition of `code` (see codeOnly) read from the text: a `{` at file scope
 * after `name(...)`, with K&R parameter declarations between them.
 */
function headsBeforeBodies(code: string): { name: string; isStatic: boolean }[] {
  const out: { name: string; isStatic: boolean }[] = [];
  const chunks: string[] = []; // file-scope text since the last `}`, split at each `;`
  let depth = 0;
  let from = 0;
  for (let i = 0; i < code.length; i++) {
    const c = code[i];
    if (c === '{') {
      if (depth++ === 0) {
        const head = definitionHead([...chunks, code.slice(from, i)]);
        if (head) out.push(head);
      }
    } else if (c === '}') {
      if (depth > 0 && --depth === 0) {
        chunks.length = 0;
        from = i + 1;
      }
    } else if (c === ';' && depth === 0) {
      chunks.push(code.slice(from, i));
      from = i + 1;
    }
  }
  return out;
}

const HEAD = /\b([A-Za-z_]\w*)\s*\((?:[^()]|\([^()]*\))*\)\s*([^()]*)$/;

/** The function whose body follows `chunks` (the file-scope text before a `{`, split at `;`). */
function definitionHead(chunks: string[]): { name: string; isStatic: boolean } | null {
  for (let i = chunks.length - 1; i >= 0; i--) {
    const last = i === chunks.length - 1;
    // varargs.h's `va_dcl`, a macro declaring the last parameter, stands alone before the body.
    const chunk = last ? chunks[i]!.replace(/\n[ \t]*[A-Za-z_]\w*\s*$/, '\n') : chunks[i]!;
    if (/=/.test(chunk)) return null; // an initialiser: `struct x y = {`
    const m = HEAD.exec(chunk);
    // The head, alone before the body, or followed by its first parameter declaration.
    if (m && !NOT_A_FUNCTION.has(m[1]!) && (last ? !m[2]!.trim() : PARAM_LIKE.test(m[2]!) && !NOT_PARAM.test(m[2]!))) {
      return { name: m[1]!, isStatic: /\bstatic\b/.test(chunk.slice(0, m.index)) };
    }
    if (last) {
      if (chunk.trim()) return null;
      continue;
    }
    const decl = chunk.replace(/^[\s)]+/, '');
    if (decl && (!PARAM_LIKE.test(decl) || NOT_PARAM.test(decl))) return null;
  }
  return null;
}

/** Moves the uses written only as bare call arguments from `uses` to `argUses`. */
function separateArgumentUses(src: CSource, out: FileSymbols): void {
  const sites = new Map<string, { count: number; at: Set<string> }>();
  for (const c of src.root.descendantsOfType('call_expression')) {
    const fn = c.childForFieldName('function');
    if (fn?.type !== 'identifier') continue;
    (c.childForFieldName('arguments')?.namedChildren ?? []).forEach((a, i) => {
      if (a.type !== 'identifier' || !out.uses.has(a.text)) return;
      const s = sites.get(a.text) ?? { count: 0, at: new Set<string>() };
      s.count++;
      s.at.add(`${fn.text}#${i}`);
      sites.set(a.text, s);
    });
  }
  for (const [name, s] of sites) {
    if (src.identifiers(name).length !== s.count) continue;
    out.uses.delete(name);
    out.argUses.set(name, s.at);
  }
}

/**
 * The function-like macros a text defines, each with the positions of the parameters its body
 * uses only as a member name (`->k`, `.k`), pasted (`##`) or stringised (`#`): an argument there
 * is no reference to a symbol.
 */
export function memberParameters(text: string): Map<string, Set<number>> {
  const out = new Map<string, Set<number>>();
  if (!text.includes('define')) return out;
  for (const m of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)((?:[^\n]*\\\n)*[^\n]*)/gm)) {
    const params = m[2]!.split(',').map((p) => p.trim());
    const body = m[3]!.replace(/\\\n/g, ' ');
    // Per parameter: used at all, and used anywhere but as a member name or pasted.
    const used = new Set<string>();
    const plain = new Set<string>();
    for (const u of body.matchAll(/(->|\.|##|#)?\s*\b([A-Za-z_]\w*)\b/g)) {
      const name = u[2]!;
      used.add(name);
      if (u[1] === undefined && !/^\s*##/.test(body.slice(u.index + u[0].length))) plain.add(name);
    }
    const at = new Set<number>();
    params.forEach((p, i) => {
      if (/^\w+$/.test(p) && used.has(p) && !plain.has(p)) at.add(i);
    });
    if (at.size) out.set(m[1]!, at);
  }
  return out;
}

/**
 * Whether a place sits in a branch no build with `off` options compiles: one whose condition is
 * a conjunction with `defined(X)` or `X` among its terms for an option X that is off.
 */
export function offByOptions(frames: CondFrame[], off: ReadonlySet<string>): boolean {
  return frames.some((f) => {
    if (f.condition.includes('||')) return false;
    return f.condition.split('&&').some((term) => {
      const m = /^\s*\(?\s*(?:defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)|(\w+))\s*\)?\s*$/.exec(term);
      const name = m?.[1] ?? m?.[2] ?? m?.[3];
      return name !== undefined && off.has(name);
    });
  });
}

/** The text with comments, strings and preprocessor lines blanked: the C the compiler reads, with every branch. */
function codeOnly(text: string): string {
  return maskCode(text).replace(/^[ \t]*#(?:[^\n]*\\\n)*[^\n]*/gm, (l) => l.replace(/[^\n]/g, ' '));
}

/** What a parameter declaration may hold: types, declarators, no initialiser or storage class but register. */
const PARAM_LIKE = /^[\s\w*,[\]()]+$/;
const NOT_PARAM = /\b(extern|static|typedef|inline)\b|\b\w+\s*\([^()]*\)\s*[A-Za-z_]/;

/**
 * Whether the file-scope declaration at [start, end) of `code` (see codeOnly) is a K&R
 * parameter declaration: it and the declarations after it lead to a `{` with nothing else in
 * between. A global is followed by another definition, never by a body.
 */
export function knrParameterDeclaration(code: string, start: number, end: number): boolean {
  const own = code.slice(start, end).replace(/;\s*$/, '');
  if (!PARAM_LIKE.test(own) || NOT_PARAM.test(own)) return false;
  let at = end;
  for (let i = 0; i < 64; i++) {
    while (at < code.length && /\s/.test(code[at]!)) at++;
    if (code[at] === '{') return true;
    let stop = at;
    while (stop < code.length && !';{}'.includes(code[stop]!)) stop++;
    if (code[stop] !== ';') return false;
    const chunk = code.slice(at, stop);
    // A stray `)` closes the head in another branch (`, p)` under #if, `)` under #else).
    const decl = chunk.replace(/^[\s)]+/, '');
    if (decl && (!PARAM_LIKE.test(decl) || NOT_PARAM.test(decl))) return false;
    at = stop + 1;
  }
  return false;
}

/** `#if ... u_long req; #else int req; #endif` between a K&R head and its body. */
function onlyDeclarations(n: SyntaxNode): boolean {
  const test = n.childForFieldName('condition') ?? n.childForFieldName('name');
  return n.namedChildren.every((c) => c.id === test?.id || c.type === 'declaration' || c.type === 'comment' || (c.type.startsWith('preproc_') && onlyDeclarations(c)));
}

/** `int f(a, b)` written K&R style and parsed as a declaration (or an ERROR, or alone): its parameter names. */
function knrHeadParams(decl: SyntaxNode): Set<string> | null {
  const heads = decl.type === 'function_declarator' ? [decl] : decl.type === 'ERROR' ? decl.namedChildren.filter((c) => c.type === 'function_declarator') : decl.childrenForFieldName('declarator');
  for (const d of heads) {
    let f: SyntaxNode | null = d;
    while (f && f.type !== 'function_declarator') f = f.childForFieldName('declarator');
    const list = f?.childForFieldName('parameters');
    // A bare name in the list: an identifier, or a lone "type" (tree-sitter's reading of `f(a, b)`).
    const names = (list?.namedChildren ?? []).filter((c) => c.type !== 'comment').map((c) => {
      if (c.type === 'identifier') return c.text;
      const only = c.type === 'parameter_declaration' && !c.childForFieldName('declarator') && c.namedChildren.length === 1 ? c.namedChildren[0]! : null;
      return only?.type === 'type_identifier' ? only.text : null;
    });
    if (names.length && names.every((x) => x !== null)) return new Set(names as string[]);
  }
  return null;
}

function addDeclared(d: SyntaxNode, into: Set<string>): void {
  for (const decl of d.childrenForFieldName('declarator')) {
    const name = declaredName(decl.type === 'init_declarator' ? decl.childForFieldName('declarator') : decl);
    if (name) into.add(name);
  }
}

function isStatic(n: SyntaxNode): boolean {
  return n.namedChildren.some((c) => c.type === 'storage_class_specifier' && c.text === 'static');
}

export function declaredName(d: SyntaxNode | null): string | null {
  while (d && d.type !== 'identifier') {
    d = d.childForFieldName('declarator') ?? d.namedChildren.find((c) => c.type.endsWith('declarator') || c.type === 'identifier') ?? null;
  }
  return d?.text ?? null;
}

function collectUses(fn: SyntaxNode, uses: Set<string>): void {
  const locals = new Set<string>();
  const params = fn.descendantsOfType('parameter_declaration');
  for (const p of params) {
    const n = declaredName(p.childForFieldName('declarator'));
    if (n) locals.add(n);
  }
  const fd = fn.childForFieldName('declarator');
  // K&R parameter names.
  for (const id of fd?.descendantsOfType('parameter_list')[0]?.namedChildren ?? []) if (id.type === 'identifier') locals.add(id.text);
  const body = fn.childForFieldName('body');
  if (!body) return;
  for (const d of body.descendantsOfType('declaration')) {
    for (const decl of d.childrenForFieldName('declarator')) {
      const n = declaredName(decl.type === 'init_declarator' ? decl.childForFieldName('declarator') : decl);
      if (n) locals.add(n);
    }
  }
  const found = new Set<string>();
  collectIdentifiers(body, found);
  for (const f of found) if (!locals.has(f)) uses.add(f);
}

function collectIdentifiers(node: SyntaxNode, into: Set<string>): void {
  walk(node, (n) => {
    if (n.type === 'identifier') into.add(n.text);
    return true;
  });
}
