/**
 * Validation speed over every sample: modules validated per second by `validatePaths` on
 * sample-lkm/ (convert in memory, then every check with the default 100 repeat cycles), run
 * in one thread and with --jobs in worker threads and in child processes, to show which way of
 * parallelising pays. Also where the time goes, per check, summed over the modules.
 *
 * Each configuration runs in its own process (this file with --child), so every run starts
 * cold: nothing compiled, no warm caches. `npm run bench -- validate`.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const SAMPLES = path.join(here, '..', 'sample-lkm');

interface ChildResult {
  ms: number;
  modules: number;
  passed: number;
  rssMB: number;
  /** Check name -> summed time (ms) across modules, as each module measured it. */
  checks: Record<string, number>;
}

async function child(jobs: number, workers: 'thread' | 'process'): Promise<void> {
  const { validatePaths } = await import('../src/validate/validate.ts');
  const t0 = performance.now();
  const r = await validatePaths([SAMPLES], { jobs, workers, syscallSlots: new Map([['procinfo', 210]]) });
  const ms = performance.now() - t0;
  const checks: Record<string, number> = {};
  for (const m of r.modules) for (const c of m.checks) checks[c.name] = (checks[c.name] ?? 0) + c.timeMs;
  const out: ChildResult = { ms, modules: r.modules.length, passed: r.passed, rssMB: process.resourceUsage().maxRSS / 1024, checks };
  process.stdout.write(JSON.stringify(out));
}

function run(jobs: number, workers: 'thread' | 'process'): ChildResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(jobs), workers], {
    encoding: 'utf8',
    maxBuffer: 1 << 20,
  });
  if (r.status !== 0) throw new Error(`validate child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ChildResult;
}

if (process.argv[2] === '--child') {
  await child(Number(process.argv[3]), process.argv[4] as 'thread' | 'process');
} else {
  const cores = os.availableParallelism();
  const configs: [string, number, 'thread' | 'process'][] = [
    ['1 thread', 1, 'thread'],
    [`--jobs ${Math.max(2, cores)} (worker threads)`, Math.max(2, cores), 'thread'],
    [`--jobs ${Math.max(2, cores)} (child processes)`, Math.max(2, cores), 'process'],
  ];
  console.log(`validate sample-lkm/ (default checks, 100 repeat cycles), ${cores} core(s), load ${os.loadavg()[0]!.toFixed(1)}`);
  let first: ChildResult | null = null;
  for (const [label, jobs, workers] of configs) {
    const r = run(jobs, workers);
    first ??= r;
    console.log(
      `  ${label.padEnd(34)} ${(r.ms / 1000).toFixed(1).padStart(5)} s  ` +
        `${((r.modules * 1000) / r.ms).toFixed(2).padStart(5)} modules/s  ` +
        `${r.passed}/${r.modules} passed  peak RSS ${Math.round(r.rssMB)} MB (main process)`,
    );
  }
  console.log('  time per check, summed over the modules (1 thread; includes compiling what the check needs first):');
  for (const [name, ms] of Object.entries(first!.checks).sort((a, b) => b[1] - a[1])) {
    console.log(`    ${name.padEnd(14)} ${(ms / 1000).toFixed(2).padStart(6)} s`);
  }
}
