/**
 * The shared real kernel tree (../shared/trees/netbsd-1.4T-sys.tar.xz), unpacked once into a
 * cache outside the repository and reused by every test and bench run that needs it. Tests call
 * realTree() and skip, saying why, when it returns a reason instead of a path.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './helpers.ts';

const ARCHIVE = path.join('shared', 'trees', 'netbsd-1.4T-sys.tar.xz');

/** Beside the checkout, or, in a git worktree elsewhere, beside the main checkout it belongs to. */
export const REAL_TREE_ARCHIVE = [path.resolve(ROOT, '..', ARCHIVE), path.resolve(mainCheckout(), '..', ARCHIVE)].find((a) => fs.existsSync(a)) ??
  path.resolve(ROOT, '..', ARCHIVE);

function mainCheckout(): string {
  const r = spawnSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? path.dirname(r.stdout.trim()) : ROOT;
}

export type RealTree = { sys: string; lkm: string } | { skip: string };

let cached: RealTree | undefined;

/** The unpacked `sys/` of the shared tree, or why it is not available. */
export function realTree(): RealTree {
  cached ??= unpack();
  return cached;
}

function unpack(): RealTree {
  const archive = process.env.LKM2MOD_REAL_TREE ?? REAL_TREE_ARCHIVE;
  if (!fs.existsSync(archive)) return { skip: `the shared NetBSD 1.4T tree is absent (${archive})` };
  // Keyed by the archive's size and mtime, so a replaced archive is unpacked afresh.
  const st = fs.statSync(archive);
  const key = createHash('sha256').update(`${archive}:${st.size}:${st.mtimeMs}`).digest('hex').slice(0, 12);
  const cache = path.join(process.env.LKM2MOD_TREE_CACHE ?? path.join(os.tmpdir(), 'lkm2mod-trees'), key);
  const sys = path.join(cache, 'sys');
  const done = path.join(cache, '.unpacked');
  if (!fs.existsSync(done)) {
    // Unpack beside the cache and rename into place: two test processes may race here.
    const tmp = fs.mkdtempSync(`${cache}.tmp-`);
    const r = spawnSync('tar', ['-xJf', archive, '-C', tmp], { encoding: 'utf8' });
    if (r.status !== 0) return { skip: `could not unpack ${archive}: ${r.stderr.trim() || `tar exited ${r.status}`}` };
    fs.writeFileSync(path.join(tmp, '.unpacked'), '');
    try {
      fs.renameSync(tmp, cache);
    } catch {
      fs.rmSync(tmp, { recursive: true, force: true });
      if (!fs.existsSync(done)) return { skip: `could not move the unpacked tree into ${cache}` };
    }
  }
  return { sys, lkm: path.join(sys, 'lkm') };
}

/**
 * A private copy of the unpacked tree for a test that writes into it (convert --write), so the
 * cache stays pristine for every other test.
 */
export function copyOfRealTree(tree: { sys: string }): { root: string; sys: string; lkm: string } {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-real-'));
  fs.cpSync(tree.sys, path.join(root, 'sys'), { recursive: true });
  return { root, sys: path.join(root, 'sys'), lkm: path.join(root, 'sys', 'lkm') };
}
