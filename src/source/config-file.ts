/**
 * config(8)'s files (`conf/files`, `files.<machine>`, `std.<machine>`) as their readers need
 * them: one list of words per line, comments and backslash-continuations gone, with every file
 * an `include` or `cinclude` names read in place, once. Paths in includes are relative to the
 * kernel tree, as config(8) resolves them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';

/** The lines of `file` (relative to `sysDir`, or absolute) and what it includes; null if it cannot be read. */
export function configLines(sysDir: string, file: string, seen: Set<string> = new Set()): string[][] | null {
  const abs = path.resolve(sysDir, file);
  if (seen.has(abs)) return [];
  seen.add(abs);
  let text: string;
  try {
    text = readFileSync(abs, 'latin1');
  } catch {
    return null;
  }
  const out: string[][] = [];
  for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
    const words = raw.replace(/#.*$/, '').trim().split(/\s+/).filter(Boolean);
    if ((words[0] === 'include' || words[0] === 'cinclude') && words[1]) out.push(...(configLines(sysDir, words[1].replace(/^"|"$/g, ''), seen) ?? []));
    else if (words.length) out.push(words);
  }
  return out;
}
