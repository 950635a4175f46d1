/**
 * The old LKM loader (kern_lkm.c): LKMs written in C against the bundled sys/lkm.h, compiled
 * and loaded as modload(8) did — DISPATCH's order, slot search, the per-type wiring, EEXIST for
 * a second copy, and LMUNLOAD's EBUSY for any unload failure.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileModule } from '../src/kernel/cc/compile.ts';
import { Kernel, type KernelResult } from '../src/kernel/kernel.ts';
import { diffSnapshots, snapshot } from '../src/kernel/state.ts';
import type { ModuleObject } from '../src/kernel/object.ts';
import { readField } from '../src/kernel/machine/memory.ts';

const HEADERS = `#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/conf.h>
#include <sys/mount.h>
#include <sys/exec.h>
#include <sys/proc.h>
#include <sys/lkm.h>
`;

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-lkm-'));
const compiled = new Map<string, ModuleObject>();

/** Compile one C file as an LKM (mode lkm: _LKM defined). */
function lkm(name: string, body: string): ModuleObject {
  const key = `${name}\n${body}`;
  let o = compiled.get(key);
  if (!o) {
    const dir = fs.mkdtempSync(path.join(tmp, `${name}-`));
    const file = path.join(dir, `${name}.c`);
    fs.writeFileSync(file, HEADERS + body);
    compiled.set(key, (o = compileModule([file], { mode: 'lkm', origin: dir })));
  }
  return o;
}

function syscallLkm(name: string, slot: number, opts: { load?: string; unload?: string } = {}): ModuleObject {
  return lkm(
    name,
    `
static int ${name}_call(struct lwp *l, void *v, register_t *retval) { *retval = 42; return 0; }
static struct sysent ${name}_sysent = { 0, 0, 0, ${name}_call };
MOD_SYSCALL("${name}", ${slot}, &${name}_sysent);
static int ${name}_load(struct lkm_table *lkmtp, int cmd) {
	printf("${name}: slot %lu\\n", lkmtp->private.lkm_any->lkm_offset);
	${opts.load ?? 'return 0;'}
}
static int ${name}_unload(struct lkm_table *lkmtp, int cmd) { ${opts.unload ?? 'return 0;'} }
int ${name}_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) {
	DISPATCH(lkmtp, cmd, ver, ${name}_load, ${name}_unload, lkm_nofunc)
}
`,
  );
}

function expectError(r: KernelResult, errno: string, message?: RegExp): void {
  assert.equal(r.errno, errno, `expected ${errno}, got ${r.errno}: ${r.message}`);
  if (message) assert.match(r.message, message);
}

async function assertUnchanged(k: Kernel, op: () => Promise<KernelResult>, errno: string, message?: RegExp): Promise<void> {
  const before = snapshot(k);
  expectError(await op(), errno, message);
  assert.deepEqual(diffSnapshots(before, snapshot(k)), []);
}

test('MOD_SYSCALL with slot -1 takes the first sys_lkmnosys slot; the handler sees it; unload restores it', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  const boot = snapshot(k);
  assert.equal((await k.lkmLoad(syscallLkm('first', -1), { name: 'first' })).error, 0);
  assert.equal((await k.lkmLoad(syscallLkm('second', -1), { name: 'second' })).error, 0);
  assert.equal(k.syscalls.handler(210)?.name, 'first_call');
  assert.equal(k.syscalls.handler(211)?.name, 'second_call');
  assert.deepEqual(k.console, ['first: slot 210', 'second: slot 211']);
  assert.deepEqual(k.lkm.list.map((l) => k.lkm.describe(l)).map((s) => [s.id, s.name, s.type, s.offset]), [
    [0, 'first', 'SYSCALL', 210],
    [1, 'second', 'SYSCALL', 211],
  ]);
  // Reached through the table, as a process would.
  assert.deepEqual(await k.syscall(211), { error: 0, retval: 42 });
  assert.equal((await k.lkmUnload('first')).error, 0);
  assert.equal((await k.lkmUnload(1)).error, 0);
  assert.deepEqual(diffSnapshots(boot, snapshot(k)), []);
});

