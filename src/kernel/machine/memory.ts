/**
 * The simulated kernel's memory: C objects as cells, not bytes.
 *
 * A struct is a cell with named member cells, an array a cell with element cells, a scalar a cell
 * holding a Value. The kernel reads a module's structures by member name (vfsops.vfs_name,
 * syscall_package.sp_call), so a positional initialiser written for an older layout still lands
 * in the member the header names. Pointers address a cell, or an element of an array cell, so
 * pointer arithmetic stays inside the object it started in, as C requires.
 */

export type CType =
  | { kind: 'void' }
  | { kind: 'int'; name: string; size: number; unsigned: boolean }
  | { kind: 'ptr'; to: CType }
  | { kind: 'array'; of: CType; length: number | null }
  | { kind: 'struct'; tag: string; union: boolean; members: Member[] | null }
  | { kind: 'func'; ret: CType; params: CType[] | null; variadic: boolean };

export interface Member {
  name: string;
  type: CType;
  /** Width of a bit-field member. */
  bits?: number;
}

/** Something a function pointer can call: a module's interpreted function or a kernel function in TypeScript. */
export interface Callable {
  readonly name: string;
  /** Who defines it: `kernel`, or the module's name. */
  readonly provider: string;
  invoke(args: Value[]): Value;
}

export type Value =
  /**
   * An integer. Types up to 32 bits hold their exact C value (u_int -1 is 4294967295). 64-bit
   * types hold their two's-complement signed reading, so (u_long)-1 is n = -1 on LP64 and a
   * sentinel survives a round trip; magnitudes beyond 2^53 are approximate. A pointer stored in
   * an integer object stays a `ptr` value.
   */
  | { k: 'int'; n: number }
  /** target null is the null pointer. index addresses an element when target is an array cell. */
  | { k: 'ptr'; target: Cell | null; index: number; type: CType }
  | { k: 'fn'; fn: Callable }
  /** A struct or union value (assignment copies it). */
  | { k: 'agg'; cell: StructCell };

export type PtrValue = Extract<Value, { k: 'ptr' }>;

export const NULL_PTR: PtrValue = { k: 'ptr', target: null, index: 0, type: { kind: 'void' } };
export const ZERO: Value = { k: 'int', n: 0 };

export function int(n: number): Value {
  return { k: 'int', n };
}

export abstract class Cell {
  constructor(readonly type: CType) {}
}

export class ScalarCell extends Cell {
  /** Width of a bit-field member: stores keep only this many bits. */
  bits?: number;
  // Assigned, not defined, so a view onto byte storage (machine/block.ts) can make it an accessor.
  declare value: Value;
  constructor(type: CType, value: Value) {
    super(type);
    this.value = value;
  }
}

export class StructCell extends Cell {
  readonly fields = new Map<string, Cell>();
  constructor(type: CType & { kind: 'struct' }) {
    super(type);
  }
}

export class ArrayCell extends Cell {
  constructor(
    type: CType & { kind: 'array' },
    readonly items: Cell[],
  ) {
    super(type);
  }

  /** Element `i`, or undefined outside the array. Allocator blocks (block.ts) make it on demand. */
  at(i: number): Cell | undefined {
    return this.items[i];
  }

  /** Number of elements. */
  get length(): number {
    return this.items.length;
  }
}

/** A zero-initialised cell of a type (static storage starts zeroed, as in C). */
export function allocate(type: CType): Cell {
  switch (type.kind) {
    case 'struct': {
      const cell = new StructCell(type);
      for (const m of type.members ?? []) {
        const f = allocate(m.type);
        if (m.bits !== undefined && f instanceof ScalarCell) f.bits = m.bits;
        cell.fields.set(m.name, f);
      }
      return cell;
    }
    case 'array':
      return new ArrayCell(type, Array.from({ length: type.length ?? 0 }, () => allocate(type.of)));
    case 'ptr':
      return new ScalarCell(type, { ...NULL_PTR, type: type.to });
    default:
      return new ScalarCell(type, ZERO);
  }
}

