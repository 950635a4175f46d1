/**
 * Exit codes shared by every command, so CI can tell "work pending" from "you called me wrong".
 */
export const EXIT_OK = 0;
/** Changes pending (convert --check) or checks failed (validate). */
export const EXIT_PENDING = 1;
/** Usage or input errors: bad flags, missing paths, unreadable files. */
export const EXIT_USAGE = 2;

/**
 * An error the user can act on. The CLI prints its message (no stack trace) and exits with
 * `exitCode`. Anything else that escapes is a bug in lkm2mod and is reported as such.
 */
export class UserError extends Error {
  constructor(message: string, readonly exitCode: number = EXIT_USAGE) {
    super(message);
    this.name = 'UserError';
  }
}
