/**
 * Text-level helpers for kernel C that tree-sitter may not see through.
 *
 * Macro invocations at file scope (`MOD_DEV(...)` with no semicolon, followed by a K&R
 * definition) are exactly where tree-sitter's recovery goes wrong, so discovery finds them in the
 * text, with comments and string contents blanked out, and uses tree-sitter for what it does
 * well: function definitions and what their bodies do.
 */

/**
 * The text with comments and (unless `strings` is false) the contents of string and character
 * literals replaced by spaces, quotes and newlines kept, so every index still points at the same
 * place in the original. Preprocessor lines are kept: callers decide about them.
 */
export function maskCode(text: string, strings = true): string {
  // Built from slices of the text: a string per character (split('')) made this the dearest
  // step of reading a large source.
  const out: string[] = [];
  let copied = 0;
  const n = text.length;
  let i = 0;
  const blank = (from: number, to: number) => {
    if (to <= from) return;
    const gap = text.slice(from, to);
    out.push(text.slice(copied, from), gap.includes('\n') ? gap.replace(NOT_NEWLINE, ' ') : ' '.repeat(gap.length));
    copied = to;
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 47 /* / */ && text.charCodeAt(i + 1) === 42 /* * */) {
      const end = text.indexOf('*/', i + 2);
      const stop = end < 0 ? n : end + 2;
      blank(i, stop);
      i = stop;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      let end = text.indexOf('\n', i);
      if (end < 0) end = n;
      blank(i, end);
      i = end;
    } else if (c === 34 /* " */ || c === 39 /* ' */) {
      let j = i + 1;
      while (j < n) {
        const d = text.charCodeAt(j);
        if (d === 92 /* \ */) j += 2;
        else if (d === c || d === 10) break;
        else j++;
      }
      if (strings) blank(i + 1, Math.min(j, n));
      i = j + 1;
    } else i++;
  }
  out.push(text.slice(copied));
  return out.join('');
}

/** One UTF-16 unit that is not a newline (no `u` flag: a surrogate pair blanks to two spaces, as String.slice counts it). */
const NOT_NEWLINE = /[^\n]/g;

/** 1-based line numbers for string indices, by binary search over line starts. */
export class LineIndex {
  private starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  lineOf(index: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= index) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
  lineStart(line: number): number {
    return this.starts[line - 1] ?? 0;
  }
}

/** Index of the bracket closing the one at `open` in masked text, or -1. */
export function closingBracket(masked: string, open: number): number {
  const o = masked[open];
  const c = o === '(' ? ')' : o === '{' ? '}' : ']';
  let depth = 0;
  for (let i = open; i < masked.length; i++) {
    const ch = masked[i];
    if (ch === o) depth++;
    else if (ch === c && --depth === 0) return i;
  }
  return -1;
}

/**
 * Splits the inside of a bracket pair at its top-level commas. Positions come from the masked
 * text, the returned texts from the original (so string literals keep their contents).
 */
export function splitTopLevel(text: string, masked: string, from: number, to: number): { text: string; start: number }[] {
  const parts: { text: string; start: number }[] = [];
  let depth = 0;
  let start = from;
  for (let i = from; i < to; i++) {
    const ch = masked[i];
    if (ch === '(' || ch === '{' || ch === '[') depth++;
    else if (ch === ')' || ch === '}' || ch === ']') depth--;
    else if (ch === ',' && depth === 0) {
      parts.push(trimmed(text, start, i));
      start = i + 1;
    }
  }
  const last = trimmed(text, start, to);
  if (parts.length || last.text !== '') parts.push(last);
  return parts;
}

function trimmed(text: string, from: number, to: number): { text: string; start: number } {
  let a = from;
  let b = to;
  while (a < b && /\s/.test(text[a]!)) a++;
  while (b > a && /\s/.test(text[b - 1]!)) b--;
  return { text: text.slice(a, b).replace(/\s+/g, ' '), start: a };
}

/** Whether `index` lies on a preprocessor line (a `#define` body mentions macros, it does not call them). */
export function onPreprocessorLine(text: string, index: number): boolean {
  let s = text.lastIndexOf('\n', index - 1) + 1;
  // A continued directive: walk back over lines ending in a backslash.
  while (s > 1 && text[s - 2] === '\\') s = text.lastIndexOf('\n', s - 2) + 1;
  return /^[ \t]*#/.test(text.slice(s, s + 64));
}

/** The content of a C string literal (`"foo"` → `foo`), or null if `expr` is not one. */
export function stringLiteral(expr: string): string | null {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(expr.trim());
  return m ? m[1]! : null;
}

/** The identifier an expression names once casts, `&` and parentheses are taken off. */
export function bareName(expr: string): string {
  let e = expr.trim();
  for (;;) {
    const before = e;
    e = e.replace(/^\(\s*[\w\s*]+\)\s*(?=[\w&(])/, ''); // (sy_call_t *)fn
    e = e.replace(/^&\s*/, '');
    if (/^\(.*\)$/.test(e)) e = e.slice(1, -1).trim();
    if (e === before) return e;
  }
}
