/**
 * Walking the paths a user names and reading source files, once each.
 *
 * Everything that later points into a file (spans, edits) uses string indices of the text
 * `decodeSource` returns, so every stage must read sources through it: UTF-8 when the bytes are
 * valid UTF-8, Latin-1 otherwise (old kernel trees have Latin-1 names in comments, and a lossy
 * UTF-8 decode would shift every index after them).
 */
import fs from 'node:fs';
import path from 'node:path';
import { isUtf8 } from 'node:buffer';
import { UserError } from './errors.ts';

/** A file or path the walk could not use, and why, in words a user can act on. */
export interface FileProblem {
  file: string;
  code: 'unreadable-file' | 'binary-file';
  message: string;
}

/** What a walk found: C sources and Makefiles, absolute, grouped by directory in walk order. */
export interface WalkResult {
  cFiles: string[];
  makefiles: string[];
  /** C files named on the command line (not found by walking a directory). */
  namedFiles: string[];
  problems: FileProblem[];
}

/** A path the user named does not exist: a usage error (exit 2) in every command. */
export class PathNotFoundError extends UserError {
  constructor(readonly missing: string[]) {
    super(
      missing.length === 1
        ? `${missing[0]}: no such file or directory; check the path`
        : `no such files or directories: ${missing.join(', ')}; check the paths`,
    );
  }
}

const MAKEFILE_NAMES = new Set(['Makefile', 'makefile', 'BSDmakefile']);

export function isMakefileName(name: string): boolean {
  return MAKEFILE_NAMES.has(name);
}

export function isCSourceName(name: string): boolean {
  return name.endsWith('.c');
}

/**
 * Walks `paths` (files or directories) the way `grep -r` does: directories recursively, hidden
 * directories (.git, .svn) skipped, symbolic links to directories not followed (kernel build
 * trees link `machine` back into themselves). Symbolic links to files are followed; a dangling
 * one is reported. Every path named must exist, or the walk throws PathNotFoundError before
 * reading anything.
 */
export function walkPaths(paths: string[]): WalkResult {
  const result: WalkResult = { cFiles: [], makefiles: [], namedFiles: [], problems: [] };
  const missing = paths.filter((p) => !fs.existsSync(p));
  if (missing.length) throw new PathNotFoundError(missing);
  const roots = paths.map((p) => path.resolve(p));
  const seen = new Set<string>();
  const addFile = (file: string, base = path.basename(file)) => {
    const makefile = isMakefileName(base);
    if ((!makefile && !isCSourceName(base)) || seen.has(file)) return;
    seen.add(file);
    if (makefile) result.makefiles.push(file);
    else result.cFiles.push(file);
  };
  const walkDir = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      result.problems.push({ file: dir, code: 'unreadable-file', message: `cannot list directory: ${reason(err)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    // `dir` is absolute and normalised, and a name holds no separator: no path.join needed.
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    for (const e of entries) {
      const p = prefix + e.name;
      if (e.isDirectory()) {
        if (!e.name.startsWith('.')) subdirs.push(p);
      } else if (e.isFile()) {
        addFile(p, e.name);
      } else if (e.isSymbolicLink() && (isMakefileName(e.name) || isCSourceName(e.name))) {
        try {
          if (fs.statSync(p).isFile()) addFile(p);
        } catch (err) {
          result.problems.push({
            file: p,
            code: 'unreadable-file',
            message: `cannot read: ${reason(err)} (a dangling symbolic link?); fix or remove the link`,
          });
        }
      }
    }
    // Files of a directory first, then its subdirectories: a module's Makefile and glue stay together.
    for (const d of subdirs) walkDir(d);
  };
  const notSources = paths.filter((_, i) => {
    const r = roots[i]!;
    return !fs.statSync(r).isDirectory() && !isMakefileName(path.basename(r)) && !isCSourceName(r);
  });
  if (notSources.length) {
    throw new UserError(`${notSources.join(', ')}: not a directory, a .c file or a Makefile; nothing to scan there`);
  }
  for (const root of roots) {
    if (fs.statSync(root).isDirectory()) walkDir(root);
    else {
      addFile(root);
      if (isCSourceName(root)) result.namedFiles.push(root);
    }
  }
  return result;
}

/** A short reason for a failed fs call, without the errno noise. */
export function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return e?.message ?? String(err);
  }
}

/** Binary if a NUL byte appears in the first 8 KiB: the test grep and git use. */
export function isBinary(buf: Buffer): boolean {
  return buf.subarray(0, 8192).indexOf(0) >= 0;
}

/** The text of a source file as every stage of lkm2mod sees it (see the file comment). */
export function decodeSource(buf: Buffer): string {
  return isUtf8(buf) ? buf.toString('utf8') : buf.toString('latin1');
}

/** Reads a text file for lkm2mod, or says why it cannot be used. */
export function readSource(file: string): { text: string } | { problem: FileProblem } {
  let buf: Buffer;
  try {
    buf = fs.readFileSync(file);
  } catch (err) {
    return { problem: { file, code: 'unreadable-file', message: `cannot read: ${reason(err)}` } };
  }
  if (isBinary(buf)) return { problem: binaryProblem(file) };
  return { text: decodeSource(buf) };
}

export function binaryProblem(file: string): FileProblem {
  return {
    file,
    code: 'binary-file',
    message: 'binary file (it contains NUL bytes), not C source; skipped — remove it from the tree or the paths given',
  };
}

/**
 * Reads many files through one reused buffer: no per-file allocation and no fstat, which is most
 * of the cost of reading a whole kernel tree. The returned view is valid until the next read;
 * callers copy (or decode) what they keep.
 */
export class FileReader {
  private buf = Buffer.allocUnsafe(1 << 20);
  bytesRead = 0;
  filesRead = 0;

  read(file: string): Buffer | FileProblem {
    let fd: number;
    try {
      fd = fs.openSync(file, 'r');
    } catch (err) {
      return { file, code: 'unreadable-file', message: `cannot read: ${reason(err)}` };
    }
    let n = 0;
    try {
      for (;;) {
        if (n === this.buf.length) {
          const bigger = Buffer.allocUnsafe(this.buf.length * 2);
          this.buf.copy(bigger, 0, 0, n);
          this.buf = bigger;
        }
        const r = fs.readSync(fd, this.buf, n, this.buf.length - n, null);
        if (r === 0) break;
        n += r;
      }
    } catch (err) {
      return { file, code: 'unreadable-file', message: `cannot read: ${reason(err)}` };
    } finally {
      fs.closeSync(fd);
    }
    this.filesRead++;
    this.bytesRead += n;
    return this.buf.subarray(0, n);
  }
}

/** Whether `p` is a regular file (false when it is missing or unreadable). */
export function isFile(p: string): boolean {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}
