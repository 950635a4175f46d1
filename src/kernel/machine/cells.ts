/**
 * Operations on cells that C semantics need beyond memory.ts: loading and storing through a
 * pointer with conversion to the object's type, struct copies, zeroing, union members that share
 * storage, and reading a struct through a pointer to a struct that begins with it.
 */
import {
  ArrayCell,
  Cell,
  NULL_PTR,
  ScalarCell,
  StructCell,
  ZERO,
  allocate,
  type CType,
  type PtrValue,
  type Value,
} from './memory.ts';
import { BlockCell } from './block.ts';

/** A misuse of memory the C code made (null dereference, out of bounds): the caller adds the site. */
export class MemoryFault extends Error {}

/** The cell a pointer designates; a pointer to a whole array (type array) designates the array. */
export function cellAt(p: Value): Cell {
  if (p.k === 'int') throw new MemoryFault(p.n === 0 ? 'null pointer dereference' : `dereference of integer address ${p.n}`);
  if (p.k === 'fn') throw new MemoryFault(`function ${p.fn.name} used as data`);
  if (p.k === 'agg') return p.cell;
  if (p.target === null) throw new MemoryFault('null pointer dereference');
  if (p.target instanceof ArrayCell) {
    if (p.target instanceof BlockCell && p.target.standIn && p.target.untyped && p.index === 0 && adoptsAs(p.type)) p.target.adopt(p.type, 1);
    if (p.type.kind === 'array' && p.index === 0 && p.target.type === p.type) return p.target;
    const c = p.target.at(p.index);
    if (!c) throw new MemoryFault(`index ${p.index} is outside an array of ${p.target.length}`);
    return c;
  }
  if (p.index !== 0) throw new MemoryFault(`pointer ${p.index > 0 ? '+' : ''}${p.index} past a single object`);
  return p.target;
}

const unionActive = new WeakMap<StructCell, string>();

/**
 * A member of a struct or union cell. The cell may be a struct that begins with the wanted
 * one (a `struct lkm_vfs` read through a `struct lkm_any *`): the first members are searched.
 * Union members share storage: taking one brings it up to date with the member written last.
 */
export function memberCell(cell: Cell, name: string): Cell {
  if (cell instanceof BlockCell && cell.standIn && cell.untyped) return cell.memberStandIn(name);
  let c: Cell = cell;
  for (;;) {
    if (!(c instanceof StructCell)) throw new MemoryFault(`member ${name} of an object that is not a struct`);
    const f = c.fields.get(name);
    if (f) {
      if ((c.type as { union?: boolean }).union) syncUnion(c, name, f);
      return f;
    }
    const first = c.fields.values().next().value;
    if (!(first instanceof StructCell)) {
      throw new MemoryFault(`${describe(cell)} has no member ${name}`);
    }
    c = first;
  }
}

function describe(c: Cell): string {
  const t = c.type;
  return t.kind === 'struct' ? `${t.union ? 'union' : 'struct'} ${t.tag || '<anonymous>'}` : t.kind;
}

function syncUnion(u: StructCell, name: string, member: Cell): void {
  let last = unionActive.get(u);
  if (last === undefined) {
    // Written from outside the interpreter (kernel code): the member that holds something.
    for (const [k, v] of u.fields) if (v instanceof ScalarCell && !isZero(v.value)) last = k;
  }
  if (last !== undefined && last !== name) {
    const src = u.fields.get(last);
    if (src instanceof ScalarCell && member instanceof ScalarCell) member.value = convertScalar(src.value, member.type);
  }
  unionActive.set(u, name);
}

function isZero(v: Value): boolean {
  return (v.k === 'int' && v.n === 0) || (v.k === 'ptr' && v.target === null);
}

/** Reinterpret a scalar for a union member of another type (integers by bits, pointers as they are). */
function convertScalar(v: Value, t: CType): Value {
  if (t.kind === 'ptr' && v.k === 'ptr') return { ...v, type: t.to };
  if (t.kind === 'int' && v.k === 'int') return { k: 'int', n: wrapInt(v.n, t.size, t.unsigned) };
  return v;
}

export function wrapInt(n: number, size: number, unsigned: boolean): number {
  switch (size) {
    case 1:
      return unsigned ? n & 0xff : (n << 24) >> 24;
    case 2:
      return unsigned ? n & 0xffff : (n << 16) >> 16;
    case 4:
      return unsigned ? n >>> 0 : n | 0;
    default:
      if (Number.isSafeInteger(n)) return n;
      return Number(BigInt.asIntN(64, BigInt(Math.trunc(n))));
  }
}

