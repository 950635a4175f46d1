/**
 * The preprocessed text of a unit as tree-sitter can read it. Two shapes GCC accepts and
 * tree-sitter-c does not: old-style definitions (see old-style.ts), and an attribute or asm label
 * between a declarator and its initialiser (`int x __attribute__((unused)) = 0;`,
 * `int y __asm__("sym") = 1;`), which tree-sitter ends the declaration at. The latter are blanked
 * (same length, so every position stays put): they change how GCC warns or names the symbol,
 * never what the code does in the simulated kernel.
 */
import { prototypeOldStyle } from './old-style.ts';

const BEFORE_INIT = /\b(?:__attribute__|__attribute|__asm__|__asm|asm)\s*\(/g;

export function prepareForParse(text: string): string {
  return prototypeOldStyle(blankBeforeInitialisers(text));
}

function blankBeforeInitialisers(text: string): string {
  if (!/\b(?:__attribute__|__attribute|__asm__|__asm|asm)\b/.test(text)) return text;
  let units: string[] | null = null;
  for (const m of text.matchAll(BEFORE_INIT)) {
    const open = m.index + m[0].length - 1;
    const close = closing(text, open);
    if (close < 0) continue;
    const after = /^\s*(=)(?!=)/.exec(text.slice(close + 1, close + 200));
    if (!after) continue;
    units ??= text.split('');
    for (let i = m.index; i <= close; i++) if (units[i] !== '\n') units[i] = ' ';
  }
  return units ? units.join('') : text;
}

/** Index of the `)` closing the `(` at `open`, skipping string literals; -1 if none before `;`. */
function closing(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (c === '(') depth++;
    else if (c === ')' && --depth === 0) return i;
    else if (c === ';' || c === '{') return -1;
  }
  return -1;
}
