/**
 * malloc(9), kmem(9), pool(9), hashinit(9). Allocations can fail only when the caller allowed
 * it (M_NOWAIT, KM_NOSLEEP, PR_NOWAIT): that is where fault injection makes them return NULL.
 */
import { readCString, readField, type Value, deref, ArrayCell, ScalarCell } from '../machine/memory.ts';
import { BlockCell } from '../machine/block.ts';
import type { AllocRequest } from '../subsys/kmem.ts';
import { constant } from '../abi.ts';
import { Panic } from '../panic.ts';
import { arg, intArg, needStruct, strArg } from './args.ts';
import type { KernelFunctionSpec } from './define.ts';

/** malloc(9)'s flags: M_NOWAIT may not sleep. */
function mallocFlags(flags: number, fn = 'malloc'): AllocRequest {
  const wait = !(flags & constant('M_NOWAIT'));
  return { wait, fn, flag: wait ? 'M_WAITOK' : 'M_NOWAIT' };
}

/** kmem(9)'s flags: KM_NOSLEEP may not sleep. */
function kmFlags(flags: number, fn: string): AllocRequest {
  const wait = !(flags & constant('KM_NOSLEEP'));
  return { wait, fn, flag: wait ? 'KM_SLEEP' : 'KM_NOSLEEP' };
}

/**
 * The short name of a malloc type: `struct malloc_type M_DEVBUF[1]` since NetBSD 4, a number
 * (`#define M_TEMP 74`) before.
 */
function mallocType(v: Value): string {
  if (v.k === 'int') return `type ${v.n}`;
  const c = deref(v);
  const mt = c instanceof ArrayCell ? c.items[0] : c;
  if (!mt || mt instanceof ScalarCell) return '?';
  try {
    return readCString(readField(mt, 'ks_shortdesc')) ?? '?';
  } catch {
    return '?';
  }
}

