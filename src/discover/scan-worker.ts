/**
 * Parsing in worker threads. tree-sitter parses one file at a time per thread, and a kernel
 * tree has enough candidate files to keep every core busy; the main thread meanwhile keeps
 * reading and prefiltering files.
 *
 * A worker imports this module (startWorker: the built JavaScript, or this file through tsx),
 * which notices it runs in a worker and serves requests.
 */
import { isMainThread, parentPort, workerData, type Worker } from 'node:worker_threads';
import { startWorker } from '../runtime.ts';
import { extractFacts, type SourceFacts } from './facts.ts';

export type ParseOutcome = { facts: SourceFacts } | { error: string };

interface Request {
  id: number;
  file: string;
  text: string;
}

interface Reply {
  id: number;
  outcome: ParseOutcome;
}

/** Facts of one file, never throwing: a failure becomes an outcome the caller reports. */
export function parseFile(file: string, text: string): ParseOutcome {
  try {
    return { facts: extractFacts(file, text) };
  } catch (err) {
    return { error: (err as Error)?.message ?? String(err) };
  }
}

const WORKER_MARK = 'lkm2mod-scan-worker';

if (!isMainThread && workerData === WORKER_MARK && parentPort) {
  const port = parentPort;
  port.on('message', (batch: Request[]) => {
    port.postMessage(batch.map((r): Reply => ({ id: r.id, outcome: parseFile(r.file, r.text) })));
  });
}

/** A fixed set of parse workers fed in small batches, least-loaded first. */
export class ParsePool {
  private workers: { worker: Worker; pending: number }[] = [];
  private waiting = new Map<number, (o: ParseOutcome) => void>();
  private nextId = 0;
  private queue: Request[] = [];
  private failed: Error | null = null;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      const worker = startWorker(import.meta.url, { workerData: WORKER_MARK });
      const slot = { worker, pending: 0 };
      worker.on('message', (replies: Reply[]) => {
        slot.pending -= replies.length;
        for (const r of replies) {
          this.waiting.get(r.id)?.(r.outcome);
          this.waiting.delete(r.id);
        }
      });
      worker.on('error', (err) => this.fail(err));
      worker.on('exit', (code) => {
        if (code !== 0) this.fail(new Error(`a parse worker exited with code ${code}`));
      });
      this.workers.push(slot);
    }
  }

  /** Parses `text` in a worker. Batching happens in flush(): callers flush after queueing. */
  parse(file: string, text: string): Promise<ParseOutcome> {
    const id = this.nextId++;
    const p = new Promise<ParseOutcome>((resolve) => this.waiting.set(id, resolve));
    if (this.failed) return Promise.resolve({ error: this.failed.message });
    this.queue.push({ id, file, text });
    if (this.queue.length >= 8) this.flush();
    return p;
  }

  flush(): void {
    if (!this.queue.length) return;
    const slot = this.workers.reduce((a, b) => (b.pending < a.pending ? b : a));
    slot.pending += this.queue.length;
    slot.worker.postMessage(this.queue);
    this.queue = [];
  }

  private fail(err: Error): void {
    this.failed = err;
    // Whatever was in flight is answered with the failure rather than left hanging.
    for (const [id, resolve] of this.waiting) {
      resolve({ error: `parse worker failed: ${err.message}` });
      this.waiting.delete(id);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.worker.terminate()));
  }
}
