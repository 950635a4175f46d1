/**
 * The subsystems as modules reach them: the syscall table and its placeholders, devsw majors,
 * the exec switch, emulations, autoconf's simulated bus, sysctl — plus the call log and fault
 * injection validation builds on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kernel } from '../src/kernel/kernel.ts';
import { ObjectSource } from '../src/kernel/source.ts';
import { diffSnapshots, snapshot } from '../src/kernel/state.ts';
import { constant, newStruct } from '../src/kernel/abi.ts';
import { errno } from '../src/kernel/errno.ts';
import { allocate, ArrayCell, type Callable, type CType, asNumber, cString, deref, int, NULL_PTR, pointerTo, readField, ScalarCell, type StructCell, type Value } from '../src/kernel/machine/memory.ts';
import { fakeModule, ptr, setMember, syscallPackage, type FakeModuleSpec } from './kernel-objects.ts';

const fn = (name: string, body: (args: Value[]) => Value, provider = 'test'): Callable => ({ name, provider, invoke: body });
const ret = (n: number) => () => int(n);

function boot(...specs: FakeModuleSpec[]): Kernel {
  return Kernel.boot({ source: new ObjectSource(specs.map((s) => [s.name, fakeModule(s)])) });
}

/** Run a synchronous piece of kernel code under the lock, as a modcmd would. */
function locked<T>(k: Kernel, body: () => T): Promise<T> {
  return k.withLock(() => k.lock.owned(body));
}

// ---- syscalls ---------------------------------------------------------------------------------

test('optional syscalls hold sys_nomodule at boot; loadable slots depend on the era', () => {
  const mod = Kernel.boot();
  const lkm = Kernel.boot({ era: 'lkm' });
  const aio = constant('SYS_aio_read');
  assert.equal(mod.syscalls.handler(aio), mod.syscalls.nomodule);
  assert.equal(mod.syscalls.handler(210), mod.syscalls.nomodule);
  assert.equal(lkm.syscalls.handler(210), lkm.syscalls.lkmnosys);
  assert.equal(lkm.syscalls.handler(constant('SYS_msgget')), lkm.syscalls.nosys);
  assert.equal(mod.syscalls.handler(constant('SYS_msgget')), mod.syscalls.nomodule);
  assert.equal(mod.syscalls.handler(constant('SYS_read'))?.name, 'sys_read');
});

test('syscall_establish is all or nothing: one taken slot is EBUSY and nothing changes', async () => {
  const k = Kernel.boot();
  const a = fn('sys_a', ret(0));
  const pkg = syscallPackage([
    { code: 211, call: a },
    { code: constant('SYS_read'), call: a },
  ]);
  const before = snapshot(k);
  assert.equal(await locked(k, () => k.syscalls.establish(null, ptr(pkg))), errno('EBUSY'));
  assert.deepEqual(diffSnapshots(before, snapshot(k)), []);
  const good = syscallPackage([
    { code: 211, call: a },
    { code: 212, call: a },
  ]);
  assert.equal(await locked(k, () => k.syscalls.establish(null, ptr(good))), 0);
  assert.equal(k.syscalls.handler(211), a);
  assert.equal(await locked(k, () => k.syscalls.disestablish(null, ptr(good))), 0);
  assert.deepEqual(diffSnapshots(before, snapshot(k)), []);
});

test('syscall_disestablish is EBUSY while an LWP is inside one of the calls, and puts the handlers back', async () => {
  const k = Kernel.boot();
  const a = fn('sys_a', ret(0));
  const pkg = syscallPackage([{ code: 213, call: a }]);
  await locked(k, () => k.syscalls.establish(null, ptr(pkg)));
  const busy = k.spawn();
  (busy.cell.fields.get('l_sysent') as ScalarCell).value = pointerTo(k.syscalls.sysent, 213);
  assert.equal(await locked(k, () => k.syscalls.disestablish(null, ptr(pkg))), errno('EBUSY'));
  assert.equal(k.syscalls.handler(213), a);
  (busy.cell.fields.get('l_sysent') as ScalarCell).value = NULL_PTR;
  assert.equal(await locked(k, () => k.syscalls.disestablish(null, ptr(pkg))), 0);
  assert.equal(k.syscalls.handler(213), k.syscalls.nomodule);
});

