/**
 * The bundled sample tree through the old loader: every LKM of sample-lkm/ compiles, loads the
 * way modload(8) would (providers before their users, as an administrator had to order them),
 * does what its load handler says, and unloading everything in reverse leaves the kernel exactly
 * as it booted.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { Kernel } from '../src/kernel/kernel.ts';
import { DirectorySource, readModuleDir, type ModuleDir } from '../src/kernel/moddir.ts';
import { diffSnapshots, snapshot } from '../src/kernel/state.ts';
import { SAMPLES } from './helpers.ts';

const lkmRoot = path.join(SAMPLES, 'sys', 'lkm');

function sampleDirs(): ModuleDir[] {
  const out: ModuleDir[] = [];
  for (const cat of fs.readdirSync(lkmRoot).sort()) {
    const c = path.join(lkmRoot, cat);
    if (!fs.statSync(c).isDirectory()) continue;
    for (const m of fs.readdirSync(c).sort()) {
      const md = readModuleDir(path.join(c, m));
      if (md) out.push(md);
    }
  }
  return out;
}

test('every sample LKM loads with the old loader, and unloading them all restores the boot state', async () => {
  const dirs = sampleDirs();
  assert.ok(dirs.length >= 13, `${dirs.length} sample LKMs`);
  const source = new DirectorySource(dirs, { mode: 'lkm' });
  const k = Kernel.boot({ era: 'lkm' });
  const boot = snapshot(k);

  // modload order: retry what needs another LKM's symbols or emulation until nothing more loads.
  let pending = [...dirs];
  const failed = new Map<string, string>();
  for (let progress = true; progress && pending.length; ) {
    progress = false;
    const next: ModuleDir[] = [];
    for (const md of pending) {
      const r = await k.lkmLoad(source.objectOf(md), { name: md.name });
      if (r.error === 0) {
        progress = true;
        failed.delete(md.name);
      } else {
        next.push(md);
        failed.set(md.name, `${r.errno}: ${r.message}`);
      }
    }
    pending = next;
  }
  // The one sample whose glue a build generates from a template cannot be loaded from the tree.
  assert.deepEqual([...failed.keys()], ['lm_isa_wb'], [...failed].map(([n, m]) => `${n}: ${m}`).join('\n'));
  assert.match(failed.get('lm_isa_wb')!, /ENOEXEC: .*no entry point/);
  assert.equal(k.lkm.list.length, dirs.length - 1);

  // What the samples' load paths did, in the kernel's own tables.
  const changes = diffSnapshots(boot, snapshot(k));
  for (const expected of [
    /^sysent\[210\]: sys_lkmnosys .* -> sys_\w+@\w+/,
    /^vfs kernfs: added/,
    /^vfs null: added/,
    /^emul linux: added/,
    /^execsw \w+\/linux: added/,
    /^cfdriver lm: added/,
    /^sysctl vfs\.kernfs: added/,
  ]) {
    assert.ok(changes.some((c) => expected.test(c)), `${expected} in:\n${changes.join('\n')}`);
  }

  for (const l of [...k.lkm.list].reverse()) {
    const r = await k.lkmUnload(l.id);
    assert.equal(r.error, 0, `${l.name}: ${r.message}`);
  }
  // NetBSD 4 had no callout_destroy: an LKM could not destroy its callout.
  assert.deepEqual(diffSnapshots(boot, snapshot(k), ['lockdebug']), []);
});
