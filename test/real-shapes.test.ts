/**
 * The shapes real kernel trees taught lkm2mod, each in a small tree written for the case: the
 * sys/lkm Makefile.inc that sets S with a shell command, the tree's own sys/lkm.h deciding the
 * MOD_* forms, a Makefile whose SRCS forget the glue, a .PATH that leads out of the tree.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { discover } from '../src/discover/discover.ts';
import type { ModulePlan, ScanResult } from '../src/discover/plan.ts';
import { treeRoot } from '../src/source/tree-root.ts';
import { spawnSync } from 'node:child_process';
import { runCli, writeTree } from './helpers.ts';
import { realTree } from './real-tree.ts';

function tree(files: Record<string, string>): string {
  return writeTree(files, 'lkm2mod-shapes-');
}

const only = (r: ScanResult): ModulePlan => {
  assert.equal(r.modules.length, 1, `expected one module, got ${r.modules.map((m) => m.name).join(', ')}`);
  return r.modules[0]!;
};
const codes = (m: ModulePlan) => m.findings.map((f) => f.code).sort();

/** A kernel tree as NetBSD's sys/ is recognised: conf/files, kern/, sys/ (with the lkm.h given). */
function kernelTree(lkmH: string | null, extra: Record<string, string>): string {
  return tree({
    'sys/conf/files': 'file\tkern/kern_lkm.c\tlkm\n',
    'sys/kern/kern_lkm.c': 'int lkm_state;\n',
    'sys/sys/param.h': '#define __NetBSD_Version__  104200000\t/* NetBSD 1.4T */\n',
    ...(lkmH === null ? { 'sys/sys/systm.h': '/* no lkm.h in this tree */\n' } : { 'sys/sys/lkm.h': lkmH }),
    'sys/lkm/Makefile.inc': '.include <bsd.own.mk>\n',
    'sys/lkm/compat/Makefile.inc': 'S!=\tcd ${.CURDIR}/../../..;pwd\n\n.include "../Makefile.inc"\n',
    ...extra,
  });
}

const LKM_H_14 =
  '#define\tMOD_EXEC(name,execslot,execsw)\t\t\\\n\tstatic struct lkm_exec _module = {\t\\\n\t\tLM_EXEC,\t\t\t\\\n' +
  '\t\tLKM_VERSION,\t\t\t\\\n\t\tname,\t\t\t\t\\\n\t\texecslot,\t\t\t\\\n\t\texecsw\t\t\t\t\\\n\t};\n\n' +
  '#define\tMOD_MISC(name)\t\t\t\t\\\n\tstatic struct lkm_misc _module = { LM_MISC, LKM_VERSION, name };\n';

const glue = (decl: string) =>
  `#include <sys/lkm.h>\nstruct execsw emu_execsw = { 36, exec_emu_makecmds };\n${decl}\n` +
  'int\ncompat_emu_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)\n{\n\tDISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc);\n}\n';

const emuModule = (decl: string) => ({
  'sys/lkm/compat/emu/Makefile': '.include "../Makefile.inc"\n\n.PATH:\t$S/compat/emu\n\nKMOD=\tcompat_emu\nSRCS=\tlkminit_emul.c emu_exec.c\n\n.include <bsd.kmod.mk>\n',
  'sys/lkm/compat/emu/lkminit_emul.c': glue(decl),
  'sys/compat/emu/emu_exec.c': 'struct emul emul_emu = { "emu" };\nint exec_emu_makecmds(void *p, void *epp) { return 0; }\n',
});

test('S!= cd ${.CURDIR}/../../..;pwd in Makefile.inc: the sources reached through $S are found, nothing is reported', async () => {
  const root = kernelTree(LKM_H_14, emuModule('MOD_EXEC("emu", -1, &emu_execsw);'));
  const m = only(await discover([path.join(root, 'sys/lkm')], { jobs: 1 }));
  assert.deepEqual(m.files.map((f) => path.relative(root, f)), ['sys/lkm/compat/emu/lkminit_emul.c', 'sys/compat/emu/emu_exec.c']);
  assert.deepEqual(m.missingSources, []);
  assert.deepEqual(codes(m), ['name-differs-from-kmod']);
});

