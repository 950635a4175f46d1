/**
 * Scan speed on a whole-kernel-sized tree: ~20,000 kernel-like C files (~200 MB) with LKMs
 * scattered through it (see scan-tree.ts; generated once, then cached in the tmp dir).
 *
 * Prints files/s, MB/s, peak RSS, and the ratio of the scan's time to
 * `grep -rlE 'MOD_(SYSCALL|VFS|DEV|EXEC|COMPAT|MISC|DRV)'` on the same warm tree.
 * Goals: a whole tree in < 2 s, at most 3x grep, < 300 MB peak.
 *
 * Each scan runs in its own process (this file with --child) so its peak RSS is its own and
 * not the generator's. `npm run bench -- scan`; LKM2MOD_BENCH_FILES=N for a smaller tree.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { benchTree } from './scan-tree.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const RUNS = 3;

interface ChildResult {
  ms: number;
  rssMB: number;
  modules: number;
  filesScanned: number;
  filesParsed: number;
}

async function child(root: string, jobs: number | undefined): Promise<void> {
  const { discover } = await import('../src/discover/discover.ts');
  const t0 = performance.now();
  const r = await discover([root], { jobs });
  const ms = performance.now() - t0;
  const out: ChildResult = {
    ms,
    rssMB: process.resourceUsage().maxRSS / 1024,
    modules: r.modules.length,
    filesScanned: r.filesScanned,
    filesParsed: r.filesParsed,
  };
  process.stdout.write(JSON.stringify(out));
}

function timeIt(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (r.status !== 0 && r.status !== 1) throw new Error(`${cmd} failed with ${r.status}`);
  return performance.now() - t0;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function scanOnce(root: string, jobs?: number): ChildResult {
  const args = ['--import', 'tsx', fileURLToPath(import.meta.url), '--child', root, ...(jobs ? [String(jobs)] : [])];
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 20 });
  if (r.status !== 0) throw new Error(`scan child failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as ChildResult;
}

async function main(): Promise<void> {
  const files = Number(process.env.LKM2MOD_BENCH_FILES ?? 20000);
  const t0 = performance.now();
  const tree = benchTree({ files });
  const mb = tree.bytes / 1e6;
  console.log(
    `tree: ${tree.root} — ${tree.files} files, ${mb.toFixed(0)} MB, ${tree.lkms} LKMs ` +
      `(${tree.generated ? `generated in ${((performance.now() - t0) / 1000).toFixed(1)} s` : 'cached'})`,
  );

  // Warm the page cache, then time grep.
  timeIt('grep', ['-rlE', 'MOD_(SYSCALL|VFS|DEV|EXEC|COMPAT|MISC|DRV)', tree.root]);
  const grepMs = median(Array.from({ length: RUNS }, () => timeIt('grep', ['-rlE', 'MOD_(SYSCALL|VFS|DEV|EXEC|COMPAT|MISC|DRV)', tree.root])));

  scanOnce(tree.root); // warm-up (tsx's transform cache, tree-sitter's shared library)
  const runs = Array.from({ length: RUNS }, () => scanOnce(tree.root));
  const scanMs = median(runs.map((r) => r.ms));
  const rss = Math.max(...runs.map((r) => r.rssMB));
  const one = median(Array.from({ length: RUNS }, () => scanOnce(tree.root, 1).ms));
  const cliMs = median(
    Array.from({ length: RUNS }, () => timeIt(process.execPath, [path.join(here, '../bin/lkm2mod.js'), 'scan', '--json', tree.root])),
  );
  const r = runs[0]!;

  const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
  console.log(`modules found:     ${r.modules} of ${tree.lkms}`);
  console.log(`files scanned:     ${r.filesScanned} (C sources and Makefiles), ${r.filesParsed} parsed by tree-sitter`);
  console.log(`grep -rlE:         ${grepMs.toFixed(0)} ms (median of ${RUNS}, warm)`);
  console.log(`discover():        ${scanMs.toFixed(0)} ms (median of ${RUNS}, default jobs); ${one.toFixed(0)} ms with --jobs 1`);
  console.log(`lkm2mod scan CLI:  ${cliMs.toFixed(0)} ms end to end, process start-up included`);
  console.log(`throughput:        ${Math.round(tree.files / (scanMs / 1000))} files/s, ${(mb / (scanMs / 1000)).toFixed(0)} MB/s`);
  console.log(`peak RSS:          ${rss.toFixed(0)} MB                  goal < 300 MB: ${ok(rss < 300)}`);
  console.log(`ratio to grep:     ${(scanMs / grepMs).toFixed(2)}x (discover), ${(cliMs / grepMs).toFixed(2)}x (CLI)   goal <= 3x: ${ok(scanMs / grepMs <= 3)}`);
  console.log(`whole tree:        ${(scanMs / 1000).toFixed(2)} s (discover), ${(cliMs / 1000).toFixed(2)} s (CLI)   goal < 2 s: ${ok(cliMs < 2000)}`);
  if (r.modules !== tree.lkms) {
    console.log('the scan did not find every LKM of the tree: that is a bug');
    process.exitCode = 1;
  }
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]!, process.argv[4] ? Number(process.argv[4]) : undefined);
} else {
  await main();
}
