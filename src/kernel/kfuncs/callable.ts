/**
 * A kernel function as module code sees it: a Callable that logs each call with the running
 * module, consults fault injection, and otherwise runs the TypeScript model.
 */
import { type Callable, type Value, int, NULL_PTR } from '../machine/memory.ts';
import { errno, type ErrnoName } from '../errno.ts';
import type { Kernel } from '../kernel.ts';
import type { KernelFunctionSpec } from './define.ts';

export class KernelFunction implements Callable {
  readonly provider = 'kernel';

  constructor(
    private readonly k: Kernel,
    readonly spec: KernelFunctionSpec,
  ) {}

  get name(): string {
    return this.spec.name;
  }

  /** The errnos this call, with these arguments, may fail with in NetBSD. */
  failures(args: readonly Value[]): ErrnoName[] {
    if (this.spec.returns === 'value') return [];
    return this.spec.failures?.(args, this.k) ?? [];
  }

  invoke(args: Value[]): Value {
    const k = this.k;
    if (k.faults.active && this.spec.returns !== 'value') {
      const e = k.faults.check(this.spec.name);
      if (e !== undefined) {
        const result = this.spec.returns === 'ptr' ? NULL_PTR : int(e);
        k.calls.append({ name: this.spec.name, args, result, caller: k.activeModule, injected: true });
        return result;
      }
    }
    // Logged before the body runs, so nested calls (vfs_attach calling vfs_init) come after it.
    const at = k.calls.enabled ? k.calls.pending(this.spec.name, args, k.activeModule) : null;
    const result = this.spec.call(k, args);
    if (at) at.result = result;
    return result;
  }
}

/** The errno a spec's failure list names, as a number (for callers choosing what to inject). */
export function failureValues(names: ErrnoName[]): number[] {
  return names.map((n) => errno(n));
}
