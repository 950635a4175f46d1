import { test } from 'node:test';
import { writeTree } from './helpers.ts';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { parseMakefile, resolveSources } from '../src/source/makefile.ts';

/** Writes `files` (relative path → text) under a fresh tmp dir and returns its path. */
function tree(files: Record<string, string>): string {
  return writeTree(files, 'lkm2mod-mk-');
}


test('a NetBSD sys/lkm Makefile: S from Makefile.inc, .PATH through $S, SRCS across two assignments', () => {
  const root = tree({
    'sys/lkm/Makefile.inc': 'S?=\t${.CURDIR}/../../..\nCPPFLAGS+=\t-D_LKM\n',
    'sys/lkm/vfs/Makefile.inc': '.include "../Makefile.inc"\n',
    'sys/lkm/vfs/kernfs/Makefile':
      '#\t$NetBSD$\n\n.include "../Makefile.inc"\n\n.PATH:\t$S/miscfs/kernfs\n\nKMOD=\tkernfs\n' +
      'SRCS=\tlkminit_vfs.c\nSRCS+=\tkernfs_vfsops.c kernfs_vnops.c\n\n.include <bsd.kmod.mk>\n',
    'sys/lkm/vfs/kernfs/lkminit_vfs.c': '',
    'sys/miscfs/kernfs/kernfs_vfsops.c': '',
    'sys/miscfs/kernfs/kernfs_vnops.c': '',
  });
  const mk = path.join(root, 'sys/lkm/vfs/kernfs/Makefile');
  const info = parseMakefile(mk);
  assert.equal(info.kmod, 'kernfs');
  assert.deepEqual(info.srcs, ['lkminit_vfs.c', 'kernfs_vfsops.c', 'kernfs_vnops.c']);
  assert.deepEqual(info.searchPath, [path.join(root, 'sys/miscfs/kernfs')]);
  assert.deepEqual(info.cppflags, ['-D_LKM']);
  // The nested include is found relative to the file that includes it, not to .CURDIR.
  assert.deepEqual(info.includes, [
    path.join(root, 'sys/lkm/vfs/Makefile.inc'),
    path.join(root, 'sys/lkm/Makefile.inc'),
    '<bsd.kmod.mk>',
  ]);
  assert.equal(info.vars.get('S'), `${path.join(root, 'sys/lkm/vfs/kernfs')}/../../..`, 'kept as written, like make');
  assert.deepEqual(resolveSources(info, info.curdir), {
    found: [
      path.join(root, 'sys/lkm/vfs/kernfs/lkminit_vfs.c'),
      path.join(root, 'sys/miscfs/kernfs/kernfs_vfsops.c'),
      path.join(root, 'sys/miscfs/kernfs/kernfs_vnops.c'),
    ],
    missing: [],
  });
  assert.deepEqual(info.problems, []);
});

test('assignment operators: = is expanded late, := at once, ?= only when unset, += appends', () => {
  const root = tree({
    Makefile:
      'A=\t${B}\nC:=\t${B}\nB=\tlate\nD?=\tfirst\nD?=\tsecond\nE=\tone\nE+=\ttwo\nF+=\tonly\n' +
      'G=\t$(B) ${B}\n',
  });
  const info = parseMakefile(path.join(root, 'Makefile'));
  assert.equal(info.vars.get('A'), 'late');
  assert.equal(info.vars.get('C'), '');
  assert.equal(info.vars.get('D'), 'first');
  assert.equal(info.vars.get('E'), 'one two');
  assert.equal(info.vars.get('F'), 'only');
  assert.equal(info.vars.get('G'), 'late late');
});

test('comments, escaped #, and backslash continuations', () => {
  const root = tree({
    Makefile: 'KMOD=\tfoo # the module\nSRCS=\ta.c \\\n\tb.c \\\n\t\tc.c\nX=\tnot\\#a comment\n# SRCS+= d.c\n',
  });
  const info = parseMakefile(path.join(root, 'Makefile'));
  assert.equal(info.kmod, 'foo');
  assert.deepEqual(info.srcs, ['a.c', 'b.c', 'c.c']);
  assert.equal(info.vars.get('X'), 'not#a comment');
});

