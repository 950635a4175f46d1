/**
 * A kernel function as module code sees it: a Callable that logs each call with the running
 * module, consults fault injection, and otherwise runs the TypeScript model.
 */
import { type Callable, type Value, int, NULL_PTR } from '../machine/memory.ts';
import { errno, type ErrnoName } from '../errno.ts';
import type { Kernel } from '../kernel.ts';
import type { KernelFunctionSpec } from './define.ts';
import { Panic } from '../panic.ts';
import { isCrash } from '../crash.ts';

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
    if (this.spec.unmodelled !== undefined) k.unmodelled.record(k.activeModule, this.spec.name, this.spec.unmodelled);
    // Logged before the body runs, so nested calls (vfs_attach calling vfs_init) come after it.
    const at = k.calls.enabled ? k.calls.pending(this.spec.name, args, k.activeModule) : null;
    let result: Value;
    try {
      result = this.spec.call(k, args);
    } catch (err) {
      throw asPanic(this.spec.name, err);
    }
    if (at) at.result = result;
    return result;
  }
}

/**
 * A kernel function that trips over the memory a module handed it — a struct laid out without a
 * member NetBSD's code reads (a module built against other headers), a pointer past its object
 * — fails as the kernel would: a panic in that function, which rolls the operation back.
 */
function asPanic(fn: string, err: unknown): unknown {
  if (err instanceof Panic || isCrash(err) || !(err instanceof Error)) return err;
  if (/has no member|not a struct|null pointer|outside an array|past a single object|used as data/.test(err.message)) {
    return new Panic(`${fn}: ${err.message}`);
  }
  return err;
}

/** The errno a spec's failure list names, as a number (for callers choosing what to inject). */
export function failureValues(names: ErrnoName[]): number[] {
  return names.map((n) => errno(n));
}
