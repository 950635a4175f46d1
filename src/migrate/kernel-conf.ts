/**
 * What a tree builds into a kernel, from its config(8) files: `conf/files` and the machine's
 * `arch/<machine>/conf/files.<machine>`, with the files they `include`. A `file PATH expr` line
 * is in the kernel when its option expression holds; the options the tree's LKMs stand for (the
 * ones their own sources are listed under: `nullfs`, `compat_linux`) are off — a kernel that
 * loads the module must not carry the code too — and every other option is taken as on, since
 * some kernel configuration may set it. A symbol of a converted module resolves to this kernel
 * or to a module it requires.
 */
import path from 'node:path';
import { configLines } from '../source/config-file.ts';

export interface ConfFile {
  /** Absolute path of the source. */
  file: string;
  /** Option expression tokens (`nullfs`, `|`, `overlay`), empty when always built. */
  expr: string[];
}

/** Every `file` line of the tree's config files for the machine, or null when it has none. */
export function readConfFiles(sysDir: string, machine: string): ConfFile[] | null {
  const seen = new Set<string>();
  const files = configLines(sysDir, 'conf/files', seen);
  if (!files) return null;
  const lines = [...files, ...(configLines(sysDir, path.join('arch', machine, 'conf', `files.${machine}`), seen) ?? [])];
  const out: ConfFile[] = [];
  for (const words of lines) {
    if (words[0] !== 'file' || !words[1]) continue;
    const expr: string[] = [];
    for (const w of words.slice(2)) {
      if (/^(needs-flag|needs-count|device-driver|config-dependent)$/.test(w) || /^compile-with$/.test(w)) break;
      expr.push(...w.split(/([|&!()])/).filter(Boolean));
    }
    out.push({ file: path.join(sysDir, words[1]), expr });
  }
  return out;
}

/**
 * The sources a kernel of this tree is built from, with the options the LKMs stand for off: an
 * option is the LKM's when one of its own sources is listed under it alone or in an `|` list.
 */
export function kernelSources(conf: ConfFile[], lkmFiles: ReadonlySet<string>): { files: Set<string>; off: Set<string>; lkmOptions: Set<string> } {
  const lkmOptions = new Set<string>();
  for (const c of conf) {
    if (!lkmFiles.has(c.file) || c.expr.length === 0 || c.expr.some((t) => t === '&' || t === '!')) continue;
    for (const t of c.expr) if (/^\w+$/.test(t)) lkmOptions.add(t.toLowerCase());
  }
  const files = new Set<string>();
  const off = new Set<string>();
  for (const c of conf) (holds(c.expr, (opt) => !lkmOptions.has(opt.toLowerCase())) ? files : off).add(c.file);
  // A file listed twice (once per machine) is built if any line builds it.
  for (const f of files) off.delete(f);
  return { files, off, lkmOptions };
}

/** config(8) option expressions: `|`, `&`, `!`, parentheses; words side by side are `|`. */
export function holds(expr: string[], on: (option: string) => boolean): boolean {
  if (expr.length === 0) return true;
  let i = 0;
  const unary = (): boolean => {
    const t = expr[i++];
    if (t === '!') return !unary();
    if (t === '(') {
      const v = or();
      if (expr[i] === ')') i++;
      return v;
    }
    return t !== undefined && /^\w+$/.test(t) ? on(t) : false;
  };
  const and = (): boolean => {
    let v = unary();
    while (expr[i] === '&') {
      i++;
      v = unary() && v;
    }
    return v;
  };
  const or = (): boolean => {
    let v = and();
    while (i < expr.length && expr[i] !== ')') {
      if (expr[i] === '|') i++;
      v = and() || v;
    }
    return v;
  };
  return or();
}
