/**
 * Paging a diff on the terminal. By default a small built-in pager (a screen at a time, more
 * like more(1) than less(1)) that shares the review's single-key input; with $LKM2MOD_PAGER or
 * $PAGER set, that program is run the way git runs it (through the shell, LESS=FRX unless set).
 */
import { spawnSync } from 'node:child_process';
import type { ReviewTerminal } from './terminal.ts';

export interface PagerOptions {
  /** A shell command to page through, or null for the built-in pager. */
  command: string | null;
  /** Dim text (for the pager's own prompts). */
  dim: (s: string) => string;
}

/** The pager the environment asks for: null (built in) when none is set, or it is `cat`/empty. */
export function pagerFromEnv(env: NodeJS.ProcessEnv): string | null {
  const cmd = env.LKM2MOD_PAGER ?? env.PAGER;
  if (cmd === undefined || cmd.trim() === '' || cmd.trim() === 'cat') return null;
  return cmd;
}

export async function page(term: ReviewTerminal, text: string, opts: PagerOptions): Promise<void> {
  if (opts.command) return external(term, text, opts.command);
  const lines = text.replace(/\n$/, '').split('\n');
  let budget = term.rows - 1;
  let i = 0;
  while (i < lines.length) {
    let used = 0;
    while (i < lines.length) {
      const h = screenRows(lines[i]!, term.columns);
      // Always show at least one line, however long.
      if (used > 0 && used + h > budget) break;
      term.write(lines[i]! + '\n');
      used += h;
      i++;
    }
    if (i >= lines.length) break;
    const pct = Math.floor((100 * i) / lines.length);
    term.write(opts.dim(`--More-- (${pct}%) space: next page, enter: next line, q: skip the rest`));
    const key = await term.key();
    term.write('\r\x1b[K');
    if (key === 'q' || key === 'escape') {
      term.write(opts.dim(`(${lines.length - i} more lines not shown; d shows the diff again)\n`));
      return;
    }
    budget = key === 'enter' ? 1 : term.rows - 1;
  }
}

function external(term: ReviewTerminal, text: string, command: string): void {
  term.handOver(() =>
    spawnSync('sh', ['-c', command], {
      input: text,
      stdio: ['pipe', 'inherit', 'inherit'],
      env: { ...process.env, LESS: process.env.LESS ?? 'FRX' },
    }),
  );
}

/** Terminal rows a line takes: colour codes take none, tabs go to the next multiple of 8. */
export function screenRows(line: string, columns: number): number {
  let width = 0;
  for (const ch of line.replace(/\x1b\[[0-9;]*m/g, '')) width = ch === '\t' ? (Math.floor(width / 8) + 1) * 8 : width + 1;
  return Math.max(1, Math.ceil(width / Math.max(1, columns)));
}
