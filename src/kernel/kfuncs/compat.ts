/**
 * compat/common (compat_util.c): what emulations call to build native syscall arguments. The
 * stack gap is scratch space in the process's user stack; here it is fresh memory for each
 * request, outside the kernel's allocators (the process owns it, not the module).
 */
import { pointerTo } from '../machine/memory.ts';
import { bytes } from '../subsys/kmem.ts';
import { intArg } from './args.ts';
import type { KernelFunctionSpec } from './define.ts';

export const compatFunctions: KernelFunctionSpec[] = [
  // void *stackgap_init(const struct proc *, size_t): the gap's start.
  { name: 'stackgap_init', returns: 'value', call: (_k, args) => pointerTo(bytes(Math.max(1, intArg(args, 1) || 4096)), 0) },
  // void *stackgap_alloc(const struct proc *, void **gap, size_t): `size` bytes of it.
  { name: 'stackgap_alloc', returns: 'value', call: (_k, args) => pointerTo(bytes(Math.max(1, intArg(args, 2))), 0) },
];
