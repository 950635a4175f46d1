/**
 * Two LKMs of a tree that each define the same global: as LKMs they shared one common symbol
 * whenever a kernel had both; as modules the second is refused by kobj ("global symbol
 * redefined"). convert makes a file-local one static, and says when it cannot.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCli, writeTree } from './helpers.ts';

function lkm(name: string, extraFile?: string): Record<string, string> {
  const files: Record<string, string> = {
    [`lkm/${name}/${name}.c`]: [
      '#include <sys/param.h>',
      '#include <sys/systm.h>',
      '#include <sys/conf.h>',
      '#include <sys/lkm.h>',
      '',
      `MOD_MISC("${name}");`,
      '',
      'int\thits;\t\t/* loads seen */',
      '',
      'static int',
      `${name}_load(struct lkm_table *lkmtp, int cmd)`,
      '{',
      '\thits++;',
      '\treturn 0;',
      '}',
      '',
      'int',
      `${name}_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)`,
      '{',
      `\tDISPATCH(lkmtp, cmd, ver, ${name}_load, lkm_nofunc, lkm_nofunc);`,
      '}',
      '',
    ].join('\n'),
    [`lkm/${name}/Makefile`]: `KMOD=\t${name}\nSRCS=\t${name}.c${extraFile ? ' count.c' : ''}\n\n.include <bsd.kmod.mk>\n`,
  };
  if (extraFile) files[`lkm/${name}/count.c`] = extraFile;
  return files;
}

test('a global two modules define, each used only in its own file, becomes static in both, and they load together', () => {
  const root = writeTree({ ...lkm('alpha'), ...lkm('beta') });
  const conv = runCli(['convert', 'lkm'], { cwd: root });
  assert.equal(conv.status, 0, conv.stderr);
  assert.equal(conv.stdout.match(/^\+static int\thits;/gm)?.length, 2, conv.stdout);
  assert.match(conv.stderr, /lkm\/alpha\/alpha\.c:8: note: `hits` is now static: module beta defines a global `hits` too/);
  const val = runCli(['validate', 'lkm'], { cwd: root });
  assert.equal(val.status, 0, val.stdout + val.stderr);
  assert.match(val.stdout, /all together {2}✓ 2 module\(s\) loaded into one kernel/);
});

test('a clashing global another file of the module uses is left to a person, with a marker', () => {
  const root = writeTree({ ...lkm('alpha'), ...lkm('beta', 'extern int hits;\nint\nseen(void)\n{\n\treturn hits;\n}\n') });
  const conv = runCli(['convert', 'lkm'], { cwd: root });
  assert.match(conv.stdout, /^\+static int\thits;/m, 'alpha, whose only user is its own file');
  assert.match(conv.stderr, /lkm\/beta\/beta\.c:8: warning: module alpha defines a global `hits` too, .*Rename it in one of them.*\[global-clash\]/);
  assert.match(conv.stdout, /XXX lkm2mod: module alpha defines a global `hits` too[\s\S]*?\*\/\n \s*int\thits;/);
});

test('a module global every kernel defines too becomes extern (it was the kernel\'s common symbol); one only an optional kernel file defines is left', () => {
  const module = lkm('alpha')['lkm/alpha/alpha.c']!
    .replace('int\thits;\t\t/* loads seen */', 'int\tprtactive;\t/* 1 => print reclaims */\nint\toptcount;')
    .replace('\thits++;', '\tif (prtactive)\n\t\toptcount++;');
  const root = writeTree({
    'sys/conf/files': 'file\tkern/vfs_subr.c\nfile\tfs/optfs/opt_node.c\t\toptfs\n',
    'sys/kern/vfs_subr.c': 'int prtactive = 0;\t/* 1 => print out reclaim of active vnodes */\n',
    'sys/fs/optfs/opt_node.c': 'int optcount;\n',
    'sys/lkm/misc/alpha/alpha.c': module,
    'sys/lkm/misc/alpha/Makefile': 'KMOD=\talpha\nSRCS=\talpha.c\n\n.include <bsd.kmod.mk>\n',
  });
  const conv = runCli(['convert', 'sys/lkm'], { cwd: root });
  assert.equal(conv.status, 0, conv.stderr);
  assert.match(conv.stdout, /^-int\tprtactive;\t\/\* 1 => print reclaims \*\/\n\+extern int\tprtactive;/m, conv.stdout);
  assert.match(conv.stderr, /sys\/lkm\/misc\/alpha\/alpha\.c:8: note: `prtactive` is now extern: the kernel defines it \(sys\/kern\/vfs_subr\.c\).*\[global-made-extern\]/);
  assert.doesNotMatch(conv.stdout, /extern int\toptcount/, 'a kernel without optfs has no optcount');
});
