/**
 * Shared test helpers: run the CLI as a user would, in a child process.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const SAMPLES = path.join(ROOT, 'sample-lkm');

export interface RunResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * What a test's lkm2mod runs: the TypeScript in src/ through tsx (bin/lkm2mod.js with
 * LKM2MOD_FROM_SOURCE=1), so a test always exercises the sources as they are, never a build
 * older than them. test/build.test.ts runs the build itself, which `npm test` makes first.
 */
export const FROM_SOURCE_ENV = { LKM2MOD_FROM_SOURCE: '1' };

/** Run `lkm2mod <args>` through bin/lkm2mod.js (as `npx lkm2mod` would) in `cwd`. */
export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv; input?: string } = {}): RunResult {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin/lkm2mod.js'), ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, NO_COLOR: '1', ...FROM_SOURCE_ENV, ...opts.env },
    input: opts.input,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** A scratch tree of the given files (relative path -> contents) under a new temporary folder. */
export function writeTree(files: Record<string, string | Buffer>, prefix = 'lkm2mod-tree-'): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    fs.writeFileSync(path.join(root, rel), text);
  }
  return root;
}

/**
 * A 1.x-style kernel tree in a new temporary folder: the devsw tree's conf.c (LKM slots 3 and
 * 4) with the slotfind LKM alone under lkm/ (a driver whose load handler searches cdevsw[] for
 * a free lkmenodev slot). Remove it when done.
 */
export function slotfindTree(prefix: string): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.cpSync(path.join(ROOT, 'test/fixtures/validate/devsw-tree'), work, { recursive: true });
  fs.rmSync(path.join(work, 'sys/lkm'), { recursive: true });
  fs.rmSync(path.join(work, 'sys/modules'), { recursive: true });
  fs.cpSync(path.join(ROOT, 'test/fixtures/validate/slotfind'), path.join(work, 'sys/lkm/dev/slotfind'), { recursive: true });
  return work;
}
