/**
 * The simulated kernel's memory: it has a size, allocations beyond it fail as NetBSD's do
 * (M_NOWAIT returns NULL, M_WAITOK would sleep forever), and a block costs the host what the
 * module made of it — a megabyte with a few words used is a few cells, not a million.
 * Fixtures: test/fixtures/validate/memory/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { validatePaths } from '../src/validate/validate.ts';
import type { CheckName, CheckResult, ModuleResult } from '../src/validate/result.ts';
import { Kernel } from '../src/kernel/kernel.ts';
import { compileModuleDir, readModuleDir } from '../src/kernel/moddir.ts';
import { BlockCell } from '../src/kernel/machine/block.ts';
import { snapshot } from '../src/kernel/state.ts';
import { ROOT, runCli } from './helpers.ts';

const FIXTURES = path.join(ROOT, 'test/fixtures/validate/memory');
const MB = 1024 * 1024;

async function validate(fixture: string, opts: { repeat?: number; kernelMemory?: number } = {}): Promise<ModuleResult> {
  const report = await validatePaths([path.join(FIXTURES, fixture)], { repeat: opts.repeat ?? 5, kernelMemory: opts.kernelMemory });
  assert.equal(report.modules.length, 1);
  return report.modules[0]!;
}

function check(m: ModuleResult, name: CheckName): CheckResult {
  const c = m.checks.find((x) => x.name === name);
  assert.ok(c, `no ${name} check`);
  return c;
}

/** Boot a kernel of `memory` bytes and load a fixture into it. */
async function load(fixture: string, memory?: number) {
  const md = readModuleDir(path.join(FIXTURES, fixture, fixture));
  assert.ok(md);
  const k = Kernel.boot({ memory });
  const r = await k.load(compileModuleDir(md, { mode: 'module' }));
  return { k, r };
}

test('a 1 MB table with a few buckets used costs a few cells, and passes every check over 100 cycles', async () => {
  const { k, r } = await load('bigtable');
  assert.equal(r.error, 0, r.message);
  assert.match(snapshot(k).memory['malloc temp by bigtable'] ?? '', /1 block\(s\), 1048576 bytes/);
  assert.equal(k.kmem.inUse, MB);
  const blocks = k.kmem.allocations().length;
  assert.equal(blocks, 1);
  // The block's cost to the host: the buckets INIT reached, not 131072 list heads.
  const block = [...(k.kmem as unknown as { live: Map<unknown, unknown> }).live.keys()][0];
  assert.ok(block instanceof BlockCell);
  assert.ok(block.hostUnits < 64, `the block made ${block.hostUnits} cells`);

  const m = await validate('bigtable', { repeat: 100 });
  for (const c of m.checks) assert.ok(c.ok, `${c.name}: ${c.details.join('\n')}`);
  assert.match(check(m, 'repeat').details.join('\n'), /100 load\/unload cycles .*nothing grew/);
});

test('M_NOWAIT beyond the kernel\'s memory returns NULL; the module makes do with less', async () => {
  const { k, r } = await load('nowait', 4 * MB);
  assert.equal(r.error, 0, r.message);
  assert.ok(k.console.includes('nowait: 4096 bytes'), k.console.join('\n'));
  assert.equal(k.kmem.inUse, 4096);
  // With the default 64 MB the first request is granted.
  const big = await load('nowait');
  assert.ok(big.k.console.includes('nowait: 8388608 bytes'), big.k.console.join('\n'));
  const m = await validate('nowait', { kernelMemory: 4 * MB });
  assert.ok(m.ok, JSON.stringify(m.checks, null, 1));
});

test('M_WAITOK beyond the kernel\'s memory fails the load: would sleep forever, at the call, the kernel unchanged', async () => {
  const { k, r } = await load('sleeper', 4 * MB);
  assert.equal(r.errno, 'ECRASH');
  assert.match(r.message, /sleeper: MODULE_CMD_INIT hung: .*sleeper\.c:20: malloc\(8388608 bytes, M_WAITOK\) would sleep forever: out of kernel memory/);
  assert.equal(k.kmem.inUse, 0);
  assert.deepEqual(snapshot(k), snapshot(Kernel.boot({ memory: 4 * MB })));

  const m = await validate('sleeper', { kernelMemory: 4 * MB });
  const life = check(m, 'lifecycle');
  assert.equal(life.ok, false);
  assert.match(life.failures!.join('\n'), /would sleep forever: out of kernel memory \(0 MB of 4 MB in use/);
  assert.deepEqual(life.sites?.[0], { file: path.join(FIXTURES, 'sleeper/sleeper/sleeper.c'), line: 20 });
  assert.ok(!life.failures!.some((l) => /left behind/.test(l)), life.failures!.join('\n'));
});

test('a megabyte leaked per load: the repeat check runs the kernel dry and says so, the tool does not crash', async () => {
  const m = await validate('hog', { kernelMemory: 4 * MB, repeat: 100 });
  assert.match(check(m, 'lifecycle').failures!.join('\n'), /left behind after unload: memory malloc temp by hog: added \(1 block\(s\), 1048576 bytes\)/);
  const r = check(m, 'repeat');
  assert.equal(r.ok, false);
  assert.match(r.failures!.join('\n'), /cycle 5: load failed after 4 good cycle\(s\): ECRASH: hog: MODULE_CMD_INIT hung: .*hog\.c:19: malloc\(1048576 bytes, M_WAITOK\) would sleep forever: out of kernel memory \(4 MB of 4 MB in use/);
});

test('--kernel-memory takes sizes with units and refuses what is not one', () => {
  const dir = path.join(FIXTURES, 'sleeper/sleeper');
  const small = runCli(['kernel', 'load', dir, '--kernel-memory', '4M']);
  assert.equal(small.status, 1, small.stderr);
  assert.match(small.stdout, /would sleep forever: out of kernel memory \(0 MB of 4 MB in use/);
  const enough = runCli(['kernel', 'load', dir, '--kernel-memory', '16M']);
  assert.equal(enough.status, 0, enough.stdout + enough.stderr);
  const bad = runCli(['validate', dir, '--kernel-memory', 'lots']);
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--kernel-memory lots: expected a size such as 65536, 512K, 64M or 1G/);
});
