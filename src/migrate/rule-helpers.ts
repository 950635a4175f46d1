/**
 * Small helpers rules share for reading C initialisers, exported with the rule API so user
 * rule packs read tables the way the built-in rules do.
 */
import type { SyntaxNode } from '../source/cparse.ts';

/** The elements of an initializer list, comments left out. */
export function elements(list: SyntaxNode): SyntaxNode[] {
  return list.namedChildren.filter((c) => c.type !== 'comment');
}

/** NULL, 0, (void *)0 and friends. */
export function isNull(text: string): boolean {
  return /^\(?\s*(?:\(\s*void\s*\*\s*\)\s*)?(NULL|0|0L|0UL)\s*\)?$/.test(text.trim());
}

/**
 * A struct member in an initializer: the designated `.member = v` when written so, else the
 * element at `position`.
 */
export function member(list: SyntaxNode, name: string, position: number): SyntaxNode | null {
  const els = elements(list);
  for (const el of els) {
    if (el.type === 'initializer_pair') {
      const field = el.namedChildren.find((c) => c.type === 'field_designator')?.text.replace(/^\./, '');
      if (field === name) return el.childForFieldName('value');
    }
  }
  if (els.some((e) => e.type === 'initializer_pair')) return null;
  return els[position] ?? null;
}

/** Entries of a NULL-terminated pointer list: `{ &lm_cd, NULL }` → [`&lm_cd`]. */
export function pointerList(list: SyntaxNode): string[] {
  const out: string[] = [];
  for (const el of elements(list)) {
    if (isNull(el.text)) break;
    out.push(el.text);
  }
  return out;
}

/** `&foo` → `foo`, `foo` → `foo`; anything more complex → null. */
export function addressee(expr: string): string | null {
  const m = /^&?\s*([A-Za-z_]\w*)$/.exec(expr.trim());
  return m ? m[1] : null;
}
