/**
 * Optional syscalls end to end, on the bundled samples: convert sample-lkm, then in the
 * simulated kernel (booted from the converted syscalls.master) load and unload the sysvmsg
 * module while the converted compat_linux calls the message-queue syscalls through the table.
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyChanges } from '../src/migrate/apply.ts';
import { convertPlans, type ConversionSet } from '../src/migrate/convert.ts';
import { discover } from '../src/discover/discover.ts';
import { Kernel } from '../src/kernel/kernel.ts';
import { constant } from '../src/kernel/abi.ts';
import { DirectorySource, readModuleDir } from '../src/kernel/moddir.ts';
import { asNumber, load, pointerTo } from '../src/kernel/machine/memory.ts';
import type { Lwp } from '../src/kernel/proc.ts';
import { parseSyscallsMaster } from '../src/source/syscalls-master.ts';
import { syscallIndirection } from '../src/validate/syscall-indirection.ts';
import { SAMPLES } from './helpers.ts';

let tree: string;
let set: ConversionSet;
let source: DirectorySource;
let modular: { code: number; module: string }[];

before(async () => {
  const work = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-optsys-'));
  process.on('exit', () => rmSync(work, { recursive: true, force: true }));
  tree = path.join(work, 'sample-lkm');
  cpSync(SAMPLES, tree, { recursive: true });
  set = await convertPlans(await discover([tree], { jobs: 1 }), { root: tree });
  await applyChanges(set.changes, { root: tree });
  const dirs = ['sysvmsg', 'compat_linux'].map((n) => readModuleDir(path.join(tree, 'sys/modules', n))!);
  source = new DirectorySource(dirs, { mode: 'module' });
  const master = parseSyscallsMaster(readFileSync(path.join(tree, 'sys/kern/syscalls.master'), 'utf8'));
  modular = master.entries.filter((e) => e.modular).map((e) => ({ code: e.number, module: e.modular! }));
});

const SYS_msgget = 225;
const SYS_msgsnd = 226;

/** Call a function of the loaded compat_linux as its syscall would, restarting on ERESTART. */
async function linux(k: Kernel, lwp: Lwp, fn: string): Promise<{ error: string; retval: number; restarts: number }> {
  return k.withLock(() =>
    k.lock.owned(() => {
      const sym = k.modules.lookup('compat_linux')!.kobj!.image.lookup(fn);
      assert.ok(sym && 'fn' in sym, `${fn} is in compat_linux`);
      const rval = k.data.newRetval();
      let error = 0;
      let restarts = -1;
      do {
        restarts++;
        const uap = k.kmem.alloc('kmem', 'kmem', 256);
        error = asNumber(k.runAs('compat_linux', () => sym.fn.invoke([pointerTo(lwp.cell), uap, pointerTo(rval, 0)])));
      } while (error === constant('ERESTART') && restarts < 4);
      const name = Object.entries({ ENOSYS: 0, EINVAL: 0, EBUSY: 0 }).find(([e]) => constant(e) === error)?.[0] ?? String(error);
      return { error: name, retval: asNumber(load(rval.items[0]!)), restarts };
    }),
  );
}

