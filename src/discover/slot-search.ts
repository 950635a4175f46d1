/**
 * An LKM that picked its own device major searched the switch table for a slot conf.c left to
 * LKMs (`cdev_lkm_dummy()`: its d_open is kern_lkm.c's lkmenodev), often accepting its own open
 * too (a slot it held before), and tested afterwards that it found one:
 *
 *     for (i = 0; i < nchrdev; i++)
 *         if (cdevsw[i].d_open == (dev_type_open((*)))lkmenodev || cdevsw[i].d_open == xxopen)
 *             break;
 *     if (i == nchrdev)
 *         return ENODEV;
 *
 * (IP Filter's mln_ipl.c in NetBSD 1.3 to 4.x, and other third-party device LKMs). Under
 * module(9) the modcmd's devsw_attach() has chosen the major before the handler runs, so the
 * search is that number. This is the shape, read from syntax only: the loop (for, or while after
 * `i = 0;`), over nchrdev with cdevsw or nblkdev with bdevsw, that stops at the first entry whose
 * d_open is lkmenodev or one of a few other functions, by `break` or by its own condition. What
 * differs from it (another bound, a body doing more, an index declared in the loop) is no match,
 * so its lkmenodev stays for a person.
 */
import type { SyntaxNode } from '../source/cparse.ts';
import { bare } from '../source/c-bare.ts';

export type SwitchTable = 'cdevsw' | 'bdevsw';

export interface SlotSearch {
  table: SwitchTable;
  /** nchrdev or nblkdev. */
  bound: string;
  /** The variable that ends up holding the slot. */
  index: string;
  /** The for or while statement. */
  loop: SyntaxNode;
  /** The `i = 0;` before a while loop, which goes with it. */
  start: SyntaxNode | null;
  /** What else d_open was compared with, as written (the module's own open). */
  alternatives: string[];
  /** The test right after the loop that no slot was found (`i == nchrdev`), and its if statement. */
  noneFree: { test: SyntaxNode; statement: SyntaxNode } | null;
}

const BOUND: Record<SwitchTable, string> = { cdevsw: 'nchrdev', bdevsw: 'nblkdev' };

/** The slot searches in a function body, in source order. */
export function slotSearches(body: SyntaxNode): SlotSearch[] {
  if (!body.text.includes('lkmenodev')) return [];
  const out: SlotSearch[] = [];
  for (const loop of body.descendantsOfType(['for_statement', 'while_statement'])) {
    if (!loop.text.includes('lkmenodev')) continue;
    const s = loop.type === 'for_statement' ? forSearch(loop) : whileSearch(loop);
    if (s) out.push(s);
  }
  return out;
}

/** `for (i = 0; i < nchrdev; i++) if (found) break;` or `for (i = 0; i < nchrdev && !found; i++);`. */
function forSearch(loop: SyntaxNode): SlotSearch | null {
  const init = loop.childForFieldName('initializer');
  const index = init ? startsAtZero(init) : null;
  const update = loop.childForFieldName('update');
  const cond = loop.childForFieldName('condition');
  const body = loop.childForFieldName('body');
  if (!index || !update || !cond || !body || !increments(update, index)) return null;
  return search(loop, null, index, cond, body, null);
}

/** `i = 0; while (i < nchrdev) { if (found) break; i++; }` or `i = 0; while (i < nchrdev && !found) i++;`. */
function whileSearch(loop: SyntaxNode): SlotSearch | null {
  const start = previousStatement(loop);
  const a = start?.type === 'expression_statement' ? start.namedChildren[0] : null;
  const index = a ? startsAtZero(a) : null;
  const cond = loop.childForFieldName('condition');
  const body = loop.childForFieldName('body');
  if (!index || !cond || !body) return null;
  // The increment is the body's last statement.
  const stmts = statements(body);
  const last = stmts[stmts.length - 1];
  const inc = last?.type === 'expression_statement' && last.namedChildren.length === 1 ? last.namedChildren[0]! : null;
  if (!inc || !increments(inc, index)) return null;
  return search(loop, start!, index, cond, body, stmts.slice(0, -1));
}

/**
 * The common part: the condition is `i < bound` alone with the body `if (found) break;`, or
 * `i < bound && not-found` with nothing else in the body. `rest` is the body without a while
 * loop's increment (null for a for loop: the whole body).
 */
function search(loop: SyntaxNode, start: SyntaxNode | null, index: string, cond: SyntaxNode, body: SyntaxNode, rest: SyntaxNode[] | null): SlotSearch | null {
  const conjuncts = flatten(bare(cond), '&&');
  const bound = belowBound(conjuncts[0]!, index);
  if (!bound) return null;
  const stmts = rest ?? statements(body);
  let found: Found | null;
  if (conjuncts.length === 1) {
    if (stmts.length !== 1) return null;
    const brk = stmts[0]!;
    if (brk.type !== 'if_statement' || brk.childForFieldName('alternative')) return null;
    const then = statements(brk.childForFieldName('consequence')!);
    if (then.length !== 1 || then[0]!.type !== 'break_statement') return null;
    found = comparisons(brk.childForFieldName('condition')!, index, '==', '||');
  } else {
    if (stmts.length !== 0) return null;
    const more = conjuncts.slice(1);
    const not = more.length === 1 && more[0]!.type === 'unary_expression' && more[0]!.childForFieldName('operator')?.text === '!';
    found = not ? comparisons(more[0]!.childForFieldName('argument')!, index, '==', '||') : combine(more.map((c) => comparisons(c, index, '!=', '&&')));
  }
  if (!found || BOUND[found.table] !== bound || !found.compared.includes('lkmenodev')) return null;
  return {
    table: found.table,
    bound,
    index,
    loop,
    start,
    alternatives: found.compared.filter((c) => c !== 'lkmenodev'),
    noneFree: noneFree(loop, index, bound),
  };
}

