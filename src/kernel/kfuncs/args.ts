/**
 * Reading a kernel function's arguments the way the C function would: pointers to structs the
 * caller owns, strings, integers, function pointers. A NULL where NetBSD would dereference is a
 * panic naming the function, as a KASSERT or a page fault would be.
 */
import {
  type Callable,
  type Cell,
  type Value,
  asNumber,
  deref,
  readCString,
  StructCell,
  ZERO,
} from '../machine/memory.ts';
import { Panic } from '../panic.ts';

export function arg(args: readonly Value[], i: number): Value {
  return args[i] ?? ZERO;
}

export function intArg(args: readonly Value[], i: number): number {
  return asNumber(arg(args, i));
}

/** A `const char *` argument; null for NULL. */
export function strArg(args: readonly Value[], i: number): string | null {
  return readCString(arg(args, i));
}

export function fnArg(args: readonly Value[], i: number): Callable | null {
  const v = arg(args, i);
  return v.k === 'fn' ? v.fn : null;
}

/**
 * The struct a pointer designates, seen as `struct <tag>`. C lets a pointer to a struct be
 * converted to a pointer to its first member (struct lkm_syscall begins with struct lkm_any),
 * so the first-member chain is followed.
 */
export function asStruct(cell: Cell | null, tag: string): StructCell | null {
  let c: Cell | null | undefined = cell;
  while (c instanceof StructCell) {
    if ((c.type as { tag: string }).tag === tag) return c;
    c = c.fields.values().next().value;
  }
  return null;
}

export function structArg(args: readonly Value[], i: number, tag: string): StructCell | null {
  return asStruct(deref(arg(args, i)), tag);
}

/** Like structArg, but NULL (or a pointer to something else) is a panic in `fn`. */
export function needStruct(args: readonly Value[], i: number, tag: string, fn: string): StructCell {
  const s = structArg(args, i, tag);
  if (!s) throw new Panic(`${fn}: argument ${i + 1} is not a pointer to struct ${tag}`);
  return s;
}

/** The cell an `int *` (or other scalar pointer) argument designates; panic on NULL. */
export function needCell(args: readonly Value[], i: number, fn: string): Cell {
  const c = deref(arg(args, i));
  if (!c) throw new Panic(`${fn}: argument ${i + 1} is a NULL pointer`);
  return c;
}
