/**
 * The syntax questions the release analysis asks of a call: whether it runs exactly once when its
 * region runs, where its result is stored, whether it is a release, and how to quote it.
 */
import path from 'node:path';
import { walk, type SyntaxNode } from '../source/cparse.ts';
import type { CSource } from './csource.ts';
import { functionName } from './handlers.ts';
import type { MacroCall } from './call-macros.ts';
import type { Acquisition, Step } from './init-release.ts';
import { oneLine } from '../source/quote.ts';

/** Calls that release, with the argument that names what they release. */
export const RELEASES = new Set(['free', 'pool_destroy', 'hashdone', 'kmem_free', 'malloc_type_detach', 'pool_cache_destroy', 'FREE']);

/**
 * Why a call in a region does not run exactly once whenever the region runs: a loop, a branch,
 * an earlier return that may leave the function having succeeded.
 */
export function position(node: SyntaxNode, region: SyntaxNode, fn: SyntaxNode, say = { made: 'it is made', making: 'making it' }): string | null {
  for (let child = node, p = node.parent; p && child.id !== region.id; child = p, p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'while_statement' || p.type === 'do_statement') return `${say.made} in a loop`;
    if (p.type === 'if_statement' && child.id !== p.childForFieldName('condition')?.id) {
      const cond = (p.childForFieldName('condition')?.text ?? 'a condition').replace(/^\(\s*([\s\S]*?)\s*\)$/, '$1');
      return `${say.made} only when ${oneLine(cond, 60)} ${p.childForFieldName('alternative')?.id === child.id ? 'is false' : 'holds'}`;
    }
    if (p.type === 'conditional_expression' && child.id !== p.childForFieldName('condition')?.id) return `${say.made} in one arm of a ?: expression`;
    if (p.type === 'binary_expression' && /^(&&|\|\|)$/.test(p.childForFieldName('operator')?.text ?? '') && child.id === p.childForFieldName('right')?.id) {
      return `${say.made} on one side of a && or ||`;
    }
    if (p.type === 'case_statement' && p.id !== region.id) return `${say.made} in one case of a switch`;
  }
  let early: SyntaxNode | null = null;
  walk(region, (n) => {
    if (early || n.startIndex >= node.startIndex) return false;
    if (n.type === 'return_statement' && n.endIndex <= node.startIndex) {
      if (onceGuard(n, fn, node)) return false;
      const value = n.namedChildren.find((c) => c.type !== 'comment');
      if (!value || /^\(?\s*0\s*\)?$/.test(value.text)) early = n;
      return false;
    }
    return true;
  });
  return early ? `${functionName(fn) ?? 'the function'}() can return before ${say.making}` : null;
}

/**
 * `static int done; if (done) return; done = 1;` at the top of the function (ufs_init, which
 * every ufs-based file system's vfs_init calls): the work after it runs once per module image,
 * so it is made once whenever the function runs first, and one release at FINI is right. The
 * flag stays set, which is harmless: after FINI the image is unloaded, and a load is a fresh
 * image with the flag clear.
 */
function onceGuard(ret: SyntaxNode, fn: SyntaxNode, acquisition: SyntaxNode): boolean {
  let stmt: SyntaxNode = ret;
  if (stmt.parent?.type === 'compound_statement' && stmt.parent.namedChildren.filter((c) => c.type !== 'comment').length === 1) stmt = stmt.parent;
  const guard = stmt.parent;
  if (guard?.type !== 'if_statement' || guard.childForFieldName('consequence')?.id !== stmt.id || guard.childForFieldName('alternative')) return false;
  const body = fn.childForFieldName('body');
  if (guard.parent?.id !== body?.id || !body) return false;
  const flag = /^\(\s*(\w+)\s*(?:!=\s*0\s*)?\)$/.exec(guard.childForFieldName('condition')?.text ?? '')?.[1];
  if (!flag) return false;
  const isStatic = (d: SyntaxNode) => d.type === 'declaration' && d.children.some((c) => c.type === 'storage_class_specifier' && c.text === 'static') && d.childrenForFieldName('declarator').some((x) => declaratorName(x) === flag);
  const local = body.namedChildren.find((c) => c.type === 'declaration' && c.childrenForFieldName('declarator').some((x) => declaratorName(x) === flag));
  const global = fn.parent?.namedChildren.find((c) => c.endIndex <= fn.startIndex && isStatic(c));
  if (local ? !isStatic(local) : !global) return false;
  // The flag is set before anything is made, in the function's own body, right after the guard.
  const after = body.namedChildren.filter((c) => c.type !== 'comment' && c.startIndex > guard.endIndex);
  const set = after[0];
  return !!set && set.endIndex <= acquisition.startIndex && new RegExp(`^${flag}\\s*=\\s*[1-9]\\d*\\s*;$|^${flag}\\s*\\+\\+\\s*;$`).test(set.text.trim());
}

