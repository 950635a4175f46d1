/**
 * The module set: names the kernel looks up, sources several LKMs build moved into one shared
 * module, an emulation merged with its exec format through an edited plan, and plan lines that
 * no longer fit the tree. The trees are the bundled samples, copied and reshaped the way later
 * NetBSD trees were (nullfs and a second layered file system each building genfs' layer_*.c).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync, readdirSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { discover } from '../src/discover/discover.ts';
import { convertPlans } from '../src/migrate/convert.ts';
import { inferModuleSet } from '../src/migrate/module-set.ts';
import { applyPlan, parsePlan, renderPlan } from '../src/migrate/plan-file.ts';
import { validatePaths } from '../src/validate/validate.ts';

const SAMPLE = fileURLToPath(new URL('../sample-lkm', import.meta.url));

/**
 * sample-lkm without its layerfs LKM: nullfs builds layer_*.c itself (as NetBSD 2.x-4.x's
 * Makefile did), and `ovl`, a second layered file system made from nullfs' code with its names
 * changed, builds them too.
 */
function layeredTree(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-modset-'));
  cpSync(SAMPLE, dir, { recursive: true });
  const sys = path.join(dir, 'sys');
  rmSync(path.join(sys, 'lkm/misc/layerfs'), { recursive: true });
  writeFileSync(path.join(sys, 'lkm/misc/Makefile'), readFileSync(path.join(sys, 'lkm/misc/Makefile'), 'utf8').replace(/\s*layerfs\b/, ''));
  const nullMk = path.join(sys, 'lkm/vfs/nullfs/Makefile');
  writeFileSync(nullMk, readFileSync(nullMk, 'utf8').replace(/^\.PATH:.*$/m, '$& $S/miscfs/genfs').replace(/^(SRCS\+?=.*null_vnops\.c.*)$/m, '$1\nSRCS+=\tlayer_subr.c layer_vfsops.c layer_vnops.c'));
  const rename = (s: string) =>
    s
      .replace(/null(?=[_a-z.])/g, 'ovl')
      .replace(/"null"/g, '"ovl"')
      .replace(/(?<=\w)NULL(?!\w)(?<!VT_NULL)|(?<!\w)NULL(?=\w)|(?<=[A-Z])NULL(?=[A-Z])/g, 'OVL');
  for (const [from, to] of [['miscfs/nullfs', 'miscfs/ovl'], ['lkm/vfs/nullfs', 'lkm/vfs/ovl']]) {
    mkdirSync(path.join(sys, to), { recursive: true });
    for (const f of readdirSync(path.join(sys, from))) {
      writeFileSync(path.join(sys, to, rename(f)), rename(readFileSync(path.join(sys, from, f), 'utf8')).replace(/miscfs\/ovlfs/g, 'miscfs/ovl'));
    }
  }
  writeFileSync(path.join(sys, 'lkm/vfs/Makefile'), readFileSync(path.join(sys, 'lkm/vfs/Makefile'), 'utf8').replace(/nullfs/, 'nullfs ovl'));
  return dir;
}