test('.if defined()/.else/.endif, .ifdef and .ifndef are decided from the Makefile', () => {
  const root = tree({
    Makefile:
      'DEBUG=\tyes\nSRCS=\tmain.c\n.if defined(DEBUG) && !defined(NODBG)\nSRCS+=\tdebug.c\n.else\nSRCS+=\tnodebug.c\n.endif\n' +
      '.ifdef NOPE\nSRCS+=\tnope.c\n.elif ${DEBUG} == "yes"\nSRCS+=\telif.c\n.endif\n' +
      '.ifndef NOPE\nSRCS+=\tifndef.c\n.endif\n' +
      '.if 0\n.if ${MACHINE} == "i386"\nSRCS+=\tdead.c\n.endif\n.endif\n' +
      '.if empty(DEBUG:Mno)\nSRCS+=\tempty.c\n.endif\n',
  });
  const info = parseMakefile(path.join(root, 'Makefile'));
  assert.deepEqual(info.srcs, ['main.c', 'debug.c', 'elif.c', 'ifndef.c', 'empty.c']);
  assert.deepEqual(info.problems, [], 'a condition inside a dead branch is not evaluated');
});

test('${MACHINE} and the variables derived from it come from the machine named (default i386)', () => {
  const root = tree({
    Makefile:
      'SRCS=\tcommon.c\n.if ${MACHINE} == "i386"\nSRCS+=\ti386.c\n.else\nSRCS+=\tother.c\n.endif\n' +
      'SRCS+=\t${MACHINE_ARCH}_md.c ${MACHINE_CPU}_cpu.c\n',
  });
  const file = path.join(root, 'Makefile');
  const i386 = parseMakefile(file);
  assert.deepEqual(i386.srcs, ['common.c', 'i386.c', 'i386_md.c', 'i386_cpu.c']);
  assert.deepEqual(i386.problems, []);
  const mac = parseMakefile(file, { machine: { machine: 'pmax', arch: 'mipsel' } });
  assert.deepEqual(mac.srcs, ['common.c', 'other.c', 'mipsel_md.c', 'mips_cpu.c'], 'bsd.own.mk folds mipsel into MACHINE_CPU mips');
});

test('a condition on a value a shell command computes cannot be decided: both branches are taken and a note says so', () => {
  const root = tree({
    Makefile: 'V!=\tuname -r\nSRCS=\tcommon.c\n.if ${V} == "1.4"\nSRCS+=\told.c\n.else\nSRCS+=\tnew.c\n.endif\n',
  });
  const info = parseMakefile(path.join(root, 'Makefile'));
  assert.deepEqual(info.srcs, ['common.c', 'old.c', 'new.c']);
  const p = info.problems.find((x) => x.code === 'makefile-undecided-condition');
  assert.ok(p);
  assert.equal(p.line, 3);
  assert.equal(p.severity, 'note');
  const sh = info.problems.find((x) => x.code === 'makefile-shell-assignment');
  assert.ok(sh);
  assert.equal(sh.line, 1);
  assert.match(sh.message, /uname is neither cd nor pwd/);
});

test('the directory idioms of != are evaluated without a shell: cd DIR; pwd, cd DIR && pwd, pwd', () => {
  const root = tree({
    'src/sys/lkm/compat/Makefile.inc': 'S!=\tcd ${.CURDIR}/../../..;pwd\n',
    'src/sys/lkm/compat/emul/Makefile':
      '.include "../Makefile.inc"\nHERE!=\tpwd\nUP!=\tcd .. && pwd\nQ!=\tcd "${.CURDIR}/../.." ; /bin/pwd\n' +
      'GONE!=\tcd ${.CURDIR}/nowhere; pwd\n.PATH:\t$S/compat/emul\nKMOD=\temul\nSRCS=\temul_misc.c emul_machdep.o\n',
    'src/sys/compat/emul/emul_misc.c': '',
    'src/sys/compat/emul/emul_machdep.c': '',
  });
  const info = parseMakefile(path.join(root, 'src/sys/lkm/compat/emul/Makefile'));
  const real = fs.realpathSync(root);
  assert.equal(info.vars.get('S'), path.join(root, 'src/sys'));
  assert.equal(info.vars.get('HERE'), path.join(root, 'src/sys/lkm/compat/emul'));
  assert.equal(info.vars.get('UP'), path.join(root, 'src/sys/lkm/compat'));
  assert.equal(info.vars.get('Q'), path.join(real, 'src/sys/lkm'), '/bin/pwd prints the physical path');
  assert.deepEqual(resolveSources(info, info.curdir), {
    found: [path.join(root, 'src/sys/compat/emul/emul_misc.c'), path.join(root, 'src/sys/compat/emul/emul_machdep.c')],
    missing: [],
  }, 'an object in SRCS is made from the source of its name on the search path');
  const sh = info.problems.filter((p) => p.code === 'makefile-shell-assignment');
  assert.deepEqual(sh.map((p) => [p.line, p.severity]), [[5, 'warning']], 'only the cd to a missing directory');
  assert.match(sh[0]!.message, /nowhere/);
});