test('a syscall through sys_nomodule autoloads its module and is restarted into the handler', async () => {
  const code = constant('SYS_aio_read');
  const handler = fn('sys_aio_read', ret(0), 'aio');
  const aio: FakeModuleSpec = {
    name: 'aio',
    uses: ['syscall_establish', 'syscall_disestablish'],
    statics: { aio_syscalls: () => syscallPackage([{ code, call: handler }]) },
    modcmd: (cmd, ctx) => ctx.call(cmd === 'INIT' ? 'syscall_establish' : 'syscall_disestablish', NULL_PTR, ptr(ctx.own('aio_syscalls'))),
  };
  const absent = Kernel.boot();
  assert.deepEqual(await absent.syscall(code), { error: errno('ENOSYS'), retval: 0 });
  assert.deepEqual(absent.signals, [{ pid: 0, signal: 'SIGSYS' }]);

  const k = boot(aio);
  const calls = k.calls.mark();
  assert.equal((await k.syscall(code)).error, 0);
  assert.ok(k.modstat().some((m) => m.name === 'aio'));
  assert.deepEqual(
    k.calls.since(calls).map((c) => c.name),
    ['sys_nomodule', 'syscall_establish'],
  );
  assert.deepEqual(k.signals, []);
});

test('a syscall without an autoload entry falls through to sys_nosys: SIGSYS and ENOSYS', async () => {
  const k = Kernel.boot();
  assert.equal((await k.syscall(215)).error, errno('ENOSYS'));
  assert.equal(k.signals.length, 1);
});

// ---- devsw ------------------------------------------------------------------------------------

function devswModule(name: string, opts: { bdev?: boolean; bmajor?: number; cmajor?: number; cdev?: boolean } = {}): FakeModuleSpec {
  return {
    name,
    class: 'MODULE_CLASS_DRIVER',
    uses: ['devsw_attach', 'devsw_detach'],
    data: {
      [`${name}_bdevsw`]: () => newStruct('bdevsw'),
      [`${name}_cdevsw`]: () => newStruct('cdevsw'),
      [`${name}_bmajor`]: () => new ScalarCell({ kind: 'int', name: 'int', size: 4, unsigned: false }, int(opts.bmajor ?? -1)),
      [`${name}_cmajor`]: () => new ScalarCell({ kind: 'int', name: 'int', size: 4, unsigned: false }, int(opts.cmajor ?? -1)),
    },
    modcmd(cmd, ctx) {
      const b = opts.bdev ? ptr(ctx.own(`${name}_bdevsw`)) : NULL_PTR;
      const c = opts.cdev === false ? NULL_PTR : ptr(ctx.own(`${name}_cdevsw`));
      if (cmd === 'INIT') return ctx.call('devsw_attach', pointerTo(cString(name), 0), b, ptr(ctx.own(`${name}_bmajor`)), c, ptr(ctx.own(`${name}_cmajor`)));
      if (cmd === 'FINI') return (ctx.callValue('devsw_detach', b, c), 0);
      return constant('ENOTTY');
    },
  };
}

test('devsw_attach: a name in the majors file gets its numbers, a new name dynamic ones; EEXIST; cdevsw mandatory', async () => {
  const k = boot(devswModule('vnd', { bdev: true }), devswModule('tracebuf'), devswModule('other', { cmajor: 41 }), devswModule('nocdev', { cdev: false }));
  assert.equal((await k.load('vnd')).error, 0);
  assert.deepEqual([k.devsw.nameOf('block', 14), k.devsw.nameOf('char', 41)], ['vnd', 'vnd']);
  assert.ok(k.devsw.at('block', 14) && k.devsw.at('char', 41));
  assert.equal((await k.load('tracebuf')).error, 0);
  const major = k.devsw.conv.find((c) => c.name === 'tracebuf')!.cmajor;
  assert.ok(major >= k.devsw.sysCdevsws, `dynamic major ${major} above the static switch`);
  const before = snapshot(k);
  assert.equal((await k.load('other')).errno, 'EEXIST');
  assert.equal((await k.load('nocdev')).errno, 'EINVAL');
  assert.deepEqual(diffSnapshots(before, snapshot(k)), []);
  assert.equal((await k.unload('tracebuf')).error, 0);
  assert.equal(k.devsw.at('char', major), null);
  // The name keeps its major for the next load, as devsw_conv does.
  assert.equal((await k.load('tracebuf')).error, 0);
  assert.ok(k.devsw.at('char', major));
});

// ---- exec and emulations ----------------------------------------------------------------------

function execsw(makecmds: Callable, emul: StructCell | null): ArrayCell {
  const e = newStruct('execsw');
  setMember(e, 'es_makecmds', { k: 'fn', fn: makecmds });
  if (emul) setMember(e, 'es_emul', pointerTo(emul));
  return new ArrayCell({ kind: 'array', of: e.type, length: 1 }, [e]);
}

