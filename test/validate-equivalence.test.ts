/**
 * Equivalence: a converted LKM is compared with its original, loaded by the old loader. Each
 * fixture under test/fixtures/validate/equivalence/ holds an LKM (original/) and, in
 * converted/, convert's output for it edited by hand the way people got conversions wrong: a different syscall slot,
 * the old load handler's work moved before the registration, the handler's work dropped. The
 * unedited conversion is the control: it must be equivalent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { discover } from '../src/discover/discover.ts';
import { convertPlans, type ConversionSet } from '../src/migrate/convert.ts';
import type { ScanResult } from '../src/discover/plan.ts';
import { validateConversion } from '../src/validate/validate.ts';
import type { CheckResult, ModuleResult } from '../src/validate/result.ts';
import { ROOT } from './helpers.ts';

const CASES = path.join(ROOT, 'test/fixtures/validate/equivalence');

/** convert the fixture's LKM in memory; with `edited`, replace the output by converted/<file>. */
async function conversion(fixture: string, edited: boolean): Promise<{ set: ConversionSet; scan: ScanResult }> {
  const lkm = path.join(CASES, fixture, 'original');
  const scan = await discover([lkm]);
  const set = await convertPlans(scan, { root: lkm });
  assert.equal(set.modules.length, 1);
  if (edited) {
    const dir = path.join(CASES, fixture, 'converted');
    for (const file of fs.readdirSync(dir)) {
      const change = set.changes.find((c) => path.basename(c.path) === file);
      assert.ok(change, `convert produced no ${file}`);
      assert.notEqual(change.after, fs.readFileSync(path.join(dir, file), 'utf8'), 'the fixture must differ from what convert writes');
      change.after = fs.readFileSync(path.join(dir, file), 'utf8');
    }
  }
  return { set, scan };
}

async function equivalence(fixture: string, edited: boolean): Promise<{ m: ModuleResult; eq: CheckResult }> {
  const { set, scan } = await conversion(fixture, edited);
  const report = await validateConversion(set, scan, { repeat: 3 });
  const m = report.modules[0]!;
  assert.equal(m.input, 'lkm');
  const eq = m.checks.find((c) => c.name === 'equivalence')!;
  return { m, eq };
}

test('the conversion convert makes of a syscall LKM is equivalent to it', async () => {
  const { m, eq } = await equivalence('wrong-slot', false);
  assert.ok(eq.ok, eq.details.join('\n'));
  assert.ok(eq.details.some((d) => /the same 1 table change\(s\): sysent\[212\]/.test(d)), eq.details.join('\n'));
  assert.ok(m.ok, JSON.stringify(m.checks.filter((c) => !c.ok), null, 2));
});

test('a converted module that registers a different syscall slot than its LKM fails', async () => {
  const { m, eq } = await equivalence('wrong-slot', true);
  assert.equal(eq.ok, false);
  const f = eq.failures!.join('\n');
  assert.match(f, /sysent\[212\]: the LKM set it to sys_ticks; the converted module leaves it alone/);
  assert.match(f, /sysent\[213\]: the converted module sets it to sys_ticks; the LKM did not touch it/);
  // On its own the module is fine: only the comparison shows the slot moved.
  assert.ok(m.checks.find((c) => c.name === 'lifecycle')!.ok);
});

test('the conversion of a vfs LKM keeps its load handler after vfs_attach', async () => {
  const { eq } = await equivalence('handler-order', false);
  assert.ok(eq.ok, eq.details.join('\n'));
  assert.ok(eq.details.some((d) => /INIT makes the load handler's calls after the module is registered, as DISPATCH did: sysctl_createv/.test(d)), eq.details.join('\n'));
  assert.ok(eq.details.some((d) => /FINI makes the unload handler's calls before it is unregistered, as DISPATCH did: sysctl_teardown/.test(d)), eq.details.join('\n'));
});

test('a converted module that runs the old load handler before registering fails', async () => {
  const { eq } = await equivalence('handler-order', true);
  assert.equal(eq.ok, false);
  assert.match(eq.failures!.join('\n'), /INIT does not make the LKM load handler's calls after the module is registered: the LKM called sysctl_createv; INIT calls \(no kernel calls\)/);
  assert.equal(eq.sites?.[0]?.file, path.join(CASES, 'handler-order/original/lkminit_notefs.c'));
});

test('a converted module that dropped what the old handlers did fails', async () => {
  const { eq } = await equivalence('lost-work', true);
  assert.equal(eq.ok, false);
  const f = eq.failures!.join('\n');
  assert.match(f, /sysctl vfs\.notefs: the LKM set it to .*; the converted module leaves it alone/);
  assert.match(f, /calls the LKM's load made that INIT does not: sysctl_createv/);
  assert.match(f, /calls the LKM's unload made that FINI does not: sysctl_teardown/);
});
