/**
 * The terminal the review talks to: single keypresses (raw mode, as `git add -p` with
 * interactive.singleKey), output, the window size, and a way to hand the terminal over to a
 * child (the editor, an external pager) and take it back.
 *
 * Keys typed ahead are queued, not lost: a fast typist (or a test typing into a pty) may answer
 * two prompts before the first one is read.
 */
import type { ReadStream, WriteStream } from 'node:tty';

/** Ctrl-C or Ctrl-D at a prompt, or the terminal went away: stop without writing anything. */
export class Interrupted extends Error {
  constructor(readonly how: 'interrupt' | 'end of input') {
    super(how);
    this.name = 'Interrupted';
  }
}

export interface ReviewTerminal {
  write(text: string): void;
  /** The next key: one character, `enter`, `escape`, or an escape sequence as typed. */
  key(): Promise<string>;
  readonly rows: number;
  readonly columns: number;
  /** Run `fn` with the terminal in its normal (cooked) mode, for a child process. */
  handOver<T>(fn: () => T): T;
  close(): void;
}

export class TtyTerminal implements ReviewTerminal {
  private queue: string[] = [];
  private waiting: { resolve: (k: string) => void; reject: (e: Error) => void } | null = null;
  /** Set once input ends or Ctrl-C is typed; every prompt from then on is answered with it. */
  private stopped: Interrupted | null = null;
  private readonly onData = (chunk: Buffer | string) => this.push(splitKeys(chunk.toString()));
  private readonly onEnd = () => this.stop(new Interrupted('end of input'));

  constructor(
    private readonly input: ReadStream,
    private readonly output: WriteStream,
  ) {
    input.setRawMode(true);
    input.setEncoding('utf8');
    input.on('data', this.onData);
    input.on('end', this.onEnd);
    input.resume();
  }

  get rows(): number {
    return this.output.rows || 24;
  }

  get columns(): number {
    return this.output.columns || 80;
  }

  write(text: string): void {
    // libuv's raw mode keeps ONLCR, so \n still starts a new line at column 0.
    this.output.write(text);
  }

  key(): Promise<string> {
    if (this.stopped) return Promise.reject(this.stopped);
    const next = this.queue.shift();
    if (next !== undefined) return Promise.resolve(next);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  handOver<T>(fn: () => T): T {
    this.input.off('data', this.onData);
    this.input.pause();
    this.input.setRawMode(false);
    try {
      return fn();
    } finally {
      this.input.setRawMode(true);
      this.input.on('data', this.onData);
      this.input.resume();
    }
  }

  close(): void {
    this.input.off('data', this.onData);
    this.input.off('end', this.onEnd);
    this.input.setRawMode(false);
    this.input.pause();
  }

  private push(keys: string[]): void {
    for (const k of keys) {
      if (k === '\x03') return this.stop(new Interrupted('interrupt'));
      if (k === '\x04') return this.stop(new Interrupted('end of input'));
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w.resolve(k);
      } else {
        this.queue.push(k);
      }
    }
  }

  private stop(err: Interrupted): void {
    if (this.stopped) return;
    this.stopped = err;
    this.queue = [];
    this.waiting?.reject(err);
    this.waiting = null;
  }
}

/** Split raw input into keys: escape sequences whole, CR/LF as `enter`, the rest per character. */
export function splitKeys(data: string): string[] {
  const keys: string[] = [];
  for (let i = 0; i < data.length; ) {
    if (data[i] === '\x1b') {
      const m = /^\x1b(?:\[[0-9;?]*[ -/]*[@-~]|O.|.)?/s.exec(data.slice(i))!;
      keys.push(m[0] === '\x1b' ? 'escape' : m[0]);
      i += m[0].length;
    } else if (data[i] === '\r' || data[i] === '\n') {
      keys.push('enter');
      // A CR LF pair is one Enter.
      i += data[i] === '\r' && data[i + 1] === '\n' ? 2 : 1;
    } else {
      const ch = String.fromCodePoint(data.codePointAt(i)!);
      keys.push(ch);
      i += ch.length;
    }
  }
  return keys;
}
