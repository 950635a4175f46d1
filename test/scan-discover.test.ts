/**
 * discover() on small trees written for each case: the shapes real LKM sources have, and the
 * inputs that must not stop a scan.
 */
import { writeTree } from './helpers.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { discover } from '../src/discover/discover.ts';
import type { ModulePlan, ScanResult } from '../src/discover/plan.ts';
import { UserError, EXIT_USAGE } from '../src/source/errors.ts';

function tree(files: Record<string, string | Buffer>): string {
  return writeTree(files, 'lkm2mod-scan-');
}

const only = (r: ScanResult): ModulePlan => {
  assert.equal(r.modules.length, 1, `expected one module, got ${r.modules.map((m) => m.name).join(', ')}`);
  return r.modules[0]!;
};
const codes = (m: ModulePlan) => m.findings.map((f) => f.code).sort();
const base = (files: string[]) => files.map((f) => path.basename(f));

const KMOD_INC = 'S?=\t${.CURDIR}/../../..\nCPPFLAGS+=\t-D_LKM\n';

test('a vfs LKM: glue beside the Makefile, code reached through .PATH, K&R handlers in another file', async () => {
  const root = tree({
    'sys/lkm/Makefile.inc': KMOD_INC,
    'sys/lkm/vfs/fdesc/Makefile':
      '.include "../../Makefile.inc"\n.PATH:\t$S/miscfs/fdesc\nKMOD=\tfdesc\nSRCS=\tlkminit_vfs.c fdesc_vfsops.c fdesc_vnops.c\n.include <bsd.kmod.mk>\n',
    'sys/lkm/vfs/fdesc/lkminit_vfs.c': `#include <sys/lkm.h>
extern struct vfsops fdesc_vfsops;
int fdesc_load(struct lkm_table *, int);
int fdesc_unload(struct lkm_table *, int);
MOD_VFS("fdesc", -1, &fdesc_vfsops);
int
fdesc_lkmentry(lkmtp, cmd, ver)
	struct lkm_table *lkmtp;
	int cmd, ver;
{
	vfs_opv_init_explicit(&fdesc_vnodeop_opv_desc);
	vfs_opv_init_default(&fdesc_vnodeop_opv_desc);
	DISPATCH(lkmtp, cmd, ver, fdesc_load, fdesc_unload, lkm_nofunc)
}
`,
    'sys/miscfs/fdesc/fdesc_vfsops.c': `struct vfsops fdesc_vfsops;
int
fdesc_load(lkmtp, cmd)
	struct lkm_table *lkmtp;
	int cmd;
{
	return sysctl_fdesc_setup();
}
int
fdesc_unload(lkmtp, cmd)
	struct lkm_table *lkmtp;
	int cmd;
{
	return 0;
}
`,
    'sys/miscfs/fdesc/fdesc_vnops.c': 'int fdesc_lookup(void *v) { return 0; }\n',
  });
  const m = only(await discover([root], { jobs: 1 }));
  assert.equal(m.name, 'fdesc');
  assert.equal(m.kind, 'vfs');
  assert.equal(m.dir, path.join(root, 'sys/lkm/vfs/fdesc'));
  assert.equal(m.makefile, path.join(root, 'sys/lkm/vfs/fdesc/Makefile'));
  assert.equal(m.kmod, 'fdesc');
  assert.deepEqual(m.files, [
    path.join(root, 'sys/lkm/vfs/fdesc/lkminit_vfs.c'),
    path.join(root, 'sys/miscfs/fdesc/fdesc_vfsops.c'),
    path.join(root, 'sys/miscfs/fdesc/fdesc_vnops.c'),
  ]);
  assert.deepEqual(m.searchPath, [path.join(root, 'sys/miscfs/fdesc')]);
  assert.deepEqual(m.declaration && { macro: m.declaration.macro, args: m.declaration.args, line: m.declaration.line },
    { macro: 'MOD_VFS', args: ['"fdesc"', '-1', '&fdesc_vfsops'], line: 5 });
  assert.equal(m.entry?.name, 'fdesc_lkmentry');
  assert.deepEqual(m.entry?.params, ['lkmtp', 'cmd', 'ver']);
  assert.equal(m.entry?.knr, true);
  assert.equal(m.entry?.dispatch.length, 1);
  assert.equal(m.entry?.dispatch[0]!.noSemicolon, true);
  assert.equal(m.handlers.load?.name, 'fdesc_load');
  assert.equal(m.handlers.load?.file, path.join(root, 'sys/miscfs/fdesc/fdesc_vfsops.c'));
  assert.equal(m.handlers.load?.knr, true);
  assert.equal(m.handlers.unload?.name, 'fdesc_unload');
  assert.equal(m.handlers.stat, null, 'lkm_nofunc is no handler');
  assert.deepEqual(m.tables, { vfsops: '&fdesc_vfsops' });
  assert.deepEqual(m.findings, [], 'DISPATCH without a semicolon is no parse error');
  // Spans point into the text as read.
  const text = fs.readFileSync(m.declaration!.file, 'utf8');
  assert.equal(text.slice(m.declaration!.start, m.declaration!.end), 'MOD_VFS("fdesc", -1, &fdesc_vfsops);');
  const src = fs.readFileSync(m.handlers.unload!.file, 'utf8');
  assert.match(src.slice(m.handlers.unload!.start, m.handlers.unload!.end), /^int\nfdesc_unload\(lkmtp, cmd\)[\s\S]*return 0;\n}$/);
});

