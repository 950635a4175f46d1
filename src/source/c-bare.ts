/**
 * An expression with its parentheses and casts taken off: `((dev_type_open((*)))lkmenodev)`
 * is `lkmenodev`, `(lkmtp)->private.lkm_dev` compares as written without them. Old kernel code
 * wraps what it compares and stores in both.
 */
import type { SyntaxNode } from './cparse.ts';

export function bare(e: SyntaxNode): SyntaxNode {
  let n = e;
  for (;;) {
    if (n.type === 'parenthesized_expression' && n.namedChildren.length === 1) n = n.namedChildren[0]!;
    else if (n.type === 'cast_expression' && n.childForFieldName('value')) n = n.childForFieldName('value')!;
    else return n;
  }
}
