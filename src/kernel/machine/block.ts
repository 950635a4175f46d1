/**
 * Allocator memory: a block of bytes that C code gives a type by the pointer it uses.
 *
 * A block costs the host what the module made of it, not what it asked for. Until the first
 * access through a pointer wider than a byte it is bytes: a Uint8Array, made on the first
 * non-zero store, read and written through transient byte cells (`ByteCell`). Afterwards it is an
 * array of that type whose element cells come into being when code reaches them; an element
 * nobody touched is zero (or the bytes stored before it had a type, read as the integer they
 * encode). So a megabyte hash table whose module initialises a few buckets costs a few cells,
 * and a leak repeated a hundred times costs the bookkeeping of a hundred blocks.
 */
import { ArrayCell, type Cell, type CType, type Value, allocate, int, ScalarCell, ZERO } from './memory.ts';

const UCHAR: CType = { kind: 'int', name: 'unsigned char', size: 1, unsigned: true };
const BYTE_VALUES: readonly Value[] = Array.from({ length: 256 }, (_, n) => Object.freeze(int(n)));

export class BlockCell extends ArrayCell {
  /** The block's contents as bytes; null while every byte is zero. */
  private bytes: Uint8Array | null = null;
  /** What a byte holds when a store put something else than a number there (a pointer). */
  private odd: Map<number, Value> | null = null;
  /** Element cells made so far, once the block has a type. */
  private readonly made = new Map<number, Cell>();
  private elem: CType = UCHAR;
  private elemSize = 1;
  private count: number;

  constructor(
    readonly size: number,
    /**
     * A stand-in for a kernel variable the model does not have: its type is the one the module
     * first reads or writes it as (machine/cells.ts), zero-filled.
     */
    readonly standIn = false,
  ) {
    const n = Math.max(1, size);
    const self: { block?: BlockCell } = {};
    super({ kind: 'array', of: UCHAR, length: n }, lazyItems(self));
    self.block = this;
    this.count = n;
  }

  /** Still untyped: bytes, typed by the first wider access (adopt). */
  get untyped(): boolean {
    return this.elemSize === 1 && this.elem === UCHAR;
  }

  override get length(): number {
    return this.count;
  }

  override at(i: number): Cell | undefined {
    if (!(i >= 0 && i < this.count)) return undefined;
    if (this.untyped) return new ByteCell(this, i);
    let c = this.made.get(i);
    if (!c) {
      c = allocate(this.elem);
      if (this.bytes && c instanceof ScalarCell && this.elem.kind === 'int') c.value = int(this.decode(i * this.elemSize, this.elem));
      this.made.set(i, c);
    }
    return c;
  }

  private members: Map<string, BlockCell> | null = null;

  /**
   * Member `name` of a stand-in reached before the module used it with its type (a static
   * `&uvmexp.pagesize`): a stand-in of its own, zero-filled, typed by its first use.
   */
  memberStandIn(name: string): BlockCell {
    let m = (this.members ??= new Map()).get(name);
    if (!m) this.members.set(name, (m = new BlockCell(64, true)));
    return m;
  }

  /**
   * What a stand-in holds once the module has given it a type, when the kernel the module was
   * written for always set it up (curproc: modload's process). Called once, at the first adopt.
   */
  populate: ((block: BlockCell) => void) | null = null;

  /** Give the block its type: as many elements of `elem` (of `size` bytes) as fit. */
  adopt(elem: CType, size: number): void {
    this.elem = elem;
    this.elemSize = size;
    this.count = Math.max(1, Math.floor(Math.max(1, this.size) / size));
    (this as { type: CType }).type = { kind: 'array', of: elem, length: this.count };
    if (this.odd) this.odd = null;
    const fill = this.populate;
    this.populate = null;
    fill?.(this);
  }

  /** Size of one element in bytes (1 while untyped). */
  get elementSize(): number {
    return this.elemSize;
  }

  /** Elements made so far (the host memory the block costs beyond its bytes). */
  madeCells(): IterableIterator<Cell> {
    return this.made.values();
  }

  /** Host cost in bytes, roughly: the byte store and the cells made. */
  get hostUnits(): number {
    return (this.bytes ? this.bytes.length / 8 : 0) + this.made.size;
  }

  /** Zero elements [from, to) (memset/bzero of a range); cells keep their identity. */
  clear(from = 0, to = this.count): void {
    if (this.untyped) {
      this.bytes?.fill(0, from, to);
      if (this.odd) for (const k of [...this.odd.keys()]) if (k >= from && k < to) this.odd.delete(k);
      return;
    }
    this.bytes?.fill(0, from * this.elemSize, to * this.elemSize);
    for (const [i, c] of this.made) if (i >= from && i < to) zeroScalars(c);
  }

