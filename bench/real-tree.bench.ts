/**
 * lkm2mod on a real kernel tree: the shared NetBSD sys/ (test/real-tree.ts unpacks it once),
 * beside the tools a user would compare it with, in one run on the same warm tree:
 *
 *   start-up   `lkm2mod --help`, the fixed cost of every command;
 *   scan       `lkm2mod scan --json sys` against `grep -rlE 'MOD_(...)' sys`, with the ratio;
 *   convert    `lkm2mod convert sys` (the whole tree, patch to /dev/null) against Coccinelle's
 *              `spatch -j 2` running ../shared/bench/dispatch.cocci over the same tree;
 *   modules    each LKM converted on its own: time and peak memory, and both per 100 KB of the
 *              module's source, for the five with the most source and the whole range.
 *
 * Every figure is of the CLI a user runs (bin/lkm2mod.js, the build), each run in its own
 * process; peak RSS is read by a preloaded hook as the process exits. Targets are printed beside
 * the figures (ok / MISSED) and never asserted in a test. Skipped, saying why, without the tree.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { REAL_TREE_ARCHIVE, realTree } from '../test/real-tree.ts';

const here = path.dirname(fileURLToPath(import.meta.url));
const BIN = path.join(here, '..', 'bin', 'lkm2mod.js');
// shared/bench beside shared/trees, where the tree's archive is.
const COCCI = path.join(path.dirname(path.dirname(process.env.LKM2MOD_REAL_TREE ?? REAL_TREE_ARCHIVE)), 'bench', 'dispatch.cocci');
const GREP = ['-rlE', 'MOD_(SYSCALL|VFS|DEV|EXEC|COMPAT|MISC|DRV)'];
const RUNS = Number(process.env.LKM2MOD_BENCH_RUNS ?? 3);

interface Run {
  ms: number;
  /** CPU time of every thread of the process: what the machine's load does not inflate. */
  cpuMs: number | null;
  rssMB: number | null;
  status: number;
  stdout: string;
  stderr: string;
}

const rssFile = path.join(os.tmpdir(), `lkm2mod-bench-rss-${process.pid}`);
// Loaded into each lkm2mod process: its peak RSS and CPU time (worker threads included), at exit.
const RSS_HOOK = `data:text/javascript,${encodeURIComponent(
  `import { writeFileSync } from 'node:fs'; process.on('exit', () => { const u = process.resourceUsage(); ` +
    `writeFileSync(${JSON.stringify(rssFile)}, JSON.stringify([u.maxRSS, (u.userCPUTime + u.systemCPUTime) / 1000])); });`,
)}`;

