/**
 * C integer semantics on Values: conversion to a type (width and signedness), the binary
 * operators in the type the usual arithmetic conversions chose, and truth values. 64-bit
 * arithmetic goes through BigInt so it wraps as the machine does.
 */
import { NULL_PTR, type CType, type Value } from '../../machine/memory.ts';
import { wrapInt } from '../../machine/cells.ts';
import type { IntType } from '../ctypes.ts';

/** Arithmetic the C code got wrong (division by zero…): the caller adds the site. */
export class ArithmeticFault extends Error {}

export function truth(v: Value): boolean {
  switch (v.k) {
    case 'int':
      return v.n !== 0;
    case 'ptr':
      return v.target !== null;
    case 'fn':
      return true;
    case 'agg':
      throw new ArithmeticFault('a struct used as a condition');
  }
}

/** Convert a value to a type, as assignment and casts do. */
export function convert(v: Value, t: CType): Value {
  switch (t.kind) {
    case 'int':
      if (v.k === 'int') {
        if (t.name === '_Bool') return { k: 'int', n: v.n !== 0 ? 1 : 0 };
        const n = wrapInt(v.n, t.size, t.unsigned);
        return n === v.n ? v : { k: 'int', n };
      }
      if (t.name === '_Bool') return { k: 'int', n: truth(v) ? 1 : 0 };
      if (v.k === 'ptr' && v.target === null) return { k: 'int', n: 0 };
      return v; // a pointer held in an integer object keeps designating its object
    case 'ptr':
      if (v.k === 'int') return v.n === 0 ? { ...NULL_PTR, type: t.to } : v;
      if (v.k === 'ptr') return v.type === t.to ? v : { ...v, type: t.to };
      return v;
    default:
      return v;
  }
}

const U64 = (n: number) => BigInt.asUintN(64, BigInt(n));
const S64 = (n: number) => BigInt(n);
const small = (n: number) => n > -0x80000000 && n < 0x80000000;

/** `a o b` for integers, computed in `t`. */
export function intBinary(o: string, a: number, b: number, t: IntType): number {
  if (t.size <= 4) {
    const u = t.unsigned;
    switch (o) {
      case '+': return wrapInt(a + b, 4, u);
      case '-': return wrapInt(a - b, 4, u);
      case '*': return u ? Math.imul(a, b) >>> 0 : Math.imul(a, b);
      case '/':
        if (b === 0) throw new ArithmeticFault('division by zero');
        return wrapInt(Math.trunc(a / b), 4, u);
      case '%':
        if (b === 0) throw new ArithmeticFault('division by zero');
        return wrapInt(a % b, 4, u);
      case '<<': return wrapInt(a << (b & 31), 4, u);
      case '>>': return u ? a >>> (b & 31) : a >> (b & 31);
      case '&': return wrapInt(a & b, 4, u);
      case '|': return wrapInt(a | b, 4, u);
      case '^': return wrapInt(a ^ b, 4, u);
      case '==': return a === b ? 1 : 0;
      case '!=': return a !== b ? 1 : 0;
      case '<': return a < b ? 1 : 0;
      case '>': return a > b ? 1 : 0;
      case '<=': return a <= b ? 1 : 0;
      case '>=': return a >= b ? 1 : 0;
    }
    throw new ArithmeticFault(`operator ${o}`);
  }
  // 64-bit: exact in doubles while nothing overflows, else BigInt.
  if (small(a) && small(b)) {
    switch (o) {
      case '+': return a + b;
      case '-': return a - b;
      case '&': return Number(BigInt.asIntN(64, S64(a) & S64(b)));
      case '|': return Number(BigInt.asIntN(64, S64(a) | S64(b)));
      case '==': return a === b ? 1 : 0;
      case '!=': return a !== b ? 1 : 0;
    }
    if (!t.unsigned || (a >= 0 && b >= 0)) {
      switch (o) {
        case '*': return a * b;
        case '<': return a < b ? 1 : 0;
        case '>': return a > b ? 1 : 0;
        case '<=': return a <= b ? 1 : 0;
        case '>=': return a >= b ? 1 : 0;
      }
    }
  }
  const x = t.unsigned ? U64(a) : S64(a);
  const y = t.unsigned ? U64(b) : S64(b);
  let r: bigint;
  switch (o) {
    case '+': r = x + y; break;
    case '-': r = x - y; break;
    case '*': r = x * y; break;
    case '/':
      if (y === 0n) throw new ArithmeticFault('division by zero');
      r = x / y;
      break;
    case '%':
      if (y === 0n) throw new ArithmeticFault('division by zero');
      r = x % y;
      break;
    case '<<': r = x << (y & 63n); break;
    case '>>': r = x >> (y & 63n); break;
    case '&': r = x & y; break;
    case '|': r = x | y; break;
    case '^': r = x ^ y; break;
    case '==': return x === y ? 1 : 0;
    case '!=': return x !== y ? 1 : 0;
    case '<': return x < y ? 1 : 0;
    case '>': return x > y ? 1 : 0;
    case '<=': return x <= y ? 1 : 0;
    case '>=': return x >= y ? 1 : 0;
    default: throw new ArithmeticFault(`operator ${o}`);
  }
  return Number(BigInt.asIntN(64, r));
}

export function intUnary(o: '-' | '~' | '+', a: number, t: IntType): number {
  if (o === '+') return a;
  if (t.size <= 4) return wrapInt(o === '-' ? -a : ~a, 4, t.unsigned);
  if (o === '-') return small(a) ? -a : Number(BigInt.asIntN(64, -BigInt(a)));
  return Number(BigInt.asIntN(64, ~BigInt(a)));
}