  /** Byte `i` while untyped. */
  readByte(i: number): Value {
    const o = this.odd?.get(i);
    if (o) return o;
    return BYTE_VALUES[this.bytes ? this.bytes[i]! : 0]!;
  }

  writeByte(i: number, v: Value): void {
    if (v.k === 'int') {
      if (this.odd) this.odd.delete(i);
      const b = v.n & 0xff;
      if (b === 0 && !this.bytes) return;
      (this.bytes ??= new Uint8Array(this.count))[i] = b;
      return;
    }
    (this.odd ??= new Map()).set(i, v);
  }

  /** Fill bytes [from, from + n) with `b` (memset on an untyped block). */
  fillBytes(from: number, n: number, b: number): void {
    if (b === 0 && !this.bytes) return;
    (this.bytes ??= new Uint8Array(this.count)).fill(b & 0xff, from, from + n);
    if (this.odd) for (const k of [...this.odd.keys()]) if (k >= from && k < from + n) this.odd.delete(k);
  }

  /** realloc: this block takes `src`'s contents (and type), as far as they fit. */
  copyFrom(src: BlockCell): void {
    if (src.bytes) {
      this.bytes ??= new Uint8Array(this.count);
      this.bytes.set(src.bytes.subarray(0, Math.min(src.bytes.length, this.bytes.length)));
    }
    if (src.odd) this.odd = new Map([...src.odd].filter(([i]) => i < this.count));
    if (src.untyped) return;
    this.adopt(src.elem, src.elemSize);
    for (const [i, c] of src.made) if (i < this.count) copyCell(this.at(i)!, c);
  }

  /** A little-endian integer of the element's size from the bytes (what C would read). */
  private decode(off: number, t: Extract<CType, { kind: 'int' }>): number {
    const b = this.bytes!;
    let n = 0;
    for (let k = Math.min(t.size, 6) - 1; k >= 0; k--) n = n * 256 + (b[off + k] ?? 0);
    if (!t.unsigned && t.size <= 4 && n >= 2 ** (t.size * 8 - 1)) n -= 2 ** (t.size * 8);
    return n;
  }
}

/** A byte of an untyped block, made for one access; the block holds the value. */
export class ByteCell extends ScalarCell {
  private readonly block: BlockCell;
  private readonly index: number;
  constructor(block: BlockCell, index: number) {
    super(UCHAR, ZERO);
    this.block = block;
    this.index = index;
  }
  // ScalarCell declares `value` without defining it, so this accessor is what instances use.
  // @ts-expect-error TS2611: TypeScript cannot see that the base property is never defined
  override get value(): Value {
    return this.block.readByte(this.index);
  }
  override set value(v: Value) {
    // The base constructor's assignment comes before the block is known: a new byte reads as
    // what the block holds.
    if (this.block) this.block.writeByte(this.index, v);
  }
}

function copyCell(dst: Cell, src: Cell): void {
  if (dst instanceof ScalarCell && src instanceof ScalarCell) dst.value = src.value;
  else if (dst instanceof ArrayCell && src instanceof ArrayCell) for (let i = 0; i < Math.min(dst.length, src.length); i++) copyCell(dst.at(i)!, src.at(i)!);
  else {
    const d = (dst as { fields?: Map<string, Cell> }).fields;
    const s = (src as { fields?: Map<string, Cell> }).fields;
    if (d && s) for (const [name, c] of d) if (s.has(name)) copyCell(c, s.get(name)!);
  }
}

function zeroScalars(c: Cell): void {
  if (c instanceof ScalarCell) c.value = c.type.kind === 'ptr' ? { k: 'ptr', target: null, index: 0, type: c.type.to } : ZERO;
  else if (c instanceof ArrayCell) for (let i = 0; i < c.length; i++) zeroScalars(c.at(i)!);
  else for (const f of (c as { fields?: Map<string, Cell> }).fields?.values() ?? []) zeroScalars(f);
}

/**
 * `items` for code that indexes a block as an array: each element made as it is read. Walking
 * all of them makes them all, so the kernel's own code uses at() and the block's methods.
 */
function lazyItems(self: { block?: BlockCell }): Cell[] {
  return new Proxy([] as Cell[], {
    get(target, prop, receiver) {
      const b = self.block!;
      if (prop === 'length') return b.length;
      if (typeof prop === 'string' && prop.length < 16) {
        const i = Number(prop);
        if (Number.isInteger(i)) return b.at(i);
      }
      return Reflect.get(target, prop, receiver);
    },
    has(target, prop) {
      if (typeof prop === 'string') {
        const i = Number(prop);
        if (Number.isInteger(i)) return i >= 0 && i < self.block!.length;
      }
      return Reflect.has(target, prop);
    },
  });
}
