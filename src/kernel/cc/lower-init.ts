/**
 * Initialisers (C99 6.7.8): designated and positional, nested lists, brace elision, strings for
 * char arrays, arrays of unknown size sized by their initialiser. The result is a flat list of
 * (path, expression) pairs; members not named are zero, as static storage starts zeroed.
 */
import type { CType } from '../machine/memory.ts';
import type { SyntaxNode } from '../../source/cparse.ts';
import type { Expr, InitItem, Initializer } from './ast.ts';
import { arrayOf, findMember, sameStruct, typeName } from './ctypes.ts';
import { constValue, NotConstant } from './const-eval.ts';
import type { ExprLowerer } from './lower-expr.ts';
import { decodeString } from './lower-expr.ts';
import type { Scope } from './scope.ts';

type ConstBuilder = Parameters<typeof constValue>[2];

interface Entry {
  designators: SyntaxNode[];
  value: SyntaxNode;
}

export function lowerInitializer(lx: ExprLowerer, type: CType, node: SyntaxNode): Initializer {
  const items: InitItem[] = [];
  const b = new InitBuilder(lx, items);
  let finalType = type;
  if (node.type === 'initializer_list') {
    const n = b.braced(type, [], node);
    if (type.kind === 'array' && type.length === null) finalType = arrayOf(type.of, n);
  } else {
    const str = stringFor(type, node);
    if (str) {
      if (type.kind === 'array' && type.length === null) finalType = arrayOf(type.of, str.length);
      items.push({ path: [], type: finalType, expr: lx.lower(node), chars: str });
    } else items.push({ path: [], type, expr: lx.lower(node) });
  }
  return { type: finalType, items };
}

/**
 * The length an initialiser gives an array of unknown size, decided as soon as the declaration
 * is read (a later `sizeof` in an array bound needs it before the initialiser is lowered).
 */
export function initializerLength(type: CType, node: SyntaxNode, scope: Scope, types: ConstBuilder): number | null {
  if (type.kind !== 'array' || type.length !== null) return null;
  const str = stringFor(type, node);
  if (str) return str.length;
  if (node.type !== 'initializer_list') return null;
  let cursor = 0;
  let max = 0;
  let plain = 0;
  for (const c of node.namedChildren) {
    if (c.type === 'comment') continue;
    if (c.type === 'initializer_pair') {
      const d = c.childrenForFieldName('designator')[0];
      if (d?.type === 'subscript_designator') {
        try {
          cursor = Number(constValue(d.namedChildren[0], scope, types));
        } catch (e) {
          if (!(e instanceof NotConstant)) throw e;
        }
      }
    } else if (c.type !== 'initializer_list') plain++;
    cursor++;
    max = Math.max(max, cursor);
  }
  // Elided braces: `struct s a[] = { 1, "a", 2, "b" }` has one element per member list.
  const members = type.of.kind === 'struct' && !type.of.union ? (type.of.members?.length ?? 1) : 1;
  if (plain === max && members > 1) return Math.ceil(max / members);
  return max;
}

/** A string literal initialising a char array: its bytes. */
function stringFor(type: CType, node: SyntaxNode): number[] | undefined {
  if (type.kind !== 'array' || type.of.kind !== 'int' || type.of.size !== 1) return undefined;
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChildren[0];
  if (n.type !== 'string_literal' && n.type !== 'concatenated_string') return undefined;
  const parts = n.type === 'concatenated_string' ? n.namedChildren.filter((c) => c.type === 'string_literal') : [n];
  const bytes = parts.flatMap((p) => decodeString(p.text));
  bytes.push(0);
  return bytes;
}

class InitBuilder {
  constructor(
    private readonly lx: ExprLowerer,
    private readonly items: InitItem[],
  ) {}

  private entries(list: SyntaxNode): Entry[] {
    const out: Entry[] = [];
    for (const c of list.namedChildren) {
      if (c.type === 'comment') continue;
      if (c.type === 'initializer_pair') {
        const value = c.childForFieldName('value')!;
        out.push({ designators: c.childrenForFieldName('designator'), value });
      } else out.push({ designators: [], value: c });
    }
    return out;
  }

  private emit(path: (string | number)[], type: CType, value: SyntaxNode): void {
    const chars = stringFor(type, value);
    this.items.push({ path, type, expr: this.lx.lower(value), chars });
  }

  private error(path: (string | number)[], type: CType, node: SyntaxNode, message: string): void {
    const e: Expr = { op: 'error', message, type, site: this.lx.ctx.site(node) };
    this.items.push({ path, type, expr: e });
  }

  /** Members (struct), the first member (union, positionally) or elements (array) in order. */
  private slots(type: CType): { key: string | number; type: CType }[] | 'array' | null {
    if (type.kind === 'struct') {
      const ms = type.members ?? [];
      return (type.union ? ms.slice(0, 1) : ms).map((m) => ({ key: m.name, type: m.type }));
    }
    if (type.kind === 'array') return 'array';
    return null;
  }