describe('converted sysvmsg and compat_linux', () => {
  test('convert writes the calls through sysent and marks the slots MODULAR sysvmsg', () => {
    const ipc = readFileSync(path.join(tree, 'sys/compat/linux/common/linux_ipc.c'), 'utf8');
    assert.match(ipc, /return sy_call\(&sysent\[SYS_msgget\], l, &nua, retval\);/);
    assert.match(ipc, /if \(\(error = sy_call\(&sysent\[SYS_msgsnd\], l, &bma, retval\)\) != 0\)/);
    assert.match(ipc, /return sy_call\(&sysent\[SYS___msgctl13\], l, &nua, retval\);/, 'the local wrapper calls through the table');
    assert.doesNotMatch(ipc, /\bsys_msg(get|snd|rcv)\(/);
    assert.match(ipc, /#include <sys\/syscallvar\.h>/);
    assert.deepEqual(modular.map((m) => m.code).sort(), [225, 226, 227, 302]);
    assert.ok(modular.every((m) => m.module === 'sysvmsg'));
    const compat = set.modules.find((m) => m.name === 'compat_linux')!;
    assert.deepEqual(compat.required, [], 'compat_linux no longer requires sysvmsg');
    const rewrites = set.findings.filter((f) => f.code === 'syscall-indirect');
    assert.equal(rewrites.length, 5, 'msgctl (wrapper), msgget, msgsnd, msgrcv and the i386 ipc multiplexer');
    assert.ok(rewrites.every((f) => /sysvmsg module provides it/.test(f.message)));
  });

  test('a call through the table gets ENOSYS without the module, reaches it loaded, ENOSYS again after unload', async () => {
    const k = Kernel.boot({ source, modularSyscalls: modular, autoload: false });
    assert.equal((await k.load('compat_linux')).error, 0);
    assert.equal(k.modules.lookup('sysvmsg'), undefined, 'compat_linux loads without sysvmsg');
    const lwp = k.spawn();
    assert.equal(k.syscalls.handler(SYS_msgsnd), k.syscalls.nomodule, 'the slot holds sys_nomodule at boot');

    const absent = await linux(k, lwp, 'linux_sys_msgsnd');
    assert.equal(absent.error, 'ENOSYS');
    assert.ok(k.signals.some((s) => s.signal === 'SIGSYS'), 'sys_nosys posted SIGSYS');

    assert.equal((await k.load('sysvmsg')).error, 0);
    assert.equal(k.syscalls.handler(SYS_msgsnd)?.provider, 'sysvmsg');
    // msqid 0 names no queue: EINVAL is sys_msgsnd's own answer, so the call reached it.
    assert.equal((await linux(k, lwp, 'linux_sys_msgsnd')).error, 'EINVAL');

    assert.equal((await k.unload('sysvmsg')).error, 0);
    assert.equal(k.syscalls.handler(SYS_msgsnd), k.syscalls.nomodule);
    assert.equal((await linux(k, lwp, 'linux_sys_msgsnd')).error, 'ENOSYS');
  });

  test('with autoload the first call loads sysvmsg, is restarted and reaches it; a queue keeps it loaded', async () => {
    const k = Kernel.boot({ source, modularSyscalls: modular });
    await k.load('compat_linux');
    const lwp = k.spawn();
    const first = await linux(k, lwp, 'linux_sys_msgget');
    assert.equal(first.restarts, 1, 'sys_nomodule answered ERESTART once');
    assert.equal(first.error, '0');
    assert.ok(first.retval > 0, 'msgget returned a queue id');
    assert.ok(k.modules.lookup('sysvmsg'), 'sysvmsg was autoloaded');
    assert.equal(k.syscalls.handler(SYS_msgget)?.provider, 'sysvmsg');

    // The module's own busy check survived conversion: a queue exists, so FINI refuses and the
    // calls it withdrew first are put back.
    const r = await k.unload('sysvmsg');
    assert.equal(r.errno, 'EBUSY');
    assert.equal(k.syscalls.handler(SYS_msgsnd)?.provider, 'sysvmsg');
    assert.equal((await linux(k, lwp, 'linux_sys_msgsnd')).error, 'EINVAL');
  });

  test('validate\'s syscall-indirection check passes for compat_linux and skips sysvmsg', async () => {
    const [sysvmsg, compat] = ['sysvmsg', 'compat_linux'].map((n) => readModuleDir(path.join(tree, 'sys/modules', n))!);
    const catalog = { source: () => source };
    const r = await syscallIndirection({ spec: { name: 'compat_linux', moduleDir: compat! }, object: source.objectOf(compat!), infoName: 'compat_linux', catalog });
    assert.equal(r.ok, true, r.details.join('\n'));
    for (const fn of ['linux_sys_msgget', 'linux_sys_msgsnd', 'linux_sys_msgrcv', 'linux_msgctl_native']) {
      assert.ok(r.details.some((d) => d.startsWith(`${fn}()`) && /absent → ENOSYS/.test(d)), `${fn}: absent`);
      assert.ok(r.details.some((d) => d.startsWith(`${fn}()`) && /autoloaded, ERESTART, restarted call reached/.test(d)), `${fn}: autoload`);
      assert.ok(r.details.some((d) => d.startsWith(`${fn}()`) && /unloaded → ENOSYS again/.test(d)), `${fn}: unloaded`);
    }
    const own = await syscallIndirection({ spec: { name: 'sysvmsg', moduleDir: sysvmsg! }, object: source.objectOf(sysvmsg!), infoName: 'sysvmsg', catalog });
    assert.equal(own.skipped, true);
  });
});

test('the check fails when syscalls.master does not tell the kernel which module provides the slots', async () => {
  const copy = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-optsys-nomod-'));
  try {
    cpSync(tree, copy, { recursive: true });
    cpSync(path.join(SAMPLES, 'sys/kern/syscalls.master'), path.join(copy, 'sys/kern/syscalls.master'));
    const dirs = ['sysvmsg', 'compat_linux'].map((n) => readModuleDir(path.join(copy, 'sys/modules', n))!);
    const src = new DirectorySource(dirs, { mode: 'module' });
    const r = await syscallIndirection({ spec: { name: 'compat_linux', moduleDir: dirs[1]! }, object: src.objectOf(dirs[1]!), infoName: 'compat_linux', catalog: { source: () => src } });
    assert.equal(r.ok, false);
    assert.ok(r.details.some((d) => /did not autoload|no module provides/.test(d)), r.details.join('\n'));
    assert.ok(r.sites?.some((s) => s.file.endsWith('linux_ipc.c')));
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
});
