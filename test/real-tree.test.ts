/**
 * The shared NetBSD 1.4T kernel tree (test/real-tree.ts), converted whole as a user would:
 * every LKM of sys/lkm found with the sources its Makefile reaches, the patch applying at the
 * tree root, and a second run changing nothing. Skipped, saying why, when the archive is absent.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from './helpers.ts';
import { copyOfRealTree, realTree } from './real-tree.ts';

const tree = realTree();
const skip = 'skip' in tree ? tree.skip : false;

interface ScanJson {
  modules: { name: string; kind: string; dir: string; files: string[]; findings: { code: string; file: string; line: number; message: string }[] }[];
  findings: { code: string }[];
}

/**
 * The sources 1.4T's Makefiles name that the tree really lacks: compat/linux's Makefile predates
 * the move of its sources to compat/linux/common; svr4_error.c became svr4_errno.c; SunOS
 * emulation has no i386 machine-dependent part (the default --machine).
 */
const REALLY_MISSING: Record<string, string[]> = {
  compat_linux: [
    'linux_audio.c', 'linux_error.c', 'linux_exec.c', 'linux_file.c', 'linux_ioctl.c', 'linux_ipc.c',
    'linux_machdep.c', 'linux_misc.c', 'linux_signal.c', 'linux_socket.c', 'linux_sysent.c', 'linux_termios.c',
  ],
  sunos: ['sunos_machdep.c'],
  svr4: ['svr4_error.c'],
};

test('scan sys/lkm of NetBSD 1.4T: 23 LKMs, each with every source its Makefile reaches', { skip }, () => {
  if ('skip' in tree) return;
  const r = runCli(['scan', '--json', tree.lkm]);
  assert.equal(r.status, 0, r.stderr);
  const scan = JSON.parse(r.stdout) as ScanJson;
  assert.equal(scan.modules.length, 23, scan.modules.map((m) => m.name).join(', '));
  assert.deepEqual(scan.findings, [], 'nothing outside a module');
  const missing: Record<string, string[]> = {};
  for (const m of scan.modules) {
    const codes = m.findings.map((f) => f.code);
    for (const bad of ['makefile-shell-assignment', 'makefile-undefined-variable', 'declaration-args', 'no-makefile', 'no-declaration']) {
      assert.ok(!codes.includes(bad), `${m.name}: ${bad}\n${m.findings.map((f) => f.message).join('\n')}`);
    }
    const names = m.findings.filter((f) => f.code === 'missing-source').map((f) => /SRCS names (\S+),/.exec(f.message)![1]!);
    if (names.length) missing[m.name] = names.sort();
    // Every source found is a file of the tree, most of them reached through $S.
    for (const f of m.files) assert.ok(fs.existsSync(path.resolve(f)), f);
  }
  assert.deepEqual(missing, REALLY_MISSING);
  const files = Object.fromEntries(scan.modules.map((m) => [m.name, m.files.length]));
  // A sample of what .PATH: $S/... reaches (the glue alone was all that was found before).
  assert.equal(files.cd9660, 8);
  assert.equal(files.lfs, 12);
  assert.equal(files.svr4, 18, 'svr4: its sources, svr4_machdep.o made from arch/i386, and the glue SRCS forgot');
  const svr4 = scan.modules.find((m) => m.name === 'svr4')!;
  assert.ok(svr4.findings.some((f) => f.code === 'glue-not-in-srcs'));
  assert.ok(svr4.files.some((f) => f.endsWith('arch/i386/i386/svr4_machdep.c')));
});

