/**
 * The simulated kernel's compiler: time to compile every sample-lkm module (preprocess, parse,
 * lower, link), cold (first compile in the process: headers read and split, tree-sitter warmed)
 * and warm (headers cached), plus instantiate + relocate, the per-load cost of an object.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compileModule } from '../src/kernel/cc/compile.ts';
import { parseMakefile, resolveSources } from '../src/source/makefile.ts';

const root = join(fileURLToPath(new URL('..', import.meta.url)), 'sample-lkm', 'sys', 'lkm');
const dirs: string[] = [];
const walk = (d: string) => {
  for (const e of readdirSync(d)) {
    const p = join(d, e);
    if (!statSync(p).isDirectory()) continue;
    if (existsSync(join(p, 'Makefile')) && readdirSync(p).some((f) => f.endsWith('.c'))) dirs.push(p);
    walk(p);
  }
};
walk(root);
const modules = dirs.map((d) => ({ dir: d, sources: resolveSources(parseMakefile(join(d, 'Makefile')), d).found }));
const lines = modules.reduce((n, m) => n + m.sources.length, 0);

function compileAll(): number {
  const t0 = performance.now();
  for (const m of modules) compileModule(m.sources, { mode: 'lkm', origin: m.dir });
  return performance.now() - t0;
}

const cold = compileAll();
const warmRuns = 5;
const warm: number[] = [];
for (let i = 0; i < warmRuns; i++) warm.push(compileAll());
warm.sort((a, b) => a - b);

const objs = modules.map((m) => compileModule(m.sources, { mode: 'lkm', origin: m.dir }));
const n = 200;
const t0 = performance.now();
for (let i = 0; i < n; i++) for (const o of objs) o.instantiate().relocateLocal();
const inst = (performance.now() - t0) / (n * objs.length);

console.log(`modules: ${modules.length} (${lines} source files)`);
console.log(`compile all, cold:  ${cold.toFixed(0)} ms`);
console.log(`compile all, warm:  ${warm[Math.floor(warmRuns / 2)].toFixed(0)} ms median of ${warmRuns} (best ${warm[0].toFixed(0)} ms, ${(warm[0] / modules.length).toFixed(1)} ms a module)`);
console.log(`instantiate + local relocation: ${(inst * 1000).toFixed(0)} µs an object`);
console.log(`peak RSS: ${(process.memoryUsage().rss / 1048576).toFixed(0)} MiB`);
