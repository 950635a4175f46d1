/**
 * When module code stops instead of returning: the interpreter could not go on (a NULL
 * dereference, a construct it cannot run, the step limit), or a kernel function it called
 * panicked on its arguments. Either way the operation fails with a message that says where.
 */
import { Panic, SleepForever } from './panic.ts';

interface Sited {
  message: string;
  site: { file: string; line: number };
}

function isSited(err: unknown): err is Sited & Error {
  if (!(err instanceof Error)) return false;
  const site = (err as Partial<Sited>).site;
  return typeof site === 'object' && site !== null && typeof site.file === 'string' && typeof site.line === 'number';
}

/** True for failures of module code (as opposed to bugs in the simulated kernel itself). */
export function isCrash(err: unknown): err is Error {
  return err instanceof Panic || isSited(err);
}

/** How module code stopped: it `crashed`, or it `hung` (a sleep nothing ends). */
export function stopped(err: Error): string {
  return err instanceof SleepForever ? 'hung' : 'crashed';
}

/** `file:line: what happened` for an interpreter error, `panic: …` for a panic. */
export function crashMessage(err: Error): string {
  if (isSited(err)) {
    const where = `${err.site.file}:${err.site.line}`;
    return err.message.includes(where) ? err.message : `${where}: ${err.message}`;
  }
  if (err instanceof SleepForever) return err.message;
  return `panic: ${err.message}`;
}
