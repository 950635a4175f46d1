/**
 * errno values as the bundled sys/errno.h defines them, and the error the kernel's operations
 * fail with. Values always come from the headers; this file only knows the names.
 */
import { constant } from './abi.ts';

/** The errno names the kernel reports by name (sys/errno.h order). */
const NAMES = [
  'EPERM', 'ENOENT', 'ESRCH', 'EINTR', 'EIO', 'ENXIO', 'E2BIG', 'ENOEXEC', 'EBADF', 'ECHILD',
  'EDEADLK', 'ENOMEM', 'EACCES', 'EFAULT', 'ENOTBLK', 'EBUSY', 'EEXIST', 'EXDEV', 'ENODEV',
  'ENOTDIR', 'EISDIR', 'EINVAL', 'ENFILE', 'EMFILE', 'ENOTTY', 'ETXTBSY', 'EFBIG', 'ENOSPC',
  'ESPIPE', 'EROFS', 'EMLINK', 'EPIPE', 'EDOM', 'ERANGE', 'EAGAIN', 'EINPROGRESS', 'EALREADY',
  'EOPNOTSUPP', 'ENAMETOOLONG', 'ENOTEMPTY', 'EPROGMISMATCH', 'ENOSYS', 'EFTYPE', 'ERESTART',
  'EJUSTRETURN',
] as const;

export type ErrnoName = (typeof NAMES)[number];

let byValue: Map<number, string> | undefined;

/** The value of an errno by name: `errno('EEXIST')` is 17. */
export function errno(name: ErrnoName): number {
  return constant(name);
}

/**
 * Not a NetBSD errno: the operation stopped because module code crashed (a panic, or an error in
 * the interpreter). NetBSD would not return at all; the simulated kernel rolls back and reports.
 */
export const ECRASH = -1000;

/** `EEXIST` for 17; the bare number for a value sys/errno.h does not name. */
export function errnoName(value: number): string {
  if (value === 0) return '0';
  if (value === ECRASH) return 'ECRASH';
  if (!byValue) {
    byValue = new Map();
    for (const n of NAMES) {
      const v = tryConstant(n);
      if (v !== undefined && !byValue.has(v)) byValue.set(v, n);
    }
  }
  return byValue.get(value) ?? String(value);
}

function tryConstant(name: string): number | undefined {
  try {
    return constant(name);
  } catch {
    return undefined;
  }
}

/**
 * A kernel operation failed with an errno. `message` says why in the words a developer needs:
 * what was refused, which file and line, what to do.
 */
export class KernelError extends Error {
  constructor(
    readonly errno: number,
    message: string,
  ) {
    super(message);
    this.name = 'KernelError';
  }

  static of(name: ErrnoName, message: string): KernelError {
    return new KernelError(errno(name), message);
  }
}
