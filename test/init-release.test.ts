/**
 * Release at FINI what INIT acquired: an LKM whose vfs_init made a pool that nothing destroyed
 * (its vfsops fills no vfs_done) leaked it at every unload. The conversion destroys it after
 * vfs_detach succeeded and on INIT's undo, and validate shows the module clean: lifecycle and
 * repeat find nothing left, faults finds every failure unwound (a load handler failing after
 * vfs_attach included), and equivalence counts the release as the leak fixed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { discover } from '../src/discover/discover.ts';
import { convertPlans } from '../src/migrate/convert.ts';
import { validateConversion } from '../src/validate/validate.ts';
import type { ModuleResult } from '../src/validate/result.ts';
import { ROOT, writeTree } from './helpers.ts';

const LKM = path.join(ROOT, 'test/fixtures/validate/init-release/original');

async function converted(edit?: (text: string) => string) {
  const scan = await discover([LKM]);
  const set = await convertPlans(scan, { root: LKM });
  const change = set.changes.find((c) => path.basename(c.path) === 'qfs_lkm.c')!;
  if (edit) {
    const after = edit(change.after!);
    assert.notEqual(after, change.after, 'the edit must change the conversion');
    change.after = after;
  }
  return { set, scan, text: change.after! };
}

async function validated(edit?: (text: string) => string): Promise<ModuleResult> {
  const { set, scan } = await converted(edit);
  const report = await validateConversion(set, scan, { repeat: 3 });
  return report.modules[0]!;
}

const check = (m: ModuleResult, name: string) => m.checks.find((c) => c.name === name)!;

test('convert destroys the pool vfs_init made after vfs_detach succeeded, and on INIT\'s undo', async () => {
  const { set, text } = await converted();
  assert.match(text, /\nstatic void\nqfs_done\(void\)\n\{\n\n\tpool_destroy\(&qfs_pool\);\n\}\n/);
  assert.match(text, /error = vfs_detach\(&qfs_vfsops\);\n\t\tif \(error != 0\) \{\n\t\t\t\(void\)qfs_load\(\);\n\t\t\treturn error;\n\t\t\}\n\t\t\/\* The LKM leaked what qfs_init\(\) set up\. \*\/\n\t\tqfs_done\(\);\n\t\treturn 0;/);
  assert.match(text, /\(void\)vfs_detach\(&qfs_vfsops\);\n\t\t\tqfs_done\(\);\n\t\t\treturn error;/);
  const f = set.findings.find((x) => x.code === 'init-released');
  assert.ok(f, JSON.stringify(set.findings, null, 2));
  assert.equal(path.basename(f.file), 'qfs_lkm.c');
  assert.equal(f.line, 22);
  assert.match(f.message, /qfs_init\(\) acquires the pool qfs_pool here on load/);
});

test('the converted module passes every check, and equivalence counts the release as the LKM\'s leak fixed', async () => {
  const m = await validated();
  assert.ok(m.ok, JSON.stringify(m.checks.filter((c) => !c.ok), null, 2));
  const eq = check(m, 'equivalence');
  assert.ok(eq.details.some((d) => /the original LKM itself leaves behind on unload: memory pool qfspl/.test(d)), eq.details.join('\n'));
  assert.ok(eq.details.some((d) => /FINI also releases what the LKM left behind on every unload .*: pool_destroy/.test(d)), eq.details.join('\n'));
  assert.match(check(m, 'faults').details.join('\n'), /every failure unwound/);
});

test('destroying the pool before vfs_detach loses it when the unload is refused: faults fails', async () => {
  const m = await validated((t) =>
    t.replace(/\t\terror = vfs_detach\(&qfs_vfsops\);\n/, '\t\tqfs_done();\n$&').replace(/\t\t\/\* The LKM leaked what qfs_init\(\) set up\. \*\/\n\t\tqfs_done\(\);\n/, ''),
  );
  const faults = check(m, 'faults');
  assert.equal(faults.ok, false);
  assert.match(faults.failures!.join('\n'), /vfs_detach.*pool qfspl/s);
});

test('without the release the pool is left behind after every unload', async () => {
  const m = await validated((t) => t.replace(/\t\t\/\* The LKM leaked what qfs_init\(\) set up\. \*\/\n\t\tqfs_done\(\);\n/, ''));
  assert.equal(check(m, 'lifecycle').ok, false);
  assert.match(check(m, 'lifecycle').failures!.join('\n'), /left behind after unload: memory pool qfspl/);
});

test('what cannot be paired safely is a marker saying what to free, never a release', async () => {
  const root = writeTree({
    'Makefile': 'KMOD=\tmix\nSRCS=\tmix_lkm.c\n\n.include <bsd.kmod.mk>\n',
    'mix_lkm.c': [
      '#include <sys/param.h>',
      '#include <sys/systm.h>',
      '#include <sys/malloc.h>',
      '#include <sys/lkm.h>',
      '',
      'struct mix_softc { char *sc_buf; };',
      'static struct mix_softc mix_sc;',
      'static char *mix_big, *mix_small, *mix_late, *mix_swap;',
      'extern int mix_wanted;',
      '',
      'MOD_MISC("mix");',
      '',
      'static int',
      'mix_load(struct lkm_table *lkmtp, int cmd)',
      '{',
      '\tchar *tmp, *kept;',
      '',
      '\ttmp = malloc(32, M_TEMP, M_WAITOK);',
      '\tfree(tmp, M_TEMP);',
      '\tkept = malloc(16, M_DEVBUF, M_WAITOK);',
      '\tmix_sc.sc_buf = kept;',
      '\tif (mix_wanted)',
      '\t\tmix_big = malloc(4096, M_DEVBUF, M_WAITOK);',
      '\tmix_swap = malloc(64, M_DEVBUF, M_WAITOK);',
      '\tif (mix_wanted == 0)',
      '\t\treturn (0);',
      '\tmix_late = malloc(8, M_DEVBUF, M_WAITOK);',
      '\treturn (0);',
      '}',
      '',
      'void',
      'mix_resize(void)',
      '{',
      '',
      '\tfree(mix_swap, M_DEVBUF);',
      '\tmix_swap = malloc(128, M_DEVBUF, M_WAITOK);',
      '}',
      '',
      'int',
      'mix_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)',
      '{',
      '',
      '\tDISPATCH(lkmtp, cmd, ver, mix_load, lkm_nofunc, lkm_nofunc)',
      '}',
      '',
    ].join('\n'),
  });
  try {
    const scan = await discover([root]);
    const set = await convertPlans(scan, { root });
    assert.ok(!set.findings.some((f) => f.code === 'init-released'), JSON.stringify(set.findings, null, 2));
    const byLine = new Map(set.findings.filter((f) => f.code === 'init-release-by-hand').map((f) => [f.line, f.message]));
    // The scratch buffer freed where it was made is no acquisition at all.
    assert.equal(byLine.has(18), false);
    assert.match(byLine.get(20) ?? '', /acquires kept \(malloc\(\), type M_DEVBUF\) on load, and lkm2mod can neither see what releases it at unload nor release it safely itself: it is kept in the local kept\. If nothing does, release it in mix_modcmd's MODULE_CMD_FINI\./);
    assert.match(byLine.get(23) ?? '', /mix_big .*it is made only when mix_wanted holds\. Release it \(free\(mix_big, M_DEVBUF\)\) in mix_modcmd's MODULE_CMD_FINI\./);
    assert.match(byLine.get(24) ?? '', /mix_swap .*mix_swap is also released by mix_resize\(\) \(mix_lkm\.c:35\)/);
    assert.match(byLine.get(27) ?? '', /mix_late .*mix_load\(\) can return before making it/);
    const text = set.changes.find((c) => path.basename(c.path) === 'mix_lkm.c')!.after!;
    assert.doesNotMatch(text, /_done\(/);
    assert.match(text, /\t\/\*\n\t \* XXX lkm2mod: mix_load\(\) acquires mix_big/);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
