/**
 * Where `#include` looks, in the order a kernel build uses: the module's own folder, then — when
 * the module lives in a kernel source tree — that tree (`$S`, and `$S/arch/<arch>/include` as
 * `machine/`), whose headers win because the module was written against them; the bundled
 * headers last, filling in what the tree lacks.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { sourcePath } from '../../../runtime.ts';

/** The simulated kernel's own headers. */
export const BUNDLED_INCLUDE = sourcePath(import.meta.url, '../../include');

/** One directory on the search path; `machine` maps `<machine/x.h>` to `<dir>/x.h`. */
export interface IncludeDir {
  dir: string;
  machine?: boolean;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

const KERNEL_SUBDIRS = ['kern', 'sys', 'lkm', 'miscfs', 'dev', 'compat', 'arch', 'modules'];

function looksLikeKernelSys(dir: string): boolean {
  return KERNEL_SUBDIRS.filter((d) => isDir(join(dir, d))).length >= 2;
}

/**
 * `$S` for a module directory: walking up, the first directory that is a kernel `sys/` (named
 * `sys`, with kernel subdirectories such as kern/, lkm/, miscfs/) or that has one. Undefined
 * outside a kernel tree.
 */
export function findKernelTree(from: string): string | undefined {
  let dir = resolve(from);
  for (;;) {
    if (dir.endsWith('/sys') && looksLikeKernelSys(dir)) return dir;
    if (isDir(join(dir, 'sys')) && looksLikeKernelSys(join(dir, 'sys'))) return join(dir, 'sys');
    const up = dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
}

export function searchPath(opts: {
  moduleDirs: string[];
  includeDirs?: string[];
  kernelTree?: string;
  arch: string;
}): IncludeDir[] {
  const dirs: IncludeDir[] = [];
  const add = (d: IncludeDir) => {
    if (isDir(d.dir) && !dirs.some((x) => x.dir === d.dir && !!x.machine === !!d.machine)) dirs.push(d);
  };
  for (const d of opts.moduleDirs) add({ dir: resolve(d) });
  for (const d of opts.includeDirs ?? []) add({ dir: resolve(d) });
  if (opts.kernelTree) {
    const S = resolve(opts.kernelTree);
    add({ dir: S });
    add({ dir: join(S, 'arch', opts.arch, 'include'), machine: true });
  }
  add({ dir: BUNDLED_INCLUDE });
  return dirs;
}

/** Resolve an include name against the search path; `from` is the index to start at (#include_next). */
export function findInclude(name: string, dirs: IncludeDir[], from = 0): { path: string; index: number } | undefined {
  for (let i = from; i < dirs.length; i++) {
    const d = dirs[i];
    let p: string;
    if (d.machine) {
      if (!name.startsWith('machine/')) continue;
      p = join(d.dir, name.slice('machine/'.length));
    } else p = join(d.dir, name);
    if (existsSync(p) && !isDir(p)) return { path: p, index: i };
  }
  return undefined;
}
