/**
 * `lkm2mod validate` on the whole shared NetBSD 1.4T tree (its 23 LKMs in sys/lkm: convert in
 * memory, every check with 100 repeat cycles, the all-together load), from cold in a process of
 * its own: wall time and peak memory against the targets (under 60 s, under 1 GB), and how many
 * modules pass. Then the kernel's memory on its own: a module whose INIT takes 1 MB, touches
 * it and frees it, validated over 100 cycles. `npm run bench -- validate-tree`.
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const TARGET_MS = 60_000;
const TARGET_MB = 1024;
const BIGTABLE = path.join(here, '..', 'test', 'fixtures', 'validate', 'memory', 'bigtable');

interface ChildResult {
  ms: number;
  modules: number;
  passed: number;
  together: string;
  rssMB: number;
  /** Where the time went: convert and compile before the checks, then the checks. */
  checksMs: number;
}

async function child(what: string): Promise<void> {
  const { validatePaths } = await import('../src/validate/validate.ts');
  let dir = BIGTABLE;
  if (what === 'tree') {
    const { realTree } = await import('../test/real-tree.ts');
    const t = realTree();
    if ('skip' in t) {
      process.stdout.write(JSON.stringify({ skip: t.skip }));
      return;
    }
    dir = t.lkm;
  }
  const t0 = performance.now();
  const r = await validatePaths([dir], {});
  const ms = performance.now() - t0;
  const checksMs = r.modules.reduce((n, m) => n + m.checks.reduce((k, c) => k + c.timeMs, 0), 0);
  const together = r.together ? (r.together.ok ? `ok (${r.together.modules.length} loaded)` : `failed: ${r.together.failures?.[0]?.slice(0, 100) ?? ''}`) : '-';
  const out: ChildResult = { ms, modules: r.modules.length, passed: r.passed, together, rssMB: process.resourceUsage().maxRSS / 1024, checksMs };
  process.stdout.write(JSON.stringify(out));
}

function run(what: string): ChildResult | { skip: string } | { error: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', what], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (r.status !== 0) return { error: `exit ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  return JSON.parse(r.stdout) as ChildResult | { skip: string };
}

function show(label: string, r: ReturnType<typeof run>, targets: boolean): void {
  if ('skip' in r) return void console.log(`  ${label.padEnd(34)} skipped: ${r.skip}`);
  if ('error' in r) return void console.log(`  ${label.padEnd(34)} FAILED: ${r.error}`);
  const verdict = targets ? `  [${r.ms < TARGET_MS ? 'under' : 'OVER'} ${TARGET_MS / 1000} s, ${r.rssMB < TARGET_MB ? 'under' : 'OVER'} ${TARGET_MB / 1024} GB]` : '';
  console.log(
    `  ${label.padEnd(34)} ${(r.ms / 1000).toFixed(1).padStart(6)} s  peak RSS ${Math.round(r.rssMB)} MB  ` +
      `${r.passed}/${r.modules} passed, all together ${r.together}; checks ${(r.checksMs / 1000).toFixed(1)} s${verdict}`,
  );
}

async function main(): Promise<void> {
  const at = process.argv.indexOf('--child');
  if (at >= 0) return child(process.argv[at + 1]!);
  console.log(`validate, cold, one thread, 100 repeat cycles, ${os.cpus().length} core(s), load ${os.loadavg()[0]!.toFixed(1)}`);
  show('NetBSD 1.4T sys/lkm (23 LKMs)', run('tree'), true);
  show('1 MB kernel allocation (bigtable)', run('bigtable'), false);
}

await main();
