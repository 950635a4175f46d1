/**
 * Which comes first on load, the module's load() or the kernel's wiring, as the tree's own
 * sys/lkm.h says: NetBSD 1.x's DISPATCH ran load() and then lkmdispatch(); later LKM_DISPATCH
 * wires first. The equivalence check compares the load handler's calls accordingly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { dispatchLoadsFirst } from '../src/source/lkm-header.ts';
import { validatePaths } from '../src/validate/validate.ts';
import { realTree } from './real-tree.ts';
import { ROOT, slotfindTree } from './helpers.ts';

function tree(lkmH: string | null): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-dispatch-'));
  if (lkmH !== null) {
    fs.mkdirSync(path.join(dir, 'sys'));
    fs.writeFileSync(path.join(dir, 'sys', 'lkm.h'), lkmH);
  }
  return dir;
}

const OLD = `#define	DISPATCH(lkmtp,cmd,ver,load,unload,stat)			\\
	if (ver != LKM_VERSION)						\\
		return EINVAL;	/* version mismatch */			\\
	switch (cmd) {							\\
	int	error;							\\
	case LKM_E_LOAD:						\\
		lkmtp->private.lkm_any = (struct lkm_any *)&_module;	\\
		if ((error = load(lkmtp, cmd)) != 0)			\\
			return error;					\\
		break;							\\
	case LKM_E_UNLOAD:						\\
		if ((error = unload(lkmtp, cmd)) != 0)			\\
			return error;					\\
		break;							\\
	}								\\
	return lkmdispatch(lkmtp, cmd);
`;

const NEW = `#define	LKM_DISPATCH(lkmtp,cmd,envdep,load,unload,stat)		\\
	do {								\\
		int _error;						\\
		switch (cmd) {						\\
		case LKM_E_LOAD:					\\
			lkmtp->private.lkm_any = (void *)&_module;	\\
			if ((_error = lkmdispatch(lkmtp, cmd)) != 0)	\\
				return _error;				\\
			if ((_error = load(lkmtp, cmd)) != 0) {		\\
				(void)lkmdispatch(lkmtp, LKM_E_UNLOAD);	\\
				return _error;				\\
			}						\\
			break;						\\
		case LKM_E_UNLOAD:					\\
			if ((_error = unload(lkmtp, cmd)) != 0)		\\
				return _error;				\\
			return lkmdispatch(lkmtp, cmd);			\\
		}							\\
	} while (0)
#define	DISPATCH(lkmtp,cmd,ver,load,unload,stat)			\\
	LKM_DISPATCH(lkmtp,cmd,NULL,load,unload,stat)
`;

test("a 1.x DISPATCH that calls lkmdispatch() after its switch runs load() first", () => {
  assert.equal(dispatchLoadsFirst(tree(OLD)), true);
});

test('LKM_DISPATCH, which wires the module in before load(), does not, whatever DISPATCH aliases it', () => {
  assert.equal(dispatchLoadsFirst(tree(NEW)), false);
});

test('a tree without sys/lkm.h, or without a DISPATCH this can read, says nothing', () => {
  assert.equal(dispatchLoadsFirst(tree(null)), null);
  assert.equal(dispatchLoadsFirst(tree('#define LKM_VERSION 1\n')), null);
});

const real = realTree();
test('NetBSD 1.4T: its DISPATCH runs load() first', { skip: 'skip' in real ? real.skip : false }, () => {
  if ('skip' in real) return;
  assert.equal(dispatchLoadsFirst(real.sys), true);
});


test("validate: under a 1.x DISPATCH the load handler's calls came before the wiring, and INIT making them after its attach is equivalent; a renamed LKM's device is the same switch", async () => {
  // A 1.x-style tree: one device LKM whose load handler prints the major it found, and a
  // sys/lkm.h (the bundled one) whose DISPATCH is 1.x's.
  const work = slotfindTree('lkm2mod-loadfirst-');
  try {
    const bundled = fs.readFileSync(path.join(ROOT, 'src/kernel/include/sys/lkm.h'), 'utf8');
    const from = bundled.indexOf('#define\tLKM_DISPATCH(');
    const to = bundled.indexOf('int\tlkm_nofunc(');
    assert.ok(from > 0 && to > from, 'the bundled lkm.h defines LKM_DISPATCH before lkm_nofunc');
    fs.writeFileSync(path.join(work, 'sys/sys/lkm.h'), bundled.slice(0, from) + OLD + '\n' + bundled.slice(to));
    // Named as IP Filter's LKM is, by a macro and with no C identifier in it: convert names the
    // module, and the device it attaches, by KMOD.
    const src = path.join(work, 'sys/lkm/dev/slotfind/slotfind.c');
    fs.writeFileSync(src, fs.readFileSync(src, 'utf8').replace('MOD_DEV("slotfind",', '#define SLOTFIND_VERSION "Slot Finder: v1.0"\nMOD_DEV(SLOTFIND_VERSION,'));
    assert.equal(dispatchLoadsFirst(path.join(work, 'sys')), true);

    const report = await validatePaths([path.join(work, 'sys/lkm')], { repeat: 2 });
    const m = report.modules[0]!;
    for (const c of m.checks) assert.ok(c.ok || c.skipped, `${c.name}: ${[...c.details, ...(c.failures ?? [])].join('\n')}`);
    const eq = m.checks.find((c) => c.name === 'equivalence')!.details.join('\n');
    // A 1.x kernel has no names for majors: the LKM side shows the LKM's, which the module's is not.
    assert.match(eq, /cdevsw\[3\]: the same switch \(d_open sfopen\); the LKM-era kernel knew it by the LKM's name, Slot Finder: v1\.0, and devsw_attach\(\) names it slotfind/);
    assert.match(eq, /INIT makes the load handler's calls after the module is registered, as module\(9\) modules do \(the tree's DISPATCH, NetBSD 1\.x's, ran load\(\) before lkmdispatch\(\) wired the LKM in, so there its 1 call\(s\) came first\): printf/);
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
});