test('exec_add: EEXIST for the same format and emulation; exec_remove EBUSY while a process runs it', async () => {
  const k = Kernel.boot();
  const mk = fn('exec_foo_makecmds', ret(0));
  const sw = execsw(mk, k.data.emulNetbsd);
  const dup = execsw(mk, k.data.emulNetbsd);
  assert.equal(await locked(k, () => asNumber(k.kfunc('exec_add').invoke([ptr(sw), int(1)]))), 0);
  assert.equal(await locked(k, () => asNumber(k.kfunc('exec_add').invoke([ptr(dup), int(1)]))), errno('EEXIST'));
  const p = k.spawn();
  setMember(p.proc, 'p_execsw', ptr(sw.items[0]!));
  assert.equal(await locked(k, () => asNumber(k.kfunc('exec_remove').invoke([ptr(sw), int(1)]))), errno('EBUSY'));
  setMember(p.proc, 'p_execsw', NULL_PTR);
  assert.equal(await locked(k, () => asNumber(k.kfunc('exec_remove').invoke([ptr(sw), int(1)]))), 0);
});

test('LKM-era exec_add finds the emulation by name; emul_unregister refuses while an entry uses it', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  const linux = newStruct('emul');
  setMember(linux, 'e_name', pointerTo(cString('linux'), 0));
  const sw = execsw(fn('exec_linux_elf32_makecmds', ret(0)), null);
  const call = (name: string, ...args: Value[]) => locked(k, () => asNumber(k.kfunc(name).invoke(args)));
  assert.equal(await call('exec_add', ptr(sw.items[0]!), pointerTo(cString('linux'), 0)), errno('ENOENT'));
  assert.equal(await call('emul_register', ptr(linux), int(0)), 0);
  assert.equal(await call('emul_register', ptr(linux), int(0)), errno('EEXIST'));
  assert.equal(await call('exec_add', ptr(sw.items[0]!), pointerTo(cString('linux'), 0)), 0);
  assert.equal(deref(readField(sw.items[0] as StructCell, 'es_emul')), linux);
  assert.equal(await call('emul_unregister', pointerTo(cString('linux'), 0)), errno('EBUSY'));
  assert.equal(await call('emul_unregister', pointerTo(cString('netbsd'), 0)), errno('EBUSY'));
  assert.equal(await call('exec_remove', ptr(sw.items[0]!)), 0);
  assert.equal(await call('exec_remove', ptr(sw.items[0]!)), errno('ENOENT'));
  assert.equal(await call('emul_unregister', pointerTo(cString('linux'), 0)), 0);
  assert.equal(await call('emul_unregister', pointerTo(cString('linux'), 0)), errno('ENOENT'));
});

// ---- autoconf ---------------------------------------------------------------------------------

function driverModule(name: string, opts: { detach?: boolean; match?: number }): FakeModuleSpec {
  return {
    name,
    class: 'MODULE_CLASS_DRIVER',
    uses: ['config_init_component', 'config_fini_component'],
    data: {
      [`${name}_cd`]: () => {
        const cd = newStruct('cfdriver');
        setMember(cd, 'cd_name', pointerTo(cString(name), 0));
        return cd;
      },
    },
    statics: {
      [`${name}_ca`]: () => {
        const ca = newStruct('cfattach');
        setMember(ca, 'ca_name', pointerTo(cString(`${name}_isa`), 0));
        setMember(ca, 'ca_devsize', int(64));
        setMember(ca, 'ca_match', { k: 'fn', fn: fn(`${name}_match`, ret(opts.match ?? 1), name) });
        setMember(ca, 'ca_attach', { k: 'fn', fn: fn(`${name}_attach`, () => int(0), name) });
        if (opts.detach !== false) setMember(ca, 'ca_detach', { k: 'fn', fn: fn(`${name}_detach`, ret(0), name) });
        return ca;
      },
      cfdrivers: (ctx) => ptrArray([ctx.own(`${name}_cd`) as StructCell]),
      cfattachs: (ctx) => ptrArray([ctx.own(`${name}_ca`) as StructCell]),
      cfattachinit: (ctx) => {
        const t = newStruct('cfattachinit');
        setMember(t, 'cfai_name', pointerTo(cString(name), 0));
        setMember(t, 'cfai_list', pointerTo(ctx.own('cfattachs'), 0));
        const end = newStruct('cfattachinit');
        return new ArrayCell({ kind: 'array', of: t.type, length: 2 }, [t, end]);
      },
      cfparent: () => {
        const p = newStruct('cfparent');
        setMember(p, 'cfp_iattr', pointerTo(cString('isa'), 0));
        setMember(p, 'cfp_unit', int(constant('DVUNIT_ANY')));
        return p;
      },
      cfdata: (ctx) => {
        const cf = newStruct('cfdata');
        setMember(cf, 'cf_name', pointerTo(cString(name), 0));
        setMember(cf, 'cf_atname', pointerTo(cString(`${name}_isa`), 0));
        setMember(cf, 'cf_pspec', ptr(ctx.own('cfparent')));
        const end = newStruct('cfdata');
        return new ArrayCell({ kind: 'array', of: cf.type, length: 2 }, [cf, end]);
      },
    },
    modcmd(cmd, ctx) {
      const args = [pointerTo(ctx.own('cfdrivers'), 0), pointerTo(ctx.own('cfattachinit'), 0), pointerTo(ctx.own('cfdata'), 0)];
      if (cmd === 'INIT') return ctx.call('config_init_component', ...args);
      if (cmd === 'FINI') return ctx.call('config_fini_component', ...args);
      return constant('ENOTTY');
    },
  };
}