/** `G = malloc(…)`, `G = (T *)malloc(…)`, `(G = malloc(…)) == NULL`: the left-hand side as written. */
export function storedIn(call: SyntaxNode): string | null {
  let n: SyntaxNode = call;
  while (n.parent && (n.parent.type === 'cast_expression' || n.parent.type === 'parenthesized_expression')) n = n.parent;
  const p = n.parent;
  if (p?.type !== 'assignment_expression' || p.childForFieldName('right')?.id !== n.id) return null;
  if (p.childForFieldName('operator')?.text !== '=') return null;
  return p.childForFieldName('left')?.text.replace(/\s+/g, '') ?? null;
}

export function statementText(call: SyntaxNode): string {
  let n: SyntaxNode = call;
  while (n.parent && n.type !== 'expression_statement' && n.type !== 'return_statement' && n.type !== 'declaration') n = n.parent;
  return n.text;
}

/** A size that means the same at unload as at load: literals, sizeof, upper-case macros. */
export function constantSize(text: string): boolean {
  const stripped = text.replace(/\bsizeof\s*\([^()]*(\([^()]*\)[^()]*)*\)/g, '1').replace(/\bsizeof\s+\**\w+(->\w+|\.\w+)*/g, '1');
  return (stripped.match(/[A-Za-z_]\w*/g) ?? []).every((id) => /^[A-Z_][A-Z0-9_]*$/.test(id));
}

/** Whether `name` is a parameter or local of the function (K&R parameter declarations included). */
export function declaredIn(fn: SyntaxNode, name: string): boolean {
  return fn.descendantsOfType(['declaration', 'parameter_declaration']).some((d) =>
    d.childrenForFieldName('declarator').some((decl) => declaratorName(decl) === name),
  );
}

/** The name a declarator declares: through `= init`, `*`, `[]`, parentheses; null for a prototype. */
function declaratorName(d: SyntaxNode | null): string | null {
  while (d && d.type !== 'identifier') {
    if (d.type === 'function_declarator') return null;
    d = d.childForFieldName('declarator') ?? (d.type === 'parenthesized_declarator' ? d.namedChildren[0] ?? null : null);
  }
  return d?.text ?? null;
}

/** The release call an identifier is the first argument of: `free(G, …)`, `pool_destroy(&G)`. */
export function releaseCall(id: SyntaxNode, viaMacro?: (name: string, args: string[]) => MacroCall | null): SyntaxNode | null {
  let n: SyntaxNode = id;
  while (n.parent && (n.parent.type === 'pointer_expression' || n.parent.type === 'cast_expression' || n.parent.type === 'parenthesized_expression')) n = n.parent;
  const args = n.parent;
  if (args?.type !== 'argument_list' || args.namedChildren.filter((c) => c.type !== 'comment')[0]?.id !== n.id) return null;
  const call = args.parent;
  const name = call?.childForFieldName('function')?.text ?? '';
  if (!call) return null;
  if (RELEASES.has(name)) return call;
  // A macro whose first argument becomes the release's first argument: `HASHDONE(tbl, …)`.
  const m = viaMacro?.(name, callArgs(call));
  return m && 'args' in m && m.args[0]?.replace(/^&\s*/, '').replace(/\s+/g, '') === n.text.replace(/^&\s*/, '').replace(/\s+/g, '') ? call : null;
}

export function callArgs(call: SyntaxNode): string[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((c) => c.type !== 'comment').map((c) => c.text.trim());
}

export function assigned(id: SyntaxNode): boolean {
  const p = id.parent;
  return p?.type === 'assignment_expression' && p.childForFieldName('left')?.id === id.id;
}

/** The statement (or top-level declaration) a node is part of. */
export function statementOf(n: SyntaxNode): SyntaxNode {
  while (n.parent && !/^(compound_statement|translation_unit|case_statement|preproc_\w+)$/.test(n.parent.type)) n = n.parent;
  return n;
}

export function enclosingName(n: SyntaxNode): string {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition') return functionName(p) ?? '?';
  return 'a declaration';
}

export function flatten(steps: Step[]): Acquisition[] {
  return steps.flatMap((s) => (s.kind === 'acquire' ? [s] : flatten(s.steps)));
}

/** Removes acquisitions whose release was found on the unload path, and calls left empty. */
export function prune(steps: Step[]): void {
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    if (s.kind === 'acquire') {
      if (s.releasedOnUnload) steps.splice(i, 1);
    } else {
      prune(s.steps);
      if (!s.steps.length) steps.splice(i, 1);
    }
  }
}

export function where(file: CSource, n: SyntaxNode): string {
  return `${path.basename(file.path)}:${file.line(n.startIndex)}`;
}

export function prose(arg: string): string {
  return arg.replace(/^&\s*/, '');
}

