/**
 * The module manager's contract (kern_module.c 1.43): every error path returns NetBSD's errno
 * and leaves the kernel exactly as it was — module list, ksyms, refcounts, every table.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Kernel, type KernelResult } from '../src/kernel/kernel.ts';
import { ObjectSource } from '../src/kernel/source.ts';
import { diffSnapshots, snapshot } from '../src/kernel/state.ts';
import { constant } from '../src/kernel/abi.ts';
import { fakeModule, ptr, SitedError, vfsops, type FakeModuleSpec } from './kernel-objects.ts';

function kernelWith(...specs: FakeModuleSpec[]): { k: Kernel; source: ObjectSource } {
  const source = new ObjectSource(specs.map((s) => [s.name, fakeModule(s)]));
  return { k: Kernel.boot({ source }), source };
}

function expectError(r: KernelResult, errno: string, message?: RegExp): void {
  assert.equal(r.errno, errno, `expected ${errno}, got ${r.errno}: ${r.message}`);
  if (message) assert.match(r.message, message);
}

/** A failed request must leave no trace: same snapshot as before it. */
async function assertUnchanged(k: Kernel, op: () => Promise<KernelResult>, errno: string, message?: RegExp): Promise<void> {
  const before = snapshot(k);
  expectError(await op(), errno, message);
  assert.deepEqual(diffSnapshots(before, snapshot(k)), []);
}

/** A vfs module: INIT attaches, FINI detaches. */
function fsModule(name: string, extra: Partial<FakeModuleSpec> = {}): FakeModuleSpec {
  return {
    name,
    class: 'MODULE_CLASS_VFS',
    uses: ['vfs_attach', 'vfs_detach'],
    data: { [`${name}_vfsops`]: () => vfsops(name) },
    modcmd: (cmd, ctx) =>
      cmd === 'INIT'
        ? ctx.call('vfs_attach', ptr(ctx.own(`${name}_vfsops`)))
        : cmd === 'FINI'
          ? ctx.call('vfs_detach', ptr(ctx.own(`${name}_vfsops`)))
          : constant('ENOTTY'),
    ...extra,
  };
}

test('load and unload: the module appears in modstat and the tables, and unload restores the boot state', async () => {
  const { k } = kernelWith(fsModule('kernfs'));
  const boot = snapshot(k);
  assert.equal((await k.load('kernfs')).error, 0);
  const m = k.modstat().find((x) => x.name === 'kernfs');
  assert.deepEqual(m, { name: 'kernfs', class: 'vfs', source: 'filesys', refcnt: 0, size: 4096, required: [] });
  const changes = diffSnapshots(boot, snapshot(k));
  assert.ok(changes.some((c) => /^vfs kernfs: added \(refcount 0, &kernfs_vfsops@kernfs\)$/.test(c)), changes.join('\n'));
  assert.ok(changes.some((c) => /^ksyms kernfs: added/.test(c)));
  assert.equal((await k.unload('kernfs')).error, 0);
  assert.deepEqual(diffSnapshots(boot, snapshot(k)), []);
});

test('a module already loaded: EEXIST, nothing changes', async () => {
  const { k } = kernelWith(fsModule('kernfs'));
  await k.load('kernfs');
  await assertUnchanged(k, () => k.load('kernfs'), 'EEXIST', /already loaded/);
});

test('no modinfo (not a module(9) object): ENOENT', async () => {
  const { k } = kernelWith({ name: 'plain', modinfos: 0 });
  await assertUnchanged(k, () => k.load('plain'), 'ENOENT', /no modinfo/);
});

test('two modinfo records: ENOEXEC', async () => {
  const { k } = kernelWith({ name: 'twice', modinfos: 2 });
  await assertUnchanged(k, () => k.load('twice'), 'ENOEXEC', /2 modinfo records/);
});

test('a module file that is not there: ENOENT naming where the kernel looked', async () => {
  const { k } = kernelWith();
  await assertUnchanged(k, () => k.load('nosuch'), 'ENOENT', /nosuch not found/);
});

