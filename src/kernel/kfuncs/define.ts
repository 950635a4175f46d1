/**
 * How a kernel function is written: a name, what NetBSD allows it to fail with, and the body in
 * TypeScript. The kernel wraps each one in a Callable that records the call and applies fault
 * injection, so every body stays the plain model of what the C function does.
 */
import type { Value } from '../machine/memory.ts';
import type { ErrnoName } from '../errno.ts';
import type { Kernel } from '../kernel.ts';

export interface KernelFunctionSpec {
  name: string;
  /**
   * 'int': the result is 0 or an errno; 'ptr': failure is a NULL return (allocators);
   * 'value': an ordinary result (strlen, printf …) that fault injection never touches.
   */
  returns: 'int' | 'ptr' | 'value';
  /**
   * The errnos this call can fail with in NetBSD, given its arguments (malloc can fail only
   * with M_NOWAIT). Fault injection uses them; an empty list means the call cannot fail.
   */
  failures?: (args: readonly Value[], k: Kernel) => ErrnoName[];
  /**
   * Not modelled: the kernel knows the name, not the behaviour, and returns a neutral value.
   * Where the function is declared or defined, for the user (`declared in <sys/systm.h>`).
   */
  unmodelled?: string;
  call(k: Kernel, args: Value[]): Value;
}

/** A function that fails with a fixed set of errnos whatever its arguments. */
export function failsWith(...names: ErrnoName[]): () => ErrnoName[] {
  return () => names;
}

export type KernelFunctionTable = readonly KernelFunctionSpec[];