test('the tree\'s sys/lkm.h decides the MOD_* form: 3-argument MOD_EXEC in a 1.4 tree is right, 4 arguments are not', async () => {
  const three = kernelTree(LKM_H_14, emuModule('MOD_EXEC("emu", -1, &emu_execsw);'));
  assert.ok(!codes(only(await discover([three], { jobs: 1 }))).includes('declaration-args'));

  const four = kernelTree(LKM_H_14, emuModule('MOD_EXEC("emu", -1, &emu_execsw, "emu");'));
  const m = only(await discover([four], { jobs: 1 }));
  const f = m.findings.find((x) => x.code === 'declaration-args');
  assert.ok(f, 'the 4-argument form is wrong for this tree');
  assert.equal(f.line, 3);
  assert.match(f.message, /3 arguments \(name, execslot, execsw\) in this tree's .*sys\/lkm\.h:1 \(NetBSD 1\.4T\)/);
});

test('without a sys/lkm.h in the tree, every form lkm2mod knows is accepted (3 or 4 argument MOD_EXEC)', async () => {
  for (const decl of ['MOD_EXEC("emu", -1, &emu_execsw);', 'MOD_EXEC("emu", -1, &emu_execsw, "emu");']) {
    const m = only(await discover([kernelTree(null, emuModule(decl))], { jobs: 1 }));
    assert.ok(!codes(m).includes('declaration-args'), decl);
  }
  const five = only(await discover([kernelTree(null, emuModule('MOD_EXEC("emu", -1, &emu_execsw, "emu", 0);'))], { jobs: 1 }));
  assert.match(five.findings.find((x) => x.code === 'declaration-args')!.message, /4 arguments .*or the old 3/);
});

test('a form of the tree\'s sys/lkm.h lkm2mod does not know, and a macro the header lacks, are reported where they are used', async () => {
  const odd = kernelTree(
    '#define\tMOD_EXEC(name,execslot,execsw,emul,flags)\t\\\n\tstatic struct lkm_exec _module = { LM_EXEC };\n',
    emuModule('MOD_EXEC("emu", -1, &emu_execsw, "emu", 0);'),
  );
  const a = only(await discover([odd], { jobs: 1 }));
  const unknown = a.findings.find((x) => x.code === 'declaration-form-unknown');
  assert.ok(unknown);
  assert.equal(unknown.severity, 'error');
  assert.match(unknown.message, /MOD_EXEC\(name, execslot, execsw, emul, flags\)/);

  const lacking = kernelTree('#define\tMOD_MISC(name)\tstatic struct lkm_misc _module = { LM_MISC };\n', emuModule('MOD_EXEC("emu", -1, &emu_execsw);'));
  const b = only(await discover([lacking], { jobs: 1 }));
  assert.deepEqual(codes(b).filter((c) => c.startsWith('declaration')), ['declaration-not-in-tree']);
});

test('SRCS that forget the glue beside the Makefile: the glue is the module\'s, and the converted Makefile lists it', async () => {
  const root = kernelTree(LKM_H_14, {
    'sys/lkm/compat/emu/Makefile': '.include "../Makefile.inc"\n\n.PATH:\t$S/compat/emu\n\nKMOD=\tcompat_emu\nSRCS=\temu_exec.c emu_machdep.o\n\n.include <bsd.kmod.mk>\n',
    'sys/lkm/compat/emu/lkminit_emul.c': glue('MOD_EXEC("emu", -1, &emu_execsw);'),
    'sys/compat/emu/emu_exec.c': 'struct emul emul_emu = { "emu" };\nint exec_emu_makecmds(void *p, void *epp) { return 0; }\n',
    'sys/compat/emu/emu_machdep.c': 'int emu_machdep;\n',
  });
  const scan = await discover([path.join(root, 'sys/lkm')], { jobs: 1 });
  const m = only(scan);
  assert.equal(m.kmod, 'compat_emu');
  assert.deepEqual(m.files.map((f) => path.basename(f)), ['lkminit_emul.c', 'emu_exec.c', 'emu_machdep.c'], 'an object in SRCS is built from its source');
  const f = m.findings.find((x) => x.code === 'glue-not-in-srcs');
  assert.ok(f);
  assert.equal(path.basename(f.file), 'Makefile');
  assert.equal(f.line, 6);
  assert.ok(!codes(m).includes('no-makefile'));

  const r = runCli(['convert', 'sys/lkm'], { cwd: root });
  assert.equal(r.status, 0, r.stderr);
  // The emulation LKM of lkm/compat/emu is module compat_emu (its KMOD too), its glue compat_emu_mod.c.
  assert.match(r.stdout, /\+SRCS\+=\tcompat_emu_mod\.c\n/);
});

test('the tree root is the kernel tree: the one the paths are in, or where S points when it lacks conf/files', () => {
  const root = kernelTree(LKM_H_14, {});
  const sys = path.join(root, 'sys');
  assert.equal(treeRoot([path.join(sys, 'lkm')], '/nonexistent'), sys, 'typed sys/lkm, sources all over sys/');
  assert.equal(treeRoot([path.join(sys, 'lkm')], root), sys, 'the current directory holds the tree: still the tree');
  assert.equal(treeRoot(['.'].map((p) => path.resolve(sys, 'lkm/compat', p)), path.join(sys, 'lkm/compat')), sys, 'run inside the tree');
  const partial = tree({ 'src/sys/lkm/misc/m/Makefile': 'KMOD=\tm\n' });
  const lkm = path.join(partial, 'src/sys/lkm');
  assert.equal(treeRoot([lkm], '/nonexistent'), lkm, 'no kernel tree: the paths');
  assert.equal(treeRoot([lkm], '/nonexistent', [path.join(partial, 'src/sys')]), path.join(partial, 'src/sys'), 'S names the tree');
  assert.equal(treeRoot([lkm], '/nonexistent', [path.join(partial, 'elsewhere')]), lkm, 'an S that does not hold the paths is not their tree');
});

test('a glue file SRCS names through a variable (lkminit_${KMOD}.c) is renamed in SRCS too, so the converted tree is a module(9) module', async () => {
  const root = kernelTree(null, {
    'sys/lkm/vfs/lfs/Makefile': '.PATH:\t$S/ufs/lfs\nKMOD=\tlfs\nSRCS=\tlkminit_${KMOD}.c\nSRCS+=\tlfs_vfsops.c\n.include <bsd.kmod.mk>\n',
    'sys/lkm/vfs/lfs/lkminit_lfs.c':
      '#include <sys/lkm.h>\nextern struct vfsops lfs_vfsops;\nMOD_VFS("lfs", -1, &lfs_vfsops);\nint\nlfs_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)\n' +
      '{\n\tDISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc);\n}\n',
    'sys/ufs/lfs/lfs_vfsops.c': 'struct vfsops lfs_vfsops;\n',
  });
  const w = runCli(['convert', 'sys', '--write'], { cwd: root });
  assert.equal(w.status, 0, w.stderr);
  assert.match(fs.readFileSync(path.join(root, 'sys/modules/lfs/Makefile'), 'utf8'), /^SRCS=\tlfs_mod\.c$/m);
  const again = await discover([path.join(root, 'sys')], { jobs: 1 });
  assert.deepEqual(again.modules, []);
  assert.deepEqual(again.module9?.map((m) => [m.name, m.findings.length]), [['lfs', 0]]);
  assert.deepEqual(again.findings, []);
  assert.equal(runCli(['convert', 'sys', '--check'], { cwd: root }).status, 0, 'a second run changes nothing');
});

test('a .PATH that climbs out of the kernel tree: a finding where it is written, and nothing outside the tree is ever written', () => {
  const root = kernelTree(null, {
    'sys/lkm/misc/esc/Makefile': '.PATH:\t${.CURDIR}/../../../../vendor\nKMOD=\tesc\nSRCS=\tesc_lkm.c esc_subr.c\n.include <bsd.kmod.mk>\n',
    'sys/lkm/misc/esc/esc_lkm.c':
      '#include <sys/lkm.h>\nMOD_MISC("esc");\nint\nesc_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)\n' +
      '{\n\tDISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc);\n}\n',
    'vendor/esc_subr.c': '#ifdef _LKM\nint esc_loaded;\n#endif\n',
  });
  const vendor = path.join(root, 'vendor/esc_subr.c');
  const before = fs.readFileSync(vendor, 'utf8');

  const scan = JSON.parse(runCli(['scan', '--json', 'sys/lkm'], { cwd: root }).stdout) as { modules: { findings: { code: string; file: string; line: number }[] }[] };
  const esc = scan.modules[0]!.findings.find((f) => f.code === 'makefile-path-outside-tree');
  assert.ok(esc, 'scan says where the .PATH leads out');
  assert.equal(esc.line, 1);

  const preview = runCli(['convert', 'sys/lkm'], { cwd: root });
  assert.equal(preview.status, 0, preview.stderr);
  assert.match(preview.stderr, /esc_subr\.c:1: warning: .*outside the tree root.* \[outside-tree-root\]/);
  assert.match(preview.stderr, /apply it there \(git -C sys apply\)/);
  assert.match(preview.stdout, /^#\| -#ifdef _LKM$/m, 'the edit it needs is shown, on lines git apply passes over');
  // The tree's part of the patch applies at the tree root; the #| lines are passed over.
  fs.writeFileSync(path.join(root, 'p.patch'), preview.stdout);
  const check = spawnSync('git', ['apply', '--check', path.join(root, 'p.patch')], { cwd: path.join(root, 'sys'), encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);

  const out = path.join(root, 'out');
  assert.equal(runCli(['convert', 'sys/lkm', '--out', out], { cwd: root }).status, 0);
  assert.ok(fs.existsSync(path.join(out, 'modules/esc/esc_mod.c')), '--out mirrors from the tree root');
  assert.ok(!fs.existsSync(path.join(out, 'vendor')) && !fs.readdirSync(out).some((e) => e.startsWith('..')));

  const w = runCli(['convert', 'sys/lkm', '--write'], { cwd: root });
  assert.equal(w.status, 0, w.stderr);
  assert.equal(fs.readFileSync(vendor, 'utf8'), before, '--write leaves the file outside the tree alone');
  assert.match(fs.readFileSync(path.join(root, 'sys/modules/esc/esc_mod.c'), 'utf8'), /MODULE\(MODULE_CLASS_MISC, esc, NULL\)/);
});

test('K&R parameter declarations tree-sitter leaves at file scope are not globals (no module "requires" another for its parameter names)', async () => {
  const { SourceCache } = await import('../src/migrate/csource.ts');
  const { fileSymbols } = await import('../src/migrate/file-symbols.ts');
  const root = tree({
    'fil.c':
      'frgroup_t *fr_findgroup(num, flags, which, set, fgpp)\nu_int num;\nu_32_t flags;\nminor_t which;\nint set;\nfrgroup_t ***fgpp;\n{\n\treturn 0;\n}\n\n' +
      'static int frrequest(unit, req, set)\nint unit;\n#if defined(__NetBSD__)\nu_long req;\n#else\nint req;\n#endif\nint set;\n{\n\treturn 0;\n}\n\nint fr_active;\n',
  });
  const s = fileSymbols(new SourceCache().get(path.join(root, 'fil.c')));
  for (const param of ['num', 'flags', 'which', 'set', 'fgpp', 'unit', 'req']) assert.ok(!s.globals.has(param), param);
  assert.ok(s.globals.has('fr_findgroup'));
  assert.ok(s.globals.has('fr_active'));
});

test('a file tree-sitter cannot read as a whole (NetBSD 1.4T\'s lfs_segment.c): K&R parameters and locals left loose at file scope are not globals, the function is', async (t) => {
  const real = realTree();
  if ('skip' in real) return t.skip(real.skip);
  const { SourceCache } = await import('../src/migrate/csource.ts');
  const { fileSymbols } = await import('../src/migrate/file-symbols.ts');
  const src = new SourceCache().get(path.join(real.sys, 'ufs/lfs/lfs_segment.c'));
  assert.equal(src.root.type, 'ERROR', 'the shape this test is about: the whole file fails to parse');
  const s = fileSymbols(src);
  for (const local of ['fs', 'mp', 'sp', 'op', 'ip', 'vp']) assert.ok(!s.globals.has(local), local);
  assert.ok(s.globals.has('lfs_writevnodes'));
});

test('a root narrower than the tree (the API\'s caller chose it): a module whose NetBSD place is outside it converts in place', async () => {
  const { convertPlans } = await import('../src/migrate/convert.ts');
  const root = kernelTree(null, {
    'sys/lkm/misc/tick/Makefile': 'KMOD=\ttick\nSRCS=\ttick_lkm.c\n.include <bsd.kmod.mk>\n',
    'sys/lkm/misc/tick/tick_lkm.c':
      '#include <sys/lkm.h>\nMOD_MISC("tick");\nint\ntick_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)\n' +
      '{\n\tDISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc);\n}\n',
  });
  const dir = path.join(root, 'sys/lkm/misc/tick');
  const set = await convertPlans(await discover([dir], { jobs: 1 }), { root: dir });
  assert.deepEqual(set.changes.map((c) => path.relative(dir, c.path)).sort(), ['Makefile', 'tick_lkm.c']);
  assert.deepEqual(set.outside ?? [], []);
  assert.ok(set.modules[0]!.findings.some((f) => f.code === 'layout-outside-root'));
});

test('symbol-unresolved names what no kernel file defines, and only that: a varargs.h definition under #ifdef __STDC__ counts, a call through a parameter or `sizeof (x)` is none', async () => {
  const { convertPlans } = await import('../src/migrate/convert.ts');
  const root = kernelTree(null, {
    'sys/conf/files': 'file\tkern/kern_lkm.c\tlkm\nfile\tkern/subr_prf.c\nfile\tkern/kern_misc.c\n',
    'sys/kern/subr_prf.c':
      'void\n#ifdef __STDC__\nklog(int level, const char *fmt, ...)\n#else\nklog(level, fmt, va_alist)\n\tint level;\n\tchar *fmt;\n\tva_dcl\n#endif\n{\n}\n',
    // Mentions klog outside a function before subr_prf.c in the search, and defines nothing.
    'sys/kern/kern_misc.c': '#include <sys/klog.h>\nvoid klog __P((int, const char *, ...));\nint misc_count;\n',
    'sys/lkm/misc/tick/Makefile': 'KMOD=\ttick\nSRCS=\ttick_lkm.c\n.include <bsd.kmod.mk>\n',
    'sys/lkm/misc/tick/tick_lkm.c':
      '#include <sys/lkm.h>\nMOD_MISC("tick");\n' +
      'static int\ntick_each(n, match)\n\tint n;\n\tint (*match) __P((int));\n{\n\tif (match(n))\n\t\treturn sizeof (int);\n\treturn tick_missing(n);\n}\n' +
      'static int\ntick_load(struct lkm_table *lkmtp, int cmd)\n{\n\tklog(0, "tick");\n\treturn tick_each(1, 0);\n}\n' +
      'int\ntick_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)\n' +
      '{\n\tDISPATCH(lkmtp, cmd, ver, tick_load, lkm_nofunc, lkm_nofunc);\n}\n',
  });
  const set = await convertPlans(await discover([path.join(root, 'sys/lkm')], { jobs: 1 }), { root });
  const unresolved = set.modules[0]!.findings.filter((f) => f.code === 'symbol-unresolved');
  assert.equal(unresolved.length, 1, JSON.stringify(set.modules[0]!.findings.map((f) => f.code)));
  assert.match(unresolved[0]!.message, /^tick calls tick_missing, and/);
});