test('class mismatch: ENOENT', async () => {
  const { k } = kernelWith(fsModule('kernfs'));
  await assertUnchanged(k, () => k.load('kernfs', { class: constant('MODULE_CLASS_DRIVER') }), 'ENOENT', /class vfs, not driver/);
  assert.equal((await k.load('kernfs', { class: constant('MODULE_CLASS_VFS') })).error, 0);
});

test('a requisite whose modinfo names another module: ENOENT (dependency name mismatch)', async () => {
  const { k } = kernelWith({ name: 'user', required: 'layerfs' }, { name: 'layerfs', infoName: 'genfs_layer' });
  await assertUnchanged(k, () => k.load('user'), 'ENOENT', /dependency name mismatch/);
});

test('module name of 32 characters or more: EINVAL; 31 is accepted', async () => {
  const long = 'a'.repeat(32);
  const ok = 'b'.repeat(31);
  const { k } = kernelWith({ name: long }, { name: ok });
  await assertUnchanged(k, () => k.load(long), 'EINVAL', /32 characters/);
  assert.equal((await k.load(ok)).error, 0);
});

test('more than 9 requisites: EINVAL; 9 are accepted', async () => {
  const deps = Array.from({ length: 10 }, (_, i) => ({ name: `dep${i}` }));
  const nine = deps.slice(0, 9).map((d) => d.name).join(',');
  const ten = deps.map((d) => d.name).join(',');
  const { k } = kernelWith(...deps, { name: 'ten', required: ten }, { name: 'nine', required: nine });
  await assertUnchanged(k, () => k.load('ten'), 'EINVAL', /too many required modules/);
  assert.equal((await k.load('nine')).error, 0);
  assert.equal(k.modstat().find((m) => m.name === 'dep0')?.refcnt, 1);
});

test('requisites nested deeper than 6: EMLINK; 6 deep loads', async () => {
  const chain = (n: number, prefix: string): FakeModuleSpec[] =>
    Array.from({ length: n }, (_, i) => ({ name: `${prefix}${i}`, required: i + 1 < n ? `${prefix}${i + 1}` : null }));
  const { k } = kernelWith(...chain(7, 'deep'), ...chain(6, 'ok'));
  await assertUnchanged(k, () => k.load('deep0'), 'EMLINK', /deep0 -> deep1 -> .* -> deep6/);
  assert.equal((await k.load('ok0')).error, 0);
  assert.deepEqual(
    k.modstat().map((m) => m.name).filter((n) => n.startsWith('ok')),
    ['ok0', 'ok1', 'ok2', 'ok3', 'ok4', 'ok5'],
  );
});

test('a cycle of requisites, and a module requiring itself: EDEADLK', async () => {
  const { k } = kernelWith({ name: 'a', required: 'b' }, { name: 'b', required: 'a' }, { name: 'selfish', required: 'selfish' });
  await assertUnchanged(k, () => k.load('a'), 'EDEADLK', /circular dependency: a -> b -> a/);
  await assertUnchanged(k, () => k.load('selfish'), 'EDEADLK', /self-dependency/);
});

