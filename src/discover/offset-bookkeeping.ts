/**
 * What an LKM handler did with its struct lkm_table only to tell modload where it landed:
 * `args = lkmtp->private.lkm_dev; ... args->lkm_offset = i;` stores the slot or major it
 * picked into its descriptor, which modload read back and printed (NetBSD 1.3 to 4.0 LKMs that
 * search cdevsw[] themselves do this), and `i = args->lkm_offset;` reads it back, often into a
 * variable nothing reads. module(9) has no descriptor to report into, so these statements and
 * the local that pointed at the descriptor can go without changing what the module does.
 *
 * Syntax only, so scan (does the handler still need a person for lkmtp?) and convert (which
 * statements to delete) ask the same question. A read whose value is used stays, and with it
 * the local and the lkmtp use: that is for a person (or for a rule that knows the new number).
 */
import { sideEffectFree } from '../source/c-effects.ts';
import type { SyntaxNode } from '../source/cparse.ts';
import { oneLine } from '../source/quote.ts';
import { bare } from '../source/c-bare.ts';

export interface OffsetBookkeeping {
  /** Whole statements to delete: stores, dead reads, `args = lkmtp->private.lkm_x;`. */
  statements: SyntaxNode[];
  /** Declarations of the descriptor locals, and of variables that only held a read, to delete. */
  declarations: SyntaxNode[];
  /** The descriptor locals that go. */
  locals: string[];
  /** The stores into lkm_offset that go, as written. */
  stores: string[];
  /** The reads of lkm_offset into variables nothing reads afterwards, as written. */
  deadReads: string[];
}

export interface BookkeepingOptions {
  /** A use already rewritten away (convert: covered by an edit). */
  gone?: (n: SyntaxNode) => boolean;
  /** A statement something else already edited: it is not this step's to delete. */
  touched?: (n: SyntaxNode) => boolean;
}

/**
 * The bookkeeping statements of one function `body` whose lkm_table parameter is `lkmtp`, or
 * null when there are none.
 */
export function offsetBookkeeping(body: SyntaxNode, lkmtp: string, opts: BookkeepingOptions = {}): OffsetBookkeeping | null {
  if (!body.text.includes(lkmtp) || !body.text.includes('private')) return null;
  const gone = opts.gone ?? (() => false);
  const touched = opts.touched ?? (() => false);
  const declared = localDeclarations(body);
  const hasGoto = body.descendantsOfType('goto_statement').length > 0;

  // The statements that store or read lkm_offset through a descriptor, by what they go through.
  const stores: { stmt: SyntaxNode; via: string | null }[] = [];
  const reads: { stmt: SyntaxNode; via: string | null }[] = [];
  const sources: { stmt: SyntaxNode; local: string }[] = [];
  for (const stmt of body.descendantsOfType('expression_statement')) {
    const a = stmt.namedChildren.length === 1 ? stmt.namedChildren[0]! : null;
    if (a?.type !== 'assignment_expression' || a.childForFieldName('operator')?.text !== '=' || touched(stmt)) continue;
    // Only a statement of a list can go: `if (x) args->lkm_offset = i;` would take the next one along.
    if (!inList(stmt)) continue;
    const left = a.childForFieldName('left')!;
    const right = a.childForFieldName('right')!;
    const stored = offsetField(left, lkmtp);
    if (stored !== undefined && sideEffectFree(right)) {
      stores.push({ stmt, via: stored });
      continue;
    }
    const read = offsetField(bare(right), lkmtp);
    if (read !== undefined && left.type === 'identifier' && declared.has(left.text) && left.text !== read) {
      if (!hasGoto && !inLoop(stmt, body) && !usedAfter(body, left.text, stmt.endIndex)) reads.push({ stmt, via: read });
      continue;
    }
    if (left.type === 'identifier' && declared.has(left.text) && isPrivateDescriptor(right, lkmtp)) {
      sources.push({ stmt, local: left.text });
    }
  }

  // A local pointing at the descriptor goes when all it does is what goes.
  const locals: string[] = [];
  const declarations: SyntaxNode[] = [];
  for (const [name, decl] of declared) {
    const init = initialiser(decl, name);
    if (init === undefined || touched(decl) || !inList(decl)) continue; // several declarators, or not a pointer
    if (init && !isPrivateDescriptor(init, lkmtp)) continue;
    const mine = [...stores, ...reads].filter((s) => s.via === name).map((s) => s.stmt);
    const assigns = sources.filter((s) => s.local === name).map((s) => s.stmt);
    if (!init && assigns.length === 0) continue;
    const accounted = [...mine, ...assigns, decl];
    const all = identifiersNamed(body, name).every((id) => gone(id) || accounted.some((s) => within(id, s)));
    if (!all) continue;
    locals.push(name);
    declarations.push(decl);
  }
  const kept = (s: { via: string | null }) => s.via === null || locals.includes(s.via);
  const statements = [
    ...stores.filter(kept).map((s) => s.stmt),
    ...reads.filter(kept).map((s) => s.stmt),
    ...sources.filter((s) => locals.includes(s.local)).map((s) => s.stmt),
  ].sort((a, b) => a.startIndex - b.startIndex);
  // Code that reads lkm_offset back another way would read what the stores no longer put there.
  const otherRead = body
    .descendantsOfType('field_expression')
    .some((f) => f.childForFieldName('field')?.text === 'lkm_offset' && !gone(f) && !statements.some((s) => within(f, s)));
  if (otherRead || (statements.length === 0 && declarations.length === 0)) return null;
  // A variable that held only the read back goes too, when declared on its own.
  for (const r of reads.filter(kept)) {
    const x = r.stmt.namedChildren[0]!.childForFieldName('left')!.text;
    const decl = declared.get(x)!;
    const ds = decl.childrenForFieldName('declarator');
    if (ds.length !== 1 || ds[0]!.type === 'init_declarator' || !inList(decl) || touched(decl) || declarations.includes(decl)) continue;
    const accounted = [...statements, decl];
    if (identifiersNamed(body, x).every((id) => gone(id) || accounted.some((s) => within(id, s)))) declarations.push(decl);
  }
  return {
    statements,
    declarations,
    locals,
    stores: stores.filter(kept).map((s) => oneLine(s.stmt.text, 60)),
    deadReads: reads.filter(kept).map((s) => oneLine(s.stmt.text, 60)),
  };
}

