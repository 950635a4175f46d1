/**
 * Kernel code only the modules' own options build. Fixture (written here): a small kernel tree
 * whose conf/files builds fs/wcommon/wc_subr.c only for `afs | bfs`, the options of its two LKMs,
 * and wc_quota.c only with QUOTA as well; each LKM calls wc_hold() (afs calls wc_quota() too,
 * under #ifdef QUOTA). A kernel that loads afs and bfs as modules has no wc_subr.c, so it must
 * be in a module: neither LKM is a natural base (neither needs the other's code), so lkm2mod
 * plans a module named for the folder; a plan line puts it into afs instead.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { discover } from '../src/discover/discover.ts';
import { convertPlans } from '../src/migrate/convert.ts';
import { inferModuleSet } from '../src/migrate/module-set.ts';
import { applyPlan, parsePlan, renderPlan } from '../src/migrate/plan-file.ts';
import { liveCode } from '../src/migrate/module-set-kernel.ts';
import { validatePaths } from '../src/validate/validate.ts';
import { writeTree } from './helpers.ts';

const lkminit = (name: string) => `#include <sys/param.h>
#include <sys/systm.h>
#include <sys/lkm.h>
#include <sys/errno.h>

int ${name}_start(void);

MOD_MISC("${name}");

static int
${name}_load(struct lkm_table *lkmtp, int cmd)
{

	return ${name}_start();
}

int
${name}_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{

	DISPATCH(lkmtp, cmd, ver, ${name}_load, lkm_nofunc, lkm_nofunc);
}
`;

const makefile = (name: string) => `.include "../Makefile.inc"

.PATH:	$S/fs/${name}

KMOD=	${name}
SRCS=	lkminit_${name}.c ${name}_subr.c

.include <bsd.kmod.mk>
`;

function tree(): string {
  return writeTree({
    'sys/conf/files': [
      'file kern/kern_misc.c',
      'file fs/afs/afs_subr.c\t\tafs',
      'file fs/bfs/bfs_subr.c\t\tbfs',
      'file fs/wcommon/wc_subr.c\t\tafs | bfs',
      'file fs/wcommon/wc_quota.c\t\tquota & (afs | bfs)',
      '',
    ].join('\n'),
    'sys/kern/kern_misc.c': '#include <sys/param.h>\n\nint misc_ticks;\n',
    'sys/sys/README': 'The tree\'s headers are the simulated kernel\'s own.\n',
    'sys/fs/wcommon/wc_subr.c': '#include <sys/param.h>\n\nint wc_count;\n\nint\nwc_hold(n)\n\tint n;\n{\n\twc_count += n;\n\treturn 0;\n}\n',
    'sys/fs/wcommon/wc_quota.c': '#include <sys/param.h>\n\nint\nwc_quota(int n)\n{\n\treturn n;\n}\n',
    'sys/fs/afs/afs_subr.c': '#include <sys/param.h>\n\nint wc_hold(int);\nint wc_quota(int);\n\nint\nafs_start(void)\n{\n#ifdef QUOTA\n\twc_quota(1);\n#endif\n\treturn wc_hold(1);\n}\n',
    'sys/fs/bfs/bfs_subr.c': '#include <sys/param.h>\n\nint wc_hold(int);\n\nint\nbfs_start(void)\n{\n\treturn wc_hold(2);\n}\n',
    'sys/lkm/Makefile.inc': 'S?=\t${.CURDIR}/../../..\nCPPFLAGS+=\t-D_LKM\n',
    'sys/lkm/misc/Makefile.inc': '.include "../Makefile.inc"\n',
    'sys/lkm/misc/afs/Makefile': makefile('afs'),
    'sys/lkm/misc/afs/lkminit_afs.c': lkminit('afs'),
    'sys/lkm/misc/bfs/Makefile': makefile('bfs'),
    'sys/lkm/misc/bfs/lkminit_bfs.c': lkminit('bfs'),
  });
}

test('kernel code conf/files builds only for two LKMs\' options is planned into a module of its own, which both require', async (t) => {
  const root = tree();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const sys = path.join(root, 'sys');
  const scan = await discover([path.join(sys, 'lkm')], { jobs: 1 });
  const set = inferModuleSet(scan);
  assert.deepEqual(
    set.kernel.map((k) => [k.into, k.sources.map((f) => path.relative(sys, f)), k.users]),
    [['wcommon', ['fs/wcommon/wc_subr.c'], ['afs', 'bfs']]],
    'wc_quota.c is used only under #ifdef QUOTA, which the modules do not define',
  );
  assert.match(set.kernel[0]!.reason, /conf\/files builds wc_subr\.c only under "afs \| bfs", options the tree's LKMs stand for/);
  assert.match(set.kernel[0]!.reason, /No one of them is a natural base/);
  const text = renderPlan(set, root, 'the fixture');
  assert.match(text, /^kernel  wcommon +sys\/fs\/wcommon\/wc_subr\.c$/m);

  const conv = await convertPlans(scan, { root });
  const by = new Map(conv.modules.map((m) => [m.name, m]));
  for (const name of ['afs', 'bfs']) assert.deepEqual(by.get(name)!.required.map((r) => r.module), ['wcommon'], `${name} requires wcommon`);
  assert.match(by.get('afs')!.required[0]!.reason, /uses wc_hold \(defined in sys\/fs\/wcommon\/wc_subr\.c\)/);
  const mk = conv.changes.find((c) => c.path === path.join(sys, 'modules/wcommon/Makefile'))!.after!;
  assert.match(mk, /^\.PATH:\t\$\{S\}\/fs\/wcommon$/m);
  assert.match(mk, /^SRCS=\twcommon_mod\.c wc_subr\.c$/m);

  const report = await validatePaths([path.join(sys, 'lkm')], { jobs: 1, repeat: 2 });
  for (const m of report.modules) {
    const failed = m.checks.filter((c) => !c.ok && !c.skipped).map((c) => `${c.name}: ${(c.failures ?? c.details).join('; ')}`);
    assert.deepEqual(failed, [], `${m.name}: ${failed.join('\n')}`);
  }
  assert.deepEqual(report.modules.map((m) => m.name).sort(), ['afs', 'bfs', 'wcommon']);
  assert.ok(report.together?.ok, (report.together?.failures ?? []).join('\n'));
  assert.ok(report.together!.modules.indexOf('wcommon') < report.together!.modules.indexOf('afs'));
});

test('a plan line puts the kernel code into one of the modules instead; the other requires that one', async (t) => {
  const root = tree();
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const sys = path.join(root, 'sys');
  const scan = await discover([path.join(sys, 'lkm')], { jobs: 1 });
  const inferred = inferModuleSet(scan);
  const planFile = path.join(root, 'lkm2mod.plan');
  const edited = renderPlan(inferred, root, 'the fixture').replace(/^kernel  wcommon /m, 'kernel  afs ');
  const { plan, errors } = parsePlan(edited, planFile);
  assert.deepEqual(errors, []);
  const builtBy = (src: string) => scan.modules.filter((m) => m.files.includes(src)).map((m) => m.dir);
  const { set, errors: stale } = applyPlan(inferred, plan, builtBy);
  assert.deepEqual(stale, []);
  assert.deepEqual(set.kernel.map((k) => [k.into, k.users]), [['afs', ['bfs']]]);
  assert.match(set.kernel[0]!.reason, /the plan \(line \d+\) puts these kernel sources into module afs; lkm2mod would put them into wcommon/);

  const conv = await convertPlans(scan, { root, moduleSet: set });
  const by = new Map(conv.modules.map((m) => [m.name, m]));
  assert.deepEqual(by.get('bfs')!.required.map((r) => r.module), ['afs']);
  assert.deepEqual(by.get('afs')!.required, []);
  assert.ok(by.get('afs')!.findings.some((f) => f.code === 'kernel-code' && /afs now builds wc_subr\.c too/.test(f.message)));
  assert.equal(conv.created?.length ?? 0, 0);
  const mk = conv.changes.find((c) => c.path === path.join(sys, 'modules/afs/Makefile'))!.after!;
  assert.match(mk, /^\.PATH:\t\$\{S\}\/fs\/wcommon$/m);
  assert.match(mk, /^SRCS\+=\twc_subr\.c$/m);

  // A source an LKM builds is no kernel code: the line is stale.
  const bad = parsePlan(`kernel afs ${path.join(sys, 'fs/bfs/bfs_subr.c')}\n`, planFile).plan;
  assert.match(applyPlan(inferred, bad, builtBy).errors.map((e) => `${e.line}: ${e.message}`).join('\n'), /^1: bfs_subr\.c is built by the LKM in .*, not kernel code/);
});

test('the code a module build compiles: #ifdef blocks of options it leaves off are not read, their #else is', () => {
  const off = (o: string) => o === 'QUOTA';
  const text = ['a();', '#ifdef QUOTA', 'q();', '#else', 'nq();', '#endif', '#ifndef QUOTA', 'n2();', '#else', 'q2();', '#endif', '#if defined(DIAGNOSTIC)', 'd();', '#endif'].join('\n');
  assert.deepEqual(liveCode(text, off).split('\n').filter((l) => /\w\(\);/.test(l)), ['a();', 'nq();', 'n2();', 'd();']);
});
