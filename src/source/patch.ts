/**
 * The patch a user reviews: git-style unified diffs (`diff --git a/… b/…`, new/deleted file
 * modes, renames) that both `git apply` and `patch -p1` accept. jsdiff computes the hunks; this
 * file only writes the git headers around them, which jsdiff does not know about.
 */
import path from 'node:path';
import { structuredPatch } from 'diff';
import pc from 'picocolors';
import type { SourceEncoding } from './text-encoding.ts';

/** One file's change. create: before null; delete: after null; rename: oldPath set. */
export interface FileChange {
  path: string;
  oldPath?: string;
  before: string | null;
  after: string | null;
  /** The file is not UTF-8: its text maps byte for byte to Latin-1 (see source/text-encoding.ts). */
  encoding?: SourceEncoding;
}

const CONTEXT = 3;
const MODE = '100644';

/** Render every change as one patch, paths relative to `root` with a/ and b/ prefixes. */
export function renderPatch(changes: FileChange[], root: string): string {
  return changes.map((c) => renderOne(c, root)).join('');
}

function renderOne(change: FileChange, root: string): string {
  const newRel = toPatchPath(change.path, root);
  const oldRel = toPatchPath(change.oldPath ?? change.path, root);
  const before = change.before ?? '';
  const after = change.after ?? '';
  let head = `diff --git a/${oldRel} b/${newRel}\n`;
  if (change.before === null) head += `new file mode ${MODE}\n`;
  else if (change.after === null) head += `deleted file mode ${MODE}\n`;
  else if (change.oldPath && change.oldPath !== change.path) {
    head += `similarity index ${similarity(before, after)}%\nrename from ${oldRel}\nrename to ${newRel}\n`;
  }
  if (before === after) return head; // a pure rename, or an empty file created/deleted
  const from = change.before === null ? '/dev/null' : `a/${oldRel}`;
  const to = change.after === null ? '/dev/null' : `b/${newRel}`;
  const patch = structuredPatch(from, to, before, after, undefined, undefined, { context: CONTEXT });
  let body = `--- ${from}\n+++ ${to}\n`;
  for (const h of patch.hunks) {
    // git writes an empty side as "-0,0": the line before the first.
    const oldStart = h.oldLines === 0 ? h.oldStart - 1 : h.oldStart;
    const newStart = h.newLines === 0 ? h.newStart - 1 : h.newStart;
    body += `@@ -${oldStart},${h.oldLines} +${newStart},${h.newLines} @@\n`;
    for (const line of h.lines) body += line + '\n';
  }
  return head + body;
}

/** Patch paths are always forward-slashed and relative to the tree root. */
export function toPatchPath(file: string, root: string): string {
  const rel = path.relative(root, file);
  if (rel.startsWith('..') || path.isAbsolute(rel)) {
    throw new Error(`${file} is outside the tree root ${root}`);
  }
  return rel.split(path.sep).join('/');
}

/** Share of unchanged lines, as git's rename score would roughly put it. */
function similarity(before: string, after: string): number {
  const a = before.split('\n');
  const b = new Set(after.split('\n'));
  const kept = a.filter((l) => b.has(l)).length;
  return Math.round((100 * kept) / Math.max(a.length, after.split('\n').length, 1));
}

/** Colour a rendered patch for a terminal, line by line, the way git does. */
export function colorizePatch(patch: string): string {
  return patch
    .split('\n')
    .map((line) => {
      if (/^(diff --git|new file mode|deleted file mode|similarity index|rename (from|to)|--- |\+\+\+ )/.test(line)) {
        return pc.bold(line);
      }
      if (line.startsWith('@@')) return pc.cyan(line);
      if (line.startsWith('+')) return pc.green(line);
      if (line.startsWith('-')) return pc.red(line);
      return line;
    })
    .join('\n');
}
