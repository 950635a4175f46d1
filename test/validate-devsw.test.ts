/**
 * The device switches of a NetBSD 1.x tree: `struct cdevsw cdevsw[]`, arrays of whole switches
 * that the port's conf.c defines. The kernel booted for such a tree compiles that conf.c and
 * its tables are the kernel's: code indexes them, the old loader's MOD_DEV copies a switch into
 * an lkmenodev slot and back, devsw_attach does the same for a module(9) driver.
 * Fixture: test/fixtures/validate/devsw-tree/sys (written for this: conf.c with a controlling
 * terminal at major 1, a tape drive the tree has no driver for, two LKM slots).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { validatePaths } from '../src/validate/validate.ts';
import { Kernel } from '../src/kernel/kernel.ts';
import { compileDevswConf, devswConfFile } from '../src/kernel/devsw-conf.ts';
import { compileModuleDir, readModuleDir } from '../src/kernel/moddir.ts';
import { TreeIndex } from '../src/validate/tree-symbols.ts';
import { ArrayCell, asNumber, load, readField, ScalarCell, StructCell } from '../src/kernel/machine/memory.ts';
import { ROOT } from './helpers.ts';

const S = path.join(ROOT, 'test/fixtures/validate/devsw-tree/sys');

function boot(): Kernel {
  const file = devswConfFile(S, 'i386');
  assert.ok(file, 'the fixture has arch/i386/i386/conf.c');
  const tree = new TreeIndex([S]);
  return Kernel.boot({ era: 'lkm', devswConf: compileDevswConf(file, S, 'i386'), treeSymbols: (n) => tree.lookup(n, new Set()) });
}

function slot(k: Kernel, major: number): StructCell {
  const cdevsw = k.ksyms.lookup('cdevsw')?.value;
  assert.ok(cdevsw && 'cell' in cdevsw && cdevsw.cell instanceof ArrayCell);
  return cdevsw.cell.at(major) as StructCell;
}

function openName(k: Kernel, major: number): string {
  const v = readField(slot(k, major), 'd_open');
  return v.k === 'fn' ? v.fn.name : String(asNumber(v));
}

test("a 1.x kernel's cdevsw[] is its conf.c: the tree's size and entries, a driver the tree lacks configured out (enxio)", async () => {
  const k = boot();
  const nchrdev = k.ksyms.lookup('nchrdev')?.value;
  assert.ok(nchrdev && 'cell' in nchrdev);
  assert.equal(asNumber(load(nchrdev.cell as ScalarCell)), 6);
  assert.deepEqual([0, 1, 2, 3, 4, 5].map((i) => openName(k, i)), ['enodev', 'cttyopen', 'enxio', 'lkmenodev', 'lkmenodev', 'enodev']);
  // The tape driver conf.c names is defined nowhere in the tree: configured out, as a count of 0 does.
  const qtopen = readField(slot(k, 2), 'd_open');
  assert.ok(qtopen.k === 'fn');
  assert.equal(asNumber((await k.call(qtopen.fn)).value), 6 /* ENXIO */);
  assert.equal(k.ksyms.lookup('cdevsw0'), undefined, 'no pointer-shaped table beside it');
  assert.deepEqual(k.devsw.occupied('char').map((e) => e.major), [1], 'a configured-out entry is free');
});

test('an LKM that indexes cdevsw[] at load runs; MOD_DEV copies its switch into the first lkmenodev slot and back', async () => {
  const k = boot();
  const md = readModuleDir(path.join(S, 'lkm/dev/cttyfind'));
  assert.ok(md);
  const object = compileModuleDir(md, { mode: 'lkm', arch: 'i386' });
  const r = await k.lkmLoad(object, { name: 'cttyfind' });
  assert.equal(r.error, 0, r.message);
  assert.equal(openName(k, 3), 'cfopen');
  const lkm = k.lkm.list[0]!;
  // The load handler found ctty at major 1: makedev(1, 0).
  const cttydev = lkm.kobj.image.lookup('cttydev');
  assert.ok(cttydev && 'cell' in cttydev);
  assert.equal(asNumber(load(cttydev.cell)) >>> 8, 1);
  assert.equal((await k.lkmUnload('cttyfind')).error, 0);
  assert.equal(openName(k, 3), 'lkmenodev', 'the old switch is copied back');
});

test('validate on a 1.x tree: the LKM and a module(9) driver pass every check, and load together', async () => {
  const report = await validatePaths([path.join(S, 'lkm'), path.join(S, 'modules')], { repeat: 3 });
  for (const m of report.modules) {
    for (const c of m.checks) assert.ok(c.ok || c.skipped, `${m.name} ${c.name}: ${[...c.details, ...(c.failures ?? [])].join('\n')}`);
  }
  const byName = new Map(report.modules.map((m) => [m.name, m]));
  const life = (name: string) => byName.get(name)!.checks.find((c) => c.name === 'lifecycle')!.details.join('\n');
  assert.match(life('cttyfind'), /cdevsw\[3\]: added \(cttyfind: &cdevsw\[3\] \(d_open cfopen@cttyfind\)\)/);
  assert.match(life('tapdev'), /cdevsw\[3\]: added \(tap: &cdevsw\[3\] \(d_open tapopen@tapdev\)\)/);
  const equiv = byName.get('cttyfind')!.checks.find((c) => c.name === 'equivalence')!;
  assert.match(equiv.details.join('\n'), /the same 1 table change\(s\): cdevsw\[3\]/);
  assert.ok(report.together?.ok, report.together?.failures?.join('\n'));
});

test("a conf.c that does not compile is named on the modules that use the switches, with the compiler's error", async () => {
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-devsw-'));
  fs.cpSync(path.dirname(S), copy, { recursive: true });
  const conf = path.join(copy, 'sys/arch/i386/i386/conf.c');
  fs.writeFileSync(conf, fs.readFileSync(conf, 'utf8').replace('struct cdevsw\tcdevsw[] =', '#error this port has no switches yet\nstruct cdevsw\tcdevsw[] ='));
  const report = await validatePaths([path.join(copy, 'sys/lkm')], { repeat: 2 });
  const m = report.modules[0]!;
  assert.equal(m.ok, false);
  assert.ok(
    m.notes?.some((n) => /the tree's conf\.c, which defines the kernel's device switches, does not compile, so the simulated kernel's own \(pointer-shaped\) cdevsw\[\] and bdevsw\[\] stand in: .*conf\.c:\d+: .*this port has no switches yet/.test(n)),
    m.notes?.join('\n'),
  );
});
