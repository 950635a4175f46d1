/**
 * The machine a module belongs to. Most LKMs are machine-independent and are built for the
 * machine the tree is read for (`--machine`, the plan's `machine` line); one whose folder sits
 * under `arch/<port>/` (NetBSD's `sys/lkm/arch/mac68k/iwm`), or that builds sources from another
 * port's `arch/<port>/` than the tree's machine, is that port's code: its `<machine/...>`
 * headers, CPU family and data model are that port's, whatever the rest of the tree is built for.
 *
 * A port is a folder of `$S/arch` with its own headers and a kernel build of its own
 * (`conf/Makefile.<port>` or `conf/std.<port>`); CPU families (`arch/m68k`, `arch/x86`) are not.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { kernelTreeOf, sysDirAbove } from '../source/make-env.ts';

export interface ModuleMachine {
  /** MACHINE: mac68k. */
  name: string;
  reason: string;
  /** The plan line that decided it, when it came from a plan. */
  line?: number;
}

/** Whether `$S/arch/<m>` is a port (not a CPU family). */
export function isPort(S: string, m: string): boolean {
  const arch = path.join(S, 'arch', m);
  return existsSync(path.join(arch, 'include')) && (existsSync(path.join(arch, 'conf', `Makefile.${m}`)) || existsSync(path.join(arch, 'conf', `std.${m}`)));
}

/**
 * The port an LKM's code is for, with the reason; null for machine-independent code.
 * `treeMachine` is the machine the tree's Makefiles were read for: sources under its own arch/
 * folder may have been reached through `${MACHINE}` paths, so they say nothing.
 */
export function moduleMachine(lkm: { dir: string; files: readonly string[] }, treeMachine: string | null): ModuleMachine | null {
  const S = kernelTreeOf(lkm.dir) ?? sysDirAbove(lkm.dir);
  if (!S) return null;
  const portIn = (p: string): { port: string; where: string } | null => {
    const parts = path.relative(S, p).split(path.sep);
    if (parts[0] === '..') return null;
    for (let i = 0; i + 1 < parts.length; i++) {
      if (parts[i] === 'arch' && isPort(S, parts[i + 1]!)) return { port: parts[i + 1]!, where: parts.slice(0, i + 2).join('/') };
    }
    return null;
  };
  const own = portIn(lkm.dir);
  if (own) return { name: own.port, reason: `its folder is under ${own.where}: ${own.port} code, compiled and validated for that machine` };
  const others = new Map<string, string>();
  for (const f of lkm.files) {
    const p = portIn(f);
    if (p && p.port !== treeMachine && !others.has(p.port)) others.set(p.port, path.relative(S, path.dirname(f)).split(path.sep).join('/'));
  }
  if (others.size !== 1) return null;
  const [port, where] = [...others][0]!;
  return { name: port, reason: `it builds sources from ${where}: ${port} code, compiled and validated for that machine` };
}