test('an explicit slot is taken whatever holds it; out of range is EINVAL; no free slot is ENFILE', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  await assertUnchanged(k, () => k.lkmLoad(syscallLkm('far', 9999), { name: 'far' }), 'EINVAL');
  for (let i = 0; i < 10; i++) assert.equal((await k.lkmLoad(syscallLkm(`s${i}`, -1), { name: `s${i}` })).error, 0);
  await assertUnchanged(k, () => k.lkmLoad(syscallLkm('full', -1), { name: 'full' }), 'ENFILE');
  // The module-era kernel has no sys_lkmnosys slots at all.
  const modern = Kernel.boot();
  await assertUnchanged(modern, () => modern.lkmLoad(syscallLkm('s0', -1), { name: 's0' }), 'ENFILE');
});

test('a second copy of a loaded LKM: EEXIST from lkmexists, nothing changes', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  await k.lkmLoad(syscallLkm('once', -1), { name: 'once' });
  await assertUnchanged(k, () => k.lkmLoad(syscallLkm('once', -1), { name: 'once' }), 'EEXIST');
});

test('a load handler that fails: the kernel unwires the module again and returns its error', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  await assertUnchanged(k, () => k.lkmLoad(syscallLkm('picky', -1, { load: 'return (ENXIO);' }), { name: 'picky' }), 'ENXIO', /picky_lkmentry\(LKM_E_LOAD\) failed: ENXIO/);
  assert.deepEqual(k.console, ['picky: slot 210']);
});

test('an unload handler that fails: LMUNLOAD reports EBUSY whatever the error, and the LKM stays', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  await k.lkmLoad(syscallLkm('sticky', -1, { unload: 'return (EPERM);' }), { name: 'sticky' });
  await assertUnchanged(k, () => k.lkmUnload('sticky'), 'EBUSY', /failed with EPERM; LMUNLOAD reports EBUSY/);
  assert.equal(k.syscalls.handler(210)?.name, 'sticky_call');
});

test('LMUNLOAD of an LKM that is not there: EINVAL past the highest id, ENOENT otherwise', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  expectError(await k.lkmUnload(0), 'EINVAL');
  await k.lkmLoad(syscallLkm('a', -1), { name: 'a' });
  await k.lkmLoad(syscallLkm('b', -1), { name: 'b' });
  await k.lkmUnload('a');
  expectError(await k.lkmUnload(0), 'ENOENT');
  expectError(await k.lkmUnload(7), 'EINVAL');
  expectError(await k.lkmUnload('nosuch'), 'ENOENT');
});

test('a kernel built for another release refuses the LKM with EPROGMISMATCH unless forced', async () => {
  const old = lkm(
    'oldmisc',
    `
static struct lkm_misc _module = { LM_MISC, "oldmisc", -1, LKM_VERSION, 400000000, "" };
int oldmisc_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) {
	DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc)
}
`,
  );
  const k = Kernel.boot({ era: 'lkm' });
  await assertUnchanged(k, () => k.lkmLoad(old, { name: 'oldmisc' }), 'EPROGMISMATCH');
  assert.match(k.console.join('\n'), /LKM 'oldmisc': kernel version mismatch/);
  assert.equal((await k.lkmLoad(old, { name: 'oldmisc', force: true })).error, 0);
});

test('modload finds <name>_lkmentry, then xxxinit; neither is ENOEXEC naming what is there', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  const legacy = lkm(
    'legacy',
    `
MOD_MISC("legacy");
int xxxinit(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc) }
`,
  );
  assert.equal((await k.lkmLoad(legacy, { name: 'legacy' })).error, 0);
  const odd = lkm(
    'odd',
    `
MOD_MISC("odd");
int odd_init(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc) }
`,
  );
  await assertUnchanged(k, () => k.lkmLoad(odd, { name: 'odd' }), 'ENOEXEC', /odd_lkmentry or xxxinit is not defined \(candidates: odd_init/);
  assert.equal((await k.lkmLoad(odd, { name: 'odd', entry: 'odd_init' })).error, 0);
});