/** The cell a pointer designates (the element for array pointers), or null for the null pointer. */
export function deref(p: Value): Cell | null {
  if (p.k !== 'ptr' || p.target === null) return null;
  if (p.target instanceof ArrayCell) return p.target.at(p.index) ?? null;
  return p.index === 0 ? p.target : null;
}

export function pointerTo(cell: Cell, index = 0): Value {
  const type = cell instanceof ArrayCell ? (cell.type as { of: CType }).of : cell.type;
  return { k: 'ptr', target: cell, index, type };
}

export function isNull(v: Value): boolean {
  return (v.k === 'ptr' && v.target === null) || (v.k === 'int' && v.n === 0);
}

/** A member of a struct cell, by name; throws on a member the type does not have. */
export function field(cell: Cell, name: string): Cell {
  if (!(cell instanceof StructCell)) throw new Error(`not a struct: cannot read member ${name}`);
  const f = cell.fields.get(name);
  if (!f) throw new Error(`struct ${(cell.type as { tag: string }).tag} has no member ${name}`);
  return f;
}

export function load(cell: Cell): Value {
  if (cell instanceof ScalarCell) return cell.value;
  if (cell instanceof StructCell) return { k: 'agg', cell };
  if (cell instanceof ArrayCell) return pointerTo(cell, 0); // arrays decay to a pointer to their first element
  throw new Error('unknown cell');
}

/** Value of a member: `readField(vfsops, 'vfs_name')`. */
export function readField(cell: Cell, name: string): Value {
  return load(field(cell, name));
}

export function asNumber(v: Value): number {
  if (v.k === 'int') return v.n;
  if (v.k === 'ptr') return v.target === null ? 0 : 1; // non-null pointers are only ever compared with 0 or each other
  if (v.k === 'fn') return 1;
  throw new Error('a struct value used as a number');
}

/** Read a NUL-terminated string a pointer designates; null for the null pointer. */
export function readCString(p: Value): string | null {
  if (p.k !== 'ptr' || p.target === null) return null;
  if (!(p.target instanceof ArrayCell)) {
    const v = p.target instanceof ScalarCell ? p.target.value : ZERO;
    return v.k === 'int' && v.n !== 0 ? String.fromCharCode(v.n) : '';
  }
  let s = '';
  for (let i = p.index; i < p.target.length; i++) {
    const c = p.target.at(i);
    const v = c instanceof ScalarCell ? c.value : ZERO;
    if (v.k !== 'int' || v.n === 0) break;
    s += String.fromCharCode(v.n & 0xff);
  }
  return s;
}

/** Cells of an array a pointer walks, from the pointed element to the end of the array object. */
export function elementsFrom(p: Value): Cell[] {
  if (p.k !== 'ptr' || p.target === null) return [];
  if (p.target instanceof ArrayCell) {
    const out: Cell[] = [];
    for (let i = p.index; i < p.target.length; i++) out.push(p.target.at(i)!);
    return out;
  }
  return p.index === 0 ? [p.target] : [];
}

export function samePointer(a: Value, b: Value): boolean {
  if (a.k === 'fn' && b.k === 'fn') return a.fn === b.fn;
  if (a.k !== 'ptr' || b.k !== 'ptr') return false;
  return a.target === b.target && a.index === b.index;
}

/** A string literal as a char array (kernel code in TypeScript uses it to hand strings to modules). */
export function cString(s: string): ArrayCell {
  const charT: CType = { kind: 'int', name: 'char', size: 1, unsigned: false };
  const t: CType & { kind: 'array' } = { kind: 'array', of: charT, length: s.length + 1 };
  const items = [...s, '\0'].map((ch) => new ScalarCell(charT, int(ch.charCodeAt(0))));
  return new ArrayCell(t, items);
}