function run(cmd: string, args: string[], opts: { cwd?: string; lkm2mod?: boolean } = {}): Run {
  fs.rmSync(rssFile, { force: true });
  const argv = opts.lkm2mod ? ['--import', RSS_HOOK, BIN, ...args] : args;
  const t0 = performance.now();
  const r = spawnSync(opts.lkm2mod ? process.execPath : cmd, argv, { cwd: opts.cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
  const ms = performance.now() - t0;
  let rssMB: number | null = null;
  let cpuMs: number | null = null;
  if (opts.lkm2mod && fs.existsSync(rssFile)) {
    const [kb, cpu] = JSON.parse(fs.readFileSync(rssFile, 'utf8')) as [number, number];
    [rssMB, cpuMs] = [kb / 1024, cpu];
  }
  return { ms, cpuMs, rssMB, status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

const lkm2mod = (args: string[], cwd?: string) => run(process.execPath, args, { cwd, lkm2mod: true });

function median(runs: Run[]): Run {
  return [...runs].sort((a, b) => a.ms - b.ms)[Math.floor(runs.length / 2)]!;
}

const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const cpu = (r: Run) => (r.cpuMs === null ? '' : ` (CPU ${s(r.cpuMs)})`);
const mb = (x: number | null) => (x === null ? '? MB' : `${x.toFixed(0)} MB`);
const ok = (b: boolean) => (b ? 'ok' : 'MISSED');
const fail = (r: Run) => r.stderr.trim().split('\n').filter((l) => /lkm2mod: |error/.test(l)).slice(0, 3).join(' / ');

function spatchVersion(): string | null {
  const r = spawnSync('spatch', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? (/spatch version (\S+)/.exec(r.stdout)?.[1] ?? 'unknown') : null;
}

function main(): void {
  const tree = realTree();
  if ('skip' in tree) {
    console.log(`skipped: ${tree.skip}`);
    return;
  }
  const sys = tree.sys;
  // The tree's parent is the working directory: the patch paths start with sys/.
  const cwd = path.dirname(sys);
  console.log(`tree: ${sys} (${os.availableParallelism()} cores, load ${os.loadavg()[0]!.toFixed(1)}; median of ${RUNS} runs where repeated)`);

  const help = median(Array.from({ length: RUNS + 2 }, () => lkm2mod(['--help'])));
  console.log(`start-up   lkm2mod --help            ${s(help.ms)}${cpu(help)}, ${mb(help.rssMB)}          target < 0.2 s: ${ok(help.ms < 200)}`);

  // Scan against grep, interleaved so that both see the same machine.
  run('grep', [...GREP, sys]);
  const greps: Run[] = [];
  const scans: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    greps.push(run('grep', [...GREP, sys]));
    scans.push(lkm2mod(['scan', '--json', 'sys'], cwd));
  }
  const grep = median(greps);
  const scan = median(scans);
  if (scan.status !== 0) console.log(`scan failed: ${fail(scan)}`);
  const doc = scan.status === 0 ? (JSON.parse(scan.stdout) as ScanDoc) : null;
  const scanRss = Math.max(...scans.map((r) => r.rssMB ?? 0));
  console.log(`scan       grep -rlE                 ${s(grep.ms)}`);
  console.log(
    `           lkm2mod scan --json       ${s(scan.ms)}${cpu(scan)}, peak ${mb(scanRss)}: ${(scan.ms / grep.ms).toFixed(2)}x grep` +
      `   targets <= 2x grep: ${ok(doc !== null && scan.ms <= 2 * grep.ms)}, <= 300 MB: ${ok(doc !== null && scanRss <= 300)}`,
  );
  if (doc) console.log(`           ${doc.modules.length} LKMs, ${doc.files_scanned} files read, ${doc.files_parsed} parsed`);

  const convert = lkm2mod(['convert', 'sys'], cwd);
  const convertOk = convert.status === 0 || convert.status === 1;
  const version = spatchVersion();
  let spatch: Run | null = null;
  if (version && !fs.existsSync(COCCI)) console.log(`           spatch: ${COCCI} is absent`);
  else if (version) spatch = run('spatch', ['--sp-file', COCCI, '--dir', sys, '-j', '2', '--very-quiet'], { cwd });
  console.log(
    `convert    lkm2mod convert sys       ${s(convert.ms)}${cpu(convert)}, peak ${mb(convert.rssMB)}` +
      (convertOk ? '' : ` — FAILED (exit ${convert.status}): ${fail(convert)}`) +
      `   targets <= 10 s: ${ok(convertOk && convert.ms <= 10_000)}, <= 500 MB: ${ok(convertOk && (convert.rssMB ?? Infinity) <= 500)}`,
  );
  if (!version) console.log('           spatch -j 2               not installed (Debian package coccinelle)');
  else if (spatch && spatch.status !== 0) console.log(`           spatch ${version} -j 2: failed (exit ${spatch.status}): ${spatch.stderr.trim().split('\n').at(-1)}`);
  else if (spatch) {
    console.log(
      `           spatch ${version} -j 2 ${path.basename(COCCI)} ${s(spatch.ms)}: lkm2mod ${(convert.ms / spatch.ms).toFixed(2)}x spatch` +
        `   target faster than spatch: ${ok(convertOk && convert.ms < spatch.ms)}`,
    );
  }

  if (!doc) return;
  // Each module on its own: its folder converted (with the tree for `required`), per 100 KB.
  const rows = doc.modules.map((m) => {
    const files = m.files.map((f) => path.resolve(cwd, f));
    const bytes = files.reduce((n, f) => n + (fs.existsSync(f) ? fs.statSync(f).size : 0), 0);
    const r = lkm2mod(['convert', path.relative(cwd, path.resolve(cwd, m.dir))], cwd);
    return { name: m.name, dir: m.dir, bytes, r, ok: r.status === 0 || r.status === 1 };
  });
  rows.sort((a, b) => b.bytes - a.bytes);
  const per = (x: number, bytes: number) => (x / bytes) * 100 * 1024;
  console.log(`modules    ${rows.length} converted one at a time (lkm2mod convert DIR: process start-up and the tree index included)`);
  console.log('           module                 source       time       CPU      peak  ms/100KB  MB/100KB');
  const show = (row: (typeof rows)[number]) =>
    console.log(
      `           ${row.name.slice(0, 22).padEnd(22)} ${`${(row.bytes / 1024).toFixed(0)} KB`.padStart(7)}  ${s(row.r.ms).padStart(8)}  ${s(row.r.cpuMs ?? 0).padStart(8)}  ${mb(row.r.rssMB).padStart(8)}` +
        `  ${per(row.r.ms, row.bytes).toFixed(0).padStart(8)}  ${per(row.r.rssMB ?? 0, row.bytes).toFixed(0).padStart(8)}` +
        (row.ok ? '' : `  FAILED (exit ${row.r.status}): ${fail(row.r)}`),
    );
  rows.slice(0, 5).forEach(show);
  console.log('           ...');
  rows.slice(-2).forEach(show);
  const slowest = rows.reduce((a, b) => (b.r.ms > a.r.ms ? b : a));
  const biggest = rows.reduce((a, b) => ((b.r.rssMB ?? 0) > (a.r.rssMB ?? 0) ? b : a));
  const all = rows.every((r) => r.ok);
  console.log(
    `           slowest ${slowest.name} ${s(slowest.r.ms)}, largest ${biggest.name} ${mb(biggest.r.rssMB)}` +
      `   targets each <= 2 s: ${ok(all && slowest.r.ms <= 2000)}, <= 300 MB: ${ok((biggest.r.rssMB ?? Infinity) <= 300)}`,
  );
  // Growth: the time a module takes beyond a one-file module's, per 100 KB, for big and small.
  const fixed = Math.min(...rows.map((r) => r.r.ms));
  const big = rows.slice(0, 5);
  const small = rows.slice(-5);
  const rate = (rs: typeof rows) => per(rs.reduce((n, r) => n + r.r.ms - fixed, 0), rs.reduce((n, r) => n + r.bytes, 0));
  console.log(
    `           beyond the fixed ${s(fixed)}: ${rate(big).toFixed(0)} ms/100KB for the 5 biggest, ${rate(small).toFixed(0)} ms/100KB for the 5 smallest`,
  );
}

interface ScanDoc {
  modules: { name: string; dir: string; files: string[] }[];
  files_scanned: number;
  files_parsed: number;
}

main();
fs.rmSync(rssFile, { force: true });