interface Found {
  table: SwitchTable;
  /** The functions d_open was compared with, casts taken off. */
  compared: string[];
}

/**
 * `sw[i].d_open OP f` joined by `join` (either operand order, any casts on f, any parentheses):
 * the table and the functions, or null when one term is anything else.
 */
function comparisons(e: SyntaxNode, index: string, op: '==' | '!=', join: '||' | '&&'): Found | null {
  return combine(flatten(bare(e), join).map((t) => comparison(t, index, op)));
}

function comparison(e: SyntaxNode, index: string, op: string): Found | null {
  if (e.type !== 'binary_expression' || e.childForFieldName('operator')?.text !== op) return null;
  const l = bare(e.childForFieldName('left')!);
  const r = bare(e.childForFieldName('right')!);
  const table = dOpen(l, index) ?? dOpen(r, index);
  const f = dOpen(l, index) ? r : l;
  if (!table || f.type !== 'identifier') return null;
  return { table, compared: [f.text] };
}

function combine(terms: (Found | null)[]): Found | null {
  if (terms.length === 0 || terms.some((t) => !t || t.table !== terms[0]!.table)) return null;
  return { table: terms[0]!.table, compared: terms.flatMap((t) => t!.compared) };
}

/** `cdevsw[i].d_open` → cdevsw. */
function dOpen(e: SyntaxNode, index: string): SwitchTable | null {
  if (e.type !== 'field_expression' || e.child(1)?.text !== '.' || e.childForFieldName('field')?.text !== 'd_open') return null;
  const s = bare(e.childForFieldName('argument')!);
  if (s.type !== 'subscript_expression') return null;
  const table = s.childForFieldName('argument')?.text;
  if (bare(s.childForFieldName('index')!).text !== index) return null;
  return table === 'cdevsw' || table === 'bdevsw' ? table : null;
}

/** `i = 0` → i. */
function startsAtZero(e: SyntaxNode): string | null {
  if (e.type !== 'assignment_expression' || e.childForFieldName('operator')?.text !== '=') return null;
  const left = e.childForFieldName('left')!;
  const right = bare(e.childForFieldName('right')!);
  return left.type === 'identifier' && right.type === 'number_literal' && /^0+[uUlL]*$/.test(right.text) ? left.text : null;
}

/** `i++`, `++i`, `i += 1`, `i = i + 1`. */
function increments(e: SyntaxNode, index: string): boolean {
  const t = e.text.replace(/\s+/g, '');
  return t === `${index}++` || t === `++${index}` || t === `${index}+=1` || t === `${index}=${index}+1`;
}

/** `i < bound` or `bound > i`, bound nchrdev or nblkdev. */
function belowBound(e: SyntaxNode, index: string): string | null {
  if (e.type !== 'binary_expression') return null;
  const op = e.childForFieldName('operator')?.text;
  const l = bare(e.childForFieldName('left')!).text;
  const r = bare(e.childForFieldName('right')!).text;
  const bound = op === '<' && l === index ? r : op === '>' && r === index ? l : null;
  return bound === 'nchrdev' || bound === 'nblkdev' ? bound : null;
}

/** The `if (i == nchrdev)` (or `>=`, either order) right after the loop. */
function noneFree(loop: SyntaxNode, index: string, bound: string): SlotSearch['noneFree'] {
  let next = loop.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  if (next?.type !== 'if_statement') return null;
  const test = bare(next.childForFieldName('condition')!);
  if (test.type !== 'binary_expression') return null;
  const op = test.childForFieldName('operator')?.text;
  const l = bare(test.childForFieldName('left')!).text;
  const r = bare(test.childForFieldName('right')!).text;
  const ok =
    (op === '==' && ((l === index && r === bound) || (l === bound && r === index))) ||
    (op === '>=' && l === index && r === bound) ||
    (op === '<=' && l === bound && r === index);
  return ok ? { test, statement: next } : null;
}

function previousStatement(n: SyntaxNode): SyntaxNode | null {
  let p = n.previousNamedSibling;
  while (p?.type === 'comment') p = p.previousNamedSibling;
  return p;
}

/** A statement as the list it is: a block's statements, nothing for `;`, else itself. */
function statements(s: SyntaxNode): SyntaxNode[] {
  if (s.type === 'compound_statement') return s.namedChildren.filter((c) => c.type !== 'comment');
  if (s.type === 'expression_statement' && s.namedChildren.length === 0) return [];
  return [s];
}

function flatten(e: SyntaxNode, op: string): SyntaxNode[] {
  const b = bare(e);
  if (b.type === 'binary_expression' && b.childForFieldName('operator')?.text === op) {
    return [...flatten(b.childForFieldName('left')!, op), ...flatten(b.childForFieldName('right')!, op)];
  }
  return [b];
}