test('an LKM using a symbol nothing provides is refused with ENOEXEC naming it', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  const needy = lkm(
    'needy',
    `
extern int frobnicate(int);
MOD_MISC("needy");
static int needy_load(struct lkm_table *lkmtp, int cmd) { return frobnicate(1); }
int needy_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, needy_load, lkm_nofunc, lkm_nofunc) }
`,
  );
  await assertUnchanged(k, () => k.lkmLoad(needy, { name: 'needy' }), 'ENOEXEC', /needy\.c:\d+: undefined symbol `frobnicate'/);
});

test('MOD_DEV: devsw_attach picks the majors; lkm_offset packs them; unload detaches', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  const boot = snapshot(k);
  const dev = lkm(
    'mydev',
    `
static int mydevopen(dev_t dev, int flag, int mode, struct lwp *l) { return 0; }
static const struct cdevsw mydev_cdevsw = { mydevopen, nullclose, noread, nowrite, noioctl, nostop, notty, nopoll, nommap, nokqfilter, D_OTHER };
MOD_DEV("mydev", "mydev", NULL, -1, &mydev_cdevsw, -1);
static int mydev_load(struct lkm_table *lkmtp, int cmd) {
	printf("mydev: char major %d, offset %lx\\n", _module.lkm_cdevmaj, lkmtp->private.lkm_any->lkm_offset);
	return 0;
}
int mydev_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, mydev_load, lkm_nofunc, lkm_nofunc) }
`,
  );
  assert.equal((await k.lkmLoad(dev, { name: 'mydev' })).error, 0);
  const major = k.devsw.conv.find((c) => c.name === 'mydev')!.cmajor;
  assert.deepEqual(k.console, [`mydev: char major ${major}, offset ffff${major.toString(16).padStart(4, '0')}`]);
  assert.equal((await k.lkmUnload('mydev')).error, 0);
  assert.equal(k.devsw.at('char', major), null);
  // The name keeps its major in devsw_conv, as NetBSD does; the switches are back as they were.
  assert.deepEqual(diffSnapshots(boot, snapshot(k)), []);
});

test('the four-argument MOD_DEV copies the switch into a free static slot and restores it on unload', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  const boot = snapshot(k);
  const old = lkm(
    'oldcdev',
    `
static int oldopen(dev_t dev, int flag, int mode, struct lwp *l) { return 0; }
static struct cdevsw old_cdevsw = { oldopen, nullclose, noread, nowrite, noioctl, nostop, notty, nopoll, nommap, nokqfilter, D_OTHER };
MOD_DEV("oldcdev", LM_DT_CHAR, -1, &old_cdevsw);
int oldcdev_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc) }
`,
  );
  assert.equal((await k.lkmLoad(old, { name: 'oldcdev' })).error, 0);
  const stat = k.lkm.describe(k.lkm.list[0]!);
  assert.ok(stat.offset < k.devsw.sysCdevsws, `slot ${stat.offset} in the static switch`);
  assert.equal(k.devsw.nameOf('char', stat.offset), 'oldcdev');
  // A copy: the kernel's entry is not the module's struct.
  const installed = k.devsw.at('char', stat.offset)!;
  const open = readField(installed, 'd_open');
  assert.equal(open.k === 'fn' && open.fn.name, 'oldopen');
  assert.equal((await k.lkmUnload('oldcdev')).error, 0);
  assert.deepEqual(diffSnapshots(boot, snapshot(k)), []);
});

test('MOD_VFS attaches the vfsops; a second file system of the same name is EEXIST', async () => {
  const fs1 = (lkmName: string) =>
    lkm(
      lkmName,
      `
