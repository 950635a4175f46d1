/** A char buffer a kernel function writes a C string into (snprintf, strlcpy …). */
import { ArrayCell, type Value, int, ScalarCell, ZERO } from '../machine/memory.ts';
import { Panic } from '../panic.ts';
import { BlockCell } from '../machine/block.ts';

export interface CharBuffer {
  /** Chars available from the pointer to the end of the array. */
  size: number;
  /** Write at most `limit - 1` chars and a NUL, as snprintf does. */
  write(s: string, limit: number): void;
}

export function charBuffer(p: Value, fn: string): CharBuffer {
  if (p.k !== 'ptr' || !(p.target instanceof ArrayCell)) throw new Panic(`${fn}: destination is not a char buffer`);
  const target = p.target;
  const from = p.index;
  if (target instanceof BlockCell ? !target.untyped : !target.items.slice(from).every((c) => c instanceof ScalarCell)) {
    throw new Panic(`${fn}: destination is not a char buffer`);
  }
  const size = Math.max(0, target.length - from);
  return {
    size,
    write(s, limit) {
      const n = Math.min(limit, size);
      if (n <= 0) return;
      const len = Math.min(s.length, n - 1);
      for (let i = 0; i < len; i++) (target.at(from + i) as ScalarCell).value = int(s.charCodeAt(i));
      (target.at(from + len) as ScalarCell).value = ZERO;
    },
  };
}
