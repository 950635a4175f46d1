/**
 * What one C file defines and uses, as a linker sees it: globals with external linkage, file
 * statics, the macros it defines (a call to one is no symbol), and the identifiers its code
 * refers to (locals and parameters excluded, K&R ones too).
 */
import { walk, type SyntaxNode } from '../source/cparse.ts';
import type { CSource } from './csource.ts';

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
  const out: FileSymbols = { globals: new Set(), statics: new Set(), uses: new Set(), calls: new Set(), macros: new Set() };
  if (withUses) {
    for (const m of src.text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)/gm)) out.macros.add(m[1]!);
    for (const c of src.root.descendantsOfType('call_expression')) {
      const fn = c.childForFieldName('function');
      if (fn?.type === 'identifier') out.calls.add(fn.text);
    }
  }
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
      } else if (withUses && (n.type === 'expression_statement' || n.type === 'ERROR')) {
        // Top-level macro calls (MODULE(), CFATTACH_DECL()) reference symbols too.
        collectIdentifiers(n, out.uses);
      }
    }
  };
  visitTop(src.root);
  return out;
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

function declaredName(d: SyntaxNode | null): string | null {
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
