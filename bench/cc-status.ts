/**
 * Per-module compile status of a real tree's LKMs in the simulated kernel's compiler:
 * `npx tsx bench/cc-status.ts [sys-dir] [machine]`. The LKMs' own sources (mode lkm), with the
 * include set-up a kernel build gives them; prints ok or the first error per module.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileModule } from '../src/kernel/cc/compile.ts';
import { readModuleDir } from '../src/kernel/moddir.ts';
import { parseMachine } from '../src/source/make-env.ts';

const sys = path.resolve(process.argv[2] ?? '/tmp/lkm2mod-trees/3513a203f6e5/sys');
const machine = process.argv[3] ?? 'i386';
const lkms: string[] = [];
(function walk(d: string) {
  for (const e of fs.readdirSync(d, { withFileTypes: true })) {
    const p = path.join(d, e.name);
    if (e.isDirectory()) walk(p);
    else if (e.name === 'Makefile' && /^KMOD\s*=/m.test(fs.readFileSync(p, 'utf8'))) lkms.push(d);
  }
})(path.join(sys, 'lkm'));

let ok = 0;
const t0 = Date.now();
for (const dir of lkms.sort()) {
  const m = parseMachine(machine);
  const md = readModuleDir(dir, 'error' in m ? {} : { machine: m });
  const name = path.relative(path.join(sys, 'lkm'), dir);
  if (!md) {
    console.log(`${name}: not a module directory`);
    continue;
  }
  const t = Date.now();
  try {
    if (md.missing.length) throw new Error(`missing sources: ${md.missing.join(' ')}`);
    const o = compileModule(md.sources, { mode: 'lkm', arch: machine, kernelTree: sys, origin: dir, defines: md.defines, undefines: md.undefines, includeDirs: [dir, ...md.includeDirs] });
    ok++;
    console.log(`${name}: ok (${md.sources.length} files, ${o.warnings.length} warnings, ${Date.now() - t}ms)`);
  } catch (e) {
    console.log(`${name}: ${(e as Error).message.split('\n')[0].replaceAll(sys + '/', '')} (${Date.now() - t}ms)`);
  }
}
console.log(`${ok} of ${lkms.length} compile (${Date.now() - t0}ms)`);
