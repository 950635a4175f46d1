/**
 * Kernel memory: malloc(9), kmem(9) and pool(9) allocations, each remembered with its size, its
 * type and the module that asked for it, so a module that leaks shows in the kernel's state and
 * a free of something never allocated is the panic NetBSD's allocators would raise.
 *
 * Memory is cells: an allocation of `size` bytes is a zeroed array of `size` unsigned chars,
 * which the module's code then uses through the pointer type it casts to.
 */
import { ArrayCell, type Cell, type CType, type Value, int, pointerTo, ScalarCell, type StructCell } from '../machine/memory.ts';
import { Panic } from '../panic.ts';
import type { Kernel } from '../kernel.ts';

const UCHAR: CType = { kind: 'int', name: 'unsigned char', size: 1, unsigned: true };

/**
 * `n` zeroed bytes. A module asks for kilobytes and touches a few words of them at load, so the
 * byte cells come into being on first access rather than all at once.
 */
export function bytes(n: number): ArrayCell {
  const store: (Cell | undefined)[] = new Array(n);
  const items = new Proxy(store, {
    get(target, prop, receiver) {
      if (typeof prop === 'string') {
        const i = prop.length < 16 ? Number(prop) : NaN;
        if (Number.isInteger(i) && i >= 0 && i < n) return (target[i] ??= new ScalarCell(UCHAR, ZERO_BYTE));
      }
      return Reflect.get(target, prop, receiver);
    },
  }) as Cell[];
  return new ArrayCell({ kind: 'array', of: UCHAR, length: n }, items);
}

const ZERO_BYTE = int(0);

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

export class KernelMemory {
  private readonly live = new Map<Cell, Allocation>();
  private readonly pools = new Map<StructCell, PoolInfo>();

  constructor(private readonly k: Kernel) {}

  allocations(): Allocation[] {
    return [...this.live.values()];
  }

  poolList(): PoolInfo[] {
    return [...this.pools.values()];
  }

  alloc(allocator: Allocator, kind: string, size: number): Value {
    if (!Number.isFinite(size) || size < 0 || size > 64 * 1024 * 1024) {
      throw new Panic(`${allocator === 'malloc' ? 'malloc' : allocator === 'kmem' ? 'kmem_alloc' : 'pool_get'}: size ${size} out of range`);
    }
    const mem = bytes(Math.max(1, size));
    const a: Allocation = { allocator, kind, size, owner: this.k.activeModule };
    this.live.set(mem, a);
    this.k.journal.record(() => this.live.delete(mem));
    return pointerTo(mem, 0);
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
    this.k.journal.record(() => this.live.set(target, a));
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

  poolGet(pp: StructCell): Value {
    const info = this.pools.get(pp);
    if (!info) throw new Panic('pool_get: not an initialised pool');
    this.adjust(info, 1);
    return this.alloc('pool', info.name, info.size);
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

