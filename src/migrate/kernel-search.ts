/**
 * The kernel proper, searched for definitions: which of some symbols a kernel source defines.
 * Kernel sources are many and mostly irrelevant, so a file is parsed only when its code names
 * a symbol still looked for, and only its globals are kept.
 */
import { readSource } from '../source/text-encoding.ts';
import { CSource, type SourceCache } from './csource.ts';
import { maskCode } from '../discover/text.ts';
import { fileSymbols, symbolsOf } from './file-symbols.ts';

export class KernelSearch {
  constructor(
    private readonly cache: SourceCache,
    private readonly files: string[],
    /**
     * The globals of each kernel file parsed so far: a file is parsed once per conversion, also
     * when two searches (the whole kernel, what every kernel builds) share it.
     */
    private readonly globals = new Map<string, Set<string>>(),
  ) {}

  private done = new Map<string, boolean>();
  /** The kernel file each symbol found was found in. */
  private readonly where = new Map<string, string>();

  /** The kernel file that defines `symbol`, once defines() found it. */
  definedIn(symbol: string): string | undefined {
    return this.where.get(symbol);
  }

  /** Which of `symbols` the kernel proper defines; files are parsed only if they mention one. */
  *defines(symbols: Set<string>): Generator<void, Set<string>> {
    const out = new Set<string>();
    const todo = [...symbols].filter((s) => {
      const known = this.done.get(s);
      if (known) out.add(s);
      return known === undefined;
    });
    if (todo.length === 0) return out;
    const found = yield* this.defining(new Set(todo));
    for (const s of todo) {
      this.done.set(s, found.has(s));
      if (found.has(s)) out.add(s);
    }
    return out;
  }


  /**
   * Which of `symbols` some kernel file defines. A file is parsed only when one of the symbols
   * still open stands in its code (not a comment) as a whole word, and only its top level is
   * read; the search ends once every symbol is found. Files where a symbol stands where a
   * definition would are parsed first (see namedIn): a name as common as `log` is then found in
   * the first files parsed rather than after hundreds. Files the conversion does not otherwise
   * open are not kept, only their globals.
   */
  private *defining(symbols: Set<string>): Generator<void, Set<string>> {
    const found = new Set<string>();
    const open = new Set(symbols);
    const take = (globals: Set<string>, file: string) => {
      for (const s of open) {
        if (!globals.has(s)) continue;
        found.add(s);
        open.delete(s);
        this.where.set(s, file);
      }
    };
    const mentions = mentionTest(open);
    const candidates: { file: string; named: Named }[] = [];
    for (const file of this.files) {
      if (!open.size) break;
      const known = this.cache.has(file) ? null : this.globals.get(file);
      if (known) {
        take(known, file);
        continue;
      }
      const text = this.text(file);
      if (text === null || !mentions(text)) continue;
      const named = namedIn(maskCode(text), open);
      if (named.names.length) candidates.push({ file, named });
    }
    // Likeliest definers first: a name heading a line (KNF writes a definition's name at column
    // 0), then a name outside braces, then any mention.
    const parsed = new Set<string>();
    for (const pick of [(n: Named) => n.heads, (n: Named) => n.topLevel, (n: Named) => n.names]) {
      for (const c of candidates) {
        if (!open.size) break;
        if (parsed.has(c.file) || !pick(c.named).some((s) => open.has(s))) continue;
        parsed.add(c.file);
        const globals = this.fileGlobals(c.file);
        // A turn of the event loop here frees the tree (see releaseTrees).
        yield;
        if (globals) take(globals, c.file);
      }
    }
    return found;
  }

  private text(file: string): string | null {
    if (this.cache.has(file)) return this.cache.get(file).text;
    try {
      return readSource(file).text;
    } catch {
      return null;
    }
  }

  private fileGlobals(file: string): Set<string> | null {
    if (this.cache.has(file)) return fileSymbols(this.cache.get(file)).globals;
    let globals = this.globals.get(file);
    if (!globals) {
      let read: ReturnType<typeof readSource>;
      try {
        read = readSource(file);
      } catch {
        return null;
      }
      globals = symbolsOf(new CSource(file, read.text, read.encoding), false).globals;
      this.globals.set(file, globals);
    }
    return globals;
  }
}

/** The symbols a file's code names: all of them, those outside every brace and directive, and those heading a line there. */
export interface Named {
  names: string[];
  topLevel: string[];
  heads: string[];
}

/**
 * Which of `symbols` the code (`masked`: comments and strings blanked) names as whole words;
 * which of them stand outside every brace and directive, as a file-scope definition does; and
 * which of those also start a line, as the name of a function definition does in KNF.
 */
export function namedIn(masked: string, symbols: Set<string>): Named {
  const names = new Set<string>();
  const topLevel = new Set<string>();
  const heads = new Set<string>();
  const words = [...symbols].filter((s) => /^\w+$/.test(s));
  for (const s of symbols) if (!/^\w+$/.test(s) && masked.includes(s)) names.add(s);
  if (words.length) {
    let depth = 0;
    let at = 0;
    for (const m of masked.matchAll(new RegExp(`\\b(?:${words.join('|')})\\b`, 'g'))) {
      names.add(m[0]);
      for (; at < m.index; at++) {
        const c = masked.charCodeAt(at);
        if (c === 123 /* { */) depth++;
        else if (c === 125 /* } */ && depth > 0) depth--;
      }
      if (depth > 0 || heads.has(m[0]) || inDirective(masked, m.index)) continue;
      topLevel.add(m[0]);
      if (m.index === 0 || masked[m.index - 1] === '\n') heads.add(m[0]);
    }
  }
  return { names: [...names], topLevel: [...topLevel], heads: [...heads] };
}

/** Whether `at` is on a preprocessor line (`#include <sys/log.h>`, a `#define` and its continuations). */
function inDirective(text: string, at: number): boolean {
  for (let start = text.lastIndexOf('\n', at - 1) + 1; ; ) {
    if (/^[ \t]*#/.test(text.slice(start, start + 80))) return true;
    if (start < 2 || text[start - 2] !== '\\') return false;
    start = text.lastIndexOf('\n', start - 2) + 1;
  }
}

/**
 * Whether a text holds one of `symbols` as a whole word: one regular expression for them all
 * (a substring test per symbol grows with their number, and `s` is in every file).
 */
export function mentionTest(symbols: Set<string>): (text: string) => boolean {
  const words = [...symbols].filter((s) => /^\w+$/.test(s));
  const others = [...symbols].filter((s) => !/^\w+$/.test(s));
  const re = words.length ? new RegExp(`\\b(?:${words.join('|')})\\b`) : null;
  return (text) => (re !== null && re.test(text)) || others.some((s) => text.includes(s));
}