test('MOD_SYSCALL: a slot from a header macro is resolved; slot -1 is reported with what to do', async () => {
  const root = tree({
    'fixed/Makefile': 'KMOD=\tfixed\nSRCS=\tfixed.c\n',
    'fixed/fixed.h': '#define\tFIXED_SYSCALL\t(211)\t/* from syscalls.master */\n',
    'fixed/fixed.c': `#include <sys/lkm.h>
#include "fixed.h"
static struct sysent fixed_sysent = { 0, 0, 0, (sy_call_t *)sys_fixed };
MOD_SYSCALL("fixed", FIXED_SYSCALL, &fixed_sysent);
int fixed_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{
	DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc);
}
`,
    'dyn/Makefile': 'KMOD=\tdyn\nSRCS=\tdyn.c\n',
    'dyn/dyn.c': `#include <sys/lkm.h>
static struct sysent dyn_sysent = { .sy_narg = 1, .sy_call = sys_dyn };
MOD_SYSCALL("dyn", -1, &dyn_sysent);
static int dyn_load(struct lkm_table *lkmtp, int cmd)
{
	printf("dyn: slot %lu\\n", _module.lkm_offset);
	return 0;
}
int xxxinit(struct lkm_table *lkmtp, int cmd, int ver)
{
	DISPATCH(lkmtp, cmd, ver, dyn_load, lkm_nofunc, lkm_nofunc);
}
`,
  });
  const r = await discover([root], { jobs: 1 });
  assert.deepEqual(r.modules.map((m) => m.name), ['dyn', 'fixed'], 'sorted by directory');
  const [dyn, fixed] = r.modules as [ModulePlan, ModulePlan];
  assert.deepEqual(fixed.tables.sysent, { slot: 211, slotText: 'FIXED_SYSCALL', sysent: '&fixed_sysent', handler: 'sys_fixed' });
  assert.deepEqual(codes(fixed), []);
  assert.deepEqual(dyn.tables.sysent, { slot: -1, slotText: '-1', sysent: '&dyn_sysent', handler: 'sys_dyn' });
  assert.equal(dyn.entry?.name, 'xxxinit');
  assert.deepEqual(codes(dyn), ['offset-read', 'syscall-slot-dynamic']);
  const slot = dyn.findings.find((f) => f.code === 'syscall-slot-dynamic')!;
  assert.equal(slot.line, 3);
  assert.match(slot.message, /--syscall-slot dyn=NUMBER/);
  const read = dyn.findings.find((f) => f.code === 'offset-read')!;
  assert.equal(read.line, 6);
  assert.match(read.message, /_module\.lkm_offset/);
});

