/**
 * The bundled headers against NetBSD's: names declared by the header NetBSD declares them in,
 * with NetBSD's values, and every sample LKM accepted by a real C compiler as an LKM build
 * would compile it (-D_KERNEL -D_LKM). The kernel defines the objects the headers declare.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { kernelTypes } from '../src/kernel/cc/kernel-types.ts';
import { BUNDLED_INCLUDE, findKernelTree } from '../src/kernel/cc/pp/include-path.ts';
import { readModuleDir, type ModuleDir } from '../src/kernel/moddir.ts';
import { bootData } from '../src/kernel/kdata.ts';
import { asNumber, ScalarCell } from '../src/kernel/machine/memory.ts';
import { SAMPLES } from './helpers.ts';

const gcc = spawnSync('gcc', ['--version']).status === 0;
const noGcc = !gcc && 'gcc is not installed';

/** gcc -fsyntax-only over `files`; the error lines (file:line: error: …). */
function syntaxErrors(files: string[], flags: string[]): string[] {
  // The C locale, so gcc quotes names with plain ' whatever the machine's language.
  const env = { ...process.env, LC_ALL: 'C' };
  const r = spawnSync('gcc', ['-fsyntax-only', '-nostdinc', '-ffreestanding', '-D_KERNEL', ...flags, `-I${BUNDLED_INCLUDE}`, ...files], { encoding: 'utf8', env });
  const errors = r.stderr.split('\n').filter((l) => /: (fatal )?error: /.test(l));
  if (r.status !== 0 && errors.length === 0) throw new Error(`gcc failed without an error line: ${r.stderr}`);
  return errors;
}

function snippet(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'lkm2mod-hdr-')), 'use.c');
  writeFileSync(file, text);
  return file;
}

/** What a source must include for a name, as NetBSD 4/5 lay it out, and a use of the name. */
const DECLARED_IN: { header: string; use: string }[] = [
  { header: 'sys/vnode.h', use: 'struct vnode *f(void) { return NULLVP; }' },
  { header: 'sys/vnode.h', use: 'int f(struct vnode *vp) { vp->v_vflag |= VV_ROOT; vp->v_iflag |= VI_LAYER; return vp->v_vnlock == NULL; }' },
  { header: 'sys/vnode.h', use: 'int f(int fl) { return fl & FSYNC_RECLAIM; }' },
  // uvm_extern.h, which <sys/vnode.h> includes, brings in the pager's flags.
  { header: 'sys/vnode.h', use: 'int f(int fl) { return fl & PGO_LOCKED; }' },
  { header: 'miscfs/specfs/specdev.h', use: '#include <sys/vnode.h>\ndev_t f(struct vnode *vp) { return vp->v_rdev; }' },
  { header: 'sys/dirent.h', use: 'int f(void) { return MAXNAMLEN; }' },
  { header: 'sys/namei.h', use: 'void f(struct componentname *cnp) { cnp->cn_flags &= ~PDIRUNLOCK; }' },
  // <sys/file.h> includes <sys/unistd.h>: VOP_PATHCONF implementations see _PC_* through it.
  { header: 'sys/file.h', use: 'int f(int n) { return n == _PC_NAME_MAX || n == _PC_NO_TRUNC; }' },
  { header: 'sys/kernel.h', use: 'int f(void) { return hardclock_ticks / hz; }' },
  { header: 'sys/proc.h', use: 'int f(void) { return nprocs < maxproc; }' },
  { header: 'sys/file.h', use: 'u_int f(void) { return nfiles; }' },
  { header: 'sys/systm.h', use: 'struct malloc_type; void *f(struct malloc_type *t, u_long *m) { return hashinit(16, HASH_LIST, t, 0, m); }' },
];

test('each name is declared by the header NetBSD declares it in, and only by what includes it', { skip: noGcc }, () => {
  for (const { header, use } of DECLARED_IN) {
    const base = '#include <sys/param.h>\n#include <sys/systm.h>\n';
    assert.deepEqual(syntaxErrors([snippet(`${base}#include <${header}>\n${use}\n`)], ['-D_LKM']), [], `${header}: ${use}`);
  }
  // Not from sys/vnode.h alone: NetBSD sources include the specfs header for v_rdev, <sys/dirent.h> for MAXNAMLEN.
  const vnodeOnly = '#include <sys/param.h>\n#include <sys/systm.h>\n#include <sys/vnode.h>\n';
  assert.match(syntaxErrors([snippet(`${vnodeOnly}dev_t f(struct vnode *vp) { return vp->v_rdev; }\n`)], ['-D_LKM']).join('\n'), /no member named .v_rdev/);
  assert.match(syntaxErrors([snippet(`${vnodeOnly}int f(void) { return MAXNAMLEN; }\n`)], ['-D_LKM']).join('\n'), /MAXNAMLEN. undeclared/);
});

