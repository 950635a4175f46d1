/**
 * Kernel memory: malloc(9), kmem(9) and pool(9) allocations, each remembered with its size, its
 * type and the module that asked for it, so a module that leaks shows in the kernel's state and
 * a free of something never allocated is the panic NetBSD's allocators would raise.
 *
 * The kernel has a size (64 MB unless booted with another): an allocation past it returns NULL
 * when the caller said it may not sleep, and otherwise would sleep until memory is freed — which,
 * in a kernel where nothing else runs, is forever, and fails the operation saying so.
 * An allocation is a block of bytes (machine/block.ts) that costs the host what is used of it.
 */
import { type Cell, type Value, NULL_PTR, pointerTo, type StructCell } from '../machine/memory.ts';
import { BlockCell } from '../machine/block.ts';
import { Panic, SleepForever } from '../panic.ts';
import type { Kernel } from '../kernel.ts';
import type { ModuleObject } from '../object.ts';

/** What a kernel has unless told otherwise: more than any module of the era asks for. */
export const DEFAULT_KERNEL_MEMORY = 64 * 1024 * 1024;

/** `n` zeroed bytes, typed by their first use. */
export function bytes(n: number): BlockCell {
  return new BlockCell(n);
}

export type Allocator = 'malloc' | 'kmem' | 'pool';

export interface Allocation {
  allocator: Allocator;
  /** malloc type (M_DEVBUF …), pool name, or `kmem`. */
  kind: string;
  size: number;
  owner: string | null;
}

export interface PoolInfo {
  name: string;
  size: number;
  owner: string | null;
  out: number;
}

/** Whether the caller may sleep for memory, and the call that asked (for the message). */
export interface AllocRequest {
  wait: boolean;
  /** `malloc(…, M_WAITOK)`: the function and the flag, as a message names them. */
  fn: string;
  flag: string;
}

export class KernelMemory {
  private readonly live = new Map<Cell, Allocation>();
  private readonly pools = new Map<StructCell, PoolInfo>();
  /** Bytes allocated now. */
  private used = 0;

  constructor(
    private readonly k: Kernel,
    /** The kernel's memory in bytes. */
    readonly size: number = DEFAULT_KERNEL_MEMORY,
  ) {}

  get inUse(): number {
    return this.used;
  }

  allocations(): Allocation[] {
    return [...this.live.values()];
  }

  poolList(): PoolInfo[] {
    return [...this.pools.values()];
  }

  alloc(allocator: Allocator, kind: string, size: number, req: AllocRequest = { wait: true, fn: allocator, flag: 'waiting' }): Value {
    if (!Number.isFinite(size) || size < 0) throw new Panic(`${req.fn}: size ${size} out of range`);
    if (this.used + size > this.size) {
      if (!req.wait) return NULL_PTR;
      throw new SleepForever(
        `${this.where(req.fn)}${req.fn}(${size} bytes, ${req.flag}) would sleep forever: out of kernel memory ` +
          `(${mb(this.used)} of ${mb(this.size)} in use; --kernel-memory sets the size)`,
      );
    }
    const mem = bytes(size);
    const a: Allocation = { allocator, kind, size, owner: this.k.activeModule };
    this.live.set(mem, a);
    this.used += size;
    this.k.journal.record(() => {
      this.live.delete(mem);
      this.used -= size;
    });
    return pointerTo(mem, 0);
  }

  /**
   * `file:line: ` of the running module's call to `fn`, when the module calls it from one place;
   * the places, when from several (the interpreter does not say which call is running).
   */
  private where(fn: string): string {
    const who = this.k.activeModule;
    if (who === null) return '';
    const object: ModuleObject | undefined =
      this.k.modules.objectOf(who) ?? this.k.lkm.list.find((l) => l.name === who || l.provider === who)?.kobj.object;
    const sites = [...new Set((object?.relocations ?? []).filter((r) => r.symbol === fn).map((r) => `${r.site.file}:${r.site.line}`))];
    if (sites.length === 0) return '';
    if (sites.length === 1) return `${sites[0]}: `;
    return `one of ${sites.join(', ')}: `;
  }

  /** free/kmem_free/pool_put: the pointer must be the start of a live allocation of that allocator. */
  free(allocator: Allocator, p: Value, fn: string, size?: number): void {
    if (p.k !== 'ptr' || p.target === null) {
      if (allocator === 'malloc') return; // free(NULL) is allowed
      throw new Panic(`${fn}: NULL pointer`);
    }
    const a = this.live.get(p.target);
    if (!a || p.index !== 0) throw new Panic(`${fn}: ${a ? 'pointer into the middle of' : 'not'} an allocated block (double free?)`);
    if (a.allocator !== allocator) throw new Panic(`${fn}: block was allocated by ${a.allocator}`);
    if (size !== undefined && allocator === 'kmem' && size !== a.size) {
      throw new Panic(`kmem_free: size ${size} does not match the allocation of ${a.size} bytes`);
    }
    const target = p.target;
    this.live.delete(target);
    this.used -= a.size;
    this.k.journal.record(() => {
      this.live.set(target, a);
      this.used += a.size;
    });
  }

  poolInit(pp: StructCell, name: string, size: number): void {
    if (this.pools.has(pp)) throw new Panic(`pool_init: pool ${name} is already initialised`);
    const info: PoolInfo = { name, size, owner: this.k.activeModule, out: 0 };
    this.pools.set(pp, info);
    this.k.journal.record(() => this.pools.delete(pp));
  }

  poolDestroy(pp: StructCell): void {
    const info = this.pools.get(pp);
    if (!info) throw new Panic('pool_destroy: not an initialised pool');
    if (info.out > 0) throw new Panic(`pool_destroy: pool ${info.name} busy: ${info.out} item(s) still allocated`);
    this.pools.delete(pp);
    this.k.journal.record(() => this.pools.set(pp, info));
  }

  poolGet(pp: StructCell, wait: boolean): Value {
    const info = this.pools.get(pp);
    if (!info) throw new Panic('pool_get: not an initialised pool');
    const p = this.alloc('pool', info.name, info.size, { wait, fn: 'pool_get', flag: wait ? 'PR_WAITOK' : 'PR_NOWAIT' });
    if (p.k === 'ptr' && p.target !== null) this.adjust(info, 1);
    return p;
  }

  poolPut(pp: StructCell, p: Value): void {
    const info = this.pools.get(pp);
    if (!info) throw new Panic('pool_put: not an initialised pool');
    this.free('pool', p, 'pool_put');
    this.adjust(info, -1);
  }

  private adjust(info: PoolInfo, d: number): void {
    info.out += d;
    this.k.journal.record(() => (info.out -= d));
  }
}


function mb(n: number): string {
  const m = n / (1024 * 1024);
  return `${Number.isInteger(m) ? m : m.toFixed(1)} MB`;
}