test('an entry named through a macro, and one handler for load and unload switching on cmd', async () => {
  const root = tree({
    'm/Makefile': 'KMOD=\tmw\nSRCS=\tmw.c\n',
    'm/mw.c': `#include <sys/lkm.h>
#ifdef __NetBSD__
#define LKMENTRY(name) name ## _lkmentry
#else
#define LKMENTRY(name) name
#endif
MOD_MISC("mw");
static int
mw_handle(lkmtp, cmd)
	struct lkm_table *lkmtp;
	int cmd;
{
	switch (cmd) {
	case LKM_E_LOAD:
		if (lkmexists(lkmtp))
			return EEXIST;
		break;
	case LKM_E_UNLOAD:
		break;
	}
	return 0;
}
int
LKMENTRY(mw)(struct lkm_table *lkmtp, int cmd, int ver)
{
	if (ver != LKM_VERSION)
		return EINVAL;
	DISPATCH(lkmtp, cmd, ver, mw_handle, mw_handle, lkm_nofunc);
}
`,
  });
  const m = only(await discover([root], { jobs: 1 }));
  assert.equal(m.kind, 'misc');
  assert.equal(m.entry?.name, 'mw_lkmentry');
  assert.equal(m.entry?.viaMacro, 'LKMENTRY(mw)');
  assert.equal(m.handlers.load?.name, 'mw_handle');
  assert.equal(m.handlers.unload?.name, 'mw_handle');
  assert.equal(m.handlers.load?.switchesOnCmd, true);
  assert.equal(m.handlers.load?.callsLkmexists, true);
  assert.equal(m.handlers.load?.usesLkmtp, false, 'passing lkmtp to lkmexists() is not a use');
  assert.deepEqual(codes(m), ['entry-via-macro']);
  assert.equal(m.findings[0]!.severity, 'note');
});

test('an entry named by an object-like macro', async () => {
  const root = tree({
    'o/Makefile': 'KMOD=\to\nSRCS=\to.c\n',
    'o/o.c': '#include <sys/lkm.h>\n#define\tENTRYNAME\to_lkmentry\nMOD_MISC("o");\n' +
      'int\nENTRYNAME(struct lkm_table *lkmtp, int cmd, int ver)\n{\n\tDISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc);\n}\n',
  });
  const m = only(await discover([root], { jobs: 1 }));
  assert.equal(m.entry?.name, 'o_lkmentry');
  assert.equal(m.entry?.viaMacro, 'ENTRYNAME');
  assert.deepEqual(m.findings.map((f) => [f.code, f.line]), [['entry-via-macro', 5]]);
});

test('a handler that uses its lkm_table is reported at the line of the use', async () => {
  const root = tree({
    'h/Makefile': 'KMOD=\th\nSRCS=\th.c\n',
    'h/h.c': `#include <sys/lkm.h>
MOD_MISC("h");
static int h_load(struct lkm_table *lkmtp, int cmd)
{
	if (lkmexists(lkmtp))
		return EEXIST;
	printf("h: loaded as id %d\\n", lkmtp->id);
	return 0;
}
int h_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{
	DISPATCH(lkmtp, cmd, ver, h_load, lkm_nofunc, lkm_nofunc);
}
`,
  });
  const m = only(await discover([root], { jobs: 1 }));
  assert.equal(m.handlers.load?.usesLkmtp, true);
  const f = m.findings.find((x) => x.code === 'handler-uses-lkmtp')!;
  assert.equal(f.line, 7);
  assert.match(f.message, /h_load\(\).*lkmtp->id/);
});

