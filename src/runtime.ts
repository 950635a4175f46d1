/**
 * How this process runs lkm2mod. Installed, it runs the JavaScript that `npm ci` built into
 * dist/ (tsc, through the prepare script); in development and tests it runs the TypeScript in
 * src/ through tsx. Two things differ between the two and are answered here: where the files
 * shipped beside the sources are (the bundled kernel headers, the rule API's TypeScript that a
 * rule pack is type-checked against), and how a worker thread or process runs a module.
 */
import type { ForkOptions } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

const HERE = fileURLToPath(import.meta.url);
/** The folder holding package.json and src/ (and, once built, dist/). */
export const PACKAGE_ROOT = path.resolve(path.dirname(HERE), HERE.endsWith('.ts') ? '..' : '../..');
const BUILD_DIR = path.join(PACKAGE_ROOT, 'dist');

const fromSource = (moduleUrl: string) => moduleUrl.endsWith('.ts');

/**
 * `rel` resolved against the module at `moduleUrl`, in the source tree: a module running from
 * dist/src/x/ finds what sits beside src/x/ in the sources, which the package ships.
 */
export function sourcePath(moduleUrl: string, rel: string): string {
  const file = path.resolve(path.dirname(fileURLToPath(moduleUrl)), rel);
  return fromSource(moduleUrl) ? file : path.join(PACKAGE_ROOT, path.relative(BUILD_DIR, file));
}

/** The URL of a sibling module, `./name` without extension, as this process runs it (.ts or .js). */
export function siblingModule(moduleUrl: string, name: string): string {
  return new URL(`${name}${fromSource(moduleUrl) ? '.ts' : '.js'}`, moduleUrl).href;
}

/** A worker thread running the module at `moduleUrl`: directly when built, through tsx's loader from source. */
export function startWorker(moduleUrl: string, options: WorkerOptions): Worker {
  if (!fromSource(moduleUrl)) return new Worker(new URL(moduleUrl), options);
  // A worker does not inherit the loader tsx registered in this thread: it registers its own first.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(moduleUrl)}); });`;
  return new Worker(bootstrap, { ...options, eval: true });
}

/** The node options of a child process that runs the module at `moduleUrl` (fork). */
export function forkExecArgv(moduleUrl: string): NonNullable<ForkOptions['execArgv']> {
  return fromSource(moduleUrl) ? ['--import', import.meta.resolve('tsx')] : [];
}
