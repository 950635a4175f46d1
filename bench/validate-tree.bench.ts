/**
 * `lkm2mod validate --json` on the whole shared NetBSD 1.4T tree (its 23 LKMs in sys/lkm: convert
 * in memory, every check with 100 repeat cycles, the all-together load), run as a user runs it:
 * the built CLI, from cold, in a process of its own (and the Node it starts for the work). Wall
 * time and peak memory against the targets (under 60 s, under 1 GB), and how many modules pass;
 * then the same with --jobs 2 (worker threads: faster on two cores, each thread's heap its own).
 * Then the kernel's memory on its own: a module whose INIT takes 1 MB, touches it and frees it,
 * validated over 100 cycles. `npm run bench -- validate-tree`.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { realTree } from '../test/real-tree.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(here, '..', 'bin', 'lkm2mod.js');
const TARGET_MS = 60_000;
const TARGET_MB = 1024;
const BIGTABLE = path.join(here, '..', 'test', 'fixtures', 'validate', 'memory', 'bigtable');

const rssFile = path.join(os.tmpdir(), `lkm2mod-bench-validate-rss-${process.pid}`);
// Loaded into lkm2mod and into the Node it starts for the work (execArgv is passed on): each
// keeps the larger peak RSS in the file at exit.
const RSS_HOOK = `data:text/javascript,${encodeURIComponent(
  `import { readFileSync, writeFileSync } from 'node:fs'; process.on('exit', () => { let kb = 0; ` +
    `try { kb = Number(readFileSync(${JSON.stringify(rssFile)}, 'utf8')); } catch {} ` +
    `writeFileSync(${JSON.stringify(rssFile)}, String(Math.max(kb, process.resourceUsage().maxRSS))); });`,
)}`;

interface Result {
  ms: number;
  modules: number;
  passed: number;
  together: string;
  rssMB: number;
  /** The time the checks took (the rest is convert and compile). */
  checksMs: number;
}

interface Report {
  modules: { checks: { timeMs: number }[] }[];
  passed: number;
  together?: { ok: boolean; modules: string[]; failures?: string[] };
}

function run(dir: string, extra: string[] = []): Result | { error: string } {
  fs.rmSync(rssFile, { force: true });
  const t0 = performance.now();
  const r = spawnSync(process.execPath, ['--import', RSS_HOOK, BIN, 'validate', dir, '--json', ...extra], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    return { error: `exit ${r.status ?? r.signal}: ${(r.stderr || '').trim().split('\n').slice(-3).join(' | ')}` };
  }
  const checksMs = report.modules.reduce((n, m) => n + m.checks.reduce((k, c) => k + c.timeMs, 0), 0);
  const t = report.together;
  const together = t ? (t.ok ? `ok (${t.modules.length} loaded)` : `failed: ${t.failures?.[0]?.slice(0, 100) ?? ''}`) : '-';
  const rssMB = Number(fs.readFileSync(rssFile, 'utf8')) / 1024;
  fs.rmSync(rssFile, { force: true });
  return { ms, modules: report.modules.length, passed: report.passed, together, rssMB, checksMs };
}

function show(label: string, r: Result | { error: string } | { skip: string }, targets: boolean): void {
  if ('skip' in r) return void console.log(`  ${label.padEnd(34)} skipped: ${r.skip}`);
  if ('error' in r) return void console.log(`  ${label.padEnd(34)} FAILED: ${r.error}`);
  const verdict = targets ? `  [${r.ms < TARGET_MS ? 'under' : 'OVER'} ${TARGET_MS / 1000} s, ${r.rssMB < TARGET_MB ? 'under' : 'OVER'} ${TARGET_MB / 1024} GB]` : '';
  console.log(
    `  ${label.padEnd(34)} ${(r.ms / 1000).toFixed(1).padStart(6)} s  peak RSS ${Math.round(r.rssMB)} MB  ` +
      `${r.passed}/${r.modules} passed, all together ${r.together}; checks ${(r.checksMs / 1000).toFixed(1)} s${verdict}`,
  );
}

console.log(`lkm2mod validate --json, cold, one thread unless said, 100 repeat cycles, ${os.cpus().length} core(s), load ${os.loadavg()[0]!.toFixed(1)}`);
const tree = realTree();
show('NetBSD 1.4T sys/lkm (23 LKMs)', 'skip' in tree ? tree : run(tree.lkm), true);
show('the same, --jobs 2', 'skip' in tree ? tree : run(tree.lkm, ['--jobs', '2']), true);
show('1 MB kernel allocation (bigtable)', run(BIGTABLE), false);
