/**
 * Where `#include` looks, in the order a kernel build uses: the module's own folder and its
 * Makefile's -I, then — when the module lives in a kernel source tree — that tree (`$S`), the
 * links the build makes in its object directory (`machine/` to `$S/arch/$MACHINE/include`, and
 * one per CPU family config(8)'s `machine` line names: `m68k/`, `x86/`, `powerpc/` ...), `$S/arch`;
 * the bundled headers after those, filling in what the tree lacks; last the headers config(8)
 * would have written (`opt_*.h`, `locators.h`, device counts), synthesised.
 */
import { existsSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { sourcePath } from '../../../runtime.ts';
import { configHeaders, type ConfigHeaders } from './config-headers.ts';
import { machineFamilies } from './machine-line.ts';

/** The simulated kernel's own headers. */
export const BUNDLED_INCLUDE = sourcePath(import.meta.url, '../../include');

/**
 * One place on the search path. `as` makes it a link of the build directory: `<as/x.h>` maps to
 * `<dir>/x.h` and nothing else is found there. `generated` is config(8)'s output, synthesised.
 */
export interface IncludeDir {
  dir: string;
  as?: string;
  generated?: ConfigHeaders;
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

/** The links a kernel build makes for `machine`: `machine/` and each family, with their targets. */
export function machineLinks(kernelTree: string, machine: string): { name: string; dir: string }[] {
  const S = resolve(kernelTree);
  const links = [{ name: 'machine', dir: join(S, 'arch', machine, 'include') }];
  for (const f of [machine, ...machineFamilies(S, machine)]) {
    if (!links.some((l) => l.name === f)) links.push({ name: f, dir: join(S, 'arch', f, 'include') });
  }
  return links.filter((l) => isDir(l.dir));
}

export function searchPath(opts: {
  moduleDirs: string[];
  includeDirs?: string[];
  kernelTree?: string;
  arch: string;
}): IncludeDir[] {
  const dirs: IncludeDir[] = [];
  const add = (d: IncludeDir) => {
    if (isDir(d.dir) && !dirs.some((x) => x.dir === d.dir && x.as === d.as)) dirs.push(d);
  };
  for (const d of opts.moduleDirs) add({ dir: resolve(d) });
  for (const d of opts.includeDirs ?? []) add({ dir: resolve(d) });
  if (opts.kernelTree) {
    const S = resolve(opts.kernelTree);
    add({ dir: S });
    for (const l of machineLinks(S, opts.arch)) add({ dir: l.dir, as: l.name });
    add({ dir: join(S, 'arch') });
  }
  add({ dir: BUNDLED_INCLUDE });
  if (opts.kernelTree) dirs.push({ dir: '<config>', generated: configHeaders(resolve(opts.kernelTree), opts.arch) });
  return dirs;
}

/** How a search-path entry reads in a message. */
export function describeDir(d: IncludeDir): string {
  if (d.generated) return 'headers config(8) generates';
  return d.as ? `${d.dir} (as ${d.as}/)` : d.dir;
}

/**
 * Where each name was found on a search path: every unit of a module includes the same headers,
 * and a header found in the last directory costs a file-system probe in each before it. A search
 * path lives for one compile, so nothing it learned can go stale.
 */
const found = new WeakMap<IncludeDir[], Map<string, { path: string; index: number } | undefined>>();

/** Resolve an include name against the search path; `from` is the index to start at (#include_next). */
export function findInclude(name: string, dirs: IncludeDir[], from = 0): { path: string; index: number } | undefined {
  let known = found.get(dirs);
  if (!known) found.set(dirs, (known = new Map()));
  const key = `${from}\0${name}`;
  if (known.has(key)) return known.get(key);
  const hit = probe(name, dirs, from);
  known.set(key, hit);
  return hit;
}

function probe(name: string, dirs: IncludeDir[], from: number): { path: string; index: number } | undefined {
  for (let i = from; i < dirs.length; i++) {
    const d = dirs[i]!;
    if (d.generated) {
      if (d.generated.has(name)) return { path: d.generated.pathOf(name), index: i };
      continue;
    }
    let p: string;
    if (d.as) {
      if (!name.startsWith(`${d.as}/`)) continue;
      p = join(d.dir, name.slice(d.as.length + 1));
    } else p = join(d.dir, name);
    if (existsSync(p) && !isDir(p)) return { path: p, index: i };
  }
  return undefined;
}