test('ELFSIZE: a file that defines it first gets that size\'s Elf_* names, the others the port\'s', { skip: noGcc }, () => {
  const use = '#include <sys/param.h>\n#include <sys/exec_elf.h>\ntypedef char check[sizeof(Elf_Ehdr) == sizeof(Elf32_Ehdr) ? 1 : -1];\n';
  assert.deepEqual(syntaxErrors([snippet(use)], ['-D_LKM', '-m64', '-DELFSIZE=32', '-Werror']), []);
  assert.deepEqual(syntaxErrors([snippet(use)], ['-D_LKM', '-m32', '-Werror']), []);
  assert.match(syntaxErrors([snippet(use)], ['-D_LKM', '-m64']).join('\n'), /size of array 'check' is negative/);
});

test('kernelTypes: vnode and namei flags at NetBSD\'s values', () => {
  const kt = kernelTypes();
  const want: Record<string, number> = {
    // A bypass routine shifts vdesc_flags once per vnode: WILLUNLOCK of vp i is bit 8 + i.
    VDESC_VP0_WILLRELE: 0x1, VDESC_VP0_WILLUNLOCK: 0x100, VDESC_VP1_WILLPUT: 0x202,
    VDESC_NOMAP_VPP: 0x10000, VDESC_VPP_WILLRELE: 0x20000, VDESC_NO_OFFSET: -1,
    VROOT: 0x1, VLAYER: 0x2000, VV_ROOT: 0x1, VI_LAYER: 0x20000,
    FSYNC_WAIT: 1, FSYNC_RECLAIM: 4, PGO_LOCKED: 0x40, PGO_SYNCIO: 2,
    PDIRUNLOCK: 0x100000, ISDOTDOT: 0x2000, PARAMASK: 0x2fff00,
    MAXNAMLEN: 511, NAME_MAX: 511, _PC_LINK_MAX: 1, _PC_NAME_MAX: 4, _PC_NO_TRUNC: 8,
    HASH_LIST: 0, HASH_TAILQ: 1, RW_WRITER: 1,
  };
  for (const [name, v] of Object.entries(want)) assert.equal(kt.constant(name), v, name);
  const vnode = kt.struct('vnode').members!.map((m) => m.name);
  for (const m of ['v_flag', 'v_iflag', 'v_vflag', 'v_uflag', 'v_interlock', 'v_un', 'v_lock', 'v_vnlock', 'v_data']) assert.ok(vnode.includes(m), m);
  assert.deepEqual(kt.struct('specnode').members!.map((m) => m.name), ['sn_next', 'sn_dev', 'sn_opencnt', 'sn_rdev', 'sn_gone']);
});

test('the kernel defines the clock and process counters the headers declare, as a booted kernel has them', () => {
  const kt = kernelTypes();
  const data = bootData();
  for (const name of ['hardclock_ticks', 'nprocs', 'maxproc', 'nfiles', 'maxfiles']) {
    assert.ok(kt.objectType(name), `the headers declare ${name}`);
    assert.ok(data.symbols.has(name), `the kernel defines ${name}`);
  }
  const value = (name: string) => {
    const cell = data.symbols.get(name);
    assert.ok(cell instanceof ScalarCell, name);
    return asNumber(cell.value);
  };
  assert.equal(value('hardclock_ticks'), value('time_uptime') * value('hz'));
  assert.equal(value('nprocs'), 1, 'proc0');
});

function lkmDirs(root: string): ModuleDir[] {
  const out: ModuleDir[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d).sort()) {
      const p = join(d, e);
      if (!statSync(p).isDirectory()) continue;
      const md = existsSync(join(p, 'Makefile')) ? readModuleDir(p) : null;
      if (md && md.sources.length) out.push(md);
      walk(p);
    }
  };
  walk(root);
  return out;
}

/** The -D/-U/-I a kernel build gives a module directory's sources ($S from the tree it is in). */
function buildFlags(md: ModuleDir): string[] {
  const flags: string[] = [];
  for (const [k, v] of Object.entries(md.defines)) flags.push(v === '1' ? `-D${k}` : `-D${k}=${v}`);
  for (const u of md.undefines) flags.push(`-U${u}`);
  for (const d of new Set([md.dir, ...md.sources.map((f) => dirname(f)), ...md.includeDirs])) flags.push(`-I${d}`);
  const S = findKernelTree(md.dir);
  if (S) flags.push(`-I${S}`);
  return flags;
}

const LKMS = join(SAMPLES, 'sys', 'lkm');

// amd64, the simulated kernel's port: the i386-only parts of compat_linux need <machine/proc.h>'s
// l_md and p_md, which the bundled machine/ headers, shared by every port, do not model.
test('gcc accepts every sample LKM as an LKM build compiles it', { skip: (noGcc || (!existsSync(LKMS) && 'sample-lkm is not there')) as string | false }, () => {
  const dirs = lkmDirs(LKMS);
  assert.ok(dirs.length >= 13, `found ${dirs.length} sample LKMs`);
  const errors: string[] = [];
  for (const md of dirs) {
    for (const line of syntaxErrors(md.sources, ['-D_LKM', '-m64', ...buildFlags(md)])) errors.push(`${relative(SAMPLES, md.dir)}: ${line}`);
  }
  assert.deepEqual(errors, []);
});
