/**
 * The end of a review: what was accepted is applied to the tree in one atomic step (the same
 * applyChanges `convert --write` uses: it refuses if a file changed meanwhile and puts every
 * file back if a write fails), and what was not is written as a patch that applies over the
 * result with `git apply` or `patch -p1` from the tree root.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../source/errors.ts';
import { applyChanges } from '../migrate/apply.ts';
import { renderPatch, type FileChange } from '../source/patch.ts';
import type { ReviewOutcome } from './session.ts';

export interface FinishResult {
  applied: FileChange[];
  /** The patch written, or null when nothing was left out. */
  patch: string | null;
  left: FileChange[];
}

/**
 * Refuse, before the first question, a patch file that exists: the review must not end by
 * overwriting someone's file, nor fail after the reviewer spent an hour on it.
 */
export async function checkPatchTarget(patchFile: string, shown: string): Promise<void> {
  try {
    await fs.lstat(patchFile);
    throw new UserError(`${shown} already exists; move it away or name another file with --patch FILE`);
  } catch (err) {
    if (err instanceof UserError) throw err;
  }
  try {
    const dir = await fs.stat(path.dirname(patchFile));
    if (!dir.isDirectory()) throw new Error('not a directory');
  } catch {
    throw new UserError(`${shown}: its directory does not exist; name another file with --patch FILE`);
  }
}

export async function finishReview(outcome: ReviewOutcome, opts: { root: string; patchFile: string }): Promise<FinishResult> {
  const applied = outcome.accepted.flatMap((u) => u.changes);
  const left = outcome.skipped.flatMap((u) => u.changes).sort((a, b) => a.path.localeCompare(b.path));
  if (applied.length) await applyChanges(applied, { root: opts.root });
  if (left.length === 0) return { applied, patch: null, left };
  const staged = `${opts.patchFile}.lkm2mod-${process.pid}.new`;
  try {
    await fs.writeFile(staged, renderPatch(left, opts.root), { flag: 'wx' });
    await fs.rename(staged, opts.patchFile);
  } catch (err) {
    await fs.rm(staged, { force: true });
    throw new UserError(
      `${applied.length ? 'the accepted changes were applied, but ' : ''}the patch of the rest could not be written to ${opts.patchFile}: ${(err as Error).message}`,
    );
  }
  return { applied, patch: opts.patchFile, left };
}