test('convert sys/lkm of NetBSD 1.4T: the whole-tree patch applies at the tree root, and a second run changes nothing', { skip }, () => {
  if ('skip' in tree) return;
  const copy = copyOfRealTree(tree);
  try {
    const preview = runCli(['convert', copy.lkm]);
    assert.equal(preview.status, 0, preview.stderr);
    assert.doesNotMatch(preview.stderr, /internal error|\n\s+at .*:\d+:\d+\)/);
    assert.doesNotMatch(preview.stdout, /^#\| /m, 'no file outside the tree needs an edit');
    assert.ok(!preview.stderr.includes('[outside-tree-root]'));
    const patch = path.join(copy.root, 'lkm.patch');
    fs.writeFileSync(patch, preview.stdout);
    const apply = spawnSync('git', ['apply', patch], { cwd: copy.sys, encoding: 'utf8' });
    assert.equal(apply.status, 0, apply.stderr);
    // Named as the kernel looks them up: svr4, an emulation, is compat_svr4; nullfs, type null, is null.
    for (const name of ['cd9660', 'compat_svr4', 'coda', 'if_ipl', 'null', 'umap', 'msdos']) assert.ok(fs.existsSync(path.join(copy.sys, 'modules', name, 'Makefile')), name);
    // if_ipl's own search for a free cdevsw[] slot is the major its devsw_attach chose.
    assert.match(preview.stderr, /mln_ipl\.c:\d+: warning: iplaction\(\) searched cdevsw\[0\.\.nchrdev\).*\[slot-search-replaced\]/);
    assert.doesNotMatch(preview.stderr, /lkmenodev belongs to the old LKM interface/);
    assert.match(fs.readFileSync(path.join(copy.sys, 'modules', 'if_ipl', 'mln_ipl.c'), 'utf8'), /^\t\ti = if_ipl_cmajor;\n\t\tif \(i < 0\) \{$/m);

    const again = runCli(['convert', '--check', path.join(copy.sys, 'lkm'), path.join(copy.sys, 'modules')]);
    assert.equal(again.status, 0, `a second run would change the converted tree:\n${again.stdout.slice(0, 2000)}\n${again.stderr}`);
    assert.match(again.stderr, /nothing to convert: 23 module\(9\) modules already converted/);
    assert.doesNotMatch(again.stderr, /modinfo-not-read/, 'every converted module is one a rescan reads');
  } finally {
    fs.rmSync(copy.root, { recursive: true, force: true });
  }
});

test('validate on NetBSD 1.4T: nullfs and kernfs pass every check, the old loader speaking the tree\'s LKM_VERSION 1', { skip }, () => {
  if ('skip' in tree) return;
  // 1.4's DISPATCH refuses a `ver` other than its own LKM_VERSION (1): the equivalence check's
  // old loader must be the tree's, not NetBSD 4's (2), or no original LKM of the tree loads.
  const r = runCli(['validate', '--json', 'lkm/vfs/miscfs/nullfs', 'lkm/vfs/miscfs/kernfs'], { cwd: tree.sys });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const report = JSON.parse(r.stdout) as { modules: { name: string; ok: boolean; checks: { name: string; ok: boolean }[] }[] };
  assert.deepEqual(report.modules.map((m) => [m.name, m.ok]), [['kernfs', true], ['null', true]]);
  for (const m of report.modules) assert.ok(m.checks.some((c) => c.name === 'equivalence' && c.ok), `${m.name}: equivalence ran and passed`);
});

test('validate on NetBSD 1.4T: cd9660 no longer leaks what its vfs_init made (1.4\'s vfsops has no vfs_done)', { skip }, () => {
  if ('skip' in tree) return;
  const r = runCli(['validate', '--json', 'lkm/vfs/isofs/cd9660'], { cwd: tree.sys });
  assert.equal(r.status, 0, r.stderr + r.stdout);
  const report = JSON.parse(r.stdout) as { modules: { name: string; ok: boolean; checks: { name: string; ok: boolean; details: string[] }[] }[] };
  const m = report.modules[0]!;
  assert.ok(m.ok, JSON.stringify(m.checks.filter((c) => !c.ok), null, 2));
  const eq = m.checks.find((c) => c.name === 'equivalence')!;
  // The original leaks the hash table and the pool on every unload; FINI releases both.
  assert.ok(eq.details.some((d) => /the original LKM itself leaves behind on unload: memory pool cd9660nopl/.test(d)), eq.details.join('\n'));
  assert.ok(eq.details.some((d) => /FINI also releases what the LKM left behind on every unload .*: free, pool_destroy/.test(d)), eq.details.join('\n'));
});

test('validate on NetBSD 1.4T: if_ipl\'s original LKM makes its /dev nodes through namei on load and removes them on unload', { skip }, () => {
  if ('skip' in tree) return;
  const r = runCli(['validate', '--json', 'lkm/netinet/if_ipl'], { cwd: tree.sys });
  const report = JSON.parse(r.stdout) as { modules: { name: string; checks: { name: string; ok: boolean; details: string[] }[] }[] };
  const eq = report.modules[0]!.checks.find((c) => c.name === 'equivalence')!;
  // It used to stop in ipl_remove() at VOP_LEASE(nd.ni_vp …), namei having returned no vnode.
  assert.ok(!eq.details.some((d) => /original LKM does not (load|unload)/.test(d)), eq.details.join('\n'));
  assert.ok(!eq.details.some((d) => /original LKM itself leaves behind/.test(d)), eq.details.join('\n'));
  // 1.4's DISPATCH ran ipl's load handler before lkmdispatch() wired it in; INIT runs it after
  // devsw_attach(), and its free-slot search became the major attach chose: every check passes.
  assert.ok(eq.details.some((d) => /ran load\(\) before lkmdispatch\(\) wired the LKM in/.test(d)), eq.details.join('\n'));
  assert.deepEqual(report.modules[0]!.checks.filter((c) => !c.ok).map((c) => c.name), []);
});
