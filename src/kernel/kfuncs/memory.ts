/**
 * malloc(9), kmem(9), pool(9), hashinit(9). Allocations can fail only when the caller allowed
 * it (M_NOWAIT, KM_NOSLEEP, PR_NOWAIT): that is where fault injection makes them return NULL.
 */
import { readCString, readField, type Value, deref, ArrayCell, ScalarCell } from '../machine/memory.ts';
import { constant } from '../abi.ts';
import { Panic } from '../panic.ts';
import { arg, intArg, needStruct, strArg } from './args.ts';
import type { KernelFunctionSpec } from './define.ts';

/** The short name of a malloc type (`struct malloc_type M_DEVBUF[1]`). */
function mallocType(v: Value): string {
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
    call: (k, args) => k.kmem.alloc('malloc', mallocType(arg(args, 1)), intArg(args, 0)),
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
      const p = k.kmem.alloc('malloc', mallocType(arg(args, 2)), intArg(args, 1));
      const old = arg(args, 0);
      if (old.k === 'ptr' && old.target instanceof ArrayCell && p.k === 'ptr' && p.target instanceof ArrayCell) {
        const n = Math.min(old.target.items.length, p.target.items.length);
        for (let i = 0; i < n; i++) (p.target.items[i] as ScalarCell).value = (old.target.items[i] as ScalarCell).value;
        k.kmem.free('malloc', old, 'realloc');
      }
      return p;
    },
  },
  {
    name: 'kmem_alloc',
    returns: 'ptr',
    failures: (args) => (intArg(args, 1) & constant('KM_NOSLEEP') ? ['ENOMEM'] : []),
    call: (k, args) => k.kmem.alloc('kmem', 'kmem', intArg(args, 0)),
  },
  {
    name: 'kmem_zalloc',
    returns: 'ptr',
    failures: (args) => (intArg(args, 1) & constant('KM_NOSLEEP') ? ['ENOMEM'] : []),
    call: (k, args) => k.kmem.alloc('kmem', 'kmem', intArg(args, 0)),
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
    call: (k, args) => k.kmem.poolGet(needStruct(args, 0, 'pool', 'pool_get')),
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
    failures: (args) => (intArg(args, 3) ? [] : ['ENOMEM']),
    call(k, args) {
      const elements = intArg(args, 0);
      if (elements <= 0) throw new Panic(`hashinit: bad count ${elements}`);
      let size = 1;
      while (size < elements) size <<= 1;
      const mask = deref(arg(args, 4));
      if (mask instanceof ScalarCell) mask.value = { k: 'int', n: size - 1 };
      // LIST_HEAD or TAILQ_HEAD per bucket: two pointers' worth.
      return k.kmem.alloc('malloc', mallocType(arg(args, 2)), size * 16);
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
