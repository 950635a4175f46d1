/**
 * Module directories: what `lkm2mod kernel load sys/modules/kernfs` compiles. The Makefile says
 * what make(1) would build (KMOD, SRCS through .PATH, CPPFLAGS); a directory without one is
 * taken to be its .c files. A DirectorySource serves modules by name from a set of such
 * directories and their siblings, compiling each on first use, so requisites are found the
 * way the module_base directory would hold them.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Machine } from '../source/make-env.ts';
import { parseMakefile, resolveSources } from '../source/makefile.ts';
import { compileModule, type CompileOptions } from './cc/compile.ts';
import type { ModuleObject } from './object.ts';
import type { ModuleSource } from './source.ts';

export interface ModuleDir {
  dir: string;
  /** KMOD, or the directory's name. */
  name: string;
  makefile: string | null;
  sources: string[];
  /** SRCS the Makefile names that are not there (generated at build time, or missing). */
  missing: string[];
  defines: Record<string, string>;
  undefines: string[];
  includeDirs: string[];
  /** Makefile problems worth telling the user (file:line: message). */
  problems: string[];
}

/** Read a module directory; null if it is not one (no Makefile with SRCS and no .c files). */
export function readModuleDir(dir: string, opts: { machine?: Machine } = {}): ModuleDir | null {
  const abs = path.resolve(dir);
  const makefile = path.join(abs, 'Makefile');
  if (fs.existsSync(makefile)) {
    const info = parseMakefile(makefile, opts.machine ? { machine: opts.machine } : {});
    if (info.srcs.length > 0 || info.kmod) {
      const { found, missing } = resolveSources(info, abs);
      const flags = cppflags(info.cppflags, abs);
      return {
        dir: abs,
        name: info.kmod ?? path.basename(abs),
        makefile,
        sources: found.filter((f) => f.endsWith('.c')),
        missing,
        ...flags,
        problems: info.problems.filter((p) => p.severity === 'error').map((p) => `${p.file}:${p.line}: ${p.message}`),
      };
    }
  }
  let entries: string[];
  try {
    entries = fs.readdirSync(abs);
  } catch {
    return null;
  }
  const sources = entries.filter((e) => e.endsWith('.c')).sort().map((e) => path.join(abs, e));
  if (!sources.length) return null;
  return { dir: abs, name: path.basename(abs), makefile: null, sources, missing: [], defines: {}, undefines: [], includeDirs: [], problems: [] };
}

/** -D, -U and -I of CPPFLAGS; -I paths relative to the module directory. */
function cppflags(words: string[], dir: string): Pick<ModuleDir, 'defines' | 'undefines' | 'includeDirs'> {
  const defines: Record<string, string> = {};
  const undefines: string[] = [];
  const includeDirs: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const value = (flag: string): string | undefined => (w === flag ? words[++i] : w.slice(flag.length));
    if (w.startsWith('-D')) {
      const d = value('-D');
      if (!d) continue;
      const eq = d.indexOf('=');
      if (eq < 0) defines[d] = '1';
      else defines[d.slice(0, eq)] = d.slice(eq + 1);
    } else if (w.startsWith('-U')) {
      const u = value('-U');
      if (u) undefines.push(u);
    } else if (w.startsWith('-I')) {
      const inc = value('-I');
      if (inc) includeDirs.push(path.resolve(dir, inc));
    }
  }
  return { defines, undefines, includeDirs };
}

export interface CompileDirOptions {
  mode: 'module' | 'lkm';
  arch?: string;
}

/** Compile a module directory into an object (throws the compiler's error on failure). */
export function compileModuleDir(md: ModuleDir, opts: CompileDirOptions): ModuleObject {
  if (md.sources.length === 0) {
    throw new Error(`${md.makefile ?? md.dir}: no C sources to compile${md.missing.length ? ` (missing: ${md.missing.join(', ')})` : ''}`);
  }
  const copts: CompileOptions = {
    mode: opts.mode,
    arch: opts.arch,
    origin: md.dir,
    defines: md.defines,
    undefines: md.undefines,
    includeDirs: [md.dir, ...md.includeDirs],
  };
  return compileModule(md.sources, copts);
}

/**
 * Modules by name from directories: the ones given, then their siblings (sys/modules/nullfs
 * finds sys/modules/layerfs). A name matches a directory's KMOD or its base name.
 */
export class DirectorySource implements ModuleSource {
  private readonly dirs = new Map<string, ModuleDir>();
  private readonly compiled = new Map<string, ModuleObject>();
  private readonly parents = new Set<string>();

  constructor(
    dirs: ModuleDir[],
    private readonly opts: CompileDirOptions,
  ) {
    for (const d of dirs) {
      this.dirs.set(d.name, d);
      this.parents.add(path.dirname(d.dir));
    }
  }

  find(name: string): ModuleDir | undefined {
    const known = this.dirs.get(name);
    if (known) return known;
    for (const parent of this.parents) {
      const md = readModuleDir(path.join(parent, name));
      if (md) {
        this.dirs.set(name, md);
        return md;
      }
    }
    return undefined;
  }

  /** The compiled object of a directory (cached: each is compiled once per run). */
  objectOf(md: ModuleDir): ModuleObject {
    let o = this.compiled.get(md.dir);
    if (!o) this.compiled.set(md.dir, (o = compileModuleDir(md, this.opts)));
    return o;
  }

  open(name: string): ModuleObject | undefined {
    const md = this.find(name);
    return md ? this.objectOf(md) : undefined;
  }

  describe(name: string): string {
    const where = [...this.parents].map((p) => path.join(p, name)).join(', ');
    return `no module directory ${where}`;
  }
}