test('two hand-built descriptors dispatched by hand: kind of the first dispatched, both declarations, a finding', async () => {
  const root = tree({
    'coda/Makefile': 'KMOD=\tcoda\nSRCS=\tcoda_lkm.c\n',
    // The vfs descriptor is declared first, but the device is dispatched first.
    'coda/coda_lkm.c': `#include <sys/lkm.h>
static struct lkm_vfs coda_vfs_desc = {
	LM_VFS, "coda", -1, LKM_VERSION, __NetBSD_Version__, _LKM_ENV_VERSION, &coda_vfsops
};
static struct lkm_dev coda_dev_desc = {
	LM_DEV, "vcoda", -1, LKM_VERSION, __NetBSD_Version__, _LKM_ENV_VERSION,
	"vcoda", NULL, -1, &vcoda_cdevsw, -1
};
static int coda_load(struct lkm_table *lkmtp, int cmd) { return 0; }
int
coda_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{
	int error;
	switch (cmd) {
	case LKM_E_LOAD:
		lkmtp->private.lkm_any = (struct lkm_any *)&coda_dev_desc;
		if ((error = lkmdispatch(lkmtp, cmd)) != 0)
			return error;
		lkmtp->private.lkm_any = (struct lkm_any *)&coda_vfs_desc;
		if ((error = lkmdispatch(lkmtp, cmd)) != 0)
			return error;
		return coda_load(lkmtp, cmd);
	case LKM_E_UNLOAD:
		lkmtp->private.lkm_any = (struct lkm_any *)&coda_vfs_desc;
		return lkmdispatch(lkmtp, cmd);
	}
	return 0;
}
`,
  });
  const m = only(await discover([root], { jobs: 1 }));
  assert.equal(m.kind, 'dev');
  assert.equal(m.name, 'coda', 'the KMOD, which one of the registrations is named');
  assert.deepEqual([m.declaration?.macro, m.declaration?.variable], ['struct lkm_dev', 'coda_dev_desc']);
  assert.deepEqual(m.extraDeclarations.map((d) => [d.macro, d.variable]), [['struct lkm_vfs', 'coda_vfs_desc']]);
  assert.deepEqual(m.tables.devsw, { devname: 'vcoda', bdevsw: null, bmajor: '-1', cdevsw: '&vcoda_cdevsw', cmajor: '-1' });
  assert.equal(m.tables.vfsops, '&coda_vfsops');
  assert.deepEqual(m.entry?.dispatch.map((d) => d.macro), ['lkmdispatch', 'lkmdispatch', 'lkmdispatch']);
  assert.equal(m.handlers.load?.name, 'coda_load', 'read from the LKM_E_LOAD case');
  assert.equal(m.handlers.unload, null);
  assert.deepEqual(codes(m), ['entry-dispatches-by-hand', 'two-registrations']);
});

