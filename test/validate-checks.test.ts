/**
 * Each check of `lkm2mod validate` catches the fault it exists for. The modules under
 * test/fixtures/validate/ are broken on purpose, one fault each; `good/` is the control that
 * must pass everything, so a check that fails everything would be caught too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { validatePaths } from '../src/validate/validate.ts';
import type { CheckName, CheckResult, ModuleResult } from '../src/validate/result.ts';
import { findCompiler } from '../src/validate/checks/compile.ts';
import { ROOT } from './helpers.ts';

const FIXTURES = path.join(ROOT, 'test/fixtures/validate');

async function validate(fixture: string, opts: { repeat?: number; cc?: boolean } = {}): Promise<ModuleResult[]> {
  const report = await validatePaths([path.join(FIXTURES, fixture)], { repeat: opts.repeat ?? 5, cc: opts.cc });
  return report.modules;
}

function check(m: ModuleResult | undefined, name: CheckName): CheckResult {
  assert.ok(m, 'module not in the report');
  const c = m.checks.find((x) => x.name === name);
  assert.ok(c, `no ${name} check for ${m.name}`);
  return c;
}

function module(ms: ModuleResult[], name: string): ModuleResult {
  const m = ms.find((x) => x.name === name);
  assert.ok(m, `${name} not in the report: ${ms.map((x) => x.name).join(', ')}`);
  return m;
}

function failing(c: CheckResult, pattern: RegExp): void {
  assert.equal(c.ok, false, `${c.name} passed: ${c.details.join('\n')}`);
  assert.ok((c.failures ?? []).some((l) => pattern.test(l)), `${c.name} failures do not match ${pattern}:\n${(c.failures ?? c.details).join('\n')}`);
}

test('a module that does everything right passes every check', async () => {
  const [m] = await validate('good');
  assert.equal(m!.name, 'tidyfs');
  assert.equal(m!.input, 'module');
  assert.equal(m!.kind, 'vfs');
  for (const c of m!.checks) assert.ok(c.ok, `${c.name}: ${c.details.join('\n')}`);
  assert.ok(check(m, 'lifecycle').details.some((d) => /as it was before the load/.test(d)));
  assert.ok(check(m, 'faults').details.some((d) => /4 fault\(s\) injected into 2 call\(s\) of INIT and 1 of FINI/.test(d)));
  assert.equal(check(m, 'equivalence').skipped, true, 'a module(9) input has no LKM to compare with');
  assert.ok(m!.ok);
});

test('lifecycle and repeat catch a FINI that forgets vfs_detach', async () => {
  const [m] = await validate('forgets-detach');
  const life = check(m, 'lifecycle');
  failing(life, /left behind after unload: vfs stayfs: added .* undo it with vfs_detach\(\)/);
  assert.ok(life.sites?.some((s) => s.file.endsWith('stayfs_vfsops.c')), 'the failure points at the module source');
  // The second load finds the first one's file system still attached.
  failing(check(m, 'repeat'), /cycle 2: load failed after 1 good cycle\(s\): EEXIST/);
  assert.equal(m!.ok, false);
});

test('fault injection catches an INIT that does not unwind a failed devsw_attach', async () => {
  const [m] = await validate('no-unwind');
  assert.ok(check(m, 'lifecycle').ok, 'without faults the module loads and unloads cleanly');
  const f = check(m, 'faults');
  // Both errnos devsw_attach can return, with the same outcome, on one line.
  failing(f, /INIT: devsw_attach\(\) failing with EEXIST or ENOMEM .*halfdev\.c:47\): INIT returned the error but left behind: cfdriver halfdev: added/);
  assert.deepEqual(f.sites?.[0], { file: path.join(FIXTURES, 'no-unwind/halfdev/halfdev.c'), line: 47 });
});

test('fault injection catches a FINI that ignores a failed vfs_detach', async () => {
  const [m] = await validate('fini-ignores-failure');
  failing(check(m, 'faults'), /FINI: vfs_detach\(\) failing with EBUSY .*: FINI returned 0 although the call failed; the module is gone but left behind: vfs stubbornfs/);
});

test('repeat catches memory that grows with every cycle', async () => {
  const [m] = await validate('leaks', { repeat: 6 });
  failing(check(m, 'lifecycle'), /memory malloc temp by leaky: added \(1 block\(s\), 256 bytes\)/);
  const r = check(m, 'repeat');
  failing(r, /after 6 cycles, compared with after 1: memory malloc temp by leaky: 1 block\(s\), 256 bytes -> 6 block\(s\), 1536 bytes/);
  failing(r, /simulated kernel's memory grew over 5 cycles: k\.kmem/);
});

test('a requisite that is not in the tree fails the load with ENOENT naming it', async () => {
  const [m] = await validate('missing-requisite');
  failing(check(m, 'lifecycle'), /load failed: ENOENT: module layerfs not found/);
  failing(check(m, 'dependencies'), /requisite layerfs is not in the tree/);
});

test('dependencies names the module that defines a symbol the required list lacks', async () => {
  const ms = await validate('unlisted-requisite');
  assert.ok(module(ms, 'helper').ok);
  const user = module(ms, 'user');
  failing(check(user, 'lifecycle'), /ENOEXEC: user: undefined symbols:[\s\S]*undefined symbol `helper_count'/);
  const d = check(user, 'dependencies');
  failing(d, /user\.c:21: `helper_count' is defined by module helper, which is not in the required list: add "helper"/);
  assert.deepEqual(d.sites?.[0], { file: path.join(FIXTURES, 'unlisted-requisite/user/user.c'), line: 21 });
});

test('a requisite nothing needs is a warning; a load without it fails naming it', async () => {
  const ms = await validate('unneeded-requisite');
  const idle = module(ms, 'idle');
  const d = check(idle, 'dependencies');
  assert.ok(d.ok, d.details.join('\n'));
  assert.match(d.warnings?.join('\n') ?? '', /requisite helper is listed but the module uses none of its symbols/);
  assert.ok(d.details.some((l) => /without helper: the load fails with ENOENT, naming it/.test(l)), d.details.join('\n'));
  assert.ok(check(idle, 'lifecycle').details.some((l) => /requisites loaded first: helper/.test(l)));
  assert.ok(idle.ok);
});

test('--cc catches what the simulated kernel never runs', { skip: findCompiler() ? false : 'no C compiler on this machine' }, async () => {
  const [m] = await validate('cc-error', { cc: true });
  assert.ok(check(m, 'lifecycle').ok);
  const c = check(m, 'compile');
  failing(c, /sloppy\.c:20: .*sloppy_count.* undeclared/);
  assert.deepEqual(c.sites?.[0], { file: path.join(FIXTURES, 'cc-error/sloppy/sloppy.c'), line: 20 });
});

test('without --cc the compile check is skipped, saying how to run it', async () => {
  const [m] = await validate('cc-error');
  const c = check(m, 'compile');
  assert.equal(c.skipped, true);
  assert.match(c.details[0]!, /pass --cc/);
});

test('lifecycle and repeat catch a FINI that leaves the /dev node INIT made', async () => {
  const [m] = await validate('keeps-devnode');
  failing(check(m, 'lifecycle'), /left behind after unload: files \/dev\/keepnode: added \(character special 201\/0, mode 0600, created by keepnode\) — undo it with namei\(\) with DELETE and VOP_REMOVE\(\)/);
  // The next load finds the node and refuses, as the driver's own EEXIST check says.
  failing(check(m, 'repeat'), /cycle 2: load failed after 1 good cycle\(s\): EEXIST/);
  assert.equal(m!.ok, false);
});
