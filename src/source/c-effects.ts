/** What evaluating a C expression may do besides yielding its value, read from its syntax. */
import { walk, type SyntaxNode } from './cparse.ts';

/** No call, assignment or ++/-- anywhere in the expression: dropping or repeating it changes nothing. */
export function sideEffectFree(e: SyntaxNode): boolean {
  let ok = true;
  walk(e, (n) => {
    if (n.type === 'call_expression' || n.type === 'assignment_expression' || n.type === 'update_expression') ok = false;
    return ok;
  });
  return ok;
}