  /** A brace-enclosed list for an object of `type`; returns the number of array elements used. */
  braced(type: CType, path: (string | number)[], list: SyntaxNode): number {
    const entries = this.entries(list);
    const slots = this.slots(type);
    if (slots === null) {
      // `int x = { 3 };` — a braced scalar.
      if (entries.length > 0) this.scalarOrNested(type, path, entries[0].value);
      return 0;
    }
    let cursor = 0;
    let maxIndex = 0;
    let i = 0;
    while (i < entries.length) {
      const e = entries[i];
      let memberType: CType | undefined;
      let key: string | number;
      let subPath: (string | number)[] = path;
      if (e.designators.length > 0) {
        const d = this.designate(type, path, e.designators);
        if (!d) {
          i++;
          continue;
        }
        ({ type: memberType, path: subPath, cursor } = d);
        key = subPath[subPath.length - 1];
        if (e.designators.length > 1) {
          // `.a.b = v` sets one nested member; the list continues after `.a`.
          this.assign(memberType, subPath, e.value);
          i++;
          cursor = d.topCursor + 1;
          maxIndex = Math.max(maxIndex, cursor);
          continue;
        }
      } else {
        const slot = this.slotAt(type, slots, cursor);
        if (!slot) {
          this.lx.ctx.warn(e.value, `excess elements in initialiser of ${typeName(type)}`);
          break;
        }
        memberType = slot.type;
        key = slot.key;
        subPath = [...path, key];
      }
      void key;
      i = this.fill(memberType, subPath, entries, i);
      cursor++;
      maxIndex = Math.max(maxIndex, cursor);
    }
    return maxIndex;
  }

  private slotAt(type: CType, slots: ReturnType<InitBuilder['slots']>, cursor: number): { key: string | number; type: CType } | undefined {
    if (slots === 'array') {
      const t = type as Extract<CType, { kind: 'array' }>;
      if (t.length !== null && cursor >= t.length) return undefined;
      return { key: cursor, type: t.of };
    }
    return slots?.[cursor];
  }

  /** Resolve designators to the path and type they name; sets the cursor of the outer list. */
  private designate(
    type: CType,
    path: (string | number)[],
    designators: SyntaxNode[],
  ): { type: CType; path: (string | number)[]; cursor: number; topCursor: number } | undefined {
    let t = type;
    let p = path;
    let topCursor = 0;
    for (let k = 0; k < designators.length; k++) {
      const d = designators[k];
      if (d.type === 'field_designator') {
        const name = d.namedChildren[0]?.text ?? d.text.replace(/^\./, '');
        if (t.kind !== 'struct') {
          this.error(p, t, d, `designator .${name} for ${typeName(t)}`);
          return undefined;
        }
        const m = findMember(t, name);
        if (!m) {
          this.error(p, t, d, `${typeName(t)} has no member ${name}`);
          return undefined;
        }
        if (k === 0) {
          const idx = (t.members ?? []).findIndex((x) => x.name === m.path[0]);
          topCursor = idx;
        }
        p = [...p, ...m.path];
        t = m.member.type;
      } else if (d.type === 'subscript_designator' || d.type === 'subscript_range_designator') {
        if (t.kind !== 'array') {
          this.error(p, t, d, `array designator for ${typeName(t)}`);
          return undefined;
        }
        const idxNode = d.namedChildren[0];
        let idx = 0;
        try {
          idx = Number(constValue(idxNode, this.lx.scope, this.lx.ctx.types));
        } catch (err) {
          if (!(err instanceof NotConstant)) throw err;
          this.error(p, t, d, `array designator is not constant: ${err.message}`);
          return undefined;
        }
        if (k === 0) topCursor = idx;
        p = [...p, idx];
        t = t.of;
      } else return undefined;
    }
    return { type: t, path: p, cursor: topCursor, topCursor };
  }

  /** One member's value: a nested list, a string, a scalar, or (brace elision) several entries. */
  private fill(type: CType, path: (string | number)[], entries: Entry[], i: number): number {
    const v = entries[i].value;
    if (v.type === 'initializer_list') {
      this.braced(type, path, v);
      return i + 1;
    }
    if (stringFor(type, v)) {
      this.emit(path, type, v);
      return i + 1;
    }
    const slots = this.slots(type);
    if (slots === null || (type.kind === 'struct' && this.isStructValue(type, v))) {
      this.emit(path, type, v);
      return i + 1;
    }
    // Brace elision: this aggregate takes as many of the following entries as it has slots.
    let cursor = 0;
    while (i < entries.length && (cursor === 0 || entries[i].designators.length === 0)) {
      const slot = this.slotAt(type, slots, cursor);
      if (!slot) break;
      i = this.fill(slot.type, [...path, slot.key], entries, i);
      cursor++;
    }
    return i;
  }

  private assign(type: CType, path: (string | number)[], v: SyntaxNode): void {
    if (v.type === 'initializer_list') this.braced(type, path, v);
    else this.emit(path, type, v);
  }

  private scalarOrNested(type: CType, path: (string | number)[], v: SyntaxNode): void {
    if (v.type === 'initializer_list') this.braced(type, path, v);
    else this.emit(path, type, v);
  }

  /** Whether an expression initialising a struct member is a whole struct value (not elided braces). */
  private isStructValue(type: CType, v: SyntaxNode): boolean {
    // Decided from the syntax: lowering here would log the references twice.
    if (v.type === 'identifier') {
      const o = this.lx.scope.lookup(v.text);
      return !!o && (o.kind === 'global' || o.kind === 'local') && sameStruct(o.type, type);
    }
    if (v.type === 'compound_literal_expression' || v.type === 'call_expression') return true;
    if (v.type === 'pointer_expression' || v.type === 'field_expression' || v.type === 'subscript_expression') return true;
    return false;
  }
}

