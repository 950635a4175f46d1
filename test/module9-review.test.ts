/**
 * review and report on trees that hold module(9) modules: validation takes the module(9) modules
 * from the same scan as the conversion (the tree is converted once, and what is validated is
 * what the reviewer sees), and both commands take rule packs with --rules DIR as convert does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli, SAMPLES } from './helpers.ts';
import { ptyMissing, PtySession } from './review-pty.ts';
import { discover } from '../src/discover/discover.ts';
import { convertPlans, type ConversionSet } from '../src/migrate/convert.ts';
import { validateConversion } from '../src/validate/validate.ts';
import { migrationOptions } from '../src/cli/review-run.ts';
import { RulePacks } from '../src/rules/pack.ts';

const VENDOR = path.join(ROOT, 'rules/examples/vendor-pack');
const THROWS = path.join(ROOT, 'test/fixtures/rule-packs/throws');

/** sample-lkm with layerfs already converted: nullfs, still an LKM, requires it. */
function layerfsConverted(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-module9-review-'));
  cpSync(SAMPLES, path.join(dir, 'sample-lkm'), { recursive: true });
  const w = runCli(['convert', '--write', 'sample-lkm/sys/lkm/misc/layerfs'], { cwd: dir });
  assert.equal(w.status, 0, w.stderr);
  return dir;
}

/** An ACME vendor-macro LKM, which only the example pack reads, as `tree/` in a fresh directory. */
function vendorTree(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-module9-rules-'));
  cpSync(path.join(VENDOR, 'fixtures/watchdog/input'), path.join(dir, 'tree'), { recursive: true });
  return dir;
}

test('validateConversion checks the module(9) modules of the scan with the conversion, or only loads them as requisites', async () => {
  const dir = layerfsConverted();
  const paths = ['sample-lkm/sys/modules/layerfs', 'sample-lkm/sys/lkm/vfs/nullfs'].map((p) => path.join(dir, p));
  const scan = await discover(paths, { jobs: 1 });
  assert.deepEqual(scan.module9?.map((m) => m.name), ['layerfs']);
  const set = await convertPlans(scan, { root: dir });

  const all = await validateConversion(set, scan);
  assert.deepEqual(all.modules.map((m) => [m.name, m.input, m.ok]), [['layerfs', 'module', true], ['null', 'lkm', true]]);

  // Re-validating null after an edit: layerfs is loaded for it, not checked again.
  const some = await validateConversion(set, scan, { module9: 'requisites' });
  assert.deepEqual(some.modules.map((m) => [m.name, m.input, m.ok]), [['null', 'lkm', true]]);
  const deps = some.modules[0]!.checks.find((c) => c.name === 'dependencies')!;
  assert.ok(deps.ok, deps.details.join('\n'));
});

test('review and report validate the conversion they show: the tree is not converted a second time behind it', async () => {
  const dir = layerfsConverted();
  const paths = [path.join(dir, 'sample-lkm/sys/modules/layerfs'), path.join(dir, 'sample-lkm/sys/lkm/vfs/nullfs')];
  const scan = await discover(paths, { jobs: 1 });
  const flags = { validate: true, kernelSrc: [], syscallSlot: [], rules: [] };
  const validate = migrationOptions(flags, dir, RulePacks.none()).validate!;
  // A conversion in which nothing was converted: the validation has the module(9) module and
  // nothing else, where converting the paths again would have brought nullfs back.
  const nothing: ConversionSet = { modules: [], changes: [], findings: [] };
  const r = await validate({ paths, set: nothing, scan });
  assert.deepEqual(r.modules.map((m) => [m.name, m.input]), [['layerfs', 'module']]);
});

