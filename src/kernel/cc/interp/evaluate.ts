/**
 * Expression evaluation. Lvalues evaluate to pointers (`address`), rvalues to values (`value`);
 * every load and store goes through the pointer, so `&`, `*`, `->`, `[]` and struct members are
 * one mechanism over the cell memory.
 */
import {
  ArrayCell,
  Cell,
  NULL_PTR,
  ScalarCell,
  StructCell,
  ZERO,
  allocate,
  type Callable,
  type CType,
  type PtrValue,
  type Value,
} from '../../machine/memory.ts';
import { adoptBytes, cellAt, copyInto, memberCell, MemoryFault, wrapInt, zeroCell } from '../../machine/cells.ts';
import { BlockCell } from '../../machine/block.ts';
import { sizeOf } from '../../machine/layout.ts';
import type { SourceSite } from '../../object.ts';
import type { Expr, Initializer } from '../ast.ts';
import { isInteger, type IntType } from '../ctypes.ts';
import { CRuntimeError } from '../errors.ts';
import { ArithmeticFault, convert, intBinary, intUnary, truth } from './arith.ts';
import { runStatements } from './execute.ts';
import type { Runtime } from './runtime.ts';

export interface Frame {
  cells: Cell[];
  rt: Runtime;
  /** The arguments after the named ones, in a variadic function. */
  varargs?: Value[];
}

/** What a variable argument is held as until va_arg reads it as its type. */
const INT_ARG: CType = { kind: 'int', name: 'long', size: 8, unsigned: false };

function fault(site: SourceSite, e: unknown): never {
  if (e instanceof MemoryFault || e instanceof ArithmeticFault) throw new CRuntimeError(site, e.message);
  throw e;
}

function isCallable(x: Cell | Callable): x is Callable {
  return !(x instanceof Cell);
}

/** The address an lvalue designates. */
export function address(e: Expr, f: Frame): PtrValue {
  switch (e.op) {
    case 'local':
      return ptrTo(f.cells[e.slot], e.type);
    case 'global': {
      const b = f.rt.symbol(e.symbol, e.site);
      if (isCallable(b)) throw new CRuntimeError(e.site, `${e.symbol} is a function, used as an object`);
      return ptrTo(b, e.type);
    }
    case 'str':
      return ptrTo(f.rt.stringCell(e.id, e.bytes), e.type);
    case 'deref': {
      const p = value(e.ptr, f);
      if (p.k === 'ptr') return typed(p, e.type, f);
      if (p.k === 'int') throw new CRuntimeError(e.site, p.n === 0 ? 'null pointer dereference' : `dereference of integer address ${p.n}`);
      throw new CRuntimeError(e.site, 'dereference of a function');
    }
    case 'index': {
      const base = value(e.base, f);
      const i = value(e.index, f);
      if (i.k !== 'int') throw new CRuntimeError(e.site, 'array index is not an integer');
      return offset(base.k === 'ptr' ? typed(base, e.type, f) : base, i.n, e.type, e.site);
    }
    case 'member': {
      let cell: Cell;
      try {
        if (e.arrow) {
          const p = value(e.base, f);
          if (p.k === 'ptr' && p.target === null) {
            // Name the pointer when it is a variable: `current_mac_model->class` says what was NULL.
            const via = e.base.op === 'global' ? e.base.symbol.replace(/@.*$/, '') : '';
            throw new CRuntimeError(e.site, `null pointer dereference reading ${via}->${e.path[e.path.length - 1]}`);
          }
          const st = e.base.type.kind === 'ptr' ? e.base.type.to : e.base.type;
          cell = cellAt(p.k === 'ptr' ? typed(p, st, f) : p);
        } else if (e.base.op === 'call') {
          const v = value(e.base, f);
          if (v.k !== 'agg') throw new CRuntimeError(e.site, 'member of a value that is not a struct');
          cell = v.cell;
        } else cell = cellAt(address(e.base, f));
        for (const name of e.path) cell = memberCell(cell, name);
      } catch (err) {
        fault(e.site, err);
      }
      return ptrTo(cell, e.type);
    }
    case 'compound':
      return ptrTo(initialize(allocate(e.init.type), e.init, f), e.type);
    case 'cast':
      return address(e.e, f);
    default:
      throw new CRuntimeError(e.site, 'not an lvalue');
  }
}

/** A pointer used as a `T *`: untyped allocator memory takes type T here. */
function typed(p: PtrValue, t: CType, f: Frame): PtrValue {
  const q = adoptBytes(p, t, (x) => sizeOf(x, f.rt.dm));
  return q.type === t ? q : { ...q, type: t };
}

/** A pointer to a whole cell, typed as the expression that names it. */
function ptrTo(cell: Cell, type: CType): PtrValue {
  return { k: 'ptr', target: cell, index: 0, type };
}

