/**
 * The kernel's view of its own ABI: struct layouts, typedefs and constants, all learnt from the
 * bundled headers through kernelTypes(). Nothing here is a copy of a header; a header that lacks
 * what the kernel needs is reported as such.
 */
import { kernelTypes } from './cc/kernel-types.ts';
import { allocate, type CType, type StructCell } from './machine/memory.ts';

const constants = new Map<string, number>();

/** A macro or enum constant of the bundled headers (EEXIST, MODULE_CMD_INIT, SYS_MAXSYSCALL …). */
export function constant(name: string): number {
  let v = constants.get(name);
  if (v === undefined) {
    v = kernelTypes().constant(name);
    if (typeof v !== 'number' || Number.isNaN(v)) {
      throw new Error(`the bundled headers do not define ${name}`);
    }
    constants.set(name, v);
  }
  return v;
}

/** Like constant(), but undefined where the headers do not define the name. */
export function maybeConstant(name: string): number | undefined {
  try {
    return constant(name);
  } catch {
    return undefined;
  }
}

export type StructType = CType & { kind: 'struct' };

/** `struct <tag>` as the headers lay it out. */
export function structType(tag: string): StructType {
  const t = kernelTypes().struct(tag) as CType | undefined;
  if (!t || t.kind !== 'struct' || !t.members) throw new Error(`the bundled headers do not define struct ${tag}`);
  return t as StructType;
}

export function typedefType(name: string): CType {
  const t = kernelTypes().typedef(name) as CType | undefined;
  if (!t) throw new Error(`the bundled headers do not define the type ${name}`);
  return t;
}

/** A zeroed `struct <tag>` in kernel memory. */
export function newStruct(tag: string): StructCell {
  return allocate(structType(tag)) as StructCell;
}