test('#if around the declaration: _LKM is always true, an arch condition is reported, #if/#else are alternatives', async () => {
  const root = tree({
    'a/Makefile': 'KMOD=\ta\nSRCS=\ta.c\n',
    'a/a.c': `#include <sys/lkm.h>
#ifdef _LKM
MOD_MISC("a");
#endif
int a_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc); }
`,
    'b/Makefile': 'KMOD=\tb\nSRCS=\tb.c\n',
    'b/b.c': `#include <sys/lkm.h>
#if defined(i386) || defined(__i386__)
MOD_DEV("b", "b", NULL, -1, &b_cdevsw, -1);
#else
MOD_MISC("b");
#endif
int b_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc); }
`,
    'c/Makefile': 'KMOD=\tc\nSRCS=\tc.c\n',
    'c/c.c': `#include <sys/lkm.h>
MOD_MISC("c");
#if 0
MOD_DEV("c", "c", NULL, -1, &c_cdevsw, -1);
#endif
int c_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{
#ifdef DEBUG
	DISPATCH(lkmtp, cmd, ver, c_debug_load, lkm_nofunc, lkm_nofunc);
#else
	DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc);
#endif
}
static int c_debug_load(struct lkm_table *lkmtp, int cmd) { return 0; }
`,
  });
  const [a, b, c] = (await discover([root], { jobs: 1 })).modules as [ModulePlan, ModulePlan, ModulePlan];
  assert.deepEqual(a.declaration?.conditions, ['defined(_LKM)']);
  assert.deepEqual(codes(a), []);
  assert.equal(b.kind, 'dev');
  assert.deepEqual(b.extraDeclarations, [], 'an #else alternative is not a second registration');
  assert.deepEqual(codes(b), ['conditional-registration', 'conditional-registration']);
  assert.match(b.findings[0]!.message, /defined\(i386\) \|\| defined\(__i386__\)/);
  assert.match(b.findings[1]!.message, /alternatives/);
  assert.equal(c.kind, 'misc', '#if 0 is dead code');
  assert.deepEqual(c.extraDeclarations, []);
  assert.equal(c.handlers.load?.name, 'c_debug_load', 'handlers come from the first DISPATCH');
  assert.deepEqual(c.entry?.dispatch.map((d) => d.conditions), [['defined(DEBUG)'], ['!defined(DEBUG)']]);
  assert.deepEqual(codes(c), ['conditional-registration', 'conditional-registration']);
});

test('the four-argument MOD_DEV, a handler no file defines, and a missing source', async () => {
  const root = tree({
    'nv/Makefile': 'KMOD=\tnv\nSRCS=\tnv_lkm.c nv_gen.c\n',
    'nv/nv_lkm.c': `#include <sys/lkm.h>
MOD_DEV("nv", LM_DT_CHAR, -1, &nvcdevsw);
int nv_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{
	DISPATCH(lkmtp, cmd, ver, nv_load, lkm_nofunc, lkm_nofunc)
}
`,
  });
  const m = only(await discover([root], { jobs: 1 }));
  assert.deepEqual(m.tables.devsw, { devname: null, bdevsw: null, bmajor: '-1', cdevsw: '&nvcdevsw', cmajor: '-1', oldForm: 'LM_DT_CHAR' });
  assert.deepEqual(m.missingSources, ['nv_gen.c']);
  assert.equal(m.handlers.load?.name, 'nv_load');
  assert.equal(m.handlers.load?.unresolved, true);
  assert.deepEqual(codes(m), ['handler-not-found', 'missing-source', 'old-mod-dev']);
  const missing = m.findings.find((f) => f.code === 'missing-source')!;
  assert.deepEqual([path.basename(missing.file), missing.line], ['Makefile', 2]);
  assert.equal(m.findings.find((f) => f.code === 'handler-not-found')!.severity, 'error');
});

test('code that patches sysent[] by hand is reported at each write, not at reads', async () => {
  const root = tree({
    'p/Makefile': 'KMOD=\tp\nSRCS=\tp.c\n',
    'p/p.c': `#include <sys/lkm.h>
static struct sysent saved;
MOD_MISC("p");
static int p_load(struct lkm_table *lkmtp, int cmd)
{
	if (sysent[SYS_p].sy_call != sys_nosys)
		return EEXIST;
	saved = sysent[SYS_p];
	sysent[SYS_p] = p_sysent;
	memcpy(&sysent[SYS_q], &q_sysent, sizeof(q_sysent));
	emul_netbsd.e_sysent[SYS_r].sy_call = sys_r;
	return 0;
}
int p_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, p_load, lkm_nofunc, lkm_nofunc); }
`,
  });
  const m = only(await discover([root], { jobs: 1 }));
  assert.deepEqual(m.findings.filter((f) => f.code === 'sysent-patched').map((f) => f.line), [9, 10, 11]);
});

