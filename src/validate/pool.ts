/**
 * Validating modules in parallel. Modules are independent: each worker gets the job once (the
 * catalog of modules and the overlay's paths — plain data), compiles what it needs itself, and
 * is handed a batch of related modules at a time, so a slow module does not hold up the others
 * and a module and its requisites are compiled by one worker, not by every one.
 *
 * A worker costs seconds before it is useful (loading lkm2mod through tsx, reading the bundled
 * headers), so the pool is started early — while the main thread discovers and converts — and
 * warms up meanwhile; and the main thread is one of the N validators, not an idle dispatcher.
 *
 * Workers are threads by default; child processes are the alternative (bench/validate.bench.ts
 * measures both). lkm2mod has no build step, so either kind first registers tsx and then
 * imports this file, which notices it is a worker and serves requests.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { kernelTypes } from '../kernel/cc/kernel-types.ts';
import { forkExecArgv, startWorker } from '../runtime.ts';
import { Catalog } from './catalog.ts';
import type { ModuleResult } from './result.ts';
import { validateModule } from './run-module.ts';
import type { ValidationJob } from './spec.ts';

export type WorkerKind = 'thread' | 'process';

type Message = { job: ValidationJob } | { index: number };
type Reply = { index: number; result: ModuleResult } | { index: number; error: string };

const MARK = 'lkm2mod-validate-worker';

/** The worker side: warm up now, take the job when it comes, then validate modules by index. */
function serve(post: (r: Reply) => void): (msg: Message) => void {
  // Reading the bundled headers is the slow part of a cold start: do it while the main thread converts.
  kernelTypes();
  let validator: ((index: number) => Promise<Reply>) | null = null;
  let chain = Promise.resolve();
  return (msg) => {
    if ('job' in msg) {
      validator = inlineValidator(msg.job);
      return;
    }
    chain = chain.then(async () => post(await validator!(msg.index)));
  };
}

function inlineValidator(job: ValidationJob, catalog = new Catalog(job.catalog, job.settings)): (index: number) => Promise<Reply> {
  return async (index) => {
    try {
      const result = await validateModule(job.targets[index]!, catalog, job.settings, job.overlay);
      catalog.forgetLkms();
      return { index, result };
    } catch (err) {
      return { index, error: (err as Error)?.stack ?? String(err) };
    }
  };
}

if (!isMainThread && parentPort && workerData === MARK) {
  const port = parentPort;
  port.on('message', serve((r) => port.postMessage(r)));
} else if (isMainThread && process.env.LKM2MOD_VALIDATE_WORKER === MARK && process.send) {
  process.on('message', serve((r) => process.send!(r)));
}

interface Channel {
  send(msg: Message): void;
  onMessage(fn: (r: Reply) => void): void;
  onFailure(fn: (err: Error) => void): void;
  close(): Promise<void>;
}

export class ValidatePool {
  private readonly workers: Channel[] = [];

  /** `size` validators in all: the main thread and size - 1 workers, started now. */
  constructor(
    readonly size: number,
    kind: WorkerKind,
  ) {
    for (let i = 1; i < size; i++) this.workers.push(kind === 'thread' ? thread() : child());
  }

