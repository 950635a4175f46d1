/**
 * config(8)'s `machine` line: `machine mac68k m68k` in `$S/arch/mac68k/conf/std.mac68k` says the
 * port's headers build on the m68k family's, and a kernel build links `m68k/` to
 * `$S/arch/m68k/include` beside `machine/` (NetBSD 4: `machine i386 x86`, `machine amd64 x86`).
 * A tree without the file has no families: only `machine/`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const cache = new Map<string, string[]>();

/** The CPU families of a port, in the order its `machine` line names them. */
export function machineFamilies(kernelTree: string, machine: string): string[] {
  const key = `${kernelTree}\0${machine}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = read(kernelTree, join(kernelTree, 'arch', machine, 'conf', `std.${machine}`), machine, new Set())));
  return f;
}

function read(S: string, file: string, machine: string, seen: Set<string>): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch {
    return [];
  }
  for (const raw of text.split('\n')) {
    const words = raw.replace(/#.*/, '').trim().split(/\s+/);
    if (words[0] === 'machine' && words[1] === machine) return words.slice(2);
    // std.sun3x and friends include the port's common std file.
    if (words[0] === 'include' && words[1]) {
      const inc = words[1].replace(/^"|"$/g, '');
      const found = read(S, join(S, inc), machine, seen);
      if (found.length) return found;
    }
  }
  return [];
}
