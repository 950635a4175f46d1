/**
 * Optional syscalls reached through the table (issue 6): compat code calls sy_call() on
 * sysent[SYS_x] instead of the function, so it gets ENOSYS while the providing module is absent,
 * the module's handler once it is loaded, ENOSYS again after unload — and an autoload through
 * sys_nomodule where the autoload table names the module.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileModule } from '../src/kernel/cc/compile.ts';
import { Kernel } from '../src/kernel/kernel.ts';
import { ObjectSource } from '../src/kernel/source.ts';
import { constant } from '../src/kernel/abi.ts';
import { asNumber, field, load, NULL_PTR, pointerTo, type ScalarCell } from '../src/kernel/machine/memory.ts';
import type { ModuleObject } from '../src/kernel/object.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-syscall-'));

function module(name: string, body: string): ModuleObject {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${name}.c`);
  fs.writeFileSync(file, `#include <sys/param.h>\n#include <sys/systm.h>\n#include <sys/module.h>\n#include <sys/syscall.h>\n#include <sys/syscallvar.h>\n${body}`);
  return compileModule([file], { mode: 'module', origin: dir });
}

/** A module establishing `code` with a handler that answers 7 in retval. */
function provider(name: string, code: string): ModuleObject {
  return module(
    name,
    `
MODULE(MODULE_CLASS_MISC, ${name}, NULL);
static int ${name}_call(struct lwp *l, void *v, register_t *retval) { *retval = 7; return 0; }
static const struct syscall_package ${name}_syscalls[] = { { ${code}, 0, (sy_call_t *)${name}_call }, { 0, 0, NULL } };
static int ${name}_modcmd(modcmd_t cmd, void *arg) {
	switch (cmd) {
	case MODULE_CMD_INIT: return syscall_establish(NULL, ${name}_syscalls);
	case MODULE_CMD_FINI: return syscall_disestablish(NULL, ${name}_syscalls);
	default: return ENOTTY;
	}
}
`,
  );
}

/** Compat code: reaches SYS_x through the native table, never by name. */
const compat = module(
  'compat_sim',
  `
MODULE(MODULE_CLASS_MISC, compat_sim, NULL);
int compat_sim_call(struct lwp *l, void *v, register_t *retval, int code) {
	return sy_call(&sysent[code], l, v, retval);
}
static int compat_sim_modcmd(modcmd_t cmd, void *arg) { return cmd == MODULE_CMD_INIT || cmd == MODULE_CMD_FINI ? 0 : ENOTTY; }
`,
);

async function viaCompat(k: Kernel, code: number): Promise<{ error: number; retval: number }> {
  const rval = k.data.newRetval();
  const r = await k.call('compat_sim_call', [pointerTo(k.lwp0.cell), NULL_PTR, pointerTo(rval, 0), { k: 'int', n: code }]);
  assert.equal(r.error, 0, r.message);
  return { error: asNumber(r.value), retval: asNumber(load(rval.items[0]!)) };
}

test('compat code through the table: ENOSYS while the module is absent, its handler once loaded, ENOSYS after unload', async () => {
  const code = 214; // a loadable slot: sys_nomodule, no autoload entry
  const k = Kernel.boot({ source: new ObjectSource([['msgq', provider('msgq', String(code))]]) });
  assert.equal((await k.load(compat)).error, 0);
  assert.deepEqual(await viaCompat(k, code), { error: constant('ENOSYS'), retval: 0 });
  assert.equal((await k.load('msgq')).error, 0);
  assert.deepEqual(await viaCompat(k, code), { error: 0, retval: 7 });
  assert.equal((await k.unload('msgq')).error, 0);
  assert.deepEqual(await viaCompat(k, code), { error: constant('ENOSYS'), retval: 0 });
  assert.equal(k.signals.filter((s) => s.signal === 'SIGSYS').length, 2);
});

test('a call in the autoload table loads its module through sys_nomodule and is restarted into it', async () => {
  const code = constant('SYS_aio_read');
  const k = Kernel.boot({ source: new ObjectSource([['aio', provider('aio', 'SYS_aio_read')]]) });
  await k.load(compat);
  assert.deepEqual(await viaCompat(k, code), { error: 0, retval: 7 });
  assert.ok(k.modstat().some((m) => m.name === 'aio'));
  assert.equal(k.modules.lookup('aio')?.autotime !== 0, true);
  // Without the module anywhere, the same call is ENOSYS.
  const bare = Kernel.boot();
  await bare.load(compat);
  assert.deepEqual(await viaCompat(bare, code), { error: constant('ENOSYS'), retval: 0 });
});

test('unloading a provider while an LWP is inside its call: syscall_disestablish says EBUSY, the module stays', async () => {
  const code = 216;
  const k = Kernel.boot({ source: new ObjectSource([['busy', provider('busy', String(code))]]) });
  await k.load('busy');
  const l = k.spawn();
  (field(l.cell, 'l_sysent') as ScalarCell).value = pointerTo(k.syscalls.sysent, code);
  const r = await k.unload('busy');
  assert.equal(r.errno, 'EBUSY');
  assert.ok(k.modstat().some((m) => m.name === 'busy'));
});
