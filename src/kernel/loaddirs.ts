/**
 * Loading module directories into a fresh kernel, as `lkm2mod kernel load` does: compile each,
 * load it (module(9) modules through module_load with their requisites found among the
 * directories and their siblings; LKMs through the old loader, in the order given), and report
 * what the kernel looks like afterwards and what changed since boot.
 */
import path from 'node:path';
import { Kernel, type ModStat } from './kernel.ts';
import { DirectorySource, readModuleDir, type ModuleDir } from './moddir.ts';
import { diffSnapshots, snapshot } from './state.ts';
import type { LkmStat } from './lkm/loader.ts';

export interface LoadDirsOptions {
  lkm?: boolean;
  arch?: string;
  /** The kernel's memory in bytes (default 64 MB). */
  memory?: number;
}

export interface DirOutcome {
  dir: string;
  /** KMOD or directory name. */
  name: string;
  ok: boolean;
  /** `0`, or the errno's name (`ENOEXEC`) … */
  errno: string;
  message: string;
}

export interface LoadDirsReport {
  mode: 'module' | 'lkm';
  outcomes: DirOutcome[];
  modules: ModStat[];
  lkms: LkmStat[];
  /** What changed from boot, one line each (diffSnapshots). */
  changes: string[];
  console: string[];
}

/** Thrown for arguments that are not module directories at all (a usage error). */
export class NotAModuleDir extends Error {}

export async function loadModuleDirs(dirs: string[], opts: LoadDirsOptions = {}): Promise<LoadDirsReport> {
  const mode = opts.lkm ? 'lkm' : 'module';
  const unique = [...new Map(dirs.map((d) => [path.resolve(d), d])).values()];
  const mds: ModuleDir[] = unique.map((d) => {
    const md = readModuleDir(d);
    if (!md) throw new NotAModuleDir(`${d}: not a module directory (no Makefile with SRCS, no .c files)`);
    return md;
  });
  const source = new DirectorySource(mds, { mode, arch: opts.arch });
  const k = Kernel.boot({ source, era: mode, memory: opts.memory });
  const boot = snapshot(k);
  const outcomes: DirOutcome[] = [];

  for (const md of mds) {
    const base = { dir: md.dir, name: md.name };
    let object;
    try {
      object = source.objectOf(md);
    } catch (err) {
      if (!(err instanceof Error) || err instanceof TypeError) throw err;
      const missing = md.missing.length ? ` (the Makefile names ${md.missing.join(', ')}, which ${md.missing.length > 1 ? 'are' : 'is'} not in the tree)` : '';
      outcomes.push({ ...base, ok: false, errno: 'ENOEXEC', message: `${err.message}${missing}` });
      continue;
    }
    const note = md.missing.length ? ` (the Makefile also names ${md.missing.join(', ')}, which ${md.missing.length > 1 ? 'are' : 'is'} not in the tree: generated at build time?)` : '';
    if (mode === 'lkm') {
      const r = await k.lkmLoad(object, { name: md.name });
      outcomes.push({ ...base, ok: r.error === 0, errno: r.errno, message: r.error ? r.message + note : r.message });
      continue;
    }
    const r = await k.load(object);
    // Loaded earlier as another directory's requisite: that is this directory's module, loaded.
    const already = r.errno === 'EEXIST' && k.modules.list.some((m) => m.kobj?.object.origin === md.dir);
    outcomes.push({ ...base, ok: r.error === 0 || already, errno: already ? '0' : r.errno, message: already ? 'already loaded as a requisite' : r.error ? r.message + note : r.message });
  }

  return {
    mode,
    outcomes,
    modules: k.modstat(),
    lkms: k.lkm.list.map((l) => k.lkm.describe(l)),
    changes: diffSnapshots(boot, snapshot(k)),
    console: k.console,
  };
}

/** `kernfs` for /x/sys/modules/kernfs, relative to cwd when under it. */
export function displayPath(p: string, cwd = process.cwd()): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith('..') ? rel : p;
}
