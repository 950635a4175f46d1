/**
 * A one-line progress counter on stderr, redrawn in place: `lkm2mod: scanning 40/120 files
 * (33%)`, `lkm2mod: validating 3/14 modules (21%): kernfs`. Only for a person at a terminal:
 * callers create it when stderr is a TTY and the output is not meant for a program.
 */
export interface ProgressOptions {
  /** What is counted, plural: `files` (default), `modules`. */
  unit?: string;
  stream?: NodeJS.WriteStream;
  /** Redraw at most this often; the last update is always drawn. */
  intervalMs?: number;
}

export class Progress {
  private last = 0;
  private shown = false;
  private readonly unit: string;
  private readonly stream: NodeJS.WriteStream;
  private readonly intervalMs: number;

  constructor(
    private label: string,
    opts: ProgressOptions = {},
  ) {
    this.unit = opts.unit ?? 'files';
    this.stream = opts.stream ?? process.stderr;
    this.intervalMs = opts.intervalMs ?? 100;
  }

  /** `current`: the item just finished, shown after the count. */
  update(done: number, total: number, current?: string): void {
    const now = Date.now();
    if (done < total && now - this.last < this.intervalMs) return;
    this.last = now;
    const pct = total ? Math.floor((done * 100) / total) : 100;
    this.stream.write(`\r\x1b[K${this.label} ${done}/${total} ${this.unit} (${pct}%)${current ? `: ${current}` : ''}`);
    this.shown = true;
  }

  /** Erases the line so the report starts on a clean one. */
  done(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