/** A NULL-terminated array of pointers to the cells. */
function ptrArray(cells: StructCell[]): ArrayCell {
  const t = { kind: 'ptr' as const, to: cells[0]!.type };
  const items = [...cells.map((c) => new ScalarCell(t, pointerTo(c))), new ScalarCell(t, NULL_PTR)];
  return new ArrayCell({ kind: 'array', of: t, length: items.length }, items);
}

test('config_init_component: the driver matches on the simulated ISA bus and a device appears; fini detaches it', async () => {
  const k = boot(driverModule('lm', {}));
  const boot0 = snapshot(k);
  assert.equal((await k.load('lm')).error, 0);
  assert.deepEqual(
    k.autoconf.devices.map((d) => [d.xname, d.parent?.xname ?? null]),
    [['mainbus0', null], ['isa0', 'mainbus0'], ['lm0', 'isa0']],
  );
  const calls = k.calls.all().map((c) => c.name);
  assert.ok(calls.includes('config_init_component'));
  assert.match(k.console.join('\n'), /lm0 at isa0/);
  assert.equal((await k.unload('lm')).error, 0);
  assert.deepEqual(diffSnapshots(boot0, snapshot(k)), []);
});

test('a driver without a detach function cannot be unloaded once its device attached', async () => {
  const k = boot(driverModule('lm', { detach: false }));
  await k.load('lm');
  const r = await k.unload('lm');
  assert.equal(r.errno, 'EOPNOTSUPP');
  assert.ok(k.autoconf.devices.some((d) => d.xname === 'lm0'));
});

test('a driver whose match fails attaches no device', async () => {
  const k = boot(driverModule('lm', { match: 0 }));
  await k.load('lm');
  assert.ok(!k.autoconf.devices.some((d) => d.xname === 'lm0'));
  assert.equal((await k.unload('lm')).error, 0);
});

// ---- sysctl -----------------------------------------------------------------------------------