/** `p + n` in elements. */
function offset(p: Value, n: number, elem: CType, site: SourceSite): PtrValue {
  if (p.k !== 'ptr') {
    if (p.k === 'int') throw new CRuntimeError(site, p.n === 0 ? 'null pointer arithmetic' : 'arithmetic on an integer used as a pointer');
    throw new CRuntimeError(site, 'arithmetic on a function pointer');
  }
  if (p.target === null) throw new CRuntimeError(site, 'null pointer dereference');
  return { k: 'ptr', target: p.target, index: p.index + n, type: elem };
}

/** Read the object a pointer designates, as an rvalue of `type`. */
export function load(p: PtrValue, type: CType, site: SourceSite): Value {
  // A stand-in for a tree's array (`extern TAILQ_HEAD(…) bufqueues[4]`) named whole decays to
  // its first element without making it: a cell made per load would look like a leak.
  if (type.kind === 'array' && p.index === 0 && p.target instanceof BlockCell && p.target.standIn) return { k: 'ptr', target: p.target, index: 0, type: type.of };
  let cell: Cell;
  try {
    cell = cellAt(p);
  } catch (err) {
    fault(site, err);
  }
  if (type.kind === 'array' || cell instanceof ArrayCell) {
    // Arrays decay to a pointer to their first element.
    if (cell instanceof ArrayCell) return { k: 'ptr', target: cell, index: 0, type: type.kind === 'array' ? type.of : (cell.type as { of: CType }).of };
    return { k: 'ptr', target: p.target, index: p.index, type: type.kind === 'array' ? type.of : type };
  }
  if (cell instanceof StructCell) return { k: 'agg', cell };
  const v = (cell as ScalarCell).value;
  // A pointer read through a differently typed lvalue takes that type's view.
  if (type.kind === 'ptr' && v.k === 'ptr' && v.type !== type.to) return { ...v, type: type.to };
  return v;
}

/** Store `v` into the object `p` designates, converted to its type. */
export function store(p: PtrValue, v: Value, type: CType, site: SourceSite): Value {
  let cell: Cell;
  try {
    cell = cellAt(p);
  } catch (err) {
    fault(site, err);
  }
  if (cell instanceof ScalarCell) {
    let c = convert(v, cell.type.kind === 'void' ? type : cell.type);
    if (cell.bits !== undefined && c.k === 'int' && cell.type.kind === 'int') {
      const bits = cell.bits;
      const mask = bits >= 32 ? 0xffffffff : (1 << bits) - 1;
      let n = c.n & mask;
      if (!cell.type.unsigned && bits < 32 && n & (1 << (bits - 1))) n -= 1 << bits;
      c = { k: 'int', n: bits >= 32 ? wrapInt(n, 4, cell.type.unsigned) : n };
    }
    cell.value = c;
    return c;
  }
  if (v.k === 'agg') {
    try {
      copyInto(cell, v.cell);
    } catch (err) {
      fault(site, err);
    }
    return v;
  }
  throw new CRuntimeError(site, `cannot assign a scalar to ${cell instanceof ArrayCell ? 'an array' : 'a struct'}`);
}

