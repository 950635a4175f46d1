/**
 * Driving `lkm2mod review` through a real pseudo-terminal, as a person would: util-linux's
 * script(1) gives the command a pty (so isTTY, raw mode and the window size are real), and
 * the test reads what it prints and types answers when a prompt appears.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { FROM_SOURCE_ENV, ROOT } from './helpers.ts';

/** Why the pty tests cannot run here, or null when they can. */
export function ptyMissing(): string | null {
  const r = spawnSync('script', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? null : 'script(1) from util-linux is not installed: the terminal tests of lkm2mod review are skipped';
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

export class PtySession {
  private output = '';
  /** Where the next expect() starts looking. */
  private mark = 0;
  private exited: Promise<number>;
  private waiters: (() => void)[] = [];

  private constructor(private readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8');
    child.stdout!.on('data', (d: string) => {
      this.output += d;
      for (const w of this.waiters.splice(0)) w();
    });
    this.exited = new Promise((resolve) => child.on('close', (code) => {
      for (const w of this.waiters.splice(0)) w();
      resolve(code ?? -1);
    }));
  }

  /** Run `lkm2mod <args>` in `cwd` on a pty of the given size. */
  static start(args: string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; rows?: number; cols?: number }): PtySession {
    const cli = [process.execPath, path.join(ROOT, 'bin/lkm2mod.js'), ...args].map(quote).join(' ');
    const command = `stty rows ${opts.rows ?? 40} cols ${opts.cols ?? 120}; exec ${cli}`;
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', TERM: 'xterm', ...FROM_SOURCE_ENV, ...opts.env };
    delete env.PAGER;
    delete env.LKM2MOD_PAGER;
    if (opts.env?.PAGER !== undefined) env.PAGER = opts.env.PAGER;
    const child = spawn('script', ['-q', '-e', '-c', command, '/dev/null'], { cwd: opts.cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
    return new PtySession(child);
  }

  /** Everything printed so far, with \r\n as \n. */
  get text(): string {
    return this.output.replace(/\r\n/g, '\n');
  }

  /**
   * Wait until the output after the last match matches `pattern`; returns that part. Fails
   * with the output so far when the command exits or the time runs out first.
   */
  async expect(pattern: RegExp, timeoutMs = 60_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let done = false;
    void this.exited.then(() => (done = true));
    for (;;) {
      const rest = this.output.slice(this.mark).replace(/\r\n/g, '\n');
      const m = pattern.exec(rest);
      if (m) {
        // Advance past the match in the raw output (\r\n counted as two characters there).
        const raw = this.output.slice(this.mark);
        let seen = 0;
        let i = 0;
        const end = m.index + m[0].length;
        while (seen < end && i < raw.length) {
          if (raw[i] === '\r' && raw[i + 1] === '\n') i++;
          i++;
          seen++;
        }
        this.mark += i;
        return rest.slice(0, end);
      }
      if (done) throw new Error(`the command exited before printing ${pattern}; it printed:\n${rest}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${pattern} within ${timeoutMs} ms; the command printed:\n${rest}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 1000));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Type keys (as bytes on the terminal). */
  type(keys: string): void {
    this.child.stdin!.write(keys);
  }

  /** Wait for the command to end; its exit status. */
  async exit(timeoutMs = 60_000): Promise<number> {
    const timer = new Promise<number>((_, reject) =>
      setTimeout(() => reject(new Error(`review did not exit within ${timeoutMs} ms; it printed:\n${this.text}`)), timeoutMs).unref(),
    );
    try {
      return await Promise.race([this.exited, timer]);
    } finally {
      this.child.stdin!.end();
    }
  }

  kill(): void {
    if (this.child.exitCode === null) this.child.kill();
  }
}
