/**
 * C types of the simulated kernel (the CType of machine/memory.ts): the builtin integer types of
 * a data model, sizes and alignment as the target lays them out, and the conversions C applies
 * to operands (integer promotion, usual arithmetic conversions).
 */
import type { CType, Member } from '../machine/memory.ts';

export type IntType = Extract<CType, { kind: 'int' }>;
export type PtrType = Extract<CType, { kind: 'ptr' }>;
export type ArrayType = Extract<CType, { kind: 'array' }>;
export type StructType = Extract<CType, { kind: 'struct' }>;
export type FuncType = Extract<CType, { kind: 'func' }>;

import { alignOf, sizeOf, type DataModel } from '../machine/layout.ts';

export { alignOf, sizeOf, type DataModel };

export const VOID: CType = { kind: 'void' };

const intCache = new Map<string, IntType>();
export function intType(name: string, size: number, unsigned: boolean): IntType {
  const key = `${name}/${size}/${unsigned}`;
  let t = intCache.get(key);
  if (!t) {
    t = { kind: 'int', name, size, unsigned };
    intCache.set(key, t);
  }
  return t;
}

export const INT = intType('int', 4, false);
export const UINT = intType('unsigned int', 4, true);
export const CHAR = intType('char', 1, false);
export const BOOL = intType('_Bool', 1, true);

export function longType(dm: DataModel, unsigned: boolean): IntType {
  return intType(unsigned ? 'unsigned long' : 'long', dm.lp64 ? 8 : 4, unsigned);
}

/** `size_t`'s type for sizeof results; `ptrdiff_t`'s for pointer differences. */
export function sizeType(dm: DataModel): IntType {
  return longType(dm, true);
}
export function ptrdiffType(dm: DataModel): IntType {
  return longType(dm, false);
}

export function ptr(to: CType): PtrType {
  return { kind: 'ptr', to };
}
export function arrayOf(of: CType, length: number | null): ArrayType {
  return { kind: 'array', of, length };
}

export function isInteger(t: CType): t is IntType {
  return t.kind === 'int';
}
export function isPointerLike(t: CType): boolean {
  return t.kind === 'ptr' || t.kind === 'array' || t.kind === 'func';
}
export function isScalar(t: CType): boolean {
  return t.kind === 'int' || t.kind === 'ptr';
}
/** Floating types are recognised so declarations parse, and refused when code computes with them. */
export function isFloating(t: CType): boolean {
  return t.kind === 'int' && (t.name === 'float' || t.name === 'double' || t.name === 'long double');
}

/** The pointed-to type of a pointer, or the element type of an array (decay). */
export function pointee(t: CType): CType | undefined {
  if (t.kind === 'ptr') return t.to;
  if (t.kind === 'array') return t.of;
  return undefined;
}

/** Integer promotion (C99 6.3.1.1): everything narrower than int becomes int. */
export function promote(t: CType): CType {
  if (t.kind === 'int' && t.size < 4) return INT;
  return t;
}

/** Usual arithmetic conversions (C99 6.3.1.8) for two integer operand types. */
export function commonType(a: IntType, b: IntType): IntType {
  const pa = promote(a) as IntType;
  const pb = promote(b) as IntType;
  if (pa.size === pb.size) {
    if (pa.unsigned) return pa;
    if (pb.unsigned) return pb;
    return pa.name === pb.name ? pa : pa.size > 4 ? pa : pb;
  }
  return pa.size > pb.size ? pa : pb;
}

/** A member by name, looking through anonymous struct/union members (C11). */
export function findMember(t: StructType, name: string): { path: string[]; member: Member } | undefined {
  for (const m of t.members ?? []) {
    if (m.name === name) return { path: [m.name], member: m };
    if (isAnonymousMember(m) && m.type.kind === 'struct') {
      const inner = findMember(m.type, name);
      if (inner) return { path: [m.name, ...inner.path], member: inner.member };
    }
  }
  return undefined;
}

/** Anonymous struct/union members get a name no C identifier can have. */
export const ANON_PREFIX = '<anon>';
export function isAnonymousMember(m: Member): boolean {
  return m.name.startsWith(ANON_PREFIX);
}

/** The type as C spells it (messages). */
export function typeName(t: CType): string {
  switch (t.kind) {
    case 'void':
      return 'void';
    case 'int':
      return t.name;
    case 'ptr':
      return t.to.kind === 'func' ? `${typeName(t.to.ret)} (*)(…)` : `${typeName(t.to)} *`;
    case 'array':
      return `${typeName(t.of)}[${t.length ?? ''}]`;
    case 'struct':
      return `${t.union ? 'union' : 'struct'} ${t.tag || '<anonymous>'}`;
    case 'func':
      return `${typeName(t.ret)} (…)`;
  }
}

/** Two types are interchangeable for assignment purposes (struct copies). */
export function sameStruct(a: CType, b: CType): boolean {
  return a.kind === 'struct' && b.kind === 'struct' && (a === b || (a.tag !== '' && a.tag === b.tag && a.union === b.union));
}

/**
 * Byte offset of member `name` (found through anonymous members as findMember does) in `t`, laid
 * out as layout.ts sizes the struct: offsetof(), and `&((T *)0)->m` that spells it by hand.
 * Undefined for a bit-field or a member `t` does not have.
 */
export function offsetOf(t: StructType, name: string, dm: DataModel): number | undefined {
  if (!t.members) return undefined;
  let off = 0;
  let bitOffset = 0;
  for (const m of t.members) {
    const size = sizeOf(m.type, dm);
    const align = alignOf(m.type, dm);
    if (m.bits !== undefined) {
      if (m.name === name) return undefined;
      if (t.union) continue;
      if (m.bits === 0 || bitOffset + m.bits > size * 8) {
        if (bitOffset > 0) off += Math.ceil(bitOffset / 8);
        bitOffset = 0;
        off = Math.ceil(off / align) * align;
      }
      if (bitOffset === 0) off = Math.ceil(off / align) * align;
      bitOffset += m.bits;
      continue;
    }
    if (bitOffset > 0) {
      off += Math.ceil(bitOffset / 8);
      bitOffset = 0;
    }
    const here = t.union ? 0 : Math.ceil(off / align) * align;
    if (m.name === name) return here;
    if (isAnonymousMember(m) && m.type.kind === 'struct') {
      const inner = offsetOf(m.type, name, dm);
      if (inner !== undefined) return here + inner;
    }
    if (!t.union) off = here + size;
  }
  return undefined;
}