test('an undefined symbol: ENOEXEC naming it and the line that uses it', async () => {
  const { k } = kernelWith({ name: 'needy', uses: ['printf', 'no_such_function'] });
  await assertUnchanged(k, () => k.load('needy'), 'ENOEXEC', /needy\.c:11: undefined symbol `no_such_function'/);
});

test('a symbol only another, unrequired module defines: ENOEXEC naming both; fine once required', async () => {
  const provider: FakeModuleSpec = { name: 'layerfs', functions: { layer_bypass: () => ({ k: 'int', n: 0 }) } };
  const { k, source } = kernelWith(provider, { name: 'nullfs', uses: ['layer_bypass'] });
  assert.equal((await k.load('layerfs')).error, 0);
  await assertUnchanged(k, () => k.load('nullfs'), 'ENOEXEC', /`layer_bypass' is defined by module layerfs, which nullfs does not require/);
  const { fakeModule: fm } = await import('./kernel-objects.ts');
  source.add('nullfs', fm({ name: 'nullfs', uses: ['layer_bypass'], required: 'layerfs' }));
  assert.equal((await k.load('nullfs')).error, 0);
  assert.equal(k.modstat().find((m) => m.name === 'layerfs')?.refcnt, 1);
});

test('a global the kernel or another module already defines: ENOEXEC', async () => {
  const { k } = kernelWith(
    { name: 'clash', functions: { printf: () => ({ k: 'int', n: 0 }) } },
    { name: 'one', functions: { shared_helper: () => ({ k: 'int', n: 0 }) } },
    { name: 'two', functions: { shared_helper: () => ({ k: 'int', n: 0 }) } },
  );
  await assertUnchanged(k, () => k.load('clash'), 'ENOEXEC', /global symbol redefined: `printf' .*already defined by the kernel/);
  await k.load('one');
  await assertUnchanged(k, () => k.load('two'), 'ENOEXEC', /`shared_helper' .*already defined by module one/);
});

test('INIT failing: its error is returned, and the requisites the request loaded are gone again', async () => {
  const { k } = kernelWith({ name: 'helper' }, fsModule('failing', { required: 'helper', modcmd: (cmd) => (cmd === 'INIT' ? constant('ENOMEM') : 0) }));
  await assertUnchanged(k, () => k.load('failing'), 'ENOMEM', /modcmd\(MODULE_CMD_INIT\) failed: ENOMEM/);
  assert.equal(k.modstat().find((m) => m.name === 'helper'), undefined);
});

test('INIT that fails without undoing its attach leaves the attach behind for validation to see', async () => {
  const sloppy = fsModule('sloppy', {
    modcmd: (cmd, ctx) => {
      if (cmd !== 'INIT') return 0;
      ctx.call('vfs_attach', ptr(ctx.own('sloppy_vfsops')));
      return constant('EINVAL');
    },
  });
  const { k } = kernelWith(sloppy);
  const before = snapshot(k);
  expectError(await k.load('sloppy'), 'EINVAL');
  assert.deepEqual(diffSnapshots(before, snapshot(k)), ['vfs sloppy: added (refcount 0, <struct vfsops>)']);
});

test('module code that crashes in INIT: the load fails with file:line and every change is rolled back', async () => {
  const crashing = fsModule('crashy', {
    modcmd: (cmd, ctx) => {
      ctx.call('vfs_attach', ptr(ctx.own('crashy_vfsops')));
      throw new SitedError({ file: 'crashy_vfsops.c', line: 88 }, 'NULL pointer dereference');
    },
  });
  const { k } = kernelWith(crashing);
  await assertUnchanged(k, () => k.load('crashy'), 'ECRASH', /crashy: MODULE_CMD_INIT crashed: crashy_vfsops\.c:88: NULL pointer dereference/);
  // The kernel stays usable.
  assert.equal((await k.mount('ffs')).error, 0);
});

test('a kernel function panicking on its arguments fails the load the same way', async () => {
  const { k } = kernelWith({ name: 'badarg', uses: ['vfs_attach'], modcmd: (cmd, ctx) => ctx.call('vfs_attach', { k: 'int', n: 0 }) });
  await assertUnchanged(k, () => k.load('badarg'), 'ECRASH', /panic: vfs_attach: argument 1 is not a pointer to struct vfsops/);
});

test('unload: ENOENT when not loaded, EBUSY when required, held or built in', async () => {
  const { k } = kernelWith({ name: 'base' }, { name: 'user', required: 'base' });
  await assertUnchanged(k, () => k.unload('nosuch'), 'ENOENT');
  await k.load('user');
  await assertUnchanged(k, () => k.unload('base'), 'EBUSY', /required by user/);
  await assertUnchanged(k, () => k.unload('coredump'), 'EBUSY', /required by exec_elf64/);
  await assertUnchanged(k, () => k.unload('ffs'), 'EBUSY', /built into the kernel/);
  assert.equal((await k.unload('user')).error, 0);
  assert.equal((await k.hold('base')).error, 0);
  await assertUnchanged(k, () => k.unload('base'), 'EBUSY', /held 1 time/);
  assert.equal((await k.rele('base')).error, 0);
  assert.equal((await k.unload('base')).error, 0);
  expectError(await k.hold('base'), 'ENOENT');
});

test('FINI failing: its error, and the module stays loaded and registered', async () => {
  const { k } = kernelWith(fsModule('stubborn', { modcmd: (cmd, ctx) => (cmd === 'INIT' ? ctx.call('vfs_attach', ptr(ctx.own('stubborn_vfsops'))) : constant('EBUSY')) }));
  await k.load('stubborn');
  await assertUnchanged(k, () => k.unload('stubborn'), 'EBUSY', /MODULE_CMD_FINI\) failed: EBUSY; the module stays loaded/);
  assert.ok(k.vfs.byName('stubborn'));
});

test('a busy file system refuses FINI through vfs_detach until it is unmounted', async () => {
  const { k } = kernelWith(fsModule('kernfs'));
  await k.load('kernfs');
  assert.equal((await k.mount('kernfs')).error, 0);
  await assertUnchanged(k, () => k.unload('kernfs'), 'EBUSY');
  assert.equal((await k.unmount('kernfs')).error, 0);
  assert.equal((await k.unload('kernfs')).error, 0);
});

test('version mismatch: EPROGMISMATCH unless forced', async () => {
  const { k } = kernelWith({ name: 'old', version: 400000000 });
  await assertUnchanged(k, () => k.load('old'), 'EPROGMISMATCH', /built for NetBSD version 400000000/);
  assert.equal((await k.load('old', { force: true })).error, 0);
  assert.match(k.console.join('\n'), /forced load, system may be unstable/);
});

test('requisites load first, count references, and stay while a dependent is loaded', async () => {
  const { k } = kernelWith({ name: 'layerfs' }, { name: 'nullfs', required: 'layerfs' }, { name: 'umapfs', required: 'layerfs' });
  await k.load('nullfs');
  await k.load('umapfs');
  assert.deepEqual(
    k.modstat().filter((m) => m.source === 'filesys').map((m) => [m.name, m.refcnt, m.required.join(',')]),
    [['layerfs', 2, ''], ['nullfs', 0, 'layerfs'], ['umapfs', 0, 'layerfs']],
  );
  // Dependents sit at the head of module_list, as module_enqueue puts them.
  assert.deepEqual(k.modules.list.map((m) => m.info.name).slice(0, 2), ['umapfs', 'nullfs']);
});

test('built-ins are initialised at boot by class, with requisites among built-ins', () => {
  const k = Kernel.boot();
  assert.deepEqual(
    k.modstat().map((m) => [m.name, m.class, m.source, m.refcnt]),
    [['coredump', 'misc', 'builtin', 1], ['exec_elf64', 'misc', 'builtin', 0], ['ffs', 'vfs', 'builtin', 0]],
  );
  assert.ok(k.vfs.byName('ffs'));
  const noBuiltins = Kernel.boot({ builtins: false });
  assert.deepEqual(noBuiltins.modstat(), []);
});

test('concurrent requests are served one at a time in arrival order', async () => {
  const { k } = kernelWith({ name: 'layerfs' }, fsModule('nullfs', { required: 'layerfs' }), fsModule('kernfs'));
  const results = await Promise.all([
    k.load('nullfs'),
    k.load('kernfs'),
    k.unload('layerfs'), // nullfs still needs it
    k.unload('nullfs'),
    k.unload('layerfs'),
    k.load('nullfs'),
    k.load('kernfs'), // already there
  ]);
  assert.deepEqual(results.map((r) => r.errno), ['0', '0', 'EBUSY', '0', '0', '0', 'EEXIST']);
  assert.deepEqual(k.modstat().filter((m) => m.source === 'filesys').map((m) => [m.name, m.refcnt]), [['kernfs', 0], ['layerfs', 1], ['nullfs', 0]]);
});

test('the lock holds across awaits: a section under withLock is not interleaved', async () => {
  const { k } = kernelWith(fsModule('kernfs'));
  const order: string[] = [];
  const section = k.withLock(async () => {
    order.push('section start');
    await new Promise((r) => setTimeout(r, 5));
    order.push(`section sees ${k.modstat().some((m) => m.name === 'kernfs') ? 'kernfs' : 'no kernfs'}`);
  });
  const load = k.load('kernfs').then((r) => order.push(`load ${r.errno}`));
  await Promise.all([section, load]);
  assert.deepEqual(order, ['section start', 'section sees no kernfs', 'load 0']);
});

test('ksyms changes only under the kernel lock', () => {
  const k = Kernel.boot();
  assert.throws(() => k.ksyms.unregister('kernel'), /without the kernel lock/);
});

test('autoload: EPERM when disabled or for a path; an autoloaded module is reaped when unused', async () => {
  const source = new ObjectSource([['kernfs', fakeModule(fsModule('kernfs'))]]);
  const off = Kernel.boot({ source, autoload: false });
  expectError(await off.autoload('kernfs'), 'EPERM');
  const k = Kernel.boot({ source });
  expectError(await k.autoload('../kernfs'), 'EPERM');
  expectError(await k.autoload('kernfs.kmod'), 'EPERM');
  const boot = snapshot(k);
  assert.equal((await k.autoload('kernfs', 'vfs')).error, 0);
  assert.deepEqual(await k.autounload(), ['kernfs']);
  assert.deepEqual(diffSnapshots(boot, snapshot(k)), []);
});

test('mount of an unknown file system type autoloads its module', async () => {
  const source = new ObjectSource([['kernfs', fakeModule(fsModule('kernfs'))]]);
  const k = Kernel.boot({ source });
  assert.equal((await k.mount('kernfs')).error, 0);
  assert.equal(k.vfs.entries().find((e) => e.name === 'kernfs')?.refcount, 1);
  expectError(await k.mount('nosuchfs'), 'ENODEV');
});

test('a kernel function reading a struct laid out without a member it needs panics, and the load is rolled back', async () => {
  const { allocate, cString, pointerTo, field } = await import('../src/kernel/machine/memory.ts');
  const oldLayout = () => {
    const t = { kind: 'struct' as const, tag: 'vfsops', union: false, members: [{ name: 'vfs_name', type: { kind: 'ptr' as const, to: { kind: 'int' as const, name: 'char', size: 1, unsigned: false } } }] };
    const c = allocate(t);
    (field(c, 'vfs_name') as unknown as { value: unknown }).value = pointerTo(cString('oldfs'), 0);
    return c;
  };
  const { k } = kernelWith(fsModule('oldfs', { data: { oldfs_vfsops: oldLayout } }));
  await assertUnchanged(k, () => k.load('oldfs'), 'ECRASH', /panic: vfs_attach: struct vfsops has no member vfs_opv_descs/);
});

test('at securelevel 1 modules can be neither loaded nor unloaded', async () => {
  const { k } = kernelWith(fsModule('kernfs'), { name: 'later' });
  await k.load('kernfs');
  const { ScalarCell, int } = await import('../src/kernel/machine/memory.ts');
  (k.data.symbols.get('securelevel') as InstanceType<typeof ScalarCell>).value = int(1);
  await assertUnchanged(k, () => k.load('later'), 'EPERM', /securelevel 1/);
  await assertUnchanged(k, () => k.unload('kernfs'), 'EPERM');
});
