/**
 * libkern: memset, memcpy, the string functions. Memory is cells, so these work on what a
 * pointer designates: a run of chars for a buffer, or a whole object for `memset(&sc, 0,
 * sizeof(sc))`-style calls on structs, where the byte count is the object's own size.
 */
import {
  ArrayCell,
  type Cell,
  type Value,
  deref,
  int,
  load,
  readCString,
  ScalarCell,
  StructCell,
  ZERO,
} from '../machine/memory.ts';
import { BlockCell } from '../machine/block.ts';
import { Panic } from '../panic.ts';
import { errno } from '../errno.ts';
import { arg, intArg } from './args.ts';
import type { KernelFunctionSpec } from './define.ts';

/**
 * Cells a pointer designates as a run of scalars (a char buffer), or null for an object pointer.
 * An untyped allocator block is a run of its bytes, each cell made as it is used.
 */
function charRun(p: Value): ScalarCell[] | null {
  if (p.k !== 'ptr' || !(p.target instanceof ArrayCell)) return null;
  if (p.target instanceof BlockCell) return p.target.untyped ? byteRun(p.target, p.index) : null;
  const items = p.target.items.slice(p.index);
  return items.every((c) => c instanceof ScalarCell) ? (items as ScalarCell[]) : null;
}

/** The bytes of a block from `from` on, as an array of cells made when indexed. */
function byteRun(b: BlockCell, from: number): ScalarCell[] {
  const length = Math.max(0, b.length - from);
  return new Proxy([] as ScalarCell[], {
    get(target, prop, receiver) {
      if (prop === 'length') return length;
      if (typeof prop === 'string' && prop.length < 16) {
        const i = Number(prop);
        if (Number.isInteger(i)) return i >= 0 && i < length ? (b.at(from + i) as ScalarCell) : undefined;
      }
      return Reflect.get(target, prop, receiver);
    },
  });
}

/** memset/bzero of `n` bytes of a block, from element `index`: its elements, not just the first. */
function zeroBlock(b: BlockCell, index: number, n: number): void {
  b.clear(index, index + Math.ceil(n / b.elementSize));
}

function zero(cell: Cell): void {
  if (cell instanceof BlockCell) cell.clear();
  else if (cell instanceof ScalarCell) cell.value = cell.value.k === 'int' ? ZERO : { k: 'ptr', target: null, index: 0, type: { kind: 'void' } };
  else if (cell instanceof StructCell) for (const f of cell.fields.values()) zero(f);
  else if (cell instanceof ArrayCell) for (const i of cell.items) zero(i);
}

function copy(dst: Cell, src: Cell): void {
  if (dst instanceof ScalarCell && src instanceof ScalarCell) dst.value = src.value;
  else if (dst instanceof StructCell && src instanceof StructCell) {
    for (const [name, d] of dst.fields) {
      const s = src.fields.get(name);
      if (s) copy(d, s);
    }
  } else if (dst instanceof ArrayCell && src instanceof ArrayCell) {
    for (let i = 0; i < dst.length && i < src.length; i++) copy(dst.at(i)!, src.at(i)!);
  } else throw new Panic('memcpy: source and destination are objects of different types');
}

function equal(a: Cell, b: Cell): boolean {
  if (a instanceof ScalarCell && b instanceof ScalarCell) {
    const x = a.value;
    const y = b.value;
    if (x.k === 'int' && y.k === 'int') return x.n === y.n;
    if (x.k === 'fn' && y.k === 'fn') return x.fn === y.fn;
    if (x.k === 'ptr' && y.k === 'ptr') return x.target === y.target && x.index === y.index;
    return false;
  }
  if (a instanceof StructCell && b instanceof StructCell) return [...a.fields].every(([n, c]) => b.fields.has(n) && equal(c, b.fields.get(n)!));
  if (a instanceof ArrayCell && b instanceof ArrayCell) {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!equal(a.at(i)!, b.at(i)!)) return false;
    return true;
  }
  return false;
}

/** The object a non-buffer pointer designates (the pointed element of an array). */
function object(p: Value, fn: string): Cell {
  if (p.k !== 'ptr' || p.target === null) throw new Panic(`${fn}: NULL pointer`);
  const c = p.target instanceof ArrayCell ? p.target.at(p.index) : deref(p);
  if (!c) throw new Panic(`${fn}: pointer outside its object`);
  return c;
}

function writeString(dst: ScalarCell[], s: string, size: number): void {
  const n = Math.min(size, dst.length);
  if (n <= 0) return;
  const len = Math.min(s.length, n - 1);
  for (let i = 0; i < len; i++) dst[i]!.value = int(s.charCodeAt(i));
  dst[len]!.value = ZERO;
}

