/**
 * A converted tree is an input like any other: scan lists its module(9) modules as already
 * converted (no warning for their Makefiles), a tree that mixes LKMs and modules lists both, and
 * convert on a converted tree changes nothing and says so.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync, cpSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, SAMPLES } from './helpers.ts';
import { discover } from '../src/discover/discover.ts';

interface ModuleJson {
  name: string;
  form: string;
  kind: string;
  dir: string;
  makefile: string | null;
  files: string[];
  declaration: { file: string; line: number; macro: string; args: string[]; variable: string } | null;
  entry: { name: string; file: string; line: number } | null;
  required?: string[] | null;
  findings: { code: string; severity: string; file: string }[];
}

const tmp = (name: string) => mkdtempSync(path.join(os.tmpdir(), `lkm2mod-${name}-`));

/** sample-lkm converted by `lkm2mod convert --out`, as a user makes one. */
let converted: string;

before(() => {
  converted = tmp('module9-out');
  const r = runCli(['convert', 'sample-lkm', '--out', converted, '--syscall-slot', 'procinfo=211']);
  assert.equal(r.status, 0, r.stderr);
});

test('scan a converted tree: every module listed as module(9), of its MODULE() class, with no warning', () => {
  const r = runCli(['scan', '--json', 'sample-lkm'], { cwd: converted });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { modules: ModuleJson[]; findings: { code: string; file: string }[] };
  assert.equal(doc.modules.length, 14);
  assert.ok(doc.modules.every((m) => m.form === 'module'), 'nothing is left to convert');
  const byName = new Map(doc.modules.map((m) => [m.name, m]));
  const kernfs = byName.get('kernfs')!;
  assert.equal(kernfs.kind, 'vfs');
  assert.equal(kernfs.dir, 'sample-lkm/sys/modules/kernfs');
  assert.equal(kernfs.makefile, 'sample-lkm/sys/modules/kernfs/Makefile');
  assert.deepEqual(kernfs.declaration?.args, ['MODULE_CLASS_VFS', 'kernfs', 'NULL']);
  assert.equal(kernfs.declaration?.macro, 'MODULE');
  assert.equal(kernfs.entry?.name, 'kernfs_modcmd');
  assert.equal(kernfs.files.length, 4, 'the glue and the three kernfs sources');
  assert.deepEqual(kernfs.required, []);
  assert.deepEqual(byName.get('null')!.required, ['layerfs'], 'the requisite convert inferred, read back from MODULE()');
  assert.equal(byName.get('md')!.kind, 'driver');
  assert.equal(byName.get('uptime')!.kind, 'misc');
  assert.deepEqual(doc.modules.flatMap((m) => m.findings), []);
  // The one Makefile that still warns is the LKM convert could not take (its glue is generated).
  assert.deepEqual(doc.findings.map((f) => [f.code, f.file]), [['no-declaration', 'sample-lkm/sys/lkm/drv/lm_isa_wb/Makefile']]);

  const text = runCli(['scan', 'sample-lkm'], { cwd: converted });
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^kernfs\s+module\(9\) vfs\s+kernfs_modcmd\s+4\s+0\s+sample-lkm\/sys\/modules\/kernfs$/m);
  assert.match(text.stdout, /^0 LKMs, 14 module\(9\) modules already converted \(driver, exec, misc, vfs\) in \d+ files scanned/m);
  assert.doesNotMatch(text.stdout, /sys\/modules\/.*\[no-declaration\]/);
});

test('convert a converted tree: nothing changes, and it says so', () => {
  const check = runCli(['convert', '--check', 'sample-lkm'], { cwd: converted });
  assert.equal(check.status, 0, check.stderr);
  assert.equal(check.stdout, '', 'an empty patch');
  assert.match(check.stderr, /^nothing to convert: 14 module\(9\) modules already converted$/m);
  const preview = runCli(['convert', 'sample-lkm'], { cwd: converted });
  assert.equal(preview.status, 0, preview.stderr);
  assert.equal(preview.stdout, '');
});

