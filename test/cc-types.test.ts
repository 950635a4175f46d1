import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { kernelTypes } from '../src/kernel/cc/kernel-types.ts';
import { BUNDLED_INCLUDE } from '../src/kernel/cc/pp/include-path.ts';

test('kernelTypes: NetBSD errno values and the kernel-only pseudo errors', () => {
  const kt = kernelTypes();
  const want: Record<string, number> = {
    EPERM: 1, ENOENT: 2, ESRCH: 3, ENXIO: 6, ENOEXEC: 8, EDEADLK: 11, ENOMEM: 12, EBUSY: 16, EEXIST: 17,
    EINVAL: 22, ENFILE: 23, ENOTTY: 25, EMLINK: 31, EPROGMISMATCH: 75, ENOSYS: 78, ERESTART: -3,
  };
  for (const [name, v] of Object.entries(want)) assert.equal(kt.constant(name), v, name);
});

test('kernelTypes: module(9), LKM and syscall constants', () => {
  const kt = kernelTypes();
  assert.equal(kt.constant('MODULE_CMD_INIT'), 0);
  assert.equal(kt.constant('MODULE_CMD_AUTOUNLOAD'), 3);
  assert.equal(kt.constant('MODULE_CLASS_VFS'), 2);
  assert.equal(kt.constant('MODULE_CLASS_SECMODEL'), 5);
  assert.equal(kt.constant('MAXMODNAME'), 32);
  assert.equal(kt.constant('MAXMODDEPS'), 10);
  assert.equal(kt.constant('LKM_E_LOAD'), 1);
  assert.equal(kt.constant('LKM_E_STAT'), 3);
  assert.equal(kt.constant('LM_DRV'), 7);
  assert.equal(kt.constant('LM_DT_CHAR'), 1);
  assert.equal(kt.constant('LKM_VERSION'), 2);
  assert.equal(kt.constant('__NetBSD_Version__'), 500000000);
  assert.equal(kt.constant('SYS_msgget'), 225);
  assert.ok(kt.constant('SYS_MAXSYSCALL') > kt.constant('SYS_lio_listio'));
  assert.ok(kt.constantNames('SYS_').includes('SYS_aio_read'));
  // A macro built from others and sizeof: _IOWR('K', 11, struct lmc_stat)
  assert.equal(kt.constant('LMSTAT') >>> 0, (0xc0000000 | (kt.sizeOf(kt.struct('lmc_stat')) << 16) | (0x4b << 8) | 11) >>> 0);
  assert.throws(() => kt.constant('NO_SUCH_CONSTANT'), /no integer constant NO_SUCH_CONSTANT/);
});

test('kernelTypes: struct members in the headers\' order and spelling', () => {
  const kt = kernelTypes();
  const names = (tag: string) => kt.struct(tag).members!.map((m) => m.name);
  assert.deepEqual(names('sysent'), ['sy_narg', 'sy_argsize', 'sy_flags', 'sy_call']);
  assert.deepEqual(names('syscall_package'), ['sp_code', 'sp_flags', 'sp_call']);
  assert.deepEqual(names('modinfo'), ['mi_version', 'mi_class', 'mi_modcmd', 'mi_name', 'mi_required']);
  assert.deepEqual(names('lkm_any'), ['lkm_type', 'lkm_name', 'lkm_offset', 'lkm_modver', 'lkm_sysver', 'lkm_envver']);
  // Descriptors spell the common members out, so `_module.lkm_offset` reads as real LKMs do.
  const common = names('lkm_any');
  assert.deepEqual(names('lkm_dev'), [...common, 'lkm_devname', 'lkm_bdev', 'lkm_bdevmaj', 'lkm_cdev', 'lkm_cdevmaj']);
  assert.deepEqual(names('lkm_syscall'), [...common, 'lkm_sysent', 'lkm_oldent']);
  assert.deepEqual(names('execsw').slice(0, 5), ['es_hdrsz', 'es_makecmds', 'u', 'es_emul', 'es_prio']);
  assert.deepEqual(names('cfattachlkminit'), ['cfai_name', 'cfai_list']);
  const vfsops = names('vfsops');
  assert.equal(vfsops[0], 'vfs_name');
  assert.ok(['vfs_opv_descs', 'vfs_refcount', 'vfs_list'].every((m) => vfsops.includes(m)));
  assert.ok(names('lwp').includes('l_sysent'));
  assert.equal(kt.typedef('modinfo_t').kind, 'struct');
  assert.throws(() => kt.struct('no_such_struct'), /define no struct or union no_such_struct/);
});

