/**
 * Errors of the simulated kernel's compiler. Both carry the source site a user can open: the
 * preprocessor's line map takes every position back to the original file and line.
 */
import type { SourceSite } from '../object.ts';

export type { SourceSite };

export function formatSite(site: SourceSite): string {
  return `${site.file}:${site.line}`;
}

/** The sources cannot be compiled: unreadable file, #error, unbalanced #if, a broken function that runs. */
export class CompileError extends Error {
  constructor(
    readonly site: SourceSite,
    readonly detail: string,
  ) {
    super(`${formatSite(site)}: ${detail}`);
    this.name = 'CompileError';
  }
}

/**
 * Module code did something the interpreter cannot run, or that C leaves undefined: raised when
 * the construct is reached, never at compile time.
 */
export class CRuntimeError extends Error {
  constructor(
    readonly site: SourceSite,
    readonly detail: string,
  ) {
    super(`${formatSite(site)}: ${detail}`);
    this.name = 'CRuntimeError';
  }
}

/** A problem the compiler tolerated; kept on the object so a caller can show it. */
export interface CompileWarning {
  site: SourceSite;
  message: string;
}
