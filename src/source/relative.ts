/**
 * Paths for people: discovery keeps absolute paths, reports show them relative to where the
 * user ran the command, so `file:line` can be pasted into an editor or `less +N`.
 */
import path from 'node:path';

/** A function turning absolute paths into paths relative to `cwd` (`.` for cwd itself). */
export function relativeTo(cwd: string): (p: string) => string {
  const base = path.resolve(cwd);
  return (p: string) => {
    if (!path.isAbsolute(p)) return p;
    const r = path.relative(base, p);
    return r === '' ? '.' : r;
  };
}

/** `file:line` as compilers print it; line 0 means the whole file. */
export function location(rel: (p: string) => string, file: string, line: number): string {
  return line > 0 ? `${rel(file)}:${line}` : rel(file);
}
