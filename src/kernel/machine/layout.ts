/**
 * Sizes and alignment of C types as GCC lays them out on the target (ILP32 or LP64). Memory is
 * cells, not bytes, but sizeof is observable C and allocators hand out byte counts.
 */
import type { CType, Member } from './memory.ts';

/** The target's data model: ILP32 or LP64. */
export interface DataModel {
  lp64: boolean;
}

type StructType = Extract<CType, { kind: 'struct' }>;

const layoutCache = new WeakMap<CType, { lp64: { size: number; align: number }; ilp32: { size: number; align: number } }>();

export function sizeOf(t: CType, dm: DataModel): number {
  return layout(t, dm).size;
}
export function alignOf(t: CType, dm: DataModel): number {
  return layout(t, dm).align;
}

/** Size and alignment as GCC lays out the type on the target; incomplete types are 0. */
function layout(t: CType, dm: DataModel): { size: number; align: number } {
  switch (t.kind) {
    case 'void':
      return { size: 1, align: 1 };
    case 'int': {
      const align = !dm.lp64 && t.size === 8 ? 4 : t.size; // i386 aligns 64-bit integers to 4
      return { size: t.size, align: Math.max(1, align) };
    }
    case 'ptr':
      return { size: dm.lp64 ? 8 : 4, align: dm.lp64 ? 8 : 4 };
    case 'func':
      return { size: 1, align: 1 };
    case 'array': {
      const e = layout(t.of, dm);
      return { size: e.size * (t.length ?? 0), align: e.align };
    }
    case 'struct': {
      const cached = layoutCache.get(t);
      const key = dm.lp64 ? 'lp64' : 'ilp32';
      if (cached && t.members) return cached[key];
      const r = structLayout(t, dm);
      if (t.members) {
        const entry = cached ?? ({} as { lp64: { size: number; align: number }; ilp32: { size: number; align: number } });
        entry[key] = r;
        layoutCache.set(t, entry);
      }
      return r;
    }
  }
}

function structLayout(t: StructType, dm: DataModel): { size: number; align: number } {
  if (!t.members) return { size: 0, align: 1 };
  let size = 0;
  let align = 1;
  let bitOffset = 0; // within the current bit-field storage unit
  for (const m of t.members) {
    const l = layout(m.type, dm);
    align = Math.max(align, l.align);
    if (m.bits !== undefined) {
      const unitBits = l.size * 8;
      if (t.union) {
        size = Math.max(size, l.size);
        continue;
      }
      if (m.bits === 0 || bitOffset + m.bits > unitBits) {
        if (bitOffset > 0) size += Math.ceil(bitOffset / 8);
        bitOffset = 0;
        size = roundUp(size, l.align);
      }
      if (bitOffset === 0) size = roundUp(size, l.align);
      bitOffset += m.bits;
      continue;
    }
    if (bitOffset > 0) {
      size += Math.ceil(bitOffset / 8);
      bitOffset = 0;
    }
    if (t.union) size = Math.max(size, l.size);
    else size = roundUp(size, l.align) + l.size;
  }
  if (bitOffset > 0) size += Math.ceil(bitOffset / 8);
  return { size: roundUp(size, align), align };
}

function roundUp(n: number, a: number): number {
  return Math.ceil(n / a) * a;
}


export type { Member };