/** The value of an expression (arrays decay, function designators become function values). */
export function value(e: Expr, f: Frame): Value {
  const budget = f.rt.budget;
  switch (e.op) {
    case 'const':
      return e.value;
    case 'local': {
      const cell = f.cells[e.slot];
      if (cell instanceof ScalarCell) {
        const v = cell.value;
        return e.type.kind === 'ptr' && v.k === 'ptr' && v.type !== e.type.to ? { ...v, type: e.type.to } : v;
      }
      return load(ptrTo(cell, e.type), e.type, e.site);
    }
    case 'global': {
      const b = f.rt.symbol(e.symbol, e.site);
      if (isCallable(b)) return { k: 'fn', fn: b };
      return load(ptrTo(b, e.type), e.type, e.site);
    }
    case 'str':
    case 'deref':
    case 'index':
    case 'member':
    case 'compound':
      return load(address(e, f), e.type, e.site);
    case 'addr':
      // &function is the function; &object its address.
      return e.lvalue.type.kind === 'func' ? value(e.lvalue, f) : address(e.lvalue, f);
    case 'unary': {
      const v = value(e.e, f);
      if (e.o === '!') return { k: 'int', n: truth(v) ? 0 : 1 };
      if (v.k !== 'int') throw new CRuntimeError(e.site, `unary ${e.o} on a pointer`);
      const t = e.type as IntType;
      const cv = convert(v, t) as { n: number };
      return { k: 'int', n: intUnary(e.o, cv.n, t) };
    }
    case 'binary':
      return binary(e, value(e.l, f), value(e.r, f));
    case 'logical': {
      const l = truth(value(e.l, f));
      if (e.o === '&&' ? !l : l) return { k: 'int', n: e.o === '&&' ? 0 : 1 };
      return { k: 'int', n: truth(value(e.r, f)) ? 1 : 0 };
    }
    case 'assign': {
      const p = address(e.lvalue, f);
      if (e.o === '=') {
        const r = value(e.r, f);
        return store(p, r, e.lvalue.type, e.site);
      }
      const old = load(p, e.lvalue.type, e.site);
      const r = value(e.r, f);
      const o = e.o.slice(0, -1);
      const res = binary({ ...e, op: 'binary', o: o as never, l: e.lvalue, r: e.r, opType: e.opType, type: e.opType }, old, r);
      return store(p, res, e.lvalue.type, e.site);
    }
    case 'incdec': {
      const p = address(e.lvalue, f);
      const old = load(p, e.lvalue.type, e.site);
      let next: Value;
      if (old.k === 'ptr') {
        if (old.target === null) throw new CRuntimeError(e.site, `${e.delta > 0 ? '++' : '--'} on a null pointer`);
        next = { ...old, index: old.index + e.delta };
      } else if (old.k === 'int') {
        const t = isInteger(e.lvalue.type) ? e.lvalue.type : ({ kind: 'int', name: 'long', size: 8, unsigned: false } as IntType);
        next = { k: 'int', n: t.size > 4 ? intBinary('+', old.n, e.delta, t) : old.n + e.delta };
      } else throw new CRuntimeError(e.site, 'increment of a function or struct');
      const stored = store(p, next, e.lvalue.type, e.site);
      return e.prefix ? stored : old;
    }
    case 'cond':
      return truth(value(e.c, f)) ? convert(value(e.a, f), e.type) : convert(value(e.b, f), e.type);
    case 'comma':
      value(e.l, f);
      return value(e.r, f);
    case 'cast': {
      const v = value(e.e, f);
      if (e.type.kind === 'void') return ZERO;
      return convert(v, e.type);
    }
    case 'call':
      budget.used++;
      return call(e, f);
    case 'stmts': {
      runStatements(e.body, f, e.site);
      return e.result ? value(e.result, f) : ZERO;
    }
    case 'va_start': {
      const rest = f.varargs;
      if (!rest) throw new CRuntimeError(e.site, 'va_start in a function that takes no variable arguments');
      const cells = rest.map((v) => new ScalarCell(v.k === 'ptr' ? { kind: 'ptr', to: v.type } : INT_ARG, v));
      const list = new ArrayCell({ kind: 'array', of: INT_ARG, length: cells.length }, cells);
      return store(address(e.ap, f), { k: 'ptr', target: list, index: 0, type: INT_ARG }, e.ap.type, e.site);
    }
    case 'va_arg': {
      const p = address(e.ap, f);
      const cur = load(p, e.ap.type, e.site);
      if (cur.k !== 'ptr' || !(cur.target instanceof ArrayCell)) throw new CRuntimeError(e.site, 'va_arg on a va_list that va_start did not set');
      const cell = cur.target.items[cur.index];
      if (!(cell instanceof ScalarCell)) throw new CRuntimeError(e.site, 'va_arg past the last variable argument');
      store(p, { ...cur, index: cur.index + 1 }, e.ap.type, e.site);
      return convert(cell.value, e.type);
    }
    case 'error':
      throw new CRuntimeError(e.site, e.message);
  }
}

function binary(e: Extract<Expr, { op: 'binary' }>, l: Value, r: Value): Value {
  const o = e.o;
  const t = e.opType;
  try {
    if (t.kind === 'int') {
      if (l.k === 'int' && r.k === 'int') {
        const a = convert(l, t) as { n: number };
        const b = o === '<<' || o === '>>' ? r : (convert(r, t) as { n: number });
        return { k: 'int', n: intBinary(o, a.n, (b as { n: number }).n, t) };
      }
      return pointerAsInteger(e, l, r);
    }
    // Pointer arithmetic and comparison.
    if (o === '+' || o === '-') {
      if (r.k === 'ptr' && o === '-') return { k: 'int', n: pointerDiff(l, r, e.site) };
      if (r.k !== 'int') throw new CRuntimeError(e.site, 'pointer arithmetic with a non-integer');
      if (l.k === 'int') {
        if (l.n === 0 && r.n === 0) return l;
        throw new CRuntimeError(e.site, l.n === 0 ? 'arithmetic on a null pointer' : 'arithmetic on an integer address');
      }
      const elem = (e.type as { to?: CType }).to ?? e.type;
      return offset(l, o === '+' ? r.n : -r.n, elem, e.site);
    }
    return { k: 'int', n: comparePointers(o, l, r, e.site) ? 1 : 0 };
  } catch (err) {
    fault(e.site, err);
  }
}

