/**
 * What the NetBSD 4 → 5 porting steps write holds up in the simulated kernel, and each is
 * there for the fault the checks find without it: a conversion is made, validated, then the
 * ported lines are taken out again (as a line-for-line conversion would have left them) and
 * the check that exists for that fault must fail.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { discover } from '../src/discover/discover.ts';
import { convertPlans, type ConversionSet } from '../src/migrate/convert.ts';
import type { ScanResult } from '../src/discover/plan.ts';
import { validateConversion, validatePaths } from '../src/validate/validate.ts';
import type { CheckResult, ModuleResult } from '../src/validate/result.ts';
import { ROOT } from './helpers.ts';
import { treeRoot } from '../src/source/tree-root.ts';

async function convert(dir: string): Promise<{ set: ConversionSet; scan: ScanResult }> {
  const scan = await discover([dir]);
  // The root convert would use: the tree the LKM is in, where its module(9) place is too.
  return { set: await convertPlans(scan, { root: treeRoot([dir], dir, scan.sysDirs) }), scan };
}

/** Rewrite convert's output for `file` (by basename). */
function edit(set: ConversionSet, file: string, change: (text: string) => string): void {
  const c = set.changes.find((x) => path.basename(x.path) === file);
  assert.ok(c?.after, `convert wrote no ${file}`);
  const after = change(c.after);
  assert.notEqual(after, c.after, `the edit changed nothing in ${file}`);
  c.after = after;
}

async function validate(set: ConversionSet, scan: ScanResult): Promise<ModuleResult> {
  const report = await validateConversion(set, scan, { repeat: 3 });
  assert.equal(report.modules.length, 1);
  return report.modules[0]!;
}

function check(m: ModuleResult, name: string): CheckResult {
  return m.checks.find((c) => c.name === name)!;
}

function failed(m: ModuleResult): string {
  return JSON.stringify(m.checks.filter((c) => !c.ok), null, 2);
}

const dropLines = (re: RegExp) => (text: string) => text.split('\n').filter((l) => !re.test(l)).join('\n');

test('a vnode-op vector the vfsops does not list is freed when vfs_attach fails and after vfs_detach', async () => {
  const { set, scan } = await convert(path.join(ROOT, 'rules/vfs/fixtures/opv-unlisted-positional/input'));
  const m = await validate(set, scan);
  assert.ok(m.ok, failed(m));

  edit(set, 'lkminit_memofs.c', dropLines(/vfs_opv_free\(/));
  const leaky = await validate(set, scan);
  assert.match(check(leaky, 'faults').failures!.join('\n'), /vfs_attach\(\) failing with EEXIST.*left behind: vnodeops/);
  assert.match(check(leaky, 'lifecycle').failures!.join('\n'), /left behind after unload: vnodeops/);
});

test('a vector the vfsops lists is vfs_attach\'s to build: built by hand before it, a failed attach leaks it', async () => {
  const { set, scan } = await convert(path.join(ROOT, 'sample-lkm/sys/lkm/vfs/kernfs'));
  const m = await validate(set, scan);
  assert.ok(m.ok, failed(m));
  assert.ok(set.modules[0]!.findings.some((f) => f.code === 'vfs-opv-prelude-dropped'));

  // What the conversion wrote before: the LKM entry's set-up at the start of INIT.
  edit(set, 'kernfs_mod.c', (t) =>
    t.replace('\t\terror = vfs_attach(&kernfs_vfsops);', '\t\tvfs_opv_init_explicit(&kernfs_vnodeop_opv_desc);\n\t\tvfs_opv_init_default(&kernfs_vnodeop_opv_desc);\n$&'),
  );
  const old = await validate(set, scan);
  assert.match(check(old, 'faults').failures!.join('\n'), /vfs_attach\(\) failing with EEXIST.*left behind: vnodeops/);
});

test('a callout initialised on load is halted and destroyed on unload and on the error path', async () => {
  const { set, scan } = await convert(path.join(ROOT, 'rules/netbsd4-to-5/fixtures/stop-on-unload/input'));
  const m = await validate(set, scan);
  assert.ok(m.ok, failed(m));
  assert.ok(check(m, 'equivalence').ok, 'callout_halt is the LKM\'s callout_stop, callout_destroy new in NetBSD 5');

  edit(set, 'ticker.c', dropLines(/callout_destroy\(/));
  const leaky = await validate(set, scan);
  assert.match(check(leaky, 'lifecycle').failures!.join('\n'), /left behind after unload: lockdebug callout initialised by ticker/);
  assert.match(check(leaky, 'faults').failures!.join('\n'), /sysctl_createv\(\) failing .*left behind: lockdebug callout/);
});

test('every sample module passes every check', async () => {
  const report = await validatePaths([path.join(ROOT, 'sample-lkm')], { repeat: 3, syscallSlots: new Map([['procinfo', 211]]) });
  assert.equal(report.failed, 0, JSON.stringify(report.modules.filter((m) => !m.ok).map((m) => [m.name, m.checks.filter((c) => !c.ok)]), null, 2));
  assert.deepEqual(
    report.modules.map((m) => m.name).sort(),
    ['coda', 'compat_linux', 'exec_linux_elf32', 'kernfs', 'layerfs', 'lm', 'md', 'memwatch', 'null', 'nvram', 'procinfo', 'sysvmsg', 'tracebuf', 'uptime'],
  );
});
