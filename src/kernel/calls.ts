/**
 * The call log: every kernel function a module calls, in order, with its arguments, its result
 * and the module that was running. Validation counts and compares these; the CLI prints them.
 * Arguments are kept as values and rendered only when someone reads them, so logging stays cheap
 * on the load/unload path.
 */
import { type Value, ZERO } from './machine/memory.ts';

export interface CallRecord {
  /** Position in the log since boot (survives clear()). */
  seq: number;
  name: string;
  args: readonly Value[];
  /** ZERO until the call returns (a call that crashed keeps it). */
  result: Value;
  /** The module whose code was running (its modcmd, LKM entry or a callback), null for the kernel's own. */
  caller: string | null;
  /** The result was forced by fault injection; the function itself did not run. */
  injected: boolean;
}

export class CallLog {
  private records: CallRecord[] = [];
  private next = 0;
  enabled = true;

  append(r: Omit<CallRecord, 'seq'>): void {
    const seq = this.next++;
    if (this.enabled) this.records.push({ seq, ...r });
  }

  /** Log a call that is starting; the caller fills in `result` when it returns. */
  pending(name: string, args: readonly Value[], caller: string | null): CallRecord {
    const r: CallRecord = { seq: this.next++, name, args, result: ZERO, caller, injected: false };
    this.records.push(r);
    return r;
  }

  /** Records since `mark` (a value of `mark()`), or all. */
  since(mark = 0): CallRecord[] {
    return this.records.filter((r) => r.seq >= mark);
  }

  all(): readonly CallRecord[] {
    return this.records;
  }

  /** A position to read from later. */
  mark(): number {
    return this.next;
  }

  /** Number of calls to `name` since `mark`. */
  count(name: string, mark = 0): number {
    let n = 0;
    for (const r of this.records) if (r.seq >= mark && r.name === name) n++;
    return n;
  }

  clear(): void {
    this.records = [];
  }
}
