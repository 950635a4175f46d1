/**
 * Option parsers several commands share. Kept free of heavy imports: every command's
 * definition loads at start-up, its work only when it runs.
 */
import { EXIT_USAGE, UserError } from './errors.ts';

/** Accumulates a repeatable option's values. */
export const collect = (v: string, acc: string[]): string[] => [...acc, v];

/** `--syscall-slot NAME=NUMBER`, repeated: the answers for slot -1 syscalls, by module name. */
export function parseSlots(specs: string[]): Map<string, number> {
  const slots = new Map<string, number>();
  for (const s of specs) {
    const m = /^([^=\s]+)=(\d+)$/.exec(s.trim());
    if (!m) throw new UserError(`--syscall-slot ${s}: expected NAME=NUMBER, e.g. --syscall-slot procinfo=211`, EXIT_USAGE);
    slots.set(m[1], Number(m[2]));
  }
  return slots;
}
