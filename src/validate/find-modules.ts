/**
 * module(9) modules already in a tree (converted earlier, or written by hand): a Makefile with
 * KMOD whose sources hold MODULE(), or — for a directory without a Makefile — the .c files of
 * a directory where one of them does. Discovery looks for LKMs only; this finds the rest.
 */
import fs from 'node:fs';
import path from 'node:path';
import { readModuleDir, type ModuleDir } from '../kernel/moddir.ts';
import { walkPaths } from '../source/files.ts';

export interface FoundModule {
  moduleDir: ModuleDir;
  /** The name MODULE() gives (the modinfo name). */
  infoName: string;
  /** MODULE_CLASS_<X> as modstat prints it: vfs, driver, misc, exec, secmodel. */
  moduleClass: string;
  /** MODULE()'s required list when it is a string literal (a macro is only known once compiled). */
  required: string[];
}

/** MODULE(MODULE_CLASS_VFS, kernfs, NULL) at the start of a line, outside comments. */
const MODULE_DECL = /^[ \t]*MODULE[ \t]*\([ \t]*MODULE_CLASS_([A-Z]+)[ \t]*,[ \t]*([A-Za-z_][A-Za-z0-9_]*)[ \t]*,[ \t]*("[^"\n]*")?/m;

export function findModuleDecl(text: string): { moduleClass: string; name: string; required: string[] } | null {
  const m = MODULE_DECL.exec(stripComments(text));
  if (!m) return null;
  const required = m[3] ? m[3].slice(1, -1).split(',').map((x) => x.trim()).filter(Boolean) : [];
  return { moduleClass: m[1]!.toLowerCase(), name: m[2]!, required };
}

export function findModules(paths: string[]): FoundModule[] {
  const walk = walkPaths(paths);
  const found: FoundModule[] = [];
  const claimed = new Set<string>();
  const declOf = memo((file: string) => {
    try {
      return findModuleDecl(fs.readFileSync(file, 'latin1'));
    } catch {
      return null;
    }
  });

  for (const makefile of walk.makefiles) {
    let text: string;
    try {
      text = fs.readFileSync(makefile, 'latin1');
    } catch {
      continue; // discovery reports unreadable files
    }
    if (!/\bKMOD\b/.test(text)) continue;
    const md = readModuleDir(path.dirname(makefile));
    if (!md) continue;
    const decl = md.sources.map(declOf).find((d) => d !== null);
    md.sources.forEach((s) => claimed.add(s));
    if (decl) found.push({ moduleDir: md, infoName: decl.name, moduleClass: decl.moduleClass, required: decl.required });
  }

  // Sources no Makefile builds: a directory of .c files, as `lkm2mod kernel load` reads one.
  const dirs = new Set<string>();
  for (const f of walk.cFiles) {
    if (claimed.has(f) || !declOf(f)) continue;
    const dir = path.dirname(f);
    if (!walk.makefiles.some((m) => path.dirname(m) === dir)) dirs.add(dir);
  }
  for (const dir of dirs) {
    const md = readModuleDir(dir);
    if (!md) continue;
    const decl = md.sources.map(declOf).find((d) => d !== null)!;
    found.push({ moduleDir: md, infoName: decl.name, moduleClass: decl.moduleClass, required: decl.required });
  }
  return found.sort((a, b) => a.moduleDir.dir.localeCompare(b.moduleDir.dir));
}

function stripComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/\/\/[^\n]*/g, '');
}

function memo<K, V>(fn: (k: K) => V): (k: K) => V {
  const cache = new Map<K, V>();
  return (k) => {
    if (!cache.has(k)) cache.set(k, fn(k));
    return cache.get(k)!;
  };
}
