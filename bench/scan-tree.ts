/**
 * A synthetic kernel source tree for the scan bench: ~20,000 kernel-like C files (~200 MB) in a
 * NetBSD-shaped layout, with old-style LKMs scattered through it (glue + Makefile under sys/lkm,
 * code reached through .PATH, and third-party LKMs whose glue sits beside their code).
 *
 * Deterministic (seeded), and cached under the system tmp dir: a marker file names the
 * generator version, so a changed generator rebuilds the tree and an unchanged one is reused.
 */
import { mkdirSync, writeFileSync, existsSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const GENERATOR_VERSION = 3;

export interface BenchTree {
  root: string;
  files: number;
  bytes: number;
  lkms: number;
  /** True when this call wrote the tree (false: reused from the cache). */
  generated: boolean;
}

export interface BenchTreeOptions {
  files?: number;
  meanBytes?: number;
  lkms?: number;
  dir?: string;
}

/** mulberry32: small, fast, and good enough to make text that does not repeat verbatim. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SUBSYSTEMS = [
  'kern', 'uvm', 'net', 'netinet', 'netinet6', 'nfs', 'ufs/ffs', 'ufs/ufs', 'ufs/lfs', 'ufs/ext2fs',
  'miscfs/genfs', 'miscfs/specfs', 'miscfs/fifofs', 'fs/msdosfs', 'fs/cd9660', 'fs/tmpfs', 'fs/puffs',
  'dev/pci', 'dev/isa', 'dev/ic', 'dev/usb', 'dev/scsipi', 'dev/ata', 'dev/mii', 'dev/sbus', 'dev/pcmcia',
  'dev/cardbus', 'dev/wscons', 'dev/raidframe', 'dev/audio', 'compat/common', 'compat/linux/common',
  'compat/linux/arch/i386', 'compat/svr4', 'compat/sunos', 'compat/freebsd', 'compat/ibcs2', 'compat/osf1',
  'crypto/des', 'crypto/rijndael', 'opencrypto', 'altq', 'secmodel/bsd44', 'ddb', 'lib/libkern', 'netatalk',
  'netbt', 'net80211', 'netsmb', 'netkey', 'netipsec', 'dist/ipf/netinet', 'dist/pf/net',
];
const ARCHES = ['i386', 'amd64', 'sparc', 'sparc64', 'alpha', 'mips', 'powerpc', 'arm', 'm68k', 'vax', 'hppa', 'sh3'];
const ARCH_SUB = ['', 'include', 'isa', 'pci', 'dev', 'conf'];

const WORDS = [
  'sc', 'softc', 'buf', 'vp', 'dev', 'unit', 'flags', 'error', 'count', 'len', 'addr', 'offset', 'tag',
  'handle', 'ifp', 'mbuf', 'queue', 'lock', 'state', 'intr', 'reg', 'cmd', 'status', 'desc', 'ring',
  'slot', 'page', 'map', 'seg', 'nseg', 'cred', 'proc', 'uio', 'iov', 'attr', 'node', 'mount', 'vnode',
  'xfer', 'pipe', 'port', 'chan', 'rate', 'tick', 'timer', 'stat', 'ctl', 'cfg', 'link', 'media',
];
const CALLS = [
  'mutex_enter', 'mutex_exit', 'splbio', 'splx', 'bus_space_read_4', 'bus_space_write_4', 'bus_dmamap_sync',
  'printf', 'aprint_normal', 'aprint_error_dev', 'tsleep', 'wakeup', 'callout_reset', 'malloc', 'free',
  'memcpy', 'memset', 'uiomove', 'vref', 'vrele', 'VOP_LOCK', 'VOP_UNLOCK', 'biodone', 'kmem_alloc',
  'kmem_free', 'pool_get', 'pool_put', 'm_freem', 'IF_DEQUEUE', 'microtime', 'cv_wait', 'cv_broadcast',
];

class Writer {
  out: string[] = [];
  constructor(readonly r: () => number) {}
  pick<T>(a: readonly T[]): T {
    return a[Math.floor(this.r() * a.length)]!;
  }
  ident(): string {
    return `${this.pick(WORDS)}_${this.pick(WORDS)}${Math.floor(this.r() * 100)}`;
  }
}

function license(w: Writer, name: string): string {
  return `/*\t$NetBSD: ${name},v 1.${Math.floor(w.r() * 90) + 1} 2007/0${Math.floor(w.r() * 9) + 1}/1${Math.floor(w.r() * 9)} 12:00:00 dev Exp $\t*/

/*-
 * Copyright (c) 199${Math.floor(w.r() * 10)}, 200${Math.floor(w.r() * 8)} The NetBSD Foundation, Inc.
 * All rights reserved.
 *
 * This code is derived from software contributed to The NetBSD Foundation.
 *
 * Redistribution and use in source and binary forms, with or without
 * modification, are permitted provided that the following conditions
 * are met:
 * 1. Redistributions of source code must retain the above copyright
 *    notice, this list of conditions and the following disclaimer.
 * 2. Redistributions in binary form must reproduce the above copyright
 *    notice, this list of conditions and the following disclaimer in the
 *    documentation and/or other materials provided with the distribution.
 *
 * THIS SOFTWARE IS PROVIDED BY THE NETBSD FOUNDATION, INC. AND CONTRIBUTORS
 * \`\`AS IS'' AND ANY EXPRESS OR IMPLIED WARRANTIES, INCLUDING, BUT NOT LIMITED
 * TO, THE IMPLIED WARRANTIES OF MERCHANTABILITY AND FITNESS FOR A PARTICULAR
 * PURPOSE ARE DISCLAIMED.
 */

#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD: ${name},v 1.1 2007/01/01 00:00:00 dev Exp $");

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/proc.h>
`;
}

function statement(w: Writer, depth: number): string {
  const ind = '\t'.repeat(depth);
  const x = w.r();
  const a = w.ident();
  const b = w.ident();
  if (depth < 3 && x < 0.12) {
    return `${ind}for (i = 0; i < ${b}; i++) {\n${statement(w, depth + 1)}${statement(w, depth + 1)}${ind}}\n`;
  }
  if (depth < 3 && x < 0.25) {
    return `${ind}if (${a} != NULL && (${b} & 0x${Math.floor(w.r() * 255).toString(16)}) == 0) {\n${statement(w, depth + 1)}${ind}} else\n${statement(w, depth + 1)}`;
  }
  if (depth < 3 && x < 0.3) {
    return `${ind}switch (${a}) {\n${ind}case ${b.toUpperCase()}:\n${statement(w, depth + 1)}${ind}\tbreak;\n${ind}default:\n${ind}\terror = EINVAL;\n${ind}\tbreak;\n${ind}}\n`;
  }
  if (x < 0.4) return `${ind}/* ${w.pick(WORDS)} the ${w.pick(WORDS)} before the ${w.pick(WORDS)} is released */\n`;
  if (x < 0.7) return `${ind}${w.pick(CALLS)}(${a}, ${b});\n`;
  if (x < 0.85) return `${ind}${a} = ${b}->${w.pick(WORDS)}_${w.pick(WORDS)} + ${Math.floor(w.r() * 4096)};\n`;
  return `${ind}error = ${w.pick(CALLS)}(sc->sc_${w.pick(WORDS)}, ${a});\n${ind}if (error)\n${ind}\tgoto out;\n`;
}

function cFunction(w: Writer, prefix: string): string {
  const name = `${prefix}_${w.pick(WORDS)}${Math.floor(w.r() * 1000)}`;
  const knr = w.r() < 0.3;
  const head = knr
    ? `static int\n${name}(sc, ${w.pick(WORDS)})\n\tstruct ${prefix}_softc *sc;\n\tint ${w.pick(WORDS)};\n{\n`
    : `static int\n${name}(struct ${prefix}_softc *sc, int ${w.pick(WORDS)})\n{\n`;
  let body = `\tint error = 0, i;\n\n`;
  const n = 4 + Math.floor(w.r() * 14);
  for (let i = 0; i < n; i++) body += statement(w, 1);
  return `${head}${body}out:\n\treturn error;\n}\n\n`;
}

/** A kernel-like C file of about `target` bytes. A few carry the prefilter's words harmlessly. */
function cFile(w: Writer, name: string, prefix: string, target: number): string {
  let s = license(w, name);
  if (w.r() < 0.02) s += `\n/* Not needed by LKM builds; see sys/lkm for the module glue. */\n`;
  if (w.r() < 0.01) s += `\n#define ${prefix.toUpperCase()}_DISPATCH(f, a) ((*(f))(a))\n`;
  if (w.r() < 0.01) s += `\n#define ${prefix.toUpperCase()}_MOD_DEVICE 0x${Math.floor(w.r() * 4096).toString(16)}\n`;
  s += `\nstruct ${prefix}_softc {\n\tdevice_t sc_dev;\n\tkmutex_t sc_lock;\n\tint sc_flags;\n};\n\n`;
  while (s.length < target) s += cFunction(w, prefix);
  return s;
}

function hFile(w: Writer, name: string, prefix: string, target: number): string {
  const guard = `_${prefix.toUpperCase()}_${name.replace(/\W/g, '_').toUpperCase()}_`;
  let s = `/*\t$NetBSD: ${name},v 1.3 2006/11/01 00:00:00 dev Exp $\t*/\n\n#ifndef ${guard}\n#define ${guard}\n\n`;
  let i = 0;
  while (s.length < target) {
    s += `#define ${prefix.toUpperCase()}_${w.pick(WORDS).toUpperCase()}_${i++}\t0x${Math.floor(w.r() * 65535).toString(16)}\t/* ${w.pick(WORDS)} ${w.pick(WORDS)} */\n`;
    if (i % 16 === 0) s += `\nstruct ${prefix}_${w.pick(WORDS)}${i} {\n\tuint32_t\t${w.ident()};\n\tuint16_t\t${w.ident()};\n};\n\n`;
  }
  return `${s}\n#endif /* ${guard} */\n`;
}

type LkmKindName = 'syscall' | 'vfs' | 'dev' | 'exec' | 'compat' | 'misc' | 'drv';

/** The glue of one LKM, in one of the shapes real trees have. */
function lkmGlue(w: Writer, name: string, kind: LkmKindName, i: number): string {
  const knr = i % 2 === 0;
  const entry = i % 3 === 0 ? 'xxxinit' : `${name}_lkmentry`;
  const semi = i % 4 === 0 ? '' : ';';
  const decl: Record<LkmKindName, string> = {
    syscall: `extern int sys_${name}(struct lwp *, void *, register_t *);\nstatic struct sysent ${name}_sysent = { 1, sizeof(int), 0, sys_${name} };\nMOD_SYSCALL("${name}", ${i % 2 ? -1 : 210 + (i % 10)}, &${name}_sysent);`,
    vfs: `extern struct vfsops ${name}_vfsops;\nMOD_VFS("${name}", -1, &${name}_vfsops);`,
    dev: `extern const struct cdevsw ${name}_cdevsw;\nMOD_DEV("${name}", "${name}", NULL, -1, &${name}_cdevsw, -1);`,
    exec: `extern struct execsw ${name}_execsw;\nMOD_EXEC("${name}", -1, &${name}_execsw, "netbsd");`,
    compat: `extern const struct emul emul_${name};\nMOD_COMPAT("${name}", -1, &emul_${name});`,
    misc: `MOD_MISC("${name}");`,
    drv: `extern struct cfdriver ${name}_cd;\nstatic struct cfdriver *${name}_cds[] = { &${name}_cd, NULL };\nextern struct cfattach ${name}_ca;\nstatic struct cfattach *${name}_cas[] = { &${name}_ca, NULL };\nstatic const struct cfattachlkminit ${name}_cai[] = { { "${name}", ${name}_cas }, { NULL, NULL } };\nextern struct cfdata ${name}_cfdata[];\nMOD_DRV("${name}", ${name}_cds, ${name}_cai, ${name}_cfdata);`,
  };
  const header = knr
    ? `int\n${entry}(lkmtp, cmd, ver)\n\tstruct lkm_table *lkmtp;\n\tint cmd;\n\tint ver;\n`
    : `int\n${entry}(struct lkm_table *lkmtp, int cmd, int ver)\n`;
  return `${license(w, `lkminit_${kind}.c`)}#include <sys/conf.h>
#include <sys/lkm.h>

int ${entry}(struct lkm_table *, int, int);
static int ${name}_load(struct lkm_table *, int);

${decl[kind]}

static int
${name}_load(struct lkm_table *lkmtp, int cmd)
{

\tif (lkmexists(lkmtp))
\t\treturn EEXIST;
\tprintf("${name}: loaded\\n");
\treturn 0;
}

${header}{

\tif (ver != LKM_VERSION)
\t\treturn EINVAL;
\tDISPATCH(lkmtp, cmd, ver, ${name}_load, lkm_nofunc, lkm_nofunc)${semi}
}
`;
}

const KINDS: LkmKindName[] = ['syscall', 'vfs', 'dev', 'exec', 'compat', 'misc', 'drv'];

/** Creates (or reuses) the tree and says where it is and what is in it. */
export function benchTree(opts: BenchTreeOptions = {}): BenchTree {
  const files = opts.files ?? 20000;
  const meanBytes = opts.meanBytes ?? 10000;
  const lkms = opts.lkms ?? 70;
  const root = opts.dir ?? path.join(os.tmpdir(), `lkm2mod-bench-tree-v${GENERATOR_VERSION}-${files}-${meanBytes}-${lkms}`);
  const marker = path.join(root, '.generated');
  if (existsSync(marker)) {
    const m = JSON.parse(readFileSync(marker, 'utf8')) as BenchTree;
    return { ...m, root, generated: false };
  }
  rmSync(root, { recursive: true, force: true });
  const w = new Writer(rng(0x4e657442));
  const dirs: string[] = [];
  for (const s of SUBSYSTEMS) dirs.push(`sys/${s}`);
  for (const a of ARCHES) for (const sub of ARCH_SUB) dirs.push(`sys/arch/${a}/${sub || a}`);
  // More folders of drivers, as real trees have, so no folder holds thousands of files.
  for (let i = 0; dirs.length < Math.ceil(files / 30); i++) dirs.push(`sys/dev/${w.pick(WORDS)}${i}`);

  let written = 0;
  let bytes = 0;
  const put = (rel: string, text: string) => {
    const abs = path.join(root, rel);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, text);
    written++;
    bytes += Buffer.byteLength(text);
  };

  // The LKMs: sys/lkm/<kind>/<name>/{Makefile,lkminit_<kind>.c}, code in sys/<subsystem>/<name>.
  const lkmDirs: string[] = [];
  for (let i = 0; i < lkms; i++) {
    const kind = KINDS[i % KINDS.length]!;
    const name = `${w.pick(WORDS)}${kind}${i}`;
    const thirdParty = i % 5 === 4;
    const codeDir = `sys/${w.pick(SUBSYSTEMS)}/${name}`;
    if (thirdParty) {
      // Glue beside the code, one Makefile, no .PATH.
      put(`${codeDir}/Makefile`, `KMOD=\t${name}\nSRCS=\tlkminit_${kind}.c ${name}_subr.c\n\n.include <bsd.kmod.mk>\n`);
      put(`${codeDir}/lkminit_${kind}.c`, lkmGlue(w, name, kind, i));
      put(`${codeDir}/${name}_subr.c`, cFile(w, `${name}_subr.c`, name, meanBytes));
      lkmDirs.push(codeDir);
      continue;
    }
    const glueDir = `sys/lkm/${kind}/${name}`;
    put(`${glueDir}/Makefile`, `#\t$NetBSD: Makefile,v 1.4 2005/12/11 12:24:50 christos Exp $\n\n.include "../Makefile.inc"\n\n.PATH:\t$S/${codeDir.slice(4)}\n\nCPPFLAGS+=-D${name.toUpperCase()}_LKM\n\nKMOD=\t${name}\n\nSRCS=\tlkminit_${kind}.c ${name}_vfsops.c ${name}_subr.c\n\n.include <bsd.kmod.mk>\n`);
    put(`${glueDir}/lkminit_${kind}.c`, lkmGlue(w, name, kind, i));
    put(`${codeDir}/${name}_vfsops.c`, cFile(w, `${name}_vfsops.c`, name, meanBytes));
    put(`${codeDir}/${name}_subr.c`, cFile(w, `${name}_subr.c`, name, meanBytes));
    lkmDirs.push(glueDir);
  }
  for (const kind of KINDS) put(`sys/lkm/${kind}/Makefile.inc`, `S?=\t\${.CURDIR}/../../..\nKMODDIR=\t/usr/lkm\n`);

  // Fill the rest with kernel-like C and headers until the file count is reached.
  let n = 0;
  while (written < files) {
    const dir = dirs[n % dirs.length]!;
    const prefix = `${path.basename(dir).replace(/\W/g, '')}${n % 7}`;
    const header = w.r() < 0.22;
    const size = Math.max(800, Math.floor(meanBytes * (0.2 + w.r() * 1.6)));
    const name = `${prefix}_${w.pick(WORDS)}${n}.${header ? 'h' : 'c'}`;
    put(`${dir}/${name}`, header ? hFile(w, name, prefix, size) : cFile(w, name, prefix, size));
    n++;
  }
  const info: BenchTree = { root, files: written, bytes, lkms, generated: true };
  writeFileSync(marker, JSON.stringify(info));
  return info;
}