test('kernelTypes: sizes follow the data model', () => {
  const lp64 = kernelTypes('amd64');
  const ilp32 = kernelTypes('i386');
  assert.equal(lp64.sizeOf(lp64.struct('sysent')), 16);
  assert.equal(ilp32.sizeOf(ilp32.struct('sysent')), 12);
  assert.equal(lp64.sizeOf(lp64.typedef('register_t')), 8);
  assert.equal(ilp32.sizeOf(ilp32.typedef('register_t')), 4);
  // modstat_t has the same layout for 32 and 64 bit, as module.h promises.
  assert.equal(lp64.sizeOf(lp64.struct('modstat')), ilp32.sizeOf(ilp32.struct('modstat')));
  assert.equal(lp64.functionType('devsw_attach')?.params?.length, 5);
  assert.equal(lp64.objectType('sysent')?.kind, 'array');
});

const gcc = spawnSync('gcc', ['--version']).status === 0;

test('every bundled header passes gcc -fsyntax-only in _LKM and _MODULE builds, i386 and amd64', { skip: !gcc && 'gcc is not installed' }, () => {
  const headers: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (statSync(p).isDirectory()) walk(p);
      else if (e.endsWith('.h')) headers.push(relative(BUNDLED_INCLUDE, p));
    }
  };
  walk(BUNDLED_INCLUDE);
  const dir = mkdtempSync(join(tmpdir(), 'lkm2mod-hdr-'));
  const file = join(dir, 'all.c');
  // Each header on its own first (it must include what it needs), then all together.
  const src = headers.map((h) => `#include <${h}>`).join('\n');
  writeFileSync(file, src + '\n');
  for (const mode of ['_LKM', '_MODULE']) {
    for (const m of ['-m64', '-m32']) {
      execFileSync('gcc', ['-fsyntax-only', '-nostdinc', '-ffreestanding', m, '-I', BUNDLED_INCLUDE, '-D_KERNEL', `-D${mode}`, '-Werror=implicit-function-declaration', file], { stdio: 'pipe' });
    }
  }
  for (const h of headers) {
    const one = join(dir, 'one.c');
    writeFileSync(one, `#include <sys/param.h>\n#include <sys/systm.h>\n#include <${h}>\n`);
    execFileSync('gcc', ['-fsyntax-only', '-nostdinc', '-ffreestanding', '-I', BUNDLED_INCLUDE, '-D_KERNEL', '-D_LKM', one], { stdio: 'pipe' });
  }
});

test('a module(9) module and an LKM using the bundled macros pass gcc -fsyntax-only', { skip: !gcc && 'gcc is not installed' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'lkm2mod-gcc-'));
  const mod = join(dir, 'mod.c');
  writeFileSync(mod, `#include <sys/param.h>
#include <sys/systm.h>
#include <sys/module.h>
#include <sys/mount.h>
#include <sys/syscallvar.h>
#include <sys/syscall.h>
MODULE(MODULE_CLASS_VFS, examplefs, NULL);
struct vfsops examplefs_vfsops = { .vfs_name = "examplefs" };
static int sys_ex(struct lwp *l, void *v, register_t *r) { return 0; }
static const struct syscall_package ex_syscalls[] = { { SYS_aio_read, 0, sys_ex }, { 0, 0, NULL } };
static int
examplefs_modcmd(modcmd_t cmd, void *arg)
{
	switch (cmd) {
	case MODULE_CMD_INIT: return vfs_attach(&examplefs_vfsops) || syscall_establish(NULL, ex_syscalls);
	case MODULE_CMD_FINI: return vfs_detach(&examplefs_vfsops);
	default: return ENOTTY;
	}
}
`);
  const lkm = join(dir, 'lkm.c');
  writeFileSync(lkm, `#include <sys/param.h>
#include <sys/systm.h>
#include <sys/conf.h>
#include <sys/lkm.h>
struct cdevsw ex_cdevsw = { nullopen, nullclose, noread, nowrite, noioctl, nostop, notty, nopoll, nommap, nokqfilter, D_OTHER };
MOD_DEV("ex", "ex", NULL, -1, &ex_cdevsw, -1)
int ex_lkmentry(struct lkm_table *, int, int);
int
ex_lkmentry(lkmtp, cmd, ver)
	struct lkm_table *lkmtp;
	int cmd, ver;
{
	DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc)
}
`);
  const old = join(dir, 'old.c');
  writeFileSync(old, `#include <sys/param.h>
#include <sys/systm.h>
#include <sys/conf.h>
#include <sys/lkm.h>
struct cdevsw ex_cdevsw;
MOD_DEV("ex", LM_DT_CHAR, -1, &ex_cdevsw);
int ex_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc); }
`);
  const cc = (f: string, mode: string) => execFileSync('gcc', ['-fsyntax-only', '-nostdinc', '-ffreestanding', '-I', BUNDLED_INCLUDE, '-D_KERNEL', `-D${mode}`, '-Werror', '-Wno-unused-function', f], { stdio: 'pipe' });
  cc(mod, '_MODULE');
  cc(lkm, '_LKM');
  cc(old, '_LKM');
});