  /**
   * Validate every target; `progress` is told of each result as it arrives. The main thread
   * validates with `catalog`; once no batch is left for it, it compiles into that catalog the
   * objects of the modules the workers validated (`prepare`), which the all-together load needs
   * next, instead of waiting idle.
   */
  run(job: ValidationJob, progress: (r: ModuleResult) => void, catalog: Catalog, prepare?: (index: number) => void): Promise<ModuleResult[]> {
    const main = inline(job, catalog);
    const channels = [main, ...this.workers];
    for (const w of this.workers) w.send({ job });
    const results: ModuleResult[] = new Array(job.targets.length);
    const batches = relatedBatches(job.targets.map((t) => ({ name: t.name, related: t.related })));
    const workersDid: number[] = [];
    let finished = 0;
    let preparing = false;
    return new Promise((resolve, reject) => {
      if (results.length === 0) resolve(results);
      // Per channel, the modules of each batch it holds not yet answered.
      const held = new Map<Channel, number[]>(channels.map((ch) => [ch, []]));
      // A worker holds its next batch before it finishes the one it is on: the main thread,
      // busy validating, reads the workers' replies only between modules.
      const feed = (ch: Channel) => {
        const queue = held.get(ch)!;
        while (queue.length < (ch === main ? 1 : 2) && batches.length) {
          const batch = batches.shift()!;
          queue.push(batch.length);
          if (ch !== main) workersDid.push(...batch);
          for (const index of batch) ch.send({ index });
        }
        if (ch === main && queue.length === 0 && prepare && !preparing) {
          preparing = true;
          idle(workersDid, prepare);
        }
      };
      for (const ch of channels) {
        ch.onMessage((reply) => {
          if ('error' in reply) {
            reject(new Error(`validating ${job.targets[reply.index]!.name} failed in a worker: ${reply.error}`));
            return;
          }
          results[reply.index] = reply.result;
          progress(reply.result);
          if (++finished === results.length) resolve(results);
          const queue = held.get(ch)!;
          if (--queue[0]! === 0) queue.shift();
          feed(ch);
        });
        ch.onFailure(reject);
        feed(ch);
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((c) => c.close()));
  }
}

/**
 * Indices of the targets, grouped so that modules related by a required list are in one
 * batch; the biggest batches first, so the long ones start early.
 */
export function relatedBatches(targets: readonly { name: string; related: readonly string[] }[]): number[][] {
  const parent = targets.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const byName = new Map<string, number[]>();
  targets.forEach((t, i) => byName.set(t.name, [...(byName.get(t.name) ?? []), i]));
  targets.forEach((t, i) => {
    for (const r of t.related) for (const j of byName.get(r) ?? []) parent[find(i)] = find(j);
  });
  const groups = new Map<number, number[]>();
  targets.forEach((_, i) => groups.set(find(i), [...(groups.get(find(i)) ?? []), i]));
  return [...groups.values()].sort((a, b) => b.length - a.length || a[0]! - b[0]!);
}

/**
 * Work for the main thread once it has validated its share: `prepare` each index, one per turn
 * of the event loop so the workers' replies are still read.
 */
function idle(indices: number[], prepare: (index: number) => void): void {
  const next = () => {
    const index = indices.shift();
    if (index === undefined) return;
    prepare(index);
    setImmediate(next);
  };
  setImmediate(next);
}

/** The main thread as a validator: requests run one after another, between the workers' replies. */
function inline(job: ValidationJob, catalog: Catalog): Channel {
  const validate = inlineValidator(job, catalog);
  let listener: (r: Reply) => void = () => {};
  let chain = Promise.resolve();
  return {
    send: (msg) => {
      if ('index' in msg) chain = chain.then(async () => listener(await validate(msg.index)));
    },
    onMessage: (fn) => (listener = fn),
    onFailure: () => {},
    close: async () => {},
  };
}

function thread(): Channel {
  const w = startWorker(import.meta.url, { workerData: MARK });
  let closing = false;
  return {
    send: (msg) => w.postMessage(msg),
    onMessage: (fn) => w.on('message', fn),
    onFailure: (fn) => {
      w.on('error', fn);
      w.on('exit', (code) => {
        if (!closing && code !== 0) fn(new Error(`a validate worker thread exited with code ${code}`));
      });
    },
    close: async () => {
      closing = true;
      await w.terminate();
    },
  };
}

function child(): Channel {
  const p: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: forkExecArgv(import.meta.url),
    env: { ...process.env, LKM2MOD_VALIDATE_WORKER: MARK },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  let closing = false;
  return {
    send: (msg) => p.send(msg),
    onMessage: (fn) => p.on('message', (m) => fn(m as Reply)),
    onFailure: (fn) => {
      p.on('error', fn);
      p.on('exit', (code) => {
        if (!closing && code !== 0) fn(new Error(`a validate worker process exited with code ${code}`));
      });
    },
    close: async () => {
      closing = true;
      if (p.exitCode === null) {
        const gone = new Promise((r) => p.once('exit', r));
        p.kill();
        await gone;
      }
    },
  };
}
