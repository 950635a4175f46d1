/**
 * One port's code in a tree built for another: an LKM whose folder is under lkm/arch/<port>/
 * belongs to that port. The plan says so (`machine mac68k for flop`, with its reason, editable);
 * validate compiles it with that port's headers (machine/, its CPU family's link, its data
 * model) and runs it in that port's kernel, in the same run as the tree's i386 modules. A misc
 * LKM that installs a device switch whose d_open is its cfdriver's is named for the driver.
 * The tree is written here: two ports (i386; mac68k on the m68k family), one LKM each.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { discover } from '../src/discover/discover.ts';
import { inferModuleSet } from '../src/migrate/module-set.ts';
import { applyPlan, parsePlan, renderPlan } from '../src/migrate/plan-file.ts';
import { moduleMachine } from '../src/migrate/module-machine.ts';
import { validatePaths } from '../src/validate/validate.ts';
import { renderValidationText } from '../src/report/validation-text.ts';
import { writeTree } from './helpers.ts';

const MISC_LKM = (name: string, body: string, head = '') => `#include <sys/param.h>
#include <sys/systm.h>
#include <sys/conf.h>
#include <sys/exec.h>
#include <sys/lkm.h>
${head}
int	${name}_lkmentry(struct lkm_table *, int, int);

MOD_MISC("${name}");

static int
${name}_load(struct lkm_table *lkmtp, int cmd)
{
${body}
}

int
${name}_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)
{
	DISPATCH(lkmtp, cmd, ver, ${name}_load, lkm_nofunc, lkm_nofunc)
}
`;

function tree(): string {
  const root = writeTree({
    'sys/conf/files': '# what makes sys/ a kernel tree\n',
    'sys/kern/kern_widget.c': 'int widget_count;\n',
    'sys/sys/widget.h': '#define WIDGET_MAX 4\n',
    'sys/arch/i386/conf/std.i386': 'machine i386\n',
    'sys/arch/i386/include/widget_md.h': '#define WIDGET_PORT "i386"\n',
    'sys/arch/mac68k/conf/std.mac68k': 'machine mac68k m68k\n',
    'sys/arch/mac68k/include/autoconf.h': '#define MAC68K_AUTOCONF 1\n',
    'sys/arch/m68k/conf/files.m68k': '# a CPU family, not a port\n',
    'sys/arch/m68k/include/m68k_widget.h': '#define M68K_WIDGET 1\n',
    'sys/lkm/misc/hello/Makefile': 'KMOD=\thello\nSRCS=\thello.c\n\n.include <bsd.kmod.mk>\n',
    'sys/lkm/misc/hello/hello.c': MISC_LKM('hello', '\treturn (sizeof(long) == 4 ? 0 : EINVAL);', '#include <machine/widget_md.h>\n#ifndef i386\n#error built for the wrong machine\n#endif\n'),
    'sys/lkm/arch/mac68k/flop/Makefile': 'KMOD=\tflopdrv\nSRCS=\tflop.c\n\n.include <bsd.kmod.mk>\n',
    'sys/lkm/arch/mac68k/flop/flop.c': MISC_LKM(
      'flopdrv',
      '\tif (flop_bdevsw.d_open != flopopen)\n\t\treturn (EINVAL);\n\treturn (sizeof(long) == 4 && MAC68K_AUTOCONF && M68K_WIDGET ? 0 : EINVAL);',
      [
        '#include <sys/device.h>',
        '#include <machine/autoconf.h>',
        '#include <m68k/m68k_widget.h>',
        '#ifndef mac68k',
        '#error built for the wrong machine',
        '#endif',
        'int flopopen(dev_t dev, int flag, int mode, struct lwp *l) { return 0; }',
        'struct bdevsw flop_bdevsw = { flopopen };',
        'struct cfdriver flop_cd = { .cd_name = "flop", .cd_class = DV_DISK };',
        '',
      ].join('\n'),
    ),
  });
  return path.join(root, 'sys');
}

test('an LKM under lkm/arch/<port>/ is that port\'s code; one of the tree\'s own machine-independent folders is not', async () => {
  const S = tree();
  const scan = await discover([path.join(S, 'lkm')], { jobs: 1 });
  const set = inferModuleSet(scan);
  const byDir = (d: string) => set.modules.find((m) => m.dir === path.join(S, 'lkm', d))!;
  assert.deepEqual(byDir('arch/mac68k/flop').machine, {
    name: 'mac68k',
    reason: 'its folder is under lkm/arch/mac68k: mac68k code, compiled and validated for that machine',
  });
  assert.equal(byDir('misc/hello').machine, undefined);
  // Its name follows the driver: the switch's d_open is flopopen, and flop_cd is its cfdriver.
  assert.equal(byDir('arch/mac68k/flop').name, 'flop');
  assert.equal(byDir('arch/mac68k/flop').renamedFrom, 'flopdrv');
  // A family's folder is no port; sources of another port than the tree's are.
  assert.equal(moduleMachine({ dir: path.join(S, 'arch/m68k/x'), files: [] }, 'i386'), null);
  assert.equal(moduleMachine({ dir: path.join(S, 'lkm/misc/hello'), files: [path.join(S, 'arch/mac68k/obio/x.c')] }, 'i386')?.name, 'mac68k');
  assert.equal(moduleMachine({ dir: path.join(S, 'lkm/misc/hello'), files: [path.join(S, 'arch/i386/i386/x.c')] }, 'i386'), null, '${MACHINE} paths say nothing');
});

test('the plan writes the machine with its reason; an edited plan overrides it, a port the tree lacks is refused', async () => {
  const S = tree();
  const scan = await discover([path.join(S, 'lkm')], { jobs: 1 });
  const set = inferModuleSet(scan);
  const text = renderPlan(set, S, 'sys/lkm');
  assert.match(text, /# --- machines ---\n\n# flop: its folder is under lkm\/arch\/mac68k: mac68k code, compiled and validated for that machine\.\nmachine mac68k for flop\n/);
  const plan = (t: string) => {
    const { plan: p, errors } = parsePlan(t, path.join(S, 'edited.plan'));
    assert.deepEqual(errors, []);
    return applyPlan(set, p, () => []);
  };
  const same = plan(text);
  assert.deepEqual(same.errors, []);
  assert.equal(same.set.modules.find((m) => m.name === 'flop')!.machine?.name, 'mac68k');
  // Deleting the line builds it for the tree's machine.
  const gone = plan(text.replace(/^machine mac68k for flop\n/m, ''));
  assert.equal(gone.set.modules.find((m) => m.name === 'flop')!.machine, undefined);
  // hello moved to mac68k by hand; a port the tree does not have, and a module it does not have.
  const moved = plan(`${text}machine mac68k for hello\n`);
  assert.match(moved.set.modules.find((m) => m.name === 'hello')!.machine!.reason, /chosen in the plan \(line \d+\)/);
  const bad = plan(`${text}machine sparc for hello\nmachine mac68k for nosuch\n`);
  assert.deepEqual(bad.errors.map((e) => e.code), ['plan-stale', 'plan-stale']);
  assert.match(bad.errors[0]!.message, /sparc is not a port of this tree/);
  assert.match(bad.errors[1]!.message, /nosuch is not a module of the tree/);
});

test('one validate run checks the i386 module and the mac68k one, each with its own machine\'s headers and kernel', async () => {
  const S = tree();
  const report = await validatePaths([path.join(S, 'lkm')], { repeat: 2 });
  const names = report.modules.map((m) => m.name).sort();
  assert.deepEqual(names, ['flop', 'hello']);
  for (const m of report.modules) {
    assert.ok(m.ok, `${m.name}: ${m.checks.flatMap((c) => [...(c.failures ?? []), ...c.details]).join('\n')} ${m.notes?.join('\n') ?? ''}`);
  }
  assert.ok(report.together?.ok, report.together?.failures?.join('\n'));
  const notes = report.together!.details.join('\n');
  assert.match(notes, /^i386: loaded 1 of 1 module\(s\) into one kernel, requisites first: hello$/m);
  assert.match(notes, /^mac68k: loaded 1 of 1 module\(s\) into one kernel, requisites first: flop$/m);
  assert.match(renderValidationText(report, { color: false }), /all together {2}✓ 2 module\(s\) loaded into one kernel per machine \(i386, mac68k\), requisites first/);
});