test('NETBSDSRCDIR is found as bsd.own.mk finds it: the directory with build.sh and tools/, else the one above the kernel tree', () => {
  const full = tree({
    'usr/src/build.sh': '',
    'usr/src/tools/README': '',
    'usr/src/sys/conf/files': '',
    'usr/src/sys/kern/kern_lkm.c': '',
    'usr/src/sys/sys/lkm.h': '',
    'usr/src/sys/lkm/misc/m/Makefile': '.PATH:\t${NETBSDSRCDIR}/sys/kern\nKMOD=\tm\nSRCS=\tkern_lkm.c\n',
  });
  const a = parseMakefile(path.join(full, 'usr/src/sys/lkm/misc/m/Makefile'));
  assert.deepEqual(a.searchPath, [path.join(full, 'usr/src/sys/kern')]);
  const alone = tree({
    'netbsd-sys/conf/files': '',
    'netbsd-sys/kern/kern_lkm.c': '',
    'netbsd-sys/sys/lkm.h': '',
    'netbsd-sys/lkm/misc/m/Makefile': '.PATH:\t${NETBSDSRCDIR}/netbsd-sys/kern $S/sys\nKMOD=\tm\nSRCS=\tkern_lkm.c lkm.h\n',
  });
  const b = parseMakefile(path.join(alone, 'netbsd-sys/lkm/misc/m/Makefile'));
  assert.deepEqual(b.searchPath, [path.join(alone, 'netbsd-sys/kern'), path.join(alone, 'netbsd-sys/sys')],
    'a kernel tree not named sys/ is still found by what it holds');
  assert.deepEqual(b.problems, []);
});

test('modifiers: :S, :C, :M, :N, :R, :T, :H, :E, :tu, SysV :.c=.o, :U and .for loops', () => {
  const root = tree({
    Makefile:
      'L=\tsrc/a.c src/b.h c.c\n' +
      'S1=\t${L:S/.c/.o/}\nS2=\t${L:C/^src\\///}\nM=\t${L:M*.c}\nN=\t${L:N*.c}\n' +
      'R=\t${L:R}\nT=\t${L:T}\nH=\t${L:H}\nE=\t${L:E}\nU=\t${NOPE:Udefault}\nV=\t${L:.c=.o}\nUP=\t${L:T:tu}\n' +
      '.for f in x y\nSRCS+=\t${f}_subr.c\n.endfor\n',
  });
  const v = parseMakefile(path.join(root, 'Makefile')).vars;
  assert.equal(v.get('S1'), 'src/a.o src/b.h c.o');
  assert.equal(v.get('S2'), 'a.c b.h c.c');
  assert.equal(v.get('M'), 'src/a.c c.c');
  assert.equal(v.get('N'), 'src/b.h');
  assert.equal(v.get('R'), 'src/a src/b c');
  assert.equal(v.get('T'), 'a.c b.h c.c');
  assert.equal(v.get('H'), 'src src .');
  assert.equal(v.get('E'), 'c h c');
  assert.equal(v.get('U'), 'default');
  assert.equal(v.get('V'), 'src/a.o src/b.h c.o');
  assert.equal(v.get('UP'), 'A.C B.H C.C');
  assert.equal(v.get('SRCS'), 'x_subr.c y_subr.c');
});

