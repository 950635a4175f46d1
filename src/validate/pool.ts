/**
 * Validating modules in parallel. Modules are independent: each worker gets the job once (the
 * catalog of modules and the overlay's paths — plain data), compiles what it needs itself, and
 * is handed one module at a time, so a slow module does not hold up a queue behind it.
 *
 * Workers are threads by default; child processes are the alternative (bench/validate.bench.ts
 * measures both). lkm2mod has no build step, so either kind first registers tsx and then
 * imports this file, which notices it is a worker and serves requests.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { Catalog } from './catalog.ts';
import type { ModuleResult } from './result.ts';
import { validateModule } from './run-module.ts';
import type { ValidationJob } from './spec.ts';

export type WorkerKind = 'thread' | 'process';

type Request = { index: number };
type Reply = { index: number; result: ModuleResult } | { index: number; error: string };

const MARK = 'lkm2mod-validate-worker';

/** The worker side: set up from the job, then validate modules by index as asked. */
function serve(job: ValidationJob, post: (r: Reply) => void): (req: Request) => void {
  const catalog = new Catalog(job.catalog);
  let chain = Promise.resolve();
  return (req) => {
    chain = chain.then(async () => {
      try {
        post({ index: req.index, result: await validateModule(job.targets[req.index]!, catalog, job.settings, job.overlay) });
      } catch (err) {
        post({ index: req.index, error: (err as Error)?.stack ?? String(err) });
      }
    });
  };
}

if (!isMainThread && parentPort && (workerData as { mark?: string } | null)?.mark === MARK) {
  const port = parentPort;
  const handle = serve((workerData as { job: ValidationJob }).job, (r) => port.postMessage(r));
  port.on('message', handle);
} else if (isMainThread && process.env.LKM2MOD_VALIDATE_WORKER === MARK && process.send) {
  let handle: ((r: Request) => void) | null = null;
  process.on('message', (msg: { job: ValidationJob } | Request) => {
    if ('job' in msg) handle = serve(msg.job, (r) => process.send!(r));
    else handle?.(msg);
  });
}

interface Channel {
  send(msg: unknown): void;
  onMessage(fn: (r: Reply) => void): void;
  onFailure(fn: (err: Error) => void): void;
  close(): Promise<void>;
}

export class ValidatePool {
  private readonly channels: Channel[] = [];

  constructor(
    private readonly job: ValidationJob,
    size: number,
    kind: WorkerKind,
  ) {
    for (let i = 0; i < size; i++) this.channels.push(kind === 'thread' ? thread(job) : child(job));
  }

  /**
   * Validate every target; `progress` is told of each result as it arrives. Related modules
   * (one requires another) go to the same worker as one batch: each worker compiles a module
   * once, and a module and its requisites are compiled by one worker, not by all of them.
   */
  run(progress: (r: ModuleResult) => void): Promise<ModuleResult[]> {
    const results: ModuleResult[] = new Array(this.job.targets.length);
    const batches = relatedBatches(this.job.targets.map((t) => ({ name: t.name, related: t.related })));
    let finished = 0;
    return new Promise((resolve, reject) => {
      const outstanding = new Map<Channel, number>();
      const feed = (ch: Channel) => {
        const batch = batches.shift();
        if (!batch) return;
        outstanding.set(ch, batch.length);
        for (const index of batch) ch.send({ index } satisfies Request);
      };
      for (const ch of this.channels) {
        ch.onMessage((reply) => {
          if ('error' in reply) {
            reject(new Error(`validating ${this.job.targets[reply.index]!.name} failed in a worker: ${reply.error}`));
            return;
          }
          results[reply.index] = reply.result;
          progress(reply.result);
          if (++finished === results.length) resolve(results);
          const left = outstanding.get(ch)! - 1;
          outstanding.set(ch, left);
          if (left === 0) feed(ch);
        });
        ch.onFailure(reject);
        feed(ch);
      }
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.channels.map((c) => c.close()));
  }
}

function thread(job: ValidationJob): Channel {
  const tsx = import.meta.resolve('tsx/esm/api');
  const self = import.meta.url;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(self)}); });`;
  const w = new Worker(bootstrap, { eval: true, workerData: { mark: MARK, job } });
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

function child(job: ValidationJob): Channel {
  const p: ChildProcess = fork(fileURLToPath(import.meta.url), [], {
    execArgv: ['--import', import.meta.resolve('tsx')],
    env: { ...process.env, LKM2MOD_VALIDATE_WORKER: MARK },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    serialization: 'advanced',
  });
  p.send({ job });
  let closing = false;
  return {
    send: (msg) => p.send(msg as object),
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