test('a declaring file without a Makefile is a module; the sibling that defines its handler joins it', async () => {
  const root = tree({
    'contrib/foo/foo_lkm.c': `#include <sys/lkm.h>
MOD_MISC("foo");
int foo_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{
	DISPATCH(lkmtp, cmd, ver, foo_load, foo_unload, lkm_nofunc);
}
`,
    'contrib/foo/foo_subr.c': 'int\nfoo_load(struct lkm_table *lkmtp, int cmd)\n{\n\treturn 0;\n}\nint\nfoo_unload(struct lkm_table *lkmtp, int cmd)\n{\n\treturn 0;\n}\n',
    'contrib/foo/unrelated.c': 'int bar(void) { return 1; }\n',
  });
  const m = only(await discover([root], { jobs: 1 }));
  assert.equal(m.dir, path.join(root, 'contrib/foo'));
  assert.equal(m.makefile, null);
  assert.deepEqual(base(m.files), ['foo_lkm.c', 'foo_subr.c']);
  assert.equal(m.handlers.load?.file, path.join(root, 'contrib/foo/foo_subr.c'));
  assert.deepEqual(codes(m), ['no-makefile']);
});

test('a KMOD whose sources declare no LKM is a finding, not a module; module(9) sources are left alone', async () => {
  const root = tree({
    'notlkm/Makefile': 'KMOD=\tnotlkm\nSRCS=\tnotlkm.c\n',
    'notlkm/notlkm.c': 'int notlkm_dispatch_table[4];\n',
    'modern/Makefile': 'KMOD=\tmodern\nSRCS=\tmodern.c\n.include <bsd.kmodule.mk>\n',
    'modern/modern.c': 'MODULE(MODULE_CLASS_MISC, modern, NULL);\nstatic int modern_modcmd(modcmd_t cmd, void *arg) { return 0; }\n',
  });
  const r = await discover([root], { jobs: 1 });
  assert.deepEqual(r.modules, []);
  assert.deepEqual((r.findings ?? []).map((f) => [f.code, path.relative(root, f.file), f.line]), [['no-declaration', 'notlkm/Makefile', 1]]);
});

test('binary, unreadable and broken files are reported and skipped; the scan goes on', async () => {
  const root = tree({
    'ok/Makefile': 'KMOD=\tok\nSRCS=\tok.c\n',
    'ok/ok.c': '#include <sys/lkm.h>\nMOD_MISC("ok");\nint ok_lkmentry(struct lkm_table *l, int c, int v) { DISPATCH(l, c, v, lkm_nofunc, lkm_nofunc, lkm_nofunc); }\n',
    'junk/blob.c': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 0x4d, 0x4f, 0x44, 0x5f]),
    'junk/broken.c': '#include <sys/lkm.h>\nMOD_MISC("broken");\nint broken_lkmentry(struct lkm_table *l, int c, int v) {\n\tDISPATCH(l, c, v, b_load, lkm_nofunc\n\t}}} )) ;; int int\n',
  });
  fs.symlinkSync(path.join(root, 'nowhere.c'), path.join(root, 'junk/dangling.c'));
  const r = await discover([root], { jobs: 1 });
  const problems = r.parseErrors.map((f) => [f.code, path.relative(root, f.file)]);
  assert.deepEqual(problems.filter(([c]) => c !== 'parse-errors'), [['binary-file', 'junk/blob.c'], ['unreadable-file', 'junk/dangling.c']]);
  assert.ok(problems.some(([c, f]) => c === 'parse-errors' && f === 'junk/broken.c'), 'broken C is parsed as far as it goes and reported');
  assert.match(r.parseErrors.find((f) => f.code === 'binary-file')!.message, /binary/);
  assert.match(r.parseErrors.find((f) => f.code === 'unreadable-file')!.message, /dangling symbolic link/);
  assert.deepEqual(r.modules.map((m) => m.name), ['broken', 'ok']);
});

test('a path that does not exist is a usage error (exit 2), before anything is read', async () => {
  await assert.rejects(discover(['/nonexistent/lkm/tree']), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.exitCode, EXIT_USAGE);
    assert.match(err.message, /\/nonexistent\/lkm\/tree: no such file or directory/);
    return true;
  });
});