test('sysctl_createv: existing nodes are reused and not logged; teardown removes what the log holds', async () => {
  const k = Kernel.boot();
  const before = snapshot(k);
  const logCell = new ScalarCell({ kind: 'ptr', to: { kind: 'void' } }, NULL_PTR);
  const rnode = new ScalarCell({ kind: 'ptr', to: { kind: 'void' } }, NULL_PTR);
  const create = (rootp: Value, name: string, type: string, ...mib: number[]) =>
    asNumber(
      k.kfunc('sysctl_createv').invoke([
        ptr(logCell), int(0), rootp, ptr(rnode), int(0), int(constant(type)), pointerTo(cString(name), 0), NULL_PTR, NULL_PTR,
        int(0), NULL_PTR, int(0), ...mib.map(int), int(constant('CTL_EOL')),
      ]),
    );
  assert.equal(create(NULL_PTR, 'vfs', 'CTLTYPE_NODE', constant('CTL_VFS')), 0);
  assert.equal(create(NULL_PTR, 'kernfs', 'CTLTYPE_NODE', constant('CTL_VFS'), constant('CTL_CREATE')), 0);
  assert.equal(create(ptr(rnode), 'debug', 'CTLTYPE_INT', constant('CTL_CREATE')), 0);
  assert.deepEqual(diffSnapshots(before, snapshot(k)).map((l) => l.replace(/ \(.*/, '')), ['sysctl vfs.kernfs: added', 'sysctl vfs.kernfs.debug: added']);
  k.kfunc('sysctl_teardown').invoke([ptr(logCell)]);
  assert.deepEqual(diffSnapshots(before, snapshot(k)), []);
  assert.equal(logCell.value.k === 'ptr' && logCell.value.target, null);
});

// ---- call log and fault injection -------------------------------------------------------------

test('the call log records each kernel call with its caller, arguments and result', async () => {
  const k = boot({
    name: 'chatty',
    uses: ['printf', 'vfs_attach'],
    modcmd: (cmd, ctx) => (cmd === 'INIT' ? (ctx.callValue('printf', pointerTo(cString('chatty: %d ready\n'), 0), int(3)), 0) : 0),
  });
  await k.load('chatty');
  const [rec] = k.calls.all().filter((c) => c.name === 'printf');
  assert.equal(rec?.caller, 'chatty');
  assert.equal(rec?.injected, false);
  assert.ok(k.console.includes('chatty: 3 ready'));
});

test('fault injection: the Nth call fails with the errno given, every call with failAlways, NULL for allocators', async () => {
  const attachTwice: FakeModuleSpec = {
    name: 'twice',
    uses: ['vfs_attach', 'vfs_detach', 'kmem_alloc', 'kmem_free'],
    data: { a_vfsops: () => { const v = newStruct('vfsops'); setMember(v, 'vfs_name', pointerTo(cString('a'), 0)); return v; }, b_vfsops: () => { const v = newStruct('vfsops'); setMember(v, 'vfs_name', pointerTo(cString('b'), 0)); return v; } },
    modcmd(cmd, ctx) {
      if (cmd !== 'INIT') return cmd === 'FINI' ? (ctx.call('vfs_detach', ptr(ctx.own('b_vfsops'))), ctx.call('vfs_detach', ptr(ctx.own('a_vfsops')))) : 0;
      const mem = ctx.callValue('kmem_alloc', int(32), int(constant('KM_NOSLEEP')));
      if (mem.k === 'ptr' && mem.target === null) return constant('ENOMEM');
      ctx.callValue('kmem_free', mem, int(32));
      let e = ctx.call('vfs_attach', ptr(ctx.own('a_vfsops')));
      if (e) return e;
      e = ctx.call('vfs_attach', ptr(ctx.own('b_vfsops')));
      if (e) ctx.call('vfs_detach', ptr(ctx.own('a_vfsops')));
      return e;
    },
  };
  const k = boot(attachTwice);
  const before = snapshot(k);
  k.faults.failNth('vfs_attach', 2, errno('EEXIST'));
  assert.equal((await k.load('twice')).errno, 'EEXIST');
  assert.deepEqual(diffSnapshots(before, snapshot(k)), []);
  assert.deepEqual(k.faults.fired, [{ fn: 'vfs_attach', errno: errno('EEXIST') }]);
  const injected = k.calls.all().filter((c) => c.injected).map((c) => c.name);
  assert.deepEqual(injected, ['vfs_attach']);
  k.faults.clear();
  k.faults.failAlways('kmem_alloc', errno('ENOMEM'));
  assert.equal((await k.load('twice')).errno, 'ENOMEM');
  k.faults.clear();
  assert.equal((await k.load('twice')).error, 0);
  // What fault injection may use: allocation failures only where the caller allowed them.
  const kmem = k.calls.all().find((c) => c.name === 'kmem_alloc')!;
  assert.deepEqual(k.kfunc('kmem_alloc').failures(kmem.args), ['ENOMEM']);
  assert.deepEqual(k.kfunc('kmem_alloc').failures([int(32), int(constant('KM_SLEEP'))]), []);
});

test('leaked memory and pending callouts are part of the state', async () => {
  const k = boot({
    name: 'leaky',
    uses: ['malloc', 'M_DEVBUF'],
    modcmd: (cmd, ctx) => (cmd === 'INIT' ? (ctx.callValue('malloc', int(100), pointerTo(ctx.cell('M_DEVBUF'), 0), int(0)), 0) : 0),
  });
  const before = snapshot(k);
  await k.load('leaky');
  await k.unload('leaky');
  assert.deepEqual(diffSnapshots(before, snapshot(k)), ['memory malloc devbuf by leaky: added (1 block(s), 100 bytes)']);
});

test('a callout still pending after unload is kernel state; an idle one never destroyed is only lockdebug', async () => {
  const tick = fn('ticker_tick', ret(0), 'ticker');
  let ch: StructCell | undefined;
  const k = boot({
    name: 'ticker',
    uses: ['callout_init', 'callout_reset', 'callout_stop'],
    statics: { ticker_ch: () => (ch = newStruct('callout')) },
    functions: { ticker_tick: () => int(0) },
    modcmd(cmd, ctx) {
      if (cmd === 'INIT') {
        ctx.callValue('callout_init', ptr(ctx.own('ticker_ch')), int(0));
        ctx.callValue('callout_reset', ptr(ctx.own('ticker_ch')), int(100), { k: 'fn', fn: tick }, NULL_PTR);
      }
      return 0; // FINI forgets callout_stop
    },
  });
  const before = snapshot(k);
  await k.load('ticker');
  await k.unload('ticker');
  assert.deepEqual(diffSnapshots(before, snapshot(k)), ['sync callout pending (ticker_tick@ticker) by ticker: added (1)']);
  // Stopped (by whatever still holds it), the callout no longer matters to the kernel.
  await locked(k, () => k.kfunc('callout_stop').invoke([ptr(ch!)]));
  assert.deepEqual(diffSnapshots(before, snapshot(k)), ['lockdebug callout initialised by ticker: added (1)']);
});

test('faultPoints lists the calls of a run that NetBSD lets fail, and each replays as a failure that unwinds', async () => {
  const spec: FakeModuleSpec = {
    name: 'careful',
    class: 'MODULE_CLASS_VFS',
    uses: ['vfs_attach', 'vfs_detach', 'printf', 'kmem_alloc', 'kmem_free'],
    statics: { careful_vfsops: () => { const v = newStruct('vfsops'); setMember(v, 'vfs_name', pointerTo(cString('careful'), 0)); return v; } },
    modcmd(cmd, ctx) {
      if (cmd === 'FINI') return ctx.call('vfs_detach', ptr(ctx.own('careful_vfsops')));
      if (cmd !== 'INIT') return constant('ENOTTY');
      ctx.callValue('printf', pointerTo(cString('careful: init\n'), 0));
      const m = ctx.callValue('kmem_alloc', int(8), int(constant('KM_SLEEP')));
      ctx.callValue('kmem_free', m, int(8));
      return ctx.call('vfs_attach', ptr(ctx.own('careful_vfsops')));
    },
  };
  const k = boot(spec);
  const before = snapshot(k);
  const mark = k.calls.mark();
  await k.load('careful');
  const points = k.faultPoints(k.calls.since(mark));
  // printf cannot fail; kmem_alloc with KM_SLEEP cannot either.
  assert.deepEqual(points, [{ fn: 'vfs_attach', nth: 1, errnos: [errno('EEXIST')], caller: 'careful' }]);
  await k.unload('careful');
  for (const p of points) {
    for (const e of p.errnos) {
      k.faults.clear();
      k.faults.failNth(p.fn, p.nth, e);
      assert.equal((await k.load('careful')).error, e);
      assert.deepEqual(diffSnapshots(before, snapshot(k)), []);
    }
  }
});

test('NetBSD 1.x\'s struct execsw (es_hdrsz, es_check) is linked as it is: no priority, emulation or probe', async () => {
  const k = Kernel.boot({ era: 'lkm' });
  const u_int: CType = { kind: 'int', name: 'unsigned int', size: 4, unsigned: true };
  const fnp: CType = { kind: 'ptr', to: { kind: 'func', ret: u_int, params: null, variadic: false } };
  const old: CType = { kind: 'struct', tag: 'execsw', union: false, members: [{ name: 'es_hdrsz', type: u_int }, { name: 'es_check', type: fnp }] } as CType;
  const e = allocate(old) as StructCell;
  setMember(e, 'es_check', { k: 'fn', fn: fn('exec_freebsd_aout_makecmds', ret(0)) });
  const call = (name: string, ...args: Value[]) => locked(k, () => asNumber(k.kfunc(name).invoke(args)));
  assert.equal(await call('exec_add', ptr(e), NULL_PTR), 0);
  assert.equal(await call('exec_add', ptr(e), NULL_PTR), errno('EEXIST'));
  assert.ok(Object.keys(snapshot(k).execsw).some((key) => /^exec_freebsd_aout_makecmds.*\/NULL$/.test(key)), Object.keys(snapshot(k).execsw).join(', '));
  assert.equal(await call('exec_remove', ptr(e)), 0);
});
