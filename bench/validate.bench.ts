/**
 * Validation speed over every sample: modules validated per second by `validatePaths` on
 * sample-lkm/ (convert in memory, then every check with the default 100 repeat cycles), run
 * in one thread and with --jobs in worker threads and in child processes, to show which way of
 * parallelising pays. Also where the time goes, per check, summed over the modules.
 *
 * Each run is its own process (this file with --child), so every run starts cold: nothing
 * compiled, no warm caches. The configurations take turns, RUNS times, and the median is
 * shown with the fastest, so a busy machine skews them alike. `npm run bench -- validate`.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const SAMPLES = path.join(here, '..', 'sample-lkm');
const RUNS = Number(process.env.LKM2MOD_BENCH_RUNS ?? 3);

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
  console.log(`validate sample-lkm/ (default checks, 100 repeat cycles), ${cores} core(s), load ${os.loadavg()[0]!.toFixed(1)}, ${RUNS} run(s) each`);
  const runs = configs.map(() => [] as ChildResult[]);
  for (let i = 0; i < RUNS; i++) configs.forEach(([, jobs, workers], c) => runs[c]!.push(run(jobs, workers)));
  configs.forEach(([label], c) => {
    const rs = [...runs[c]!].sort((a, b) => a.ms - b.ms);
    const med = rs[Math.floor(rs.length / 2)]!;
    console.log(
      `  ${label.padEnd(34)} median ${(med.ms / 1000).toFixed(1).padStart(5)} s ` +
        `(${((med.modules * 1000) / med.ms).toFixed(2)} modules/s), fastest ${(rs[0]!.ms / 1000).toFixed(1)} s  ` +
        `${med.passed}/${med.modules} passed  peak RSS ${Math.round(med.rssMB)} MB (main process)`,
    );
  });
  const first = runs[0]![0]!;
  console.log('  time per check, summed over the modules (1 thread; includes compiling what the check needs first):');
  for (const [name, ms] of Object.entries(first.checks).sort((a, b) => b[1] - a[1])) {
    console.log(`    ${name.padEnd(20)} ${(ms / 1000).toFixed(2).padStart(6)} s`);
  }
}
