/**
 * The root a set of paths is reported and patched against. convert, validate and review agree
 * on it, so a finding, a patch and a validation result name the same file the same way, and
 * nothing outside it is ever written.
 *
 * A user types the folder of the modules (`sys/lkm`), but a module's sources live elsewhere in
 * the same kernel tree (`.PATH: $S/miscfs/kernfs`), and a converted module moves to
 * `sys/modules`. So the root is the kernel source tree the paths are in: the nearest ancestor
 * holding conf/files, kern/ and sys/ (make-env.ts), wherever the user runs lkm2mod from: so
 * nothing outside the kernel tree is ever written, and the patch reads the same from anywhere.
 * For paths in no recognisable kernel tree, the root is the current directory when it holds
 * them all (so `git apply` and `patch -p1` work from where the user is), else the directory the
 * Makefiles' `S` names when it holds them, else their deepest common ancestor.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { kernelTreeOf } from './make-env.ts';

/**
 * `sysDirs`: the directories the Makefiles' `S` named (discovery's ScanResult.sysDirs), for a
 * kernel tree without conf/files.
 */
export function treeRoot(paths: string[], cwd: string, sysDirs: readonly string[] = []): string {
  const common = commonRoot(paths, paths.length ? path.dirname(paths[0]!) : cwd);
  const kernel = kernelTreeOf(common);
  if (kernel) return kernel;
  // A tree too partial to be recognised is only a hint: where the user is decides first.
  const base = commonRoot(paths, cwd);
  return sysDirs.filter((s) => contains(s, base)).sort((a, b) => a.length - b.length)[0] ?? base;
}

/** Whether `dir` is `p` or an ancestor of it. */
export function contains(dir: string, p: string): boolean {
  const r = path.relative(dir, p);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
}

/** `cwd` when it holds every path, else the paths' deepest common ancestor. */
export function commonRoot(paths: string[], cwd: string): string {
  if (paths.every((p) => contains(cwd, p))) return cwd;
  const dirs = paths.map((p) => (existsSync(p) && statSync(p).isDirectory() ? p : path.dirname(p)));
  let common = dirs[0]!.split(path.sep);
  for (const d of dirs.slice(1)) {
    const parts = d.split(path.sep);
    let i = 0;
    while (i < common.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(path.sep) || path.sep;
}