test('sources two layered file systems build go into one shared module both require', async (t) => {
  const tree = layeredTree();
  t.after(() => rmSync(tree, { recursive: true, force: true }));
  const scan = await discover([path.join(tree, 'sys/lkm/vfs')], { jobs: 1 });
  const set = inferModuleSet(scan);
  assert.deepEqual(
    set.shared.map((s) => [s.name, s.sources.map((f) => path.basename(f)), s.users]),
    [['layerfs', ['layer_subr.c', 'layer_vfsops.c', 'layer_vnops.c'], ['null', 'ovl']]],
  );
  const conv = await convertPlans(scan, { root: tree });
  const byName = new Map(conv.modules.map((m) => [m.name, m]));
  for (const fs of ['null', 'ovl']) {
    const m = byName.get(fs)!;
    assert.equal(m.required[0]?.module, 'layerfs', `${fs} requires layerfs`);
    assert.match(m.required[0]!.reason, /layer_subr\.c.*layerfs now holds/);
    assert.ok(!m.sources.some((s) => /layer_/.test(s)), `${fs} no longer builds layer_*.c`);
  }
  const mk = conv.changes.find((c) => c.path.endsWith('sys/modules/null/Makefile'))!.after!;
  assert.deepEqual(mk.split('\n').filter((l) => /^SRCS/.test(l) && /layer_/.test(l)), []);
  const shared = conv.changes.find((c) => c.path.endsWith('sys/modules/layerfs/Makefile'))!.after!;
  assert.match(shared, /^\.PATH:\t\$\{S\}\/miscfs\/genfs$/m);
  assert.match(shared, /^SRCS=\tlayerfs_mod\.c layer_subr\.c layer_vfsops\.c layer_vnops\.c$/m);
  const modc = conv.changes.find((c) => c.path.endsWith('sys/modules/layerfs/layerfs_mod.c'))!.after!;
  assert.match(modc, /^MODULE\(MODULE_CLASS_MISC, layerfs, NULL\);$/m);
  assert.deepEqual(conv.created?.map((c) => c.name), ['layerfs']);
  assert.match(conv.changes.find((c) => c.path.endsWith('sys/modules/Makefile'))!.after!, /SUBDIR\+=\tlayerfs/);
});

test('the layered file systems and their shared module load in the simulated kernel', async (t) => {
  const tree = layeredTree();
  t.after(() => rmSync(tree, { recursive: true, force: true }));
  const report = await validatePaths([path.join(tree, 'sys/lkm/vfs')], { jobs: 1, repeat: 2 });
  const by = new Map(report.modules.map((m) => [m.name, m]));
  for (const name of ['null', 'ovl', 'layerfs']) {
    const m = by.get(name);
    assert.ok(m, `${name} validated`);
    const failed = m.checks.filter((c) => !c.ok && !c.skipped).map((c) => `${c.name}: ${(c.failures ?? c.details).join('; ')}`);
    assert.deepEqual(failed, [], `${name}: ${failed.join('\n')}`);
    assert.ok(m.ok);
  }
  const lifecycle = (n: string) => by.get(n)!.checks.find((c) => c.name === 'lifecycle')!.details.join('\n');
  assert.match(lifecycle('null'), /mount -t null: autoloaded null/);
  assert.match(lifecycle('ovl'), /mount -t ovl: autoloaded ovl/);
  // All together, in one kernel: layerfs once, both file systems on top of it.
  assert.ok(report.together?.ok, (report.together?.failures ?? []).join('\n'));
  assert.ok(['layerfs', 'null', 'ovl'].every((n) => report.together!.modules.includes(n)), report.together?.modules.join(', '));
  assert.ok(report.together!.modules.indexOf('layerfs') < report.together!.modules.indexOf('null'));
});

test('a file system module named otherwise than its type is never autoloaded, and validate says so', async () => {
  const dir = path.join(SAMPLE, 'sys/lkm/vfs');
  const { plan } = parsePlan(`module nullfs ${path.join(dir, 'nullfs')}\n`, path.join(SAMPLE, 'renamed.plan'));
  const report = await validatePaths([dir, path.join(SAMPLE, 'sys/lkm/misc/layerfs')], { jobs: 1, repeat: 2, plan });
  const m = report.modules.find((x) => x.name === 'nullfs')!;
  const lifecycle = m.checks.find((c) => c.name === 'lifecycle')!;
  assert.match((lifecycle.warnings ?? []).join('\n'), /registers file system type null but is named nullfs: mount -t null autoloads module "null"/);
});