/** An integer operation where one side is a pointer held in an integer: only tests make sense. */
function pointerAsInteger(e: Extract<Expr, { op: 'binary' }>, l: Value, r: Value): Value {
  if (e.o === '==' || e.o === '!=' || e.o === '<' || e.o === '>' || e.o === '<=' || e.o === '>=') {
    return { k: 'int', n: comparePointers(e.o, l, r, e.site) ? 1 : 0 };
  }
  if ((e.o === '&' || e.o === '%') && r.k === 'int' && l.k === 'ptr' && r.n > 0 && r.n < 64) {
    // Alignment tests (`(uintptr_t)p & (ALIGN - 1)`): objects in this memory are aligned.
    return { k: 'int', n: 0 };
  }
  throw new CRuntimeError(e.site, `operator ${e.o} on a pointer's address is not supported`);
}

function pointerDiff(l: Value, r: Value, site: SourceSite): number {
  if (l.k === 'ptr' && r.k === 'ptr' && l.target === r.target) return l.index - r.index;
  throw new CRuntimeError(site, 'subtraction of pointers into different objects');
}

function comparePointers(o: string, l: Value, r: Value, site: SourceSite): boolean {
  const nullish = (v: Value) => (v.k === 'int' && v.n === 0) || (v.k === 'ptr' && v.target === null);
  let eq: boolean;
  if (nullish(l) || nullish(r)) eq = nullish(l) && nullish(r);
  else if (l.k === 'fn' || r.k === 'fn') eq = l.k === 'fn' && r.k === 'fn' && l.fn === r.fn;
  else if (l.k === 'int' && r.k === 'int') eq = l.n === r.n;
  else if (l.k === 'ptr' && r.k === 'ptr') {
    if (o !== '==' && o !== '!=') {
      if (l.target !== r.target) throw new CRuntimeError(site, `ordering (${o}) of pointers into different objects`);
      const a = l.index;
      const b = r.index;
      return o === '<' ? a < b : o === '>' ? a > b : o === '<=' ? a <= b : a >= b;
    }
    eq = l.target === r.target && l.index === r.index;
  } else eq = false;
  if (o === '==') return eq;
  if (o === '!=') return !eq;
  throw new CRuntimeError(site, `ordering (${o}) of a pointer and an integer`);
}

function call(e: Extract<Expr, { op: 'call' }>, f: Frame): Value {
  const fv = value(e.fn, f);
  let fn: Callable;
  if (fv.k === 'fn') fn = fv.fn;
  else if (fv.k === 'ptr' && fv.target === null) throw new CRuntimeError(e.site, 'call through a null function pointer');
  else if (fv.k === 'int' && fv.n === 0) throw new CRuntimeError(e.site, 'call through a null function pointer');
  else throw new CRuntimeError(e.site, 'call through a pointer that does not designate a function');
  const ft = e.fnType && e.fnType.kind === 'func' ? e.fnType : undefined;
  const args: Value[] = new Array(e.args.length);
  for (let i = 0; i < e.args.length; i++) {
    let v = value(e.args[i], f);
    const pt = ft?.params?.[i];
    if (pt) v = convert(v, pt);
    else if (v.k === 'int' && isInteger(e.args[i].type) && (e.args[i].type as IntType).size < 4) v = convert(v, { kind: 'int', name: 'int', size: 4, unsigned: false });
    args[i] = v;
  }
  const r = fn.invoke(args);
  if (!ft || ft.ret.kind === 'void') return r ?? ZERO;
  return convert(r ?? ZERO, ft.ret);
}

/** Run an initialiser into a fresh or reused object (automatic storage: zero first). */
export function initialize(cell: Cell, init: Initializer, f: Frame): Cell {
  if (!(cell instanceof ScalarCell)) zeroCell(cell);
  for (const item of init.items) {
    let target = cell;
    try {
      for (const k of item.path) {
        if (typeof k === 'number') {
          if (!(target instanceof ArrayCell)) throw new MemoryFault('index into a non-array');
          const next = target.items[k];
          if (!next) throw new MemoryFault(`initialiser index ${k} is outside an array of ${target.items.length}`);
          target = next;
        } else target = memberCell(target, k);
      }
    } catch (err) {
      fault(item.expr.site, err);
    }
    if (item.chars) {
      if (!(target instanceof ArrayCell)) throw new CRuntimeError(item.expr.site, 'string initialiser for a non-array');
      const n = Math.min(item.chars.length, target.items.length);
      for (let i = 0; i < n; i++) (target.items[i] as ScalarCell).value = { k: 'int', n: item.chars[i] };
      continue;
    }
    const v = value(item.expr, f);
    store({ k: 'ptr', target, index: 0, type: item.type }, v, item.type, item.expr.site);
  }
  return cell;
}

export { NULL_PTR };