test('an #ifdef that splits the entry\'s header: the entry is recovered from the text', async () => {
  const root = tree({
    's/Makefile': 'KMOD=\ts\nSRCS=\ts.c\n',
    's/s.c': `#include <sys/lkm.h>
MOD_MISC("s");
int
#ifdef __NetBSD__
s_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{
#else
s_lkmentry(lkmtp, cmd, ver) struct lkm_table *lkmtp; int cmd, ver;
{
#endif
	DISPATCH(lkmtp, cmd, ver, s_load, lkm_nofunc, lkm_nofunc);
}
int s_load(struct lkm_table *lkmtp, int cmd) { return 0; }
`,
  });
  const m = only(await discover([root], { jobs: 1 }));
  assert.equal(m.entry?.name, 's_lkmentry');
  assert.equal(m.handlers.load?.name, 's_load');
});

test('sources a Makefile reaches outside the scanned paths are read; Latin-1 text keeps its offsets', async () => {
  const latin1 = Buffer.from('/* Copyright J\u00f6rg */\n#include <sys/lkm.h>\nMOD_MISC("x");\nint x_lkmentry(struct lkm_table *l, int c, int v) { DISPATCH(l, c, v, x_load, lkm_nofunc, lkm_nofunc); }\n', 'latin1');
  const root = tree({
    'sys/lkm/misc/x/Makefile': '.PATH:\t${.CURDIR}/../../../kern\nKMOD=\tx\nSRCS=\tlkminit_x.c kern_x.c\n',
    'sys/lkm/misc/x/lkminit_x.c': latin1,
    'sys/kern/kern_x.c': 'int\nx_load(struct lkm_table *lkmtp, int cmd)\n{\n\treturn 0;\n}\n',
  });
  const m = only(await discover([path.join(root, 'sys/lkm')], { jobs: 1 }));
  assert.equal(m.handlers.load?.file, path.join(root, 'sys/kern/kern_x.c'));
  const text = latin1.toString('latin1');
  assert.equal(text.slice(m.declaration!.start, m.declaration!.end), 'MOD_MISC("x");');
});

test('worker threads give the same plans as the calling thread, and progress reaches the total', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 12; i++) {
    files[`m${i}/Makefile`] = `KMOD=\tm${i}\nSRCS=\tm${i}.c\n`;
    files[`m${i}/m${i}.c`] = `#include <sys/lkm.h>\nMOD_${i % 2 ? 'MISC' : 'VFS'}("m${i}"${i % 2 ? '' : ', -1, &m_vfsops'});\n` +
      `static int m${i}_load(struct lkm_table *lkmtp, int cmd) { return lkmtp->refcnt; }\n` +
      `int m${i}_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, m${i}_load, lkm_nofunc, lkm_nofunc); }\n`;
  }
  const root = tree(files);
  const seen: [number, number][] = [];
  const inline = await discover([root], { jobs: 1, onProgress: (d, t) => seen.push([d, t]) });
  const threaded = await discover([root], { jobs: 2, parallelThreshold: 0 });
  assert.equal(inline.modules.length, 12);
  assert.deepEqual(threaded, inline);
  assert.deepEqual(seen.at(-1), [24, 24]);
});

