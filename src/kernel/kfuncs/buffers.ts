/** A char buffer a kernel function writes a C string into (snprintf, strlcpy …). */
import { ArrayCell, type Value, int, ScalarCell, ZERO } from '../machine/memory.ts';
import { Panic } from '../panic.ts';

export interface CharBuffer {
  /** Chars available from the pointer to the end of the array. */
  size: number;
  /** Write at most `limit - 1` chars and a NUL, as snprintf does. */
  write(s: string, limit: number): void;
}

export function charBuffer(p: Value, fn: string): CharBuffer {
  if (p.k !== 'ptr' || !(p.target instanceof ArrayCell)) throw new Panic(`${fn}: destination is not a char buffer`);
  const cells = p.target.items.slice(p.index);
  if (!cells.every((c) => c instanceof ScalarCell)) throw new Panic(`${fn}: destination is not a char buffer`);
  const run = cells as ScalarCell[];
  return {
    size: run.length,
    write(s, limit) {
      const n = Math.min(limit, run.length);
      if (n <= 0) return;
      const len = Math.min(s.length, n - 1);
      for (let i = 0; i < len; i++) run[i]!.value = int(s.charCodeAt(i));
      run[len]!.value = ZERO;
    },
  };
}