/** Copy a struct or array object (assignment of aggregates), member by member. */
export function copyInto(dst: Cell, src: Cell): void {
  if (dst instanceof ScalarCell && src instanceof ScalarCell) {
    dst.value = src.value;
    return;
  }
  if (dst instanceof StructCell && src instanceof StructCell) {
    for (const [name, d] of dst.fields) {
      const s = src.fields.get(name);
      if (s) copyInto(d, s);
    }
    return;
  }
  if (dst instanceof ArrayCell && src instanceof ArrayCell) {
    const n = Math.min(dst.length, src.length);
    for (let i = 0; i < n; i++) copyInto(dst.at(i)!, src.at(i)!);
    return;
  }
  throw new MemoryFault(`cannot copy ${describe(src)} into ${describe(dst)}`);
}

/** Reset an object to zero (static initial state; `= { 0 }` for automatic objects). */
export function zeroCell(c: Cell): void {
  if (c instanceof ScalarCell) c.value = c.type.kind === 'ptr' ? { ...NULL_PTR, type: c.type.to } : ZERO;
  else if (c instanceof StructCell) {
    for (const f of c.fields.values()) zeroCell(f);
    unionActive.delete(c);
  } else if (c instanceof BlockCell) c.clear();
  else if (c instanceof ArrayCell) for (const i of c.items) zeroCell(i);
}

/** A fresh copy of an object (struct values passed or returned by value). */
export function cloneCell(c: Cell): Cell {
  const n = allocate(c.type);
  copyInto(n, c);
  return n;
}

export type { PtrValue };

/**
 * Memory from an allocator is a block of bytes (an array of unsigned char); C code gives it a
 * type by the pointer it uses. The first access through a pointer to something wider than a
 * byte turns the block into an array of that type, as many elements as fit, and rescales the
 * pointer's byte index to elements.
 */
export function adoptBytes(p: PtrValue, elem: CType, sizeOf: (t: CType) => number): PtrValue {
  const block = p.target;
  if (block instanceof BlockCell) {
    if (!block.untyped || !adoptsAs(elem)) return p;
    const size = sizeOf(elem);
    if (size <= 1) return p;
    block.adopt(elem, size);
    return { k: 'ptr', target: block, index: Math.floor(p.index / size), type: elem };
  }
  if (!(block instanceof ArrayCell)) return p;
  const of = (block.type as Extract<CType, { kind: 'array' }>).of;
  if (of.kind !== 'int' || of.size !== 1 || !(adoptable.has(block) || untouchedBytes(block))) return p;
  if (elem.kind === 'void' || elem.kind === 'func' || elem.kind === 'array' || (elem.kind === 'int' && elem.size === 1)) return p;
  const size = sizeOf(elem);
  if (size <= 1) return p;
  const count = Math.max(1, Math.floor(block.items.length / size));
  const fresh: Cell[] = [];
  for (let i = 0; i < count; i++) fresh.push(allocate(elem));
  block.items.splice(0, block.items.length, ...fresh);
  (block as { type: CType }).type = { kind: 'array', of: elem, length: count };
  adoptable.delete(block);
  return { k: 'ptr', target: block, index: Math.floor(p.index / size), type: elem };
}

/** A type untyped memory can take: not void, a function, an array or a byte. */
function adoptsAs(elem: CType): boolean {
  return !(elem.kind === 'void' || elem.kind === 'func' || elem.kind === 'array' || (elem.kind === 'int' && elem.size === 1));
}

const adoptable = new WeakSet<ArrayCell>();

/** An array of unsigned char nobody has written: an allocator's block not marked as one. */
function untouchedBytes(block: ArrayCell): boolean {
  const of = (block.type as Extract<CType, { kind: 'array' }>).of;
  if (of.kind !== 'int' || of.name !== 'unsigned char') return false;
  for (const c of block.items) if (!(c instanceof ScalarCell) || c.value.k !== 'int' || c.value.n !== 0) return false;
  return true;
}

/** An allocator's block of `size` zero bytes, typed by its first use (see adoptBytes). */
export function byteBlock(size: number): ArrayCell {
  const uchar: CType = { kind: 'int', name: 'unsigned char', size: 1, unsigned: true };
  const n = Math.max(1, size);
  const items: Cell[] = [];
  for (let i = 0; i < n; i++) items.push(new ScalarCell(uchar, ZERO));
  const block = new ArrayCell({ kind: 'array', of: uchar, length: n }, items);
  adoptable.add(block);
  return block;
}

/** Mark a block made elsewhere (an allocator's array of bytes) as typed by first use. */
export function markAdoptable(block: ArrayCell): void {
  adoptable.add(block);
}