test('a .c file named on its own is scanned with the Makefile beside it, when that Makefile builds it', async () => {
  const root = tree({
    'v/Makefile': '.PATH:\t${.CURDIR}/../code\nKMOD=\tv\nSRCS=\tv_lkm.c v_subr.c\n',
    'v/v_lkm.c': '#include <sys/lkm.h>\nMOD_MISC("v");\nint v_lkmentry(struct lkm_table *l, int c, int ver) { DISPATCH(l, c, ver, v_load, lkm_nofunc, lkm_nofunc); }\n',
    'code/v_subr.c': 'int\nv_load(struct lkm_table *lkmtp, int cmd)\n{\n\treturn 0;\n}\n',
  });
  const m = only(await discover([path.join(root, 'v/v_lkm.c')], { jobs: 1 }));
  assert.equal(m.makefile, path.join(root, 'v/Makefile'));
  assert.deepEqual(base(m.files), ['v_lkm.c', 'v_subr.c']);
  assert.equal(m.handlers.load?.file, path.join(root, 'code/v_subr.c'));
  await assert.rejects(discover([path.join(root, 'v/Makefile.inc.missing')]), UserError);
  fs.writeFileSync(path.join(root, 'v/notes.txt'), 'MOD_MISC\n');
  await assert.rejects(discover([path.join(root, 'v/notes.txt')]), /not a directory, a \.c file or a Makefile/);
});

test('old-style sources: __P prototypes and __KERNEL_RCSID are not parse errors; a name given by a macro is resolved', async () => {
  const root = tree({
    'ipl/Makefile': 'KMOD=\tipl\nSRCS=\tmlf_ipl.c\n',
    'ipl/ipl.h': '#define\tIPL_NAME\t"ipl"\n',
    'ipl/mlf_ipl.c': `#include <sys/cdefs.h>
__KERNEL_RCSID(0, "$NetBSD: mlf_ipl.c,v 1.1 2004/01/01 00:00:00 x Exp $");
#include <sys/lkm.h>
#include "ipl.h"
int ipl_lkmentry __P((struct lkm_table *, int, int));
static int ipl_load __P((struct lkm_table *, int));
MOD_DEV(IPL_NAME, LM_DT_CHAR, -1, &ipldevsw);
static int
ipl_load(lkmtp, cmd)
	struct lkm_table *lkmtp;
	int cmd;
{
	return 0;
}
int
ipl_lkmentry(lkmtp, cmd, ver)
	struct lkm_table *lkmtp;
	int cmd, ver;
{
	DISPATCH(lkmtp, cmd, ver, ipl_load, lkm_nofunc, lkm_nofunc)
}
`,
  });
  const m = only(await discover([root], { jobs: 1 }));
  assert.equal(m.name, 'ipl');
  assert.equal(m.handlers.load?.name, 'ipl_load');
  assert.deepEqual(codes(m), ['old-mod-dev']);
});

test('an entry that handles LKM_E_LOAD itself, and a declaration with no entry at all', async () => {
  const root = tree({
    'byhand/Makefile': 'KMOD=\tbyhand\nSRCS=\tbyhand.c\n',
    'byhand/byhand.c': `#include <sys/lkm.h>
MOD_MISC("byhand");
int
byhand_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{
	switch (cmd) {
	case LKM_E_LOAD:
		lkmtp->private.lkm_any = (struct lkm_any *)&_module;
		return byhand_init();
	case LKM_E_UNLOAD:
		return byhand_fini();
	}
	return 0;
}
`,
    'noentry/Makefile': 'KMOD=\tnoentry\nSRCS=\tnoentry.c\n',
    'noentry/noentry.c': '#include <sys/lkm.h>\nMOD_MISC("noentry");\nint noentry_init(void) { return 0; }\n',
  });
  const [byhand, noentry] = (await discover([root], { jobs: 1 })).modules as [ModulePlan, ModulePlan];
  assert.equal(byhand.entry?.name, 'byhand_lkmentry');
  assert.deepEqual(byhand.entry?.dispatch, []);
  assert.deepEqual(codes(byhand), ['entry-without-dispatch']);
  assert.equal(byhand.findings[0]!.line, 4, 'at the name of the function');
  assert.equal(noentry.entry, null);
  assert.deepEqual(byhand.handlers, { load: null, unload: null, stat: null });
  assert.deepEqual(codes(noentry), ['entry-not-found']);
  assert.equal(noentry.findings[0]!.severity, 'error');
  assert.match(noentry.findings[0]!.message, /noentry\.c/);
});