test('.PATH.c is searched before .PATH, the Makefile directory before both; `.PATH:` alone clears', () => {
  const root = tree({
    'mod/Makefile': '.PATH:\t/nonexistent\n.PATH:\n.PATH:\t../general\n.PATH.c:\t../special\nSRCS=\tx.c here.c sub/deep.c gone.c\n',
    'mod/here.c': '',
    'mod/sub/deep.c': '',
    'general/x.c': '',
    'general/here.c': '',
    'special/x.c': '',
  });
  const info = parseMakefile(path.join(root, 'mod/Makefile'));
  assert.deepEqual(info.searchPath, [path.join(root, 'general')]);
  assert.deepEqual(info.searchPathBySuffix.get('.c'), [path.join(root, 'special')]);
  assert.deepEqual(resolveSources(info, info.curdir), {
    found: [path.join(root, 'special/x.c'), path.join(root, 'mod/here.c'), path.join(root, 'mod/sub/deep.c')],
    missing: ['gone.c'],
  });
});

test('$S defaults to the tree\'s sys/ directory when no Makefile sets it, as bsd.kmod.mk does', () => {
  const root = tree({ 'src/sys/lkm/misc/foo/Makefile': '.PATH:\t$S/kern\nKMOD=\tfoo\nSRCS=\tfoo.c\n' });
  const info = parseMakefile(path.join(root, 'src/sys/lkm/misc/foo/Makefile'));
  assert.deepEqual(info.searchPath, [path.join(root, 'src/sys/kern')]);
  assert.deepEqual(info.problems, []);
});

test('problems are reported with file and line, never thrown', () => {
  const root = tree({
    Makefile:
      '.include "missing.inc"\n.-include "also-missing.inc"\nVERS!=\tdate\n.PATH:\t${NOWHERE}/x\n' +
      'KMOD=\tfoo\n.if ${KMOD} ==\n.endif\n.else\nthis line means nothing\n.if defined(A)\n',
  });
  const file = path.join(root, 'Makefile');
  const info = parseMakefile(file);
  assert.equal(info.kmod, 'foo');
  const at = (code: string) => info.problems.filter((p) => p.code === code).map((p) => `${path.basename(p.file)}:${p.line}`);
  assert.deepEqual(at('makefile-include'), ['Makefile:1'], 'the optional -include is not a problem');
  assert.deepEqual(at('makefile-shell-assignment'), ['Makefile:3']);
  assert.deepEqual(at('makefile-undefined-variable'), ['Makefile:4']);
  assert.deepEqual(at('makefile-syntax').sort(), ['Makefile:10', 'Makefile:6', 'Makefile:8', 'Makefile:9'].sort());
  for (const p of info.problems) assert.ok(p.message.length > 20, p.message);
});

test('an include loop stops at a fixed depth instead of recursing forever', () => {
  const root = tree({ Makefile: '.include "Makefile.inc"\nKMOD=\tx\n', 'Makefile.inc': 'N+=\t1\n.include "Makefile.inc"\n' });
  const info = parseMakefile(path.join(root, 'Makefile'));
  assert.equal(info.kmod, 'x');
  assert.ok(info.problems.some((p) => p.code === 'makefile-include' && /loop/.test(p.message)));
});

test('dependency rules are kept: a source the build generates can be recognised', () => {
  const root = tree({
    Makefile: 'KMOD=\tlm\nSRCS=\tlm_lkm.c\nlm_lkm.c: ${.CURDIR}/lkm_isa.c.tmpl\n\tsed -e s/X/lm/ ${.ALLSRC} > ${.TARGET}\n',
  });
  const info = parseMakefile(path.join(root, 'Makefile'));
  assert.deepEqual(info.rules.map((r) => ({ line: r.line, targets: r.targets, sources: r.sources })), [
    { line: 3, targets: ['lm_lkm.c'], sources: [path.join(root, 'lkm_isa.c.tmpl')] },
  ]);
  assert.deepEqual(info.problems, [], 'the shell command line is part of the rule');
});
