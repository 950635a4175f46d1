/**
 * Initialisers of static storage as a relocatable image sees them: each item is a constant
 * (stored when the image is made) or an address constant — a symbol plus a path inside it —
 * which stays unrelocated until kobj's relocation stages bind it.
 */
import type { CType, Value } from '../machine/memory.ts';
import type { SourceSite } from '../object.ts';
import type { Expr, Initializer } from './ast.ts';
import { isInteger, type IntType } from './ctypes.ts';
import { ArithmeticFault, convert, intBinary, intUnary, truth } from './interp/arith.ts';

/** Where an address constant points: `symbol` (or string literal `string`) then `path`, then `index`. */
export interface AddressConstant {
  symbol?: string;
  string?: { id: number; bytes: number[] };
  path: (string | number)[];
  /** Element index within the array at path (pointer arithmetic); 0 otherwise. */
  index: number;
  /** The path designates an array whose element `index` is meant (not the array itself). */
  element: boolean;
  /** A function designator. */
  fn?: boolean;
}

export type InitOp =
  | { path: (string | number)[]; value: Value }
  | { path: (string | number)[]; chars: number[] }
  | { path: (string | number)[]; address: AddressConstant; ptrType: CType; site: SourceSite };

export interface InitPlan {
  ops: InitOp[];
  /** Items that are not constant expressions (left zero, reported as warnings). */
  problems: { site: SourceSite; message: string }[];
}

class NotStatic extends Error {}

type Folded = { k: 'int'; n: number } | { k: 'addr'; a: AddressConstant };

export function planInitializer(init: Initializer): InitPlan {
  const ops: InitOp[] = [];
  const problems: InitPlan['problems'] = [];
  for (const item of init.items) {
    if (item.chars) {
      ops.push({ path: item.path, chars: item.chars });
      continue;
    }
    try {
      const f = fold(item.expr);
      if (f.k === 'int') ops.push({ path: item.path, value: convert({ k: 'int', n: f.n }, item.type) });
      else {
        const ptrType = item.type.kind === 'ptr' ? item.type.to : item.expr.type.kind === 'ptr' ? item.expr.type.to : item.expr.type;
        ops.push({ path: item.path, address: f.a, ptrType, site: item.expr.site });
      }
    } catch (e) {
      if (!(e instanceof NotStatic) && !(e instanceof ArithmeticFault)) throw e;
      problems.push({ site: item.expr.site, message: `initialiser is not a constant expression: ${e.message}` });
    }
  }
  return { ops, problems };
}

function fold(e: Expr): Folded {
  switch (e.op) {
    case 'const':
      if (e.value.k === 'int') return { k: 'int', n: e.value.n };
      break;
    case 'cast': {
      const v = fold(e.e);
      if (v.k === 'int' && e.type.kind === 'int') return { k: 'int', n: (convert({ k: 'int', n: v.n }, e.type) as { n: number }).n };
      return v;
    }
    case 'unary': {
      const v = fold(e.e);
      if (e.o === '!') return { k: 'int', n: v.k === 'int' ? (v.n === 0 ? 1 : 0) : 0 };
      if (v.k === 'int' && isInteger(e.type)) return { k: 'int', n: intUnary(e.o, v.n, e.type as IntType) };
      break;
    }
    case 'binary': {
      const l = fold(e.l);
      const r = fold(e.r);
      if (l.k === 'int' && r.k === 'int' && e.opType.kind === 'int') {
        const t = e.opType;
        const a = (convert({ k: 'int', n: l.n }, t) as { n: number }).n;
        const b = e.o === '<<' || e.o === '>>' ? r.n : (convert({ k: 'int', n: r.n }, t) as { n: number }).n;
        return { k: 'int', n: intBinary(e.o, a, b, t) };
      }
      if (l.k === 'addr' && r.k === 'int' && (e.o === '+' || e.o === '-') && e.opType.kind === 'ptr') {
        return { k: 'addr', a: { ...l.a, index: l.a.index + (e.o === '+' ? r.n : -r.n), element: true } };
      }
      break;
    }
    case 'logical': {
      const l = fold(e.l);
      if (l.k !== 'int') break;
      const lt = l.n !== 0;
      if (e.o === '&&' ? !lt : lt) return { k: 'int', n: lt ? 1 : 0 };
      const r = fold(e.r);
      if (r.k !== 'int') break;
      return { k: 'int', n: r.n !== 0 ? 1 : 0 };
    }
    case 'cond': {
      const c = fold(e.c);
      if (c.k !== 'int') break;
      return fold(truth({ k: 'int', n: c.n }) ? e.a : e.b);
    }
    case 'comma':
      break;
    case 'global':
      if (e.type.kind === 'func') return { k: 'addr', a: { symbol: e.symbol, path: [], index: 0, element: false, fn: true } };
      if (e.type.kind === 'array') return { k: 'addr', a: { symbol: e.symbol, path: [], index: 0, element: true } };
      throw new NotStatic(`reads the variable ${e.symbol}`);
    case 'str':
      return { k: 'addr', a: { string: { id: e.id, bytes: e.bytes }, path: [], index: 0, element: true } };
    case 'addr':
      return { k: 'addr', a: addressOf(e.lvalue) };
    case 'member':
    case 'index':
      if (e.type.kind === 'array') {
        const a = addressOf(e);
        return { k: 'addr', a: { ...a, element: true } };
      }
      break;
    case 'error':
      throw new NotStatic(e.message);
  }
  throw new NotStatic(describe(e));
}

/** The address an lvalue in a static initialiser designates. */
function addressOf(e: Expr): AddressConstant {
  switch (e.op) {
    case 'global':
      return { symbol: e.symbol, path: [], index: 0, element: false, fn: e.type.kind === 'func' };
    case 'str':
      return { string: { id: e.id, bytes: e.bytes }, path: [], index: 0, element: false };
    case 'index': {
      if (e.base.type.kind !== 'array') break;
      const b = addressOf(e.base);
      const i = fold(e.index);
      if (i.k !== 'int') break;
      return { ...b, path: flatten(b), index: i.n, element: true };
    }
    case 'member': {
      if (e.arrow) {
        const p = fold(e.base);
        if (p.k !== 'addr') break;
        return { ...p.a, path: [...flatten(p.a), ...e.path], index: 0, element: false };
      }
      const b = addressOf(e.base);
      return { ...b, path: [...flatten(b), ...e.path], index: 0, element: false };
    }
    case 'deref': {
      const p = fold(e.ptr);
      if (p.k === 'addr') return p.a;
      break;
    }
    case 'cast':
      return addressOf(e.e);
  }
  throw new NotStatic(`the address of ${describe(e)} is not constant`);
}

/** The path to the designated cell itself (an element index folded into the path). */
function flatten(a: AddressConstant): (string | number)[] {
  return a.element ? [...a.path, a.index] : a.path;
}

function describe(e: Expr): string {
  switch (e.op) {
    case 'call':
      return 'calls a function';
    case 'local':
      return 'reads a local variable';
    case 'assign':
    case 'incdec':
      return 'assigns';
    default:
      return `${e.op} expression`;
  }
}