static struct vfsops sfs_vfsops = { .vfs_name = "sfs" };
MOD_VFS("${lkmName}", -1, &sfs_vfsops);
int ${lkmName}_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc) }
`,
    );
  const k = Kernel.boot({ era: 'lkm' });
  assert.equal((await k.lkmLoad(fs1('sfs'), { name: 'sfs' })).error, 0);
  assert.ok(k.vfs.byName('sfs'));
  await assertUnchanged(k, () => k.lkmLoad(fs1('sfs2'), { name: 'sfs2' }), 'EEXIST');
  assert.equal((await k.mount('sfs')).error, 0);
  await assertUnchanged(k, () => k.lkmUnload('sfs'), 'EBUSY');
});

test('MOD_EXEC finds its emulation by name: ENOENT until the MOD_COMPAT LKM registered it', async () => {
  const compat = lkm(
    'compat_sim',
    `
struct emul emul_sim = { .e_name = "sim" };
MOD_COMPAT("compat_sim", -1, &emul_sim);
int compat_sim_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc) }
`,
  );
  const exec = lkm(
    'exec_sim',
    `
static int exec_sim_makecmds(struct lwp *l, struct exec_package *epp) { return ENOEXEC; }
static struct execsw exec_sim_execsw = { 64, exec_sim_makecmds, { NULL }, NULL, EXECSW_PRIO_ANY };
MOD_EXEC("exec_sim", -1, &exec_sim_execsw, "sim");
int exec_sim_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc) }
`,
  );
  const k = Kernel.boot({ era: 'lkm' });
  await assertUnchanged(k, () => k.lkmLoad(exec, { name: 'exec_sim' }), 'ENOENT');
  assert.equal((await k.lkmLoad(compat, { name: 'compat_sim' })).error, 0);
  assert.equal((await k.lkmLoad(exec, { name: 'exec_sim' })).error, 0);
  assert.ok(Object.keys(snapshot(k).execsw).some((key) => /^exec_sim_makecmds@.*\/sim$/.test(key)), Object.keys(snapshot(k).execsw).join(', '));
  // The emulation is in use by the exec entry: its LKM cannot go first.
  await assertUnchanged(k, () => k.lkmUnload('compat_sim'), 'EBUSY');
  assert.equal((await k.lkmUnload('exec_sim')).error, 0);
  assert.equal((await k.lkmUnload('compat_sim')).error, 0);
});

test('an entry that crashes: the load fails with file:line and the kernel is as before', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  const crash = syscallLkm('crashy', -1, { load: 'return *(int *)0;' });
  await assertUnchanged(k, () => k.lkmLoad(crash, { name: 'crashy' }), 'ECRASH', /crashy: LKM_E_LOAD crashed: .*crashy\.c:\d+: null pointer dereference/);
  assert.equal(k.syscalls.handler(210), k.syscalls.lkmnosys);
});

test('LMSTAT calls the entry with LKM_E_STAT: its error, or the table numbers', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  const statted = lkm(
    'statted',
    `
static int statted_calls;
MOD_MISC("statted");
static int statted_stat(struct lkm_table *lkmtp, int cmd) { return ++statted_calls > 1 ? EIO : 0; }
int statted_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, statted_stat) }
`,
  );
  await k.lkmLoad(statted, { name: 'statted' });
  assert.equal((await k.lkmStat('statted')).error, 0);
  expectError(await k.lkmStat('statted'), 'EIO', /LKM_E_STAT\) failed: EIO/);
  expectError(await k.lkmStat('nosuch'), 'ENOENT');
});

test('at securelevel 1 neither modload nor modunload is permitted', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  await k.lkmLoad(syscallLkm('early', -1), { name: 'early' });
  const { ScalarCell, int } = await import('../src/kernel/machine/memory.ts');
  (k.data.symbols.get('securelevel') as InstanceType<typeof ScalarCell>).value = int(1);
  await assertUnchanged(k, () => k.lkmLoad(syscallLkm('late', -1), { name: 'late' }), 'EPERM', /securelevel 1/);
  await assertUnchanged(k, () => k.lkmUnload('early'), 'EPERM');
});