function str(v: Value, fn: string): string {
  const s = readCString(v);
  if (s === null) throw new Panic(`${fn}: NULL string`);
  return s;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export const libkern: KernelFunctionSpec[] = [
  {
    name: 'memset',
    returns: 'value',
    call(_k, args) {
      const p = arg(args, 0);
      const c = intArg(args, 1) & 0xff;
      const n = intArg(args, 2);
      const run = charRun(p);
      if (p.k === 'ptr' && p.target instanceof BlockCell && p.target.untyped) {
        if (p.index + n > p.target.length) throw new Panic(`memset: ${n} bytes past the end of a ${p.target.length - p.index}-byte buffer`);
        p.target.fillBytes(p.index, n, c);
      } else if (run && (run[0]?.type as { size?: number })?.size === 1) {
        if (n > run.length) throw new Panic(`memset: ${n} bytes past the end of a ${run.length}-byte buffer`);
        for (let i = 0; i < n; i++) run[i]!.value = int(c);
      } else if (n > 0) {
        if (c !== 0) throw new Panic('memset: only zero can be stored into a typed object');
        if (p.k === 'ptr' && p.target instanceof BlockCell) zeroBlock(p.target, p.index, n);
        else zero(object(p, 'memset'));
      }
      return p;
    },
  },
  {
    name: 'memcpy',
    returns: 'value',
    call(_k, args) {
      const [d, s, n] = [arg(args, 0), arg(args, 1), intArg(args, 2)];
      copyRun(d, s, n, 'memcpy');
      return d;
    },
  },
  {
    name: 'memmove',
    returns: 'value',
    call(_k, args) {
      const [d, s, n] = [arg(args, 0), arg(args, 1), intArg(args, 2)];
      copyRun(d, s, n, 'memmove');
      return d;
    },
  },
  {
    name: 'memcmp',
    returns: 'value',
    call(_k, args) {
      const [a, b, n] = [arg(args, 0), arg(args, 1), intArg(args, 2)];
      const ra = charRun(a);
      const rb = charRun(b);
      if (ra && rb) {
        for (let i = 0; i < n; i++) {
          const x = (ra[i]?.value as { n?: number })?.n ?? 0;
          const y = (rb[i]?.value as { n?: number })?.n ?? 0;
          if (x !== y) return int((x & 0xff) - (y & 0xff));
        }
        return ZERO;
      }
      return int(equal(object(a, 'memcmp'), object(b, 'memcmp')) ? 0 : 1);
    },
  },
  { name: 'strlen', returns: 'value', call: (_k, args) => int(str(arg(args, 0), 'strlen').length) },
  { name: 'strcmp', returns: 'value', call: (_k, args) => int(cmp(str(arg(args, 0), 'strcmp'), str(arg(args, 1), 'strcmp'))) },
  {
    name: 'strncmp',
    returns: 'value',
    call: (_k, args) => {
      const n = intArg(args, 2);
      return int(cmp(str(arg(args, 0), 'strncmp').slice(0, n), str(arg(args, 1), 'strncmp').slice(0, n)));
    },
  },
  {
    name: 'strlcpy',
    returns: 'value',
    call(_k, args) {
      const src = str(arg(args, 1), 'strlcpy');
      const dst = charRun(arg(args, 0));
      if (!dst) throw new Panic('strlcpy: destination is not a char buffer');
      writeString(dst, src, intArg(args, 2));
      return int(src.length);
    },
  },
  {
    name: 'strlcat',
    returns: 'value',
    call(_k, args) {
      const dst = charRun(arg(args, 0));
      if (!dst) throw new Panic('strlcat: destination is not a char buffer');
      const cur = readCString(arg(args, 0)) ?? '';
      const src = str(arg(args, 1), 'strlcat');
      writeString(dst, cur + src, intArg(args, 2));
      return int(cur.length + src.length);
    },
  },
  {
    name: 'strcpy',
    returns: 'value',
    call(_k, args) {
      const src = str(arg(args, 1), 'strcpy');
      const dst = charRun(arg(args, 0));
      if (!dst || dst.length <= src.length) throw new Panic('strcpy: destination buffer too small');
      writeString(dst, src, src.length + 1);
      return arg(args, 0);
    },
  },
  {
    name: 'strncpy',
    returns: 'value',
    call(_k, args) {
      const src = str(arg(args, 1), 'strncpy');
      const n = intArg(args, 2);
      const dst = charRun(arg(args, 0));
      if (!dst || dst.length < n) throw new Panic('strncpy: destination buffer too small');
      for (let i = 0; i < n; i++) dst[i]!.value = int(i < src.length ? src.charCodeAt(i) : 0);
      return arg(args, 0);
    },
  },
  {
    name: 'copystr',
    returns: 'int',
    failures: () => ['ENAMETOOLONG'],
    call(_k, args) {
      const src = str(arg(args, 0), 'copystr');
      const dst = charRun(arg(args, 1));
      const max = intArg(args, 2);
      if (!dst) throw new Panic('copystr: destination is not a char buffer');
      const done = deref(arg(args, 3));
      if (src.length + 1 > max) return int(errno('ENAMETOOLONG'));
      writeString(dst, src, max);
      if (done instanceof ScalarCell) done.value = int(src.length + 1);
      return ZERO;
    },
  },
];

/** memcpy between buffers (n chars) or objects (the whole object, whatever n says). */
function copyRun(d: Value, s: Value, n: number, fn: string): void {
  const rd = charRun(d);
  const rs = charRun(s);
  if (rd && rs && (rd[0]?.type as { size?: number })?.size === 1) {
    if (n > rd.length || n > rs.length) throw new Panic(`${fn}: ${n} bytes past the end of a buffer`);
    const vals: Value[] = new Array(n);
    for (let i = 0; i < n; i++) vals[i] = load(rs[i]!);
    for (let i = 0; i < n; i++) rd[i]!.value = vals[i]!;
    return;
  }
  if (n <= 0) return;
  copy(object(d, fn), object(s, fn));
}
