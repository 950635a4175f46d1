/**
 * Writing a conversion to disk: in place (`--write`) or as a converted copy (`--out DIR`).
 *
 * Nothing is lost: every file is checked before anything is written (a file the patch would
 * create must not exist; a file it changes, renames or deletes must still hold the text the
 * conversion was computed from), new contents are staged next to their targets and renamed
 * over them, and a failure half-way puts back every file already replaced.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../source/errors.ts';
import type { FileChange } from '../source/patch.ts';
import type { SourceEncoding } from '../source/text-encoding.ts';

export interface ApplyOptions {
  /** The tree root the change paths live under. */
  root: string;
  /** Write a converted copy here instead of changing the tree; must not exist or be empty. */
  out?: string;
  /**
   * With `out`: the input paths (under root) copied before the changes; default the root. The
   * files the changes read elsewhere in the root (a module's sources through .PATH) are copied
   * too, so the copy holds, at the same places under DIR, every file the patch names.
   */
  paths?: string[];
}

export async function applyChanges(changes: FileChange[], opts: ApplyOptions): Promise<void> {
  if (opts.out) return writeCopy(changes, opts.root, opts.out, opts.paths ?? [opts.root]);
  await checkTree(changes, opts.root);
  await commit(changes);
}

/** Refuse, before anything is written, every change that would lose someone's work. */
async function checkTree(changes: FileChange[], root: string): Promise<void> {
  const problems: string[] = [];
  const rel = (p: string) => path.relative(root, p) || p;
  for (const c of changes) {
    const source = c.oldPath ?? c.path;
    if (c.before !== null) {
      const now = await readIfExists(source, c.encoding);
      if (now === null) problems.push(`${rel(source)} no longer exists`);
      else if (now !== c.before) problems.push(`${rel(source)} changed since it was read`);
    }
    const creates = c.before === null || (c.oldPath !== undefined && c.oldPath !== c.path);
    if (c.after !== null && creates && (await exists(c.path))) {
      problems.push(`${rel(c.path)} already exists and would be overwritten`);
    }
  }
  if (problems.length) {
    throw new UserError(
      `refusing to write, nothing was changed:\n  ${problems.join('\n  ')}\n` +
        'Move those files away (or run again on a fresh tree), or use --out DIR to write a converted copy.',
    );
  }
}

interface Step {
  target: string;
  staged?: string;
  backup?: string;
  done?: boolean;
}

async function commit(changes: FileChange[]): Promise<void> {
  const steps: Step[] = [];
  const tag = `.lkm2mod-${process.pid}-${Date.now()}`;
  try {
    // Stage every new content first: a full disk or a read-only directory fails here, before
    // any file of the tree has been touched.
    for (const c of changes) {
      if (c.after === null) continue;
      await fs.mkdir(path.dirname(c.path), { recursive: true });
      const staged = c.path + tag + '.new';
      await fs.writeFile(staged, c.after, c.encoding ?? 'utf8');
      steps.push({ target: c.path, staged });
    }
    const removals = changes.filter((c) => c.after === null || (c.oldPath && c.oldPath !== c.path));
    for (const c of removals) steps.push({ target: c.oldPath ?? c.path });
    // Commit: move the old file aside, then the staged one in; each rename is atomic.
    for (const s of steps) {
      if (await exists(s.target)) {
        s.backup = s.target + tag + '.old';
        await fs.rename(s.target, s.backup);
      }
      if (s.staged) {
        await fs.rename(s.staged, s.target);
        s.staged = undefined;
      }
      s.done = true;
    }
  } catch (err) {
    await rollBack(steps);
    throw new UserError(`could not write the converted tree, nothing was changed: ${(err as Error).message}`);
  }
  for (const s of steps) if (s.backup) await fs.rm(s.backup, { force: true });
  for (const c of changes) {
    if (c.after === null || (c.oldPath && c.oldPath !== c.path)) await removeEmptyDirs(path.dirname(c.oldPath ?? c.path));
  }
}

async function rollBack(steps: Step[]): Promise<void> {
  for (const s of [...steps].reverse()) {
    if (s.staged) await fs.rm(s.staged, { force: true });
    if (!s.done && !s.backup) continue;
    if (!s.backup) await fs.rm(s.target, { force: true }).catch(() => undefined);
    else await fs.rename(s.backup, s.target).catch(() => undefined);
  }
}

/** The old LKM folder goes when its last file has moved out. */
async function removeEmptyDirs(dir: string): Promise<void> {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      if ((await fs.readdir(d)).length > 0) return;
      await fs.rmdir(d);
    } catch {
      return;
    }
  }
}

async function writeCopy(changes: FileChange[], root: string, out: string, paths: string[]): Promise<void> {
  const target = path.resolve(out);
  if (await exists(target)) {
    const entries = await fs.readdir(target).catch(() => null);
    if (entries === null) throw new UserError(`--out ${out}: exists and is not a directory`);
    if (entries.length > 0) throw new UserError(`--out ${out}: directory is not empty; choose a new or empty one`);
  }
  const inside = (p: string) => {
    const rel = path.relative(root, p);
    if (rel.startsWith('..') || path.isAbsolute(rel)) throw new Error(`${p} is outside the tree root ${root}`);
    return rel;
  };
  // Build the copy beside its destination and rename it into place at the end, so a failure
  // leaves no half-written tree behind.
  const staging = path.join(path.dirname(target), `.${path.basename(target)}.lkm2mod-${process.pid}`);
  try {
    await fs.mkdir(staging, { recursive: true });
    for (const p of paths) {
      const rel = inside(p);
      await fs.cp(p, path.join(staging, rel), { recursive: true, errorOnExist: true, force: false });
    }
    for (const c of changes) {
      const from = c.oldPath ?? c.path;
      if (c.before === null || paths.some((p) => within(p, from))) continue;
      const to = path.join(staging, inside(from));
      await fs.mkdir(path.dirname(to), { recursive: true });
      await fs.copyFile(from, to);
    }
    const moved = changes.map((c) => ({
      ...c,
      path: path.join(staging, inside(c.path)),
      oldPath: c.oldPath ? path.join(staging, inside(c.oldPath)) : undefined,
    }));
    await checkTree(moved, staging);
    await commit(moved);
    await fs.rm(target, { recursive: true, force: true });
    await fs.rename(staging, target);
  } catch (err) {
    await fs.rm(staging, { recursive: true, force: true });
    if (err instanceof UserError) throw err;
    throw new UserError(`could not write ${out}, nothing was written: ${(err as Error).message}`);
  }
}

function within(dir: string, p: string): boolean {
  const r = path.relative(dir, p);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
}

async function readIfExists(file: string, encoding: SourceEncoding = 'utf8'): Promise<string | null> {
  try {
    return await fs.readFile(file, encoding);
  } catch {
    return null;
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch {
    return false;
  }
}
