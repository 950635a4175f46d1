/**
 * What the compiler defines before the first line, per architecture: the names NetBSD's
 * toolchain predefines (so `#if defined(i386) || defined(__i386__)` selects as it would), the
 * data model, and the kernel build's own `_KERNEL` plus `_LKM` or `_MODULE`.
 */

export interface ArchInfo {
  /** NetBSD's name of the port's machine directory ($S/arch/<dir>/include). */
  name: string;
  lp64: boolean;
  bigEndian: boolean;
  defines: string[];
}

const ARCHES: Record<string, ArchInfo> = {
  amd64: { name: 'amd64', lp64: true, bigEndian: false, defines: ['__x86_64__', '__x86_64', '__amd64__', '__amd64'] },
  i386: { name: 'i386', lp64: false, bigEndian: false, defines: ['i386', '__i386__', '__i386'] },
  sparc64: { name: 'sparc64', lp64: true, bigEndian: true, defines: ['__sparc64__', '__sparc__', '__sparc_v9__', '__arch64__', 'sparc'] },
  sparc: { name: 'sparc', lp64: false, bigEndian: true, defines: ['sparc', '__sparc__', '__sparc'] },
  alpha: { name: 'alpha', lp64: true, bigEndian: false, defines: ['__alpha__', '__alpha'] },
  powerpc: { name: 'powerpc', lp64: false, bigEndian: true, defines: ['__powerpc__', '__ppc__', '__PPC__'] },
  arm: { name: 'arm', lp64: false, bigEndian: false, defines: ['__arm__', '__arm32__'] },
  mips: { name: 'mips', lp64: false, bigEndian: false, defines: ['__mips__', 'mips', '__MIPSEL__'] },
  m68k: { name: 'm68k', lp64: false, bigEndian: true, defines: ['__m68k__', 'm68k', '__mc68000__'] },
  vax: { name: 'vax', lp64: false, bigEndian: false, defines: ['__vax__', 'vax'] },
};
ARCHES.x86_64 = ARCHES.amd64;

export const DEFAULT_ARCH = 'amd64';

export function archInfo(arch: string): ArchInfo | undefined {
  return ARCHES[arch];
}

export function knownArches(): string[] {
  return Object.keys(ARCHES).filter((a) => a !== 'x86_64');
}

/** Version of the simulated kernel: NetBSD 5.0. sys/param.h states the same value. */
export const NETBSD_VERSION = 500000000;

export function predefines(arch: ArchInfo, mode: 'module' | 'lkm'): Map<string, string> {
  const d = new Map<string, string>();
  d.set('__STDC__', '1');
  d.set('__STDC_VERSION__', '199901L');
  // GCC 4.1 was NetBSD 4/5's compiler; real headers test __GNUC__ to pick attribute syntax.
  d.set('__GNUC__', '4');
  d.set('__GNUC_MINOR__', '1');
  d.set('__ELF__', '1');
  d.set('__NetBSD__', '1');
  d.set('__NetBSD_Version__', String(NETBSD_VERSION));
  d.set('__CHAR_BIT__', '8');
  d.set('__SIZEOF_INT__', '4');
  d.set('__SIZEOF_LONG__', arch.lp64 ? '8' : '4');
  d.set('__SIZEOF_POINTER__', arch.lp64 ? '8' : '4');
  if (arch.lp64) {
    d.set('_LP64', '1');
    d.set('__LP64__', '1');
  }
  d.set(arch.bigEndian ? '__BIG_ENDIAN__' : '__LITTLE_ENDIAN__', '1');
  for (const name of arch.defines) d.set(name, '1');
  d.set('_KERNEL', '1');
  d.set(mode === 'lkm' ? '_LKM' : '_MODULE', '1');
  for (const [k, v] of GNU_SPELLINGS) d.set(k, v);
  return d;
}

/**
 * GCC's alternate keywords, which its parser knows and tree-sitter does not: spelled as the
 * keyword they stand for (`__extension__` only silences warnings). `__builtin_offsetof` is C's
 * offsetof, which the compiler evaluates.
 */
const GNU_SPELLINGS: [string, string][] = [
  ['__const', 'const'],
  ['__const__', 'const'],
  ['__volatile', 'volatile'],
  ['__signed', 'signed'],
  ['__signed__', 'signed'],
  ['__restrict', 'restrict'],
  ['__typeof', 'typeof'],
  ['__typeof__', 'typeof'],
  ['__alignof', '__alignof__'],
  ['__extension__', ''],
  ['__builtin_offsetof(type, member)', 'offsetof(type, member)'],
];
