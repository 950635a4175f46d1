/**
 * A one-line progress counter on stderr, redrawn in place. Only for a person at a terminal:
 * callers create it when stderr is a TTY and the output is not meant for a program.
 */
export class Progress {
  private last = 0;
  private shown = false;

  constructor(
    private label: string,
    private stream: NodeJS.WriteStream = process.stderr,
    private intervalMs = 100,
  ) {}

  update(done: number, total: number): void {
    const now = Date.now();
    if (done < total && now - this.last < this.intervalMs) return;
    this.last = now;
    const pct = total ? Math.floor((done * 100) / total) : 100;
    this.stream.write(`\r\x1b[K${this.label} ${done}/${total} files (${pct}%)`);
    this.shown = true;
  }

  /** Erases the line so the report starts on a clean one. */
  done(): void {
    if (this.shown) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
