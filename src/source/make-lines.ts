/**
 * The line-level syntax of BSD make: logical lines joined at backslash-newline, comments,
 * words, assignments and `.for` bodies. Shared by the Makefile reader and the readers of
 * other make-syntax files (sys/lkm.h's neighbours, Makefile.inc).
 */
import { matchingClose, type AssignOp } from './make-vars.ts';

export interface LogicalLine {
  text: string;
  line: number;
  /** Starts with a tab: a shell command when it follows a dependency line. */
  tab: boolean;
}


/** Joins backslash-continued lines (make replaces backslash-newline and leading blanks by one space). */
export function logicalLines(text: string): LogicalLine[] {
  const raw = text.split(/\r?\n/);
  const out: LogicalLine[] = [];
  for (let i = 0; i < raw.length; i++) {
    const start = i;
    let t = raw[i]!;
    while (endsWithContinuation(t) && i + 1 < raw.length) {
      t = `${t.slice(0, -1)} ${raw[++i]!.replace(/^\s+/, '')}`;
    }
    out.push({ text: t, line: start + 1, tab: t.startsWith('\t') });
  }
  return out;
}

function endsWithContinuation(t: string): boolean {
  let n = 0;
  for (let i = t.length - 1; i >= 0 && t[i] === '\\'; i--) n++;
  return n % 2 === 1;
}

/** Drops a `#` comment; `\#` is a literal `#`. */
export function stripComment(t: string): string {
  let out = '';
  for (let i = 0; i < t.length; i++) {
    const ch = t[i]!;
    if (ch === '\\' && t[i + 1] === '#') {
      out += '#';
      i++;
    } else if (ch === '#') break;
    else out += ch;
  }
  return out;
}

export function words(s: string): string[] {
  return s.split(/\s+/).filter(Boolean);
}

/** Index of `ch` outside `${...}` / `$(...)`, or -1. */
export function topLevelIndexOf(text: string, ch: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && (text[i + 1] === '{' || text[i + 1] === '(')) {
      const close = matchingClose(text, i + 1);
      if (close < 0) return -1;
      i = close;
      continue;
    }
    if (c === ch) return i;
  }
  return -1;
}

/** `NAME op value` for the five assignment operators, or null for any other line. */
export function splitAssignment(text: string): { name: string; op: AssignOp; value: string } | null {
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '$' && (text[i + 1] === '{' || text[i + 1] === '(')) {
      const close = matchingClose(text, i + 1);
      if (close < 0) return null;
      i = close;
      continue;
    }
    if (c === ':' && text[i + 1] !== '=') return null; // a dependency line
    if (c === '=' || (c === ':' && text[i + 1] === '=')) {
      let nameEnd = i;
      let op: AssignOp = '=';
      if (c === ':') op = ':=';
      else if (i > 0 && '+?!:'.includes(text[i - 1]!)) {
        op = `${text[i - 1]}=` as AssignOp;
        nameEnd = i - 1;
      }
      const name = text.slice(0, nameEnd).trim();
      if (!name || /\s/.test(name)) return null;
      const valueStart = c === ':' ? i + 2 : i + 1;
      return { name, op, value: text.slice(valueStart).trim() };
    }
  }
  return null;
}

export function findEndfor(lines: LogicalLine[], start: number): number {
  let depth = 0;
  for (let i = start; i < lines.length; i++) {
    const t = stripComment(lines[i]!.text).trim();
    if (/^\.\s*for\b/.test(t)) depth++;
    else if (/^\.\s*endfor\b/.test(t) && --depth === 0) return i;
  }
  return -1;
}
