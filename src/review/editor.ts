/**
 * The $EDITOR round trip: the converted text of one file goes to a scratch file of the same
 * name (so the editor picks the right mode), the user's editor runs on the terminal, and what
 * was saved comes back. The tree is not touched: the edit lives in the review until it is
 * accepted and applied with the rest.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReviewTerminal } from './terminal.ts';

/** $VISUAL, then $EDITOR, then vi, as most Unix tools choose. */
export function editorFromEnv(env: NodeJS.ProcessEnv): string {
  return [env.VISUAL, env.EDITOR].find((e) => e !== undefined && e.trim() !== '') ?? 'vi';
}

export type EditOutcome = { ok: true; text: string } | { ok: false; reason: string };

export function editText(term: ReviewTerminal, editor: string, fileName: string, text: string): EditOutcome {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-edit-'));
  const file = path.join(dir, path.basename(fileName));
  try {
    writeFileSync(file, text);
    // Through the shell, as git does, so EDITOR="code --wait" or "emacs -nw" work; the file
    // name is passed as $1, never spliced into the command.
    const r = term.handOver(() => spawnSync('sh', ['-c', `${editor} "$1"`, editor, file], { stdio: 'inherit' }));
    if (r.error) return { ok: false, reason: `could not run ${editor}: ${r.error.message}` };
    if (r.status !== 0) return { ok: false, reason: `${editor} exited with status ${r.status ?? r.signal}; the edit was discarded` };
    return { ok: true, text: readFileSync(file, 'utf8') };
  } catch (err) {
    return { ok: false, reason: `the edit failed: ${(err as Error).message}` };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
