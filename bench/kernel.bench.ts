/**
 * The simulated kernel's speed: boot, and load/unload cycles per second of sample modules —
 * LKMs of sample-lkm/ through the old loader, and the same modules converted by `lkm2mod
 * convert` through module_load (goal: over 2,000 cycles a second) — plus a state snapshot.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kernel } from '../src/kernel/kernel.ts';
import { DirectorySource, readModuleDir } from '../src/kernel/moddir.ts';
import { snapshot } from '../src/kernel/state.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const samples = path.join(root, 'sample-lkm', 'sys', 'lkm');

function time<T>(fn: () => T): { ms: number; value: T } {
  const t0 = performance.now();
  const value = fn();
  return { ms: performance.now() - t0, value };
}

async function cycles(label: string, k: Kernel, load: () => Promise<{ error: number; message: string }>, unload: () => Promise<{ error: number; message: string }>): Promise<void> {
  const first = await load();
  if (first.error) {
    console.log(`${label.padEnd(36)} does not load: ${first.message.split('\n')[0]}`);
    return;
  }
  await unload();
  const n = 2000;
  k.calls.enabled = false;
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const l = await load();
    const u = await unload();
    if (l.error || u.error) throw new Error(`${label}: cycle ${i}: ${l.message || u.message}`);
  }
  const ms = performance.now() - t0;
  k.calls.enabled = true;
  console.log(`${label.padEnd(36)} ${Math.round((n * 1000) / ms).toString().padStart(7)} load/unload cycles/s  (${(ms / n).toFixed(3)} ms each)`);
}

const cold = time(() => Kernel.boot());
const warm = time(() => Kernel.boot());
console.log(`boot: ${cold.ms.toFixed(0)} ms cold (reads the bundled headers), ${warm.ms.toFixed(1)} ms warm`);

const snap = time(() => snapshot(warm.value));
console.log(`snapshot of a booted kernel: ${snap.ms.toFixed(2)} ms`);

// LKMs, loaded the old way.
for (const rel of ['syscall/uptime', 'dev/tracebuf', 'dev/nvram']) {
  const md = readModuleDir(path.join(samples, rel));
  if (!md) continue;
  const src = new DirectorySource([md], { mode: 'lkm' });
  const compiled = time(() => src.objectOf(md));
  const k = Kernel.boot({ era: 'lkm' });
  await cycles(`LKM ${md.name} (compile ${compiled.ms.toFixed(0)} ms)`, k, () => k.lkmLoad(compiled.value, { name: md.name }), () => k.lkmUnload(md.name));
}

// The same samples converted to module(9).
const out = fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-bench-'));
execFileSync(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'cli.ts'), 'convert', path.join(root, 'sample-lkm'), '--out', out], { stdio: ['ignore', 'ignore', 'pipe'] });
const modules = path.join(out, 'sample-lkm', 'sys', 'modules');
for (const name of ['uptime', 'tracebuf', 'nvram', 'memwatch', 'null']) {
  const md = readModuleDir(path.join(modules, name));
  if (!md) continue;
  const source = new DirectorySource([md], { mode: 'module' });
  const compiled = time(() => source.objectOf(md));
  const k = Kernel.boot({ source });
  await cycles(`module ${name} (compile ${compiled.ms.toFixed(0)} ms)`, k, () => k.load(compiled.value), async () => {
    const r = await k.unload(name);
    // Requisites loaded for it stay; take them out too so each cycle starts from boot.
    for (const m of k.modstat()) if (m.source === 'filesys' && m.refcnt === 0) await k.unload(m.name);
    return r;
  });
}
fs.rmSync(out, { recursive: true, force: true });