export const memoryFunctions: KernelFunctionSpec[] = [
  {
    name: 'malloc',
    returns: 'ptr',
    failures: (args) => (intArg(args, 2) & constant('M_NOWAIT') ? ['ENOMEM'] : []),
    // Allocations always come zeroed, so M_ZERO needs no work of its own.
    call: (k, args) => k.kmem.alloc('malloc', mallocType(arg(args, 1)), intArg(args, 0), mallocFlags(intArg(args, 2))),
  },
  {
    name: 'free',
    returns: 'value',
    call(k, args) {
      k.kmem.free('malloc', arg(args, 0), 'free');
      return arg(args, 0);
    },
  },
  {
    name: 'realloc',
    returns: 'ptr',
    failures: (args) => (intArg(args, 3) & constant('M_NOWAIT') ? ['ENOMEM'] : []),
    call(k, args) {
      const p = k.kmem.alloc('malloc', mallocType(arg(args, 2)), intArg(args, 1), mallocFlags(intArg(args, 3), 'realloc'));
      const old = arg(args, 0);
      if (old.k === 'ptr' && old.target instanceof BlockCell && p.k === 'ptr' && p.target instanceof BlockCell) {
        p.target.copyFrom(old.target);
        k.kmem.free('malloc', old, 'realloc');
      } else if (old.k === 'ptr' && old.target instanceof ArrayCell && p.k === 'ptr' && p.target instanceof ArrayCell) {
        const n = Math.min(old.target.length, p.target.length);
        for (let i = 0; i < n; i++) (p.target.at(i) as ScalarCell).value = (old.target.at(i) as ScalarCell).value;
        k.kmem.free('malloc', old, 'realloc');
      }
      return p;
    },
  },
  {
    name: 'kmem_alloc',
    returns: 'ptr',
    failures: (args) => (intArg(args, 1) & constant('KM_NOSLEEP') ? ['ENOMEM'] : []),
    call: (k, args) => k.kmem.alloc('kmem', 'kmem', intArg(args, 0), kmFlags(intArg(args, 1), 'kmem_alloc')),
  },
  {
    name: 'kmem_zalloc',
    returns: 'ptr',
    failures: (args) => (intArg(args, 1) & constant('KM_NOSLEEP') ? ['ENOMEM'] : []),
    call: (k, args) => k.kmem.alloc('kmem', 'kmem', intArg(args, 0), kmFlags(intArg(args, 1), 'kmem_zalloc')),
  },
  {
    name: 'kmem_free',
    returns: 'value',
    call(k, args) {
      k.kmem.free('kmem', arg(args, 0), 'kmem_free', intArg(args, 1));
      return arg(args, 0);
    },
  },
  {
    name: 'pool_init',
    returns: 'value',
    call(k, args) {
      const pp = needStruct(args, 0, 'pool', 'pool_init');
      k.kmem.poolInit(pp, strArg(args, 5) ?? 'pool', intArg(args, 1));
      return arg(args, 0);
    },
  },
  {
    name: 'pool_destroy',
    returns: 'value',
    call(k, args) {
      k.kmem.poolDestroy(needStruct(args, 0, 'pool', 'pool_destroy'));
      return arg(args, 0);
    },
  },
  {
    name: 'pool_get',
    returns: 'ptr',
    failures: (args) => (intArg(args, 1) & constant('PR_WAITOK') ? [] : ['ENOMEM']),
    call: (k, args) => k.kmem.poolGet(needStruct(args, 0, 'pool', 'pool_get'), !!(intArg(args, 1) & constant('PR_WAITOK'))),
  },
  {
    name: 'pool_put',
    returns: 'value',
    call(k, args) {
      k.kmem.poolPut(needStruct(args, 0, 'pool', 'pool_put'), arg(args, 1));
      return arg(args, 0);
    },
  },
  {
    name: 'hashinit',
    returns: 'ptr',
    failures: (args) => (hashinitCall(args).req.wait ? [] : ['ENOMEM']),
    call(k, args) {
      const h = hashinitCall(args);
      if (h.elements <= 0) throw new Panic(`hashinit: bad count ${h.elements}`);
      const mask = deref(h.mask);
      if (mask instanceof ScalarCell) mask.value = { k: 'int', n: h.buckets - 1 };
      // LIST_HEAD or TAILQ_HEAD per bucket: two pointers' worth.
      const p = k.kmem.alloc('malloc', h.type, h.buckets * 16, h.req);
      if (p.k === 'ptr' && p.target === null && mask instanceof ScalarCell) mask.value = { k: 'int', n: 0 };
      return p;
    },
  },
  {
    name: 'hashdone',
    returns: 'value',
    call(k, args) {
      k.kmem.free('malloc', arg(args, 0), 'hashdone');
      return arg(args, 0);
    },
  },
];

/**
 * hashinit's arguments in the generation the module was built for. NetBSD 1.x–3.x:
 * `(elements, malloc type number, M_WAITOK|M_NOWAIT, &mask)`, the largest power of two not above
 * `elements` buckets; NetBSD 4: `(elements, htype, malloc type, mflags, &mask)`; NetBSD 5:
 * `(elements, htype, bool waitok, &mask)`. Four arguments with a second one above HASH_TAILQ are
 * the old form (a malloc type number); the others round `elements` up to a power of two.
 */
function hashinitCall(args: readonly Value[]): { elements: number; buckets: number; type: string; req: AllocRequest; mask: Value } {
  const elements = intArg(args, 0);
  if (args.length >= 5) {
    return { elements, buckets: roundUp(elements), type: mallocType(arg(args, 2)), req: mallocFlags(intArg(args, 3), 'hashinit'), mask: arg(args, 4) };
  }
  const second = arg(args, 1);
  if (second.k === 'int' && second.n > 2) {
    let buckets = 1;
    while (buckets <= elements) buckets <<= 1;
    return { elements, buckets: Math.max(1, buckets >> 1), type: mallocType(second), req: mallocFlags(intArg(args, 2), 'hashinit'), mask: arg(args, 3) };
  }
  const wait = intArg(args, 2) !== 0;
  return { elements, buckets: roundUp(elements), type: 'hashinit', req: { wait, fn: 'hashinit', flag: wait ? 'waitok' : '!waitok' }, mask: arg(args, 3) };
}

function roundUp(elements: number): number {
  let size = 1;
  while (size < elements) size <<= 1;
  return size;
}
