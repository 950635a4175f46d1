/**
 * `int foo __P((struct lkm_table *, int));` — the prototype macro of pre-ANSI-compatible BSD
 * code (sys/cdefs.h: `#define __P(protos) protos`). tree-sitter cannot see through it: it reads
 * `int foo` missing its `;`, then a call of `__P`, so the prototype is not a declaration of foo
 * and an edit that must rewrite or remove it cannot find it.
 *
 * What the compiler sees is the inner parameter list. Blanking `__P(` and its closing `)` gives
 * tree-sitter exactly that while every byte keeps its index, so nodes still locate the original
 * text and edits made through them apply to it: a parameter list rewritten to `(void)` reads
 * `__P((void))` in the file.
 */
const MACRO = /\b__P\s*\(/g;

export function blankPrototypeMacros(text: string): string {
  if (!text.includes('__P')) return text;
  // Ranges of UTF-16 units, as tree-sitter's indices and String.slice count them.
  const blanks: [number, number][] = [];
  for (const m of text.matchAll(MACRO)) {
    const open = m.index + m[0].length - 1;
    const close = matchingParen(text, open);
    if (close < 0 || text.slice(open + 1, close).trim()[0] !== '(') continue;
    blanks.push([m.index, open + 1], [close, close + 1]);
  }
  if (!blanks.length) return text;
  // A nested __P's ranges fall between its enclosing one's: put them in text order.
  blanks.sort((a, b) => a[0] - b[0]);
  const out: string[] = [];
  let copied = 0;
  for (const [from, to] of blanks) {
    out.push(text.slice(copied, from), ' '.repeat(to - from));
    copied = to;
  }
  out.push(text.slice(copied));
  return out.join('');
}

/** Index of the `)` closing the `(` at `open`, or -1 (unbalanced, or a `;` or `{` first). */
function matchingParen(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
    else if (c === ';' || c === '{') return -1;
  }
  return -1;
}
