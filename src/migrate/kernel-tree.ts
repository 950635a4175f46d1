/**
 * The rest of the kernel a module links against, for `required`: the tree the LKMs sit in (what
 * its conf/files builds for the machine, with the LKMs' own options off) and every --kernel-src
 * tree, with the module Makefiles they hold.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sourcePath } from '../runtime.ts';
import { walkPaths } from '../source/files.ts';
import { parseMakefile, resolveSources } from '../source/makefile.ts';
import type { Machine } from '../source/make-env.ts';
import { holds, kernelSources, readConfFiles } from './kernel-conf.ts';
import { moduleName } from './names.ts';
import type { ModulePlan } from '../discover/plan.ts';
import type { Provider } from './symbols.ts';

/** The kernel tree's `sys` directory above an LKM folder in `sys/lkm`, if it is one. */
export function sysDirOf(dir: string): string | null {
  const parts = dir.split(path.sep);
  const at = parts.lastIndexOf('lkm');
  return at > 0 ? parts.slice(0, at).join(path.sep) : null;
}

interface KernelTree {
  /** Every C file of the kernel trees the modules sit in, and of --kernel-src trees. */
  cFiles: string[];
  /** Modules of the kernel trees (Makefiles with KMOD), with the Makefile that builds each. */
  providers: Array<Provider & { makefile: string }>;
}

/**
 * The rest of the kernel: in a full tree, the `sys` directory a module's `sys/lkm` folder sits
 * in; plus every --kernel-src tree. Their module Makefiles (KMOD=, in sys/lkm or sys/modules)
 * are providers in their own right, so converting one LKM of a tree still finds the modules of
 * that tree it depends on.
 */
export function kernelTree(plans: ModulePlan[], kernelSrc: string[], machine: Machine): KernelTree {
  const roots = new Set<string>();
  for (const p of plans) {
    const sys = sysDirOf(p.dir);
    if (sys) roots.add(sys);
  }
  for (const k of kernelSrc) roots.add(path.resolve(k));
  const existing = [...roots].filter((r) => existsSync(r));
  if (existing.length === 0) return { cFiles: [], providers: [] };
  const walked = walkPaths(existing);
  const providers: KernelTree['providers'] = [];
  for (const mf of walked.makefiles) {
    let text: string;
    try {
      text = readFileSync(mf, 'utf8');
    } catch {
      continue;
    }
    if (!/^\s*KMOD\s*[?:]?=/m.test(text)) continue;
    const info = parseMakefile(mf, { text, machine });
    if (!info.kmod) continue;
    const { found } = resolveSources(info, path.dirname(mf));
    const files = found.filter((f) => f.endsWith('.c'));
    if (files.length) providers.push({ module: moduleName(info.kmod, null).name, files, makefile: mf });
  }
  return { cFiles: walked.cFiles, providers };
}

/**
 * The files the kernel proper is built from, for `required`: in a tree with config files, what
 * its conf/files build for the machine with the LKMs' own options off (kernel-conf.ts); else
 * every C file of the tree. --kernel-src trees count whole. `always`: those of them every
 * kernel of the machine builds, whatever its options (what a module may take for the kernel's).
 */
export function kernelBuilt(cFiles: string[], plans: ModulePlan[], kernelSrc: string[], machine: Machine): { files: string[]; configured: string[]; always: string[] } {
  const lkmFiles = new Set(plans.flatMap((p) => p.files));
  const extra = kernelSrc.map((k) => path.resolve(k) + path.sep);
  const bySys = new Map<string, Set<string> | null>();
  // What every kernel of the machine builds: conf/files and files.<machine> lines under no option.
  const always = new Set<string>();
  for (const p of plans) {
    const sys = sysDirOf(p.dir);
    if (!sys || bySys.has(sys)) continue;
    const conf = readConfFiles(sys, machine.machine);
    bySys.set(sys, conf ? kernelSources(conf, lkmFiles).off : null);
    for (const c of conf ?? []) if (!lkmFiles.has(c.file) && holds(c.expr, () => false)) always.add(c.file);
  }
  // Files conf/files does not list (libkern, libcompat, generated ones) are linked some other
  // way: they count as the kernel's.
  const files = cFiles.filter((f) => {
    if (extra.some((k) => f.startsWith(k))) return true;
    for (const [sys, off] of bySys) if (off && f.startsWith(sys + path.sep)) return !off.has(f);
    return true;
  });
  return { files, configured: [...bySys].filter(([, b]) => b !== null).map(([sys]) => sys), always: files.filter((f) => always.has(f)) };
}

/** The simulated kernel's bundled headers: their macros are no symbols. */
export const BUNDLED_INCLUDE = sourcePath(import.meta.url, '../kernel/include');

/** Edits become file changes, laid out where the modules now live. */
