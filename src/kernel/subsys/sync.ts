/**
 * Synchronisation objects and callouts: mutex(9), condvar(9), callout(9). The simulated kernel
 * runs one LWP, so nothing ever contends; what it keeps is the state LOCKDEBUG would check —
 * which objects are initialised, which mutex is held, which callouts are pending — and it
 * panics where NetBSD's assertions would (locking against myself, releasing a mutex not held,
 * destroying a pending callout).
 */
import type { Callable, Cell, Value } from '../machine/memory.ts';
import { Panic } from '../panic.ts';
import type { Kernel } from '../kernel.ts';

export type SyncKind = 'mutex' | 'condvar' | 'callout';

export interface SyncObject {
  kind: SyncKind;
  owner: string | null;
  /** mutex: held; callout: pending. */
  busy: boolean;
  /** callout: the function and argument it will run. */
  func?: Callable | null;
  arg?: Value;
}

export class SyncObjects {
  private readonly objects = new Map<Cell, SyncObject>();

  constructor(private readonly k: Kernel) {}

  list(): SyncObject[] {
    return [...this.objects.values()];
  }

  init(kind: SyncKind, cell: Cell, fn: string): SyncObject {
    const prior = this.objects.get(cell);
    if (prior && prior.kind === 'mutex' && prior.busy) throw new Panic(`${fn}: re-initialising a held mutex`);
    if (prior && prior.kind === 'callout' && prior.busy) throw new Panic(`${fn}: re-initialising a pending callout`);
    const obj: SyncObject = { kind, owner: this.k.activeModule, busy: false };
    this.objects.set(cell, obj);
    this.k.journal.record(() => (prior ? this.objects.set(cell, prior) : this.objects.delete(cell)));
    return obj;
  }

  destroy(kind: SyncKind, cell: Cell, fn: string): void {
    const obj = this.need(kind, cell, fn);
    if (obj.busy) throw new Panic(`${fn}: ${kind === 'mutex' ? 'mutex is held' : 'callout is pending'}`);
    this.objects.delete(cell);
    this.k.journal.record(() => this.objects.set(cell, obj));
  }

  get(kind: SyncKind, cell: Cell, fn: string): SyncObject {
    return this.need(kind, cell, fn);
  }

  /** Mark held/pending (mutex_enter, callout_reset …), undone on rollback. */
  setBusy(obj: SyncObject, busy: boolean, func?: Callable | null, arg?: Value): void {
    const prev = { busy: obj.busy, func: obj.func, arg: obj.arg };
    obj.busy = busy;
    if (func !== undefined) obj.func = func;
    if (arg !== undefined) obj.arg = arg;
    this.k.journal.record(() => Object.assign(obj, prev));
  }

  private need(kind: SyncKind, cell: Cell, fn: string): SyncObject {
    const obj = this.objects.get(cell);
    if (!obj || obj.kind !== kind) throw new Panic(`${fn}: ${kind} not initialised`);
    return obj;
  }
}
