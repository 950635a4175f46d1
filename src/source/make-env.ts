/**
 * What a NetBSD build knows before it reads a module's Makefile: the machine make runs for
 * (MACHINE, MACHINE_ARCH, which make sets itself, and MACHINE_CPU, MACHINE_GNU_ARCH, which
 * bsd.own.mk derives from them), and where bsd.own.mk finds the source tree (NETBSDSRCDIR).
 *
 * A user names the machine with --machine; the architecture of each NetBSD port of 1.3 to 4.0
 * is known here, so `--machine mac68k` alone is enough. A port this table lacks is named with its
 * architecture: `--machine newport:mipsel`.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface Machine {
  /** MACHINE: the port (i386, mac68k, sparc64 ...). */
  machine: string;
  /** MACHINE_ARCH: the CPU family the port's binaries are built for. */
  arch: string;
}

export const DEFAULT_MACHINE: Machine = { machine: 'i386', arch: 'i386' };

/** MACHINE -> MACHINE_ARCH for the NetBSD ports of 1.3 to 4.0 (from each port's make(1) default). */
const PORT_ARCH: Record<string, string> = {
  acorn26: 'arm', acorn32: 'arm', algor: 'mipsel', alpha: 'alpha', amd64: 'x86_64', amiga: 'm68k',
  amigappc: 'powerpc', arc: 'mipsel', arm26: 'arm26', arm32: 'arm32', atari: 'm68k', bebox: 'powerpc',
  cats: 'arm', cesfic: 'm68k', cobalt: 'mipsel', dreamcast: 'sh3el', evbarm: 'arm', evbmips: 'mipsel',
  evbppc: 'powerpc', evbsh3: 'sh3eb', evbsh5: 'sh5el', ews4800mips: 'mipseb', hp300: 'm68k', hp700: 'hppa',
  hpcarm: 'arm', hpcmips: 'mipsel', hpcsh: 'sh3el', i386: 'i386', ibmnws: 'powerpc', iyonix: 'arm',
  landisk: 'sh3el', luna68k: 'm68k', mac68k: 'm68k', macppc: 'powerpc', mipsco: 'mipseb', mmeye: 'sh3eb',
  mvme68k: 'm68k', mvmeppc: 'powerpc', netwinder: 'arm', news68k: 'm68k', newsmips: 'mipseb',
  next68k: 'm68k', ofppc: 'powerpc', pc532: 'ns32k', playstation2: 'mipsel', pmax: 'mipsel',
  pmppc: 'powerpc', prep: 'powerpc', sandpoint: 'powerpc', sbmips: 'mipsel', sgimips: 'mipseb',
  shark: 'arm', sparc: 'sparc', sparc64: 'sparc64', sun2: 'm68000', sun3: 'm68k', sun3x: 'm68k',
  vax: 'vax', walnut: 'powerpc', x68k: 'm68k', xen: 'i386', zaurus: 'arm',
};

export function knownMachines(): string[] {
  return Object.keys(PORT_ARCH).sort();
}

/** `MACHINE` or `MACHINE:MACHINE_ARCH`; an error message for a port this table lacks. */
export function parseMachine(spec: string): Machine | { error: string } {
  const m = /^([A-Za-z0-9_]+)(?::([A-Za-z0-9_]+))?$/.exec(spec.trim());
  if (!m) return { error: `expected MACHINE or MACHINE:MACHINE_ARCH (e.g. i386, mac68k, evbarm:armeb), got "${spec}"` };
  const arch = m[2] ?? PORT_ARCH[m[1]!];
  if (!arch) {
    return { error: `"${m[1]}" is not a NetBSD port lkm2mod knows; name its architecture too (${m[1]}:MACHINE_ARCH), or use one of ${knownMachines().join(', ')}` };
  }
  return { machine: m[1]!, arch };
}

/** The variables make and bsd.own.mk define from the machine. */
export function machineVars(m: Machine): Record<string, string> {
  // bsd.own.mk: MACHINE_CPU folds the byte-order and sub-model variants into one CPU family.
  const cpu = m.arch
    .replace(/^mips64e[bl]$/, 'mips')
    .replace(/^mipse[bl]$/, 'mips')
    .replace(/^sh3e[bl]$/, 'sh3')
    .replace(/^sh5e[bl]$/, 'sh5')
    .replace(/^m68000$/, 'm68k')
    .replace(/^(armeb|arm32)$/, 'arm')
    .replace(/^powerpc64$/, 'powerpc');
  const gnu: Record<string, string> = { m68000: 'm68010', sh3eb: 'sh', sh3el: 'shle', mips64eb: 'mips64', mipseb: 'mips' };
  return { MACHINE: m.machine, MACHINE_ARCH: m.arch, MACHINE_CPU: cpu, MACHINE_GNU_ARCH: gnu[m.arch] ?? m.arch };
}

/**
 * The kernel source tree holding `dir`: the nearest ancestor (or `dir` itself) that has
 * conf/files, kern/ and sys/, as every NetBSD `sys/` since 1.0 does. Undefined when there is none.
 */
export function kernelTreeOf(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    if (isKernelTree(d)) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

export function isKernelTree(dir: string): boolean {
  return isFile(path.join(dir, 'conf', 'files')) && isDir(path.join(dir, 'kern')) && isDir(path.join(dir, 'sys'));
}

/**
 * NETBSDSRCDIR as bsd.own.mk finds it: the nearest directory above .CURDIR holding build.sh and
 * tools/ (a full source tree). A kernel tree checked out alone has neither; there the directory
 * above the kernel tree plays that part (a kernel tree is NETBSDSRCDIR/sys), which is also what
 * the old default BSDSRCDIR=/usr/src means on a machine whose kernel source is /usr/src/sys.
 */
export function netbsdSrcDir(curdir: string): string | undefined {
  for (let d = path.resolve(curdir); ; d = path.dirname(d)) {
    if (isFile(path.join(d, 'build.sh')) && isDir(path.join(d, 'tools'))) return d;
    if (path.dirname(d) === d) break;
  }
  const sys = kernelTreeOf(curdir) ?? sysDirAbove(curdir);
  return sys ? path.dirname(sys) : undefined;
}

/** The last `sys` component of a path: a tree too partial to hold conf/files still has one. */
export function sysDirAbove(dir: string): string | undefined {
  const parts = path.resolve(dir).split(path.sep);
  const i = parts.lastIndexOf('sys');
  return i > 0 ? parts.slice(0, i + 1).join(path.sep) : undefined;
}

function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}
