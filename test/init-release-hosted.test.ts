/**
 * Release at FINI what INIT acquired, in the kernel code a module now hosts. Fixture (written
 * here): a small kernel tree whose conf/files builds fs/ucommon/*.c only for option afs, the
 * option of a VFS LKM, so the module afs builds them (as ffs builds ufs/ufs/*.c). afs_init()
 * calls uc_init(), which runs once (`static int done`, as NetBSD 1.4's ufs_init) and calls
 * uc_ihashinit(), whose hash table the LKM never freed. The release belongs next to the
 * acquisition, in the hosted source (NetBSD's own conversion wrote ufs_ihashdone() in
 * ufs_ihash.c), and afs's done calls it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { discover } from '../src/discover/discover.ts';
import { convertPlans } from '../src/migrate/convert.ts';
import { validatePaths } from '../src/validate/validate.ts';
import { writeTree } from './helpers.ts';

function tree(): string {
  return writeTree({
    'sys/conf/files': ['file kern/kern_misc.c', 'file fs/afs/afs_vfsops.c\t\tafs', 'file fs/ucommon/uc_vfsops.c\t\tafs', 'file fs/ucommon/uc_ihash.c\t\tafs', ''].join('\n'),
    'sys/kern/kern_misc.c': '#include <sys/param.h>\n\nint misc_ticks;\n',
    'sys/sys/README': 'The tree\'s headers are the simulated kernel\'s own.\n',
    'sys/fs/ucommon/uc_ihash.c': [
      '#include <sys/param.h>',
      '#include <sys/systm.h>',
      '#include <sys/malloc.h>',
      '#include <sys/queue.h>',
      '',
      'struct ucnode {',
      '\tLIST_ENTRY(ucnode) un_hash;',
      '};',
      '',
      'LIST_HEAD(uc_ihashhead, ucnode) *uc_ihashtbl;',
      'u_long\tuc_ihash;',
      '',
      'void\tuc_ihashinit(void);',
      '',
      'void',
      'uc_ihashinit(void)',
      '{',
      '',
      '\tuc_ihashtbl = hashinit(64, HASH_LIST, M_TEMP, M_WAITOK, &uc_ihash);',
      '}',
      '',
    ].join('\n'),
    'sys/fs/ucommon/uc_vfsops.c': [
      '#include <sys/param.h>',
      '',
      'void\tuc_ihashinit(void);',
      'void\tuc_init(void);',
      '',
      'void',
      'uc_init(void)',
      '{',
      '\tstatic int done = 0;',
      '',
      '\tif (done)',
      '\t\treturn;',
      '\tdone = 1;',
      '\tuc_ihashinit();',
      '}',
      '',
    ].join('\n'),
    'sys/fs/afs/afs_vfsops.c': [
      '#include <sys/param.h>',
      '#include <sys/systm.h>',
      '#include <sys/mount.h>',
      '',
      'void\tuc_init(void);',
      'void\tafs_init(void);',
      '',
      'void',
      'afs_init(void)',
      '{',
      '',
      '\tuc_init();',
      '}',
      '',
      'struct vfsops afs_vfsops = {',
      '\t.vfs_name = "afs",',
      '\t.vfs_init = afs_init,',
      '};',
      '',
    ].join('\n'),
    'sys/lkm/Makefile.inc': 'S?=\t${.CURDIR}/../../..\nCPPFLAGS+=\t-D_LKM\n',
    'sys/lkm/vfs/Makefile.inc': '.include "../Makefile.inc"\n',
    'sys/lkm/vfs/afs/Makefile': '.include "../Makefile.inc"\n\n.PATH:\t$S/fs/afs\n\nKMOD=\tafs\nSRCS=\tlkminit_afs.c afs_vfsops.c\n\n.include <bsd.kmod.mk>\n',
    'sys/lkm/vfs/afs/lkminit_afs.c': [
      '#include <sys/param.h>',
      '#include <sys/systm.h>',
      '#include <sys/mount.h>',
      '#include <sys/lkm.h>',
      '',
      'extern struct vfsops afs_vfsops;',
      '',
      'MOD_VFS("afs", -1, &afs_vfsops);',
      '',
      'int\tafs_lkmentry(struct lkm_table *, int, int);',
      '',
      'int',
      'afs_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)',
      '{',
      '',
      '\tDISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc)',
      '}',
      '',
    ].join('\n'),
  });
}

test('what vfs_init acquires in kernel code the module hosts is released there, behind a run-once guard too', async (t) => {
  const root = tree();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const sys = path.join(root, 'sys');
  const scan = await discover([path.join(sys, 'lkm')], { jobs: 1 });
  const set = await convertPlans(scan, { root });
  const afs = set.modules.find((m) => m.name === 'afs')!;
  assert.ok(afs.findings.some((f) => f.code === 'kernel-code' && /afs now builds uc_vfsops\.c, uc_ihash\.c too/.test(f.message)), JSON.stringify(afs.findings, null, 2));

  const ihash = afs.changes.find((c) => c.path === path.join(sys, 'fs/ucommon/uc_ihash.c'));
  assert.ok(ihash, `afs's changes include the hosted uc_ihash.c: ${afs.changes.map((c) => c.path).join(', ')}`);
  assert.match(ihash.after!, /\nvoid\nuc_ihashdone\(void\)\n\{\n\n\thashdone\(uc_ihashtbl, M_TEMP\);\n\}\n/);
  // afs_init() and uc_init() acquire nothing else: the modcmd calls uc_ihashdone() itself.
  const mod = afs.changes.find((c) => path.basename(c.path) === 'afs_mod.c')!.after!;
  assert.match(mod, /\nvoid\tuc_ihashdone\(void\);\n/);
  assert.match(mod, /error = vfs_detach\(&afs_vfsops\);\n\t\tif \(error != 0\)\n\t\t\treturn error;\n\t\t\/\* The LKM leaked what afs_init\(\) set up\. \*\/\n\t\tuc_ihashdone\(\);\n/);
  const f = afs.findings.find((x) => x.code === 'init-released');
  assert.ok(f, JSON.stringify(afs.findings, null, 2));
  assert.equal(path.basename(f.file), 'uc_ihash.c');
  assert.match(f.message, /uc_ihashinit\(\) acquires the hash table uc_ihashtbl here on load/);
  assert.ok(!afs.findings.some((x) => x.code === 'init-release-by-hand'), 'the run-once guard is no reason to leave the release to a person');

  const report = await validatePaths([path.join(sys, 'lkm')], { jobs: 1, repeat: 3 });
  const m = report.modules.find((x) => x.name === 'afs')!;
  const failed = m.checks.filter((c) => !c.ok && !c.skipped).map((c) => `${c.name}: ${(c.failures ?? c.details).join('; ')}`);
  assert.deepEqual(failed, []);
});
