/**
 * The simulated kernel's own memory, counted: every object, array element and map entry
 * reachable from the kernel, grouped by the kernel member it hangs off (k.vfs, k.sysctl …).
 * Snapshots show what NetBSD's tables hold; this shows what the model holds, so a module whose
 * cycles make anything grow — a list that keeps a dead module's vectors, an allocation never
 * freed — is caught even where no table shows it.
 */
import type { Kernel } from '../kernel/kernel.ts';
import { BlockCell } from '../kernel/machine/block.ts';

/** Logs that grow by design: the console buffer and the call log. */
const LOGS = new Set(['console', 'calls', 'signals']);

export type Footprint = Map<string, number>;

export function footprint(k: Kernel): Footprint {
  const seen = new Set<object>([k]);
  const out: Footprint = new Map();
  for (const [key, value] of Object.entries(k)) {
    if (LOGS.has(key)) continue;
    out.set(key, count(value, seen));
  }
  return out;
}

/** Members that grew from `a` to `b`: `k.sysctl: +12`. */
export function growth(a: Footprint, b: Footprint): string[] {
  const out: string[] = [];
  for (const [key, n] of b) {
    const before = a.get(key) ?? 0;
    if (n > before) out.push(`k.${key}: ${before} -> ${n} (+${n - before})`);
  }
  return out;
}

function count(root: unknown, seen: Set<object>): number {
  let n = 0;
  const stack: unknown[] = [root];
  while (stack.length) {
    const v = stack.pop();
    if (v === null || typeof v !== 'object' || seen.has(v)) continue;
    seen.add(v);
    n++;
    if (v instanceof BlockCell) {
      // What the block costs the host: its bytes and the cells made in it, never all it could hold.
      n += Math.ceil(v.hostUnits);
      for (const c of v.madeCells()) stack.push(c);
      continue;
    }
    if (v instanceof Map) {
      n += v.size;
      for (const [key, value] of v) stack.push(key, value);
    } else if (v instanceof Set) {
      n += v.size;
      for (const x of v) stack.push(x);
    } else if (Array.isArray(v)) {
      n += v.length;
      for (const x of v) stack.push(x);
    } else {
      for (const x of Object.values(v)) stack.push(x);
    }
  }
  return n;
}