/** Is `id` inside one of the bookkeeping's statements or declarations? */
export function inBookkeeping(b: OffsetBookkeeping, id: SyntaxNode): boolean {
  return [...b.statements, ...b.declarations].some((s) => within(id, s));
}

/**
 * `D->lkm_offset` where D is a descriptor: the local's name it goes through, null when D is
 * `lkmtp->private.lkm_x` itself, undefined when `e` is no such field.
 */
function offsetField(e: SyntaxNode, lkmtp: string): string | null | undefined {
  if (e.type !== 'field_expression' || e.childForFieldName('field')?.text !== 'lkm_offset') return undefined;
  if (e.child(1)?.text !== '->') return undefined;
  const d = bare(e.childForFieldName('argument')!);
  if (d.type === 'identifier') return d.text === lkmtp ? undefined : d.text;
  return isPrivateDescriptor(d, lkmtp) ? null : undefined;
}

/** `lkmtp->private.lkm_dev`, perhaps cast or parenthesised. */
function isPrivateDescriptor(e: SyntaxNode, lkmtp: string): boolean {
  const t = bare(e).text.replace(/\s+/g, '');
  return new RegExp(`^\\(*${lkmtp}\\)*->private\\.lkm_\\w+$`).test(t);
}


/** Declarations in the body, by the name of each single pointer they declare. */
function localDeclarations(body: SyntaxNode): Map<string, SyntaxNode> {
  const out = new Map<string, SyntaxNode>();
  for (const d of body.descendantsOfType('declaration')) {
    for (const c of d.childrenForFieldName('declarator')) {
      const id = declaredName(c);
      if (id && !out.has(id)) out.set(id, d);
    }
  }
  return out;
}

function declaredName(d: SyntaxNode): string | null {
  let n: SyntaxNode | null = d;
  while (n && n.type !== 'identifier') {
    n = n.childForFieldName('declarator');
  }
  return n?.text ?? null;
}

/**
 * The initial value of `name`, declared alone as a pointer in `decl`: null without one,
 * undefined when the declaration declares more than it or it is no pointer.
 */
function initialiser(decl: SyntaxNode, name: string): SyntaxNode | null | undefined {
  const ds = decl.childrenForFieldName('declarator');
  if (ds.length !== 1 || declaredName(ds[0]!) !== name) return undefined;
  const d = ds[0]!;
  const target = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
  if (target?.type !== 'pointer_declarator') return undefined;
  return d.type === 'init_declarator' ? (d.childForFieldName('value') ?? null) : null;
}

function identifiersNamed(body: SyntaxNode, name: string): SyntaxNode[] {
  return body.descendantsOfType('identifier').filter((n) => n.text === name);
}

function usedAfter(body: SyntaxNode, name: string, at: number): boolean {
  return identifiersNamed(body, name).some((n) => n.startIndex >= at);
}

function inLoop(n: SyntaxNode, body: SyntaxNode): boolean {
  for (let p = n.parent; p && p.id !== body.id; p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'while_statement' || p.type === 'do_statement') return true;
  }
  return false;
}

function inList(stmt: SyntaxNode): boolean {
  const p = stmt.parent?.type;
  if (p === 'compound_statement') return true;
  // A label needs a statement after it: `default: args->lkm_offset = i; }` keeps the store.
  let next = stmt.nextNamedSibling;
  while (next?.type === 'comment') next = next.nextNamedSibling;
  return p === 'case_statement' && next !== null;
}

function within(n: SyntaxNode, outer: SyntaxNode): boolean {
  return outer.startIndex <= n.startIndex && n.endIndex <= outer.endIndex;
}
