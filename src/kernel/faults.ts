/**
 * Fault injection: make a kernel function fail as NetBSD allows it to (vfs_attach with EEXIST,
 * kmem_alloc with NULL under KM_NOSLEEP …) so validation can check that a module unwinds. A rule
 * fails either the Nth call from now, or every call, until removed.
 */
export interface FaultRule {
  fn: string;
  /** The errno to return (pointer-returning functions return NULL instead). */
  errno: number;
  /** 1-based: fail the Nth call counted from when the rule was added; omitted: every call. */
  nth?: number;
}

/** A call that could be made to fail: the function, which call to it, and how it may fail. */
export interface FaultPoint {
  fn: string;
  /** 1-based, among the calls to `fn` in the recorded run. */
  nth: number;
  errnos: number[];
  /** The module that made the call. */
  caller: string | null;
}

interface ActiveRule extends FaultRule {
  seen: number;
  spent: boolean;
}

export class Faults {
  private rules: ActiveRule[] = [];
  /** Calls that were failed, in order: the function and the errno. */
  readonly fired: { fn: string; errno: number }[] = [];

  add(rule: FaultRule): void {
    if (rule.nth !== undefined && (!Number.isInteger(rule.nth) || rule.nth < 1)) {
      throw new RangeError(`fault on ${rule.fn}: nth must be a positive integer, not ${rule.nth}`);
    }
    this.rules.push({ ...rule, seen: 0, spent: false });
  }

  /** Fail the Nth call (1-based) to `fn` with `errno`. */
  failNth(fn: string, nth: number, errno: number): void {
    this.add({ fn, nth, errno });
  }

  /** Fail every call to `fn` with `errno`. */
  failAlways(fn: string, errno: number): void {
    this.add({ fn, errno });
  }

  clear(): void {
    this.rules = [];
    this.fired.length = 0;
  }

  get active(): boolean {
    return this.rules.some((r) => !r.spent);
  }

  /** Called on every kernel function call: the errno to fail it with, if a rule says so. */
  check(fn: string): number | undefined {
    let hit: number | undefined;
    for (const r of this.rules) {
      if (r.spent || r.fn !== fn) continue;
      r.seen++;
      if (r.nth === undefined || r.seen === r.nth) {
        if (r.nth !== undefined) r.spent = true;
        hit ??= r.errno;
      }
    }
    if (hit !== undefined) this.fired.push({ fn, errno: hit });
    return hit;
  }
}