test('report of a mixed tree: converted LKMs and module(9) modules, each with its verdict and its MODULE() requisites', () => {
  const dir = layerfsConverted();
  const r = runCli(['report', '--html', 'out', 'sample-lkm/sys/modules/layerfs', 'sample-lkm/sys/lkm/vfs/nullfs'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(readFileSync(path.join(dir, 'out/report.json'), 'utf8')) as {
    summary: { converted: number; alreadyModules: number };
    modules: { name: string; status: string; class: string | null; validation: { ok: boolean } | null; required: { module: string; reason: string }[] }[];
  };
  assert.deepEqual(json.modules.map((m) => [m.name, m.status, m.class, m.validation?.ok]), [
    ['layerfs', 'module(9)', 'MISC', true],
    ['null', 'converted', 'VFS', true],
  ]);
  assert.deepEqual(json.modules[1]!.required.map((q) => q.module), ['layerfs']);
  assert.equal(json.summary.alreadyModules, 1);

  // Without validation the module(9) module is still there: discovery found it, not validation.
  const quick = runCli(['report', '--html', 'quick', 'sample-lkm/sys/modules/layerfs', '--no-validate'], { cwd: dir });
  assert.equal(quick.status, 0, quick.stderr);
  const shown = JSON.parse(readFileSync(path.join(dir, 'quick/report.json'), 'utf8'));
  assert.deepEqual(shown.modules.map((m: { name: string; status: string; validation: unknown }) => [m.name, m.status, m.validation]), [
    ['layerfs', 'module(9)', null],
  ]);
});

test('report --rules DIR: the pack converts the vendor shape; a pack that fails writes nothing and exits 2', () => {
  const dir = vendorTree();
  const without = runCli(['report', '--html', 'plain', 'tree', '--no-validate'], { cwd: dir });
  assert.equal(without.status, 0, without.stderr);
  const plain = JSON.parse(readFileSync(path.join(dir, 'plain/report.json'), 'utf8'));
  assert.deepEqual(plain.modules, []);
  assert.deepEqual(plain.findings.map((f: { code: string }) => f.code), ['not-understood']);

  const r = runCli(['report', '--html', 'out', 'tree', '--rules', VENDOR], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const json = JSON.parse(readFileSync(path.join(dir, 'out/report.json'), 'utf8'));
  assert.deepEqual(json.modules.map((m: { name: string; status: string; validation: { ok: boolean } }) => [m.name, m.status, m.validation.ok]), [
    ['acmewd', 'converted', true],
  ]);

  const bad = runCli(['report', '--html', 'bad', 'tree', '--rules', THROWS], { cwd: dir });
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /^lkm2mod: a rule pack failed, so nothing was written:\n {2}.*throws\/acme-module\.ts:\d+:\d+: rule acme-module failed while converting tree\/acmewd\/acmewd\.c:25: /);
  assert.ok(!existsSync(path.join(dir, 'bad/index.html')), 'no page');
});

const noPty = ptyMissing() ?? false;

test('review --rules DIR: the pack\'s module is offered for review; a pack that fails stops before the first question', { skip: noPty, timeout: 120_000 }, async () => {
  const dir = vendorTree();
  // Tall enough for the whole diff on one screen: no paging.
  const s = PtySession.start(['review', 'tree', '--rules', VENDOR, '--no-validate'], { cwd: dir, rows: 400 });
  try {
    const shown = await s.expect(/Accept acmewd\? \[y,n,e,d,q,\?\] /);
    assert.match(shown, /^\+MODULE\(MODULE_CLASS_MISC, acmewd, NULL\);/m);
    s.type('q');
    assert.equal(await s.exit(), 0);
  } finally {
    s.kill();
  }

  const bad = PtySession.start(['review', 'tree', '--rules', THROWS, '--no-validate', '--patch', 'other.patch'], { cwd: dir });
  try {
    assert.equal(await bad.exit(), 2);
    assert.match(bad.text, /a rule pack failed, so nothing was written/);
    assert.doesNotMatch(bad.text, /Accept /);
    assert.ok(!existsSync(path.join(dir, 'other.patch')), 'nothing written');
  } finally {
    bad.kill();
  }
});