test('a tree mixing LKMs and modules: scan lists both, convert converts the LKMs and names the modules it leaves', () => {
  const dir = tmp('module9-mixed');
  cpSync(SAMPLES, path.join(dir, 'sample-lkm'), { recursive: true });
  const w = runCli(['convert', '--write', 'sample-lkm/sys/lkm/dev/md', 'sample-lkm/sys/lkm/vfs/kernfs'], { cwd: dir });
  assert.equal(w.status, 0, w.stderr);

  const r = runCli(['scan', '--json', 'sample-lkm'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout) as { modules: ModuleJson[] };
  const forms = (form: string) => doc.modules.filter((m) => m.form === form).map((m) => m.name).sort();
  assert.deepEqual(forms('module'), ['kernfs', 'md']);
  assert.equal(forms('lkm').length, 12);
  assert.ok(!forms('lkm').includes('md'));

  const preview = runCli(['convert', 'sample-lkm', '--syscall-slot', 'procinfo=211'], { cwd: dir });
  assert.equal(preview.status, 0, preview.stderr);
  assert.match(preview.stderr, /^left as they are: 2 module\(9\) modules already converted \(kernfs, md\)$/m);
  assert.doesNotMatch(preview.stdout, /^diff --git a\/sample-lkm\/sys\/modules\/(md|kernfs)\//m, 'the modules are not touched');
  assert.match(preview.stdout, /^diff --git a\/sample-lkm\/sys\/lkm\/vfs\/nullfs\//m);
});

/** A small tree of C files without Makefiles, as a driver directory of a kernel tree holds them. */
function write(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  }
}

const modcmd = (name: string) => `static int\n${name}_modcmd(modcmd_t cmd, void *arg)\n{\n\treturn ENOTTY;\n}\n`;

test('modules no Makefile builds: a directory with one MODULE() is one module of its C files; with several, one per file', async () => {
  const root = tmp('module9-orphans');
  write(root, {
    'sys/miscfs/tinyfs/tinyfs_vfsops.c': `#include <sys/module.h>\n\nMODULE(MODULE_CLASS_VFS, tinyfs, "genfs");\n\n${modcmd('tinyfs')}`,
    'sys/miscfs/tinyfs/tinyfs_vnops.c': 'int tinyfs_lookup(void *v) { return 0; }\n',
    // Two drivers in one directory, each with its own MODULE().
    'sys/dev/sysmon/swwdog.c': `MODULE(MODULE_CLASS_DRIVER, swwdog, "sysmon_wdog");\n${modcmd('swwdog')}`,
    'sys/dev/sysmon/sysmon_wdog.c': [
      '/* MODULE(MODULE_CLASS_MISC, commented_out, NULL); */',
      '#if 0',
      'MODULE(MODULE_CLASS_MISC, never_compiled, NULL);',
      '#endif',
      '#define MD1 ",sysmon"',
      '#ifdef _MODULE',
      'MODULE(MODULE_CLASS_MISC, sysmon_wdog, "sysmon_taskq" MD1);',
      '#endif',
      modcmd('sysmon_wdog'),
    ].join('\n'),
  });
  const scan = await discover([root], { jobs: 1 });
  assert.deepEqual(scan.modules, []);
  const m9 = new Map((scan.module9 ?? []).map((m) => [m.name, m]));
  assert.deepEqual([...m9.keys()].sort(), ['swwdog', 'sysmon_wdog', 'tinyfs']);

  const tinyfs = m9.get('tinyfs')!;
  assert.equal(tinyfs.moduleClass, 'VFS');
  assert.deepEqual(tinyfs.required, ['genfs']);
  assert.deepEqual(tinyfs.files.map((f) => path.basename(f)), ['tinyfs_vfsops.c', 'tinyfs_vnops.c'], 'the declaring file first, then the directory');
  assert.equal(tinyfs.makefile, null);
  assert.deepEqual(tinyfs.modcmd && [path.basename(tinyfs.modcmd.file), tinyfs.modcmd.line], ['tinyfs_vfsops.c', 6]);

  assert.deepEqual(m9.get('swwdog')!.files.map((f) => path.basename(f)), ['swwdog.c']);
  const wdog = m9.get('sysmon_wdog')!;
  assert.equal(wdog.required, null, 'a required list pasted from macros is for the compiler to read');
  assert.equal(wdog.modinfo.line, 7, 'not the commented-out MODULE() nor the one under #if 0');
  assert.deepEqual(wdog.modinfo.conditions, ['defined(_MODULE)']);
  assert.deepEqual([...m9.values()].flatMap((m) => m.findings), []);
});

test('a MODULE() whose modcmd no file defines: a warning at the MODULE() line (the module cannot link)', async () => {
  const root = tmp('module9-nomodcmd');
  write(root, {
    'sys/modules/broken/Makefile': 'KMOD=\tbroken\nSRCS=\tbroken.c\n\n.include <bsd.kmodule.mk>\n',
    // A prototype and a call are not a definition.
    'sys/modules/broken/broken.c': 'static int broken_modcmd(modcmd_t, void *);\n\nMODULE(MODULE_CLASS_MISC, broken, NULL);\n\nint f(void) { return broken_modcmd(0, 0); }\n',
  });
  const scan = await discover([root], { jobs: 1 });
  const [broken] = scan.module9 ?? [];
  assert.equal(broken?.name, 'broken');
  assert.equal(broken.modcmd, null);
  assert.deepEqual(broken.findings.map((f) => [f.code, f.severity, path.basename(f.file), f.line]), [['modcmd-not-found', 'warning', 'broken.c', 3]]);
  assert.match(broken.findings[0]!.message, /broken_modcmd\(\).*will not link/);
  assert.deepEqual(scan.findings, [], 'no no-declaration warning for the Makefile');
});

test('a bsd.kmodule.mk module whose MODULE() a macro writes: said so, not taken for an LKM whose glue is missing', async () => {
  const root = tmp('module9-macro');
  write(root, {
    'sys/modules/vendor/Makefile': 'KMOD=\tvendor\nSRCS=\tvendor.c\n\n.include <bsd.kmodule.mk>\n',
    'sys/modules/vendor/vendor.c': `#define VENDOR_MODULE(n) MODULE(MODULE_CLASS_MISC, n, NULL)\n\nVENDOR_MODULE(vendor);\n\n${modcmd('vendor')}`,
  });
  const scan = await discover([root], { jobs: 1 });
  assert.deepEqual(scan.modules, []);
  assert.deepEqual(scan.module9, []);
  assert.deepEqual(scan.findings?.map((f) => [f.code, f.severity, path.relative(root, f.file), f.line]), [
    ['modinfo-not-read', 'warning', 'sys/modules/vendor/Makefile', 1],
  ]);
  assert.match(scan.findings![0]!.message, /KMOD=vendor is built with bsd\.kmodule\.mk.*vendor\.c/);
});
