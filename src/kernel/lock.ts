/**
 * The kernel lock: module_lock of kern_module.c (later kernconfig_lock). Every load, unload,
 * hold and release runs under it, one at a time, in the order the requests arrived.
 *
 * JavaScript gives us one thread, so the danger is not two CPUs but two callers interleaving at
 * an `await`: `run()` queues callers first come, first served, and a section may await while it
 * holds the lock (validate composes scenarios that way). Kernel code reached synchronously from
 * a module (sys_nomodule, module_autoload) uses `enterSync()`: it takes a free lock, or re-enters
 * one held by the synchronous section it is running inside — the owning LWP, as kernconfig_lock
 * allows — and refuses a lock held by a caller suspended at an await, where NetBSD would sleep.
 */
import { Panic } from './panic.ts';

export class KernelLock {
  private tail: Promise<void> = Promise.resolve();
  private holders = 0;
  /** Nesting depth of synchronous sections running on the current stack. */
  private syncDepth = 0;

  get held(): boolean {
    return this.holders > 0;
  }

  /** Run `fn` holding the lock; requests are served in arrival order. */
  run<T>(fn: () => T | Promise<T>): Promise<T> {
    const turn = this.tail;
    let release!: () => void;
    this.tail = new Promise<void>((resolve) => (release = resolve));
    return turn.then(async () => {
      this.holders++;
      try {
        return await fn();
      } finally {
        this.holders--;
        release();
      }
    });
  }

  /**
   * Run a synchronous section under the lock from code that cannot wait (a syscall stub called by
   * module code). Re-entry from inside a synchronous section is the owner recursing.
   */
  enterSync<T>(what: string, fn: () => T): T {
    if (this.held && this.syncDepth === 0) {
      throw new Panic(`${what}: the kernel lock is held by a caller that is waiting; it would sleep here`);
    }
    this.holders++;
    this.syncDepth++;
    try {
      return fn();
    } finally {
      this.syncDepth--;
      this.holders--;
    }
  }

  /** A synchronous section inside `run()`: lets code it calls re-enter with `enterSync()`. */
  owned<T>(fn: () => T): T {
    this.assertHeld('owned section');
    this.syncDepth++;
    try {
      return fn();
    } finally {
      this.syncDepth--;
    }
  }

  /** KASSERT(mutex_owned(&module_lock)) */
  assertHeld(what: string): void {
    if (!this.held) throw new Panic(`${what}: called without the kernel lock held`);
  }
}
