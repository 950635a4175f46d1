/**
 * The root a set of paths is reported and patched against: the current directory when every
 * path is inside it (so `git apply` and `patch -p1` work from there), else the paths' deepest
 * common ancestor. convert, validate and review agree on it, so a finding, a patch and a
 * validation result name the same file the same way.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

export function treeRoot(paths: string[], cwd: string): string {
  const inside = (p: string) => {
    const r = path.relative(cwd, p);
    return !r.startsWith('..') && !path.isAbsolute(r);
  };
  if (paths.every(inside)) return cwd;
  const dirs = paths.map((p) => (existsSync(p) && statSync(p).isDirectory() ? p : path.dirname(p)));
  let common = dirs[0].split(path.sep);
  for (const d of dirs.slice(1)) {
    const parts = d.split(path.sep);
    let i = 0;
    while (i < common.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(path.sep) || path.sep;
}