test('a plan edited to merge the emulation with its exec format converts into one EXEC module', async () => {
  const scan = await discover([path.join(SAMPLE, 'sys/lkm')], { jobs: 1 });
  const inferred = inferModuleSet(scan);
  assert.deepEqual(inferred.merges, []);
  assert.deepEqual(inferred.possibleMerges.map((m) => `${m.from}>${m.into}`), ['exec_linux_elf32>compat_linux']);
  const text = renderPlan(inferred, SAMPLE, 'sample-lkm').replace(/^#merge /m, 'merge ');
  const file = path.join(SAMPLE, 'edited.plan');
  const { plan, errors } = parsePlan(text, file);
  assert.deepEqual(errors, []);
  const builtBy = (src: string) => scan.modules.filter((m) => m.files.includes(src)).map((m) => m.dir);
  const applied = applyPlan(inferred, plan, builtBy);
  assert.deepEqual(applied.errors, []);
  const conv = await convertPlans(scan, { root: SAMPLE, moduleSet: applied.set, syscallSlots: new Map([['procinfo', 211]]) });
  const linux = conv.modules.find((m) => m.name === 'compat_linux')!;
  const exec = conv.modules.find((m) => m.name === 'exec_linux_elf32')!;
  assert.equal(linux.moduleClass, 'EXEC');
  assert.equal(exec.mergedInto, 'compat_linux');
  assert.deepEqual(linux.required, []);
  const mod = conv.changes.find((c) => c.path.endsWith('modules/compat_linux/compat_linux_mod.c'))!.after!;
  assert.match(mod, /MODULE\(MODULE_CLASS_EXEC, compat_linux, NULL\);/);
  assert.match(mod, /error = linux_load\(\);[\s\S]*error = exec_linux_elf32_modcmd\(MODULE_CMD_INIT, NULL\);/);
  const execFile = conv.changes.find((c) => c.path.endsWith('modules/compat_linux/exec_linux_elf32_mod.c'))!.after!;
  assert.doesNotMatch(execFile, /MODULE\(/);
  assert.match(execFile, /^int\nexec_linux_elf32_modcmd\(modcmd_t cmd, void \*arg\)/m);
  const mk = conv.changes.find((c) => c.path.endsWith('modules/compat_linux/Makefile'))!.after!;
  assert.match(mk, /^SRCS\+=\texec_linux_elf32_mod\.c linux_exec_elf32\.c$/m);
  assert.ok(conv.changes.some((c) => c.path.endsWith('lkm/exec/linux_elf32/Makefile') && c.after === null));
  assert.ok(!conv.changes.some((c) => c.path.endsWith('modules/exec_linux_elf32/Makefile')));
});

test('plan lines that no longer fit the tree are errors naming the line', async () => {
  const scan = await discover([path.join(SAMPLE, 'sys/lkm/vfs'), path.join(SAMPLE, 'sys/lkm/compat')], { jobs: 1 });
  const inferred = inferModuleSet(scan);
  const file = path.join(SAMPLE, 'x.plan');
  const text = [
    'machine i386',
    'module kernfs sys/lkm/vfs/kernfs',
    'module kernfs sys/lkm/vfs/nullfs',
    'module gone sys/lkm/vfs/nosuchfs',
    'merge kernfs into compat_linux',
    'shared common sys/kern/kern_lkm.c',
    'frobnicate x',
  ].join('\n');
  const { plan, errors } = parsePlan(text, file);
  assert.deepEqual(errors.map((e) => [e.line, e.code]), [[7, 'plan-syntax']]);
  const applied = applyPlan(inferred, plan, () => []);
  assert.deepEqual(
    applied.errors.map((e) => [e.line, e.code, e.message.split(' ').slice(0, 4).join(' ')]),
    [
      [3, 'plan-stale', 'the name kernfs is'],
      [4, 'plan-stale', 'no LKM is in'],
      [6, 'plan-stale', 'no LKM of the'],
      [5, 'plan-stale', 'kernfs is not an'],
    ],
  );
});

test('a file system is named by its vfsops type name, an emulation compat_<name>', async () => {
  const scan = await discover([path.join(SAMPLE, 'sys/lkm')], { jobs: 1 });
  const set = inferModuleSet(scan);
  const byDir = (d: string) => set.modules.find((m) => m.dir.endsWith(d))!;
  assert.equal(byDir('vfs/nullfs').name, 'null');
  assert.equal(byDir('vfs/nullfs').lookup, 'file system type');
  assert.equal(byDir('compat/linux').name, 'compat_linux');
  assert.equal(byDir('compat/linux').lookup, 'emulation');
  assert.equal(byDir('exec/linux_elf32').name, 'exec_linux_elf32');
  assert.equal(byDir('drv/lm_isa').name, 'lm');
  assert.equal(byDir('drv/lm_isa').lookup, 'cfdriver');
});

test('config(8) option expressions, and the kernel built with the LKMs\' options off', async () => {
  const { holds, kernelSources } = await import('../src/migrate/kernel-conf.ts');
  const on = (set: string[]) => (o: string) => set.includes(o);
  assert.equal(holds([], on([])), true);
  assert.equal(holds(['nullfs', '|', 'overlay'], on(['overlay'])), true);
  assert.equal(holds(['nullfs', 'overlay'], on([])), false);
  assert.equal(holds(['ffs', '&', '!', 'mfs'], on(['ffs'])), true);
  assert.equal(holds(['(', 'a', '|', 'b', ')', '&', 'c'], on(['b'])), false);
  const conf = [
    { file: '/s/miscfs/nullfs/null_vfsops.c', expr: ['nullfs'] },
    { file: '/s/miscfs/genfs/layer_subr.c', expr: ['nullfs', '|', 'overlay'] },
    { file: '/s/kern/exec_elf32.c', expr: ['exec_elf32'] },
    { file: '/s/kern/vfs_subr.c', expr: [] },
  ];
  const k = kernelSources(conf, new Set(['/s/miscfs/nullfs/null_vfsops.c']));
  assert.deepEqual([...k.lkmOptions], ['nullfs']);
  assert.deepEqual([...k.files].sort(), ['/s/kern/exec_elf32.c', '/s/kern/vfs_subr.c', '/s/miscfs/genfs/layer_subr.c']);
  assert.deepEqual([...k.off], ['/s/miscfs/nullfs/null_vfsops.c']);
});

test('a K&R definition tree-sitter splits is one function: its parameters are no globals', async () => {
  const { CSource } = await import('../src/migrate/csource.ts');
  const { fileSymbols } = await import('../src/migrate/file-symbols.ts');
  const s = fileSymbols(new CSource('/x.c', 'struct buf *\nlfs_newbuf(vp, daddr, size)\n\tstruct vnode *vp;\n\tufs_daddr_t daddr;\n\tsize_t size;\n{\n\tbp->b_lblkno = daddr + other_fn(size);\n}\nint glob;\n'));
  assert.deepEqual([...s.globals].sort(), ['glob', 'lfs_newbuf']);
  assert.deepEqual([...s.uses].sort(), ['bp', 'other_fn']);
  assert.deepEqual([...s.calls], ['other_fn']);
});

test('a global whose type is a macro call (TAILQ_HEAD(…) name[4];) is one of the file\'s globals', async () => {
  const { CSource } = await import('../src/migrate/csource.ts');
  const { fileSymbols } = await import('../src/migrate/file-symbols.ts');
  const text = [
    'TAILQ_HEAD(bqueues, buf) bufqueues[BQUEUES];',
    'LIST_HEAD(bufhashhdr, buf) *bufhashtbl, invalhash;',
    'static TAILQ_HEAD(, job) jobs;',
    'extern TAILQ_HEAD(bqueues, buf) elsewhere[4];',
    '__KERNEL_RCSID(0, "$NetBSD$");',
    'int n;',
    '',
  ].join('\n');
  const s = fileSymbols(new CSource('/x.c', text));
  assert.deepEqual([...s.globals].sort(), ['bufhashtbl', 'bufqueues', 'invalhash', 'n']);
  assert.ok(!s.globals.has('jobs') && !s.globals.has('elsewhere'));
});
