/**
 * A source file as the preprocessor sees it: logical lines (continuations spliced, comments
 * replaced by a space), each remembering the physical lines it came from. Files are cached by
 * path, size and modification time, so a warm compile does not read or split a header again.
 */
import { readFileSync, statSync } from 'node:fs';
import type { Token } from './tokens.ts';

export interface LogicalLine {
  /** Text with comments removed and backslash-newlines spliced. */
  text: string;
  /** First physical line, 1-based. */
  line: number;
  /** Number of physical lines it covers (>1 with continuations or multi-line comments). */
  span: number;
  /** A directive line (`#...`). */
  directive: boolean;
  /**
   * Its tokens, filled in by the preprocessor on first use. A header's lines are cached with the
   * file, so every unit that includes it shares one tokenisation; nobody may modify them.
   */
  tokens?: readonly Token[];
}

export interface SourceFile {
  path: string;
  lines: LogicalLine[];
}

const cache = new Map<string, { key: string; file: SourceFile }>();

/** Read and split a file; throws the fs error (the caller turns it into a CompileError). */
export function loadSource(path: string): SourceFile {
  const st = statSync(path);
  const key = `${st.size}:${st.mtimeMs}`;
  const hit = cache.get(path);
  if (hit && hit.key === key) return hit.file;
  const file = { path, lines: splitLogicalLines(readFileSync(path, 'latin1')) };
  cache.set(path, { key, file });
  return file;
}

/** A source given as text (tests, generated glue): not cached. */
export function sourceFromText(path: string, text: string): SourceFile {
  return { path, lines: splitLogicalLines(text) };
}

export function splitLogicalLines(src: string): LogicalLine[] {
  const lines: LogicalLine[] = [];
  let buf = '';
  let line = 1;
  let start = 1;
  let i = 0;
  const n = src.length;
  const flush = () => {
    const directive = /^\s*#/.test(buf);
    lines.push({ text: buf, line: start, span: line - start + 1, directive });
    buf = '';
  };
  while (i < n) {
    const c = src[i];
    if (c === '\\' && (src[i + 1] === '\n' || (src[i + 1] === '\r' && src[i + 2] === '\n'))) {
      i += src[i + 1] === '\r' ? 3 : 2;
      line++;
      continue;
    }
    if (c === '\n') {
      flush();
      i++;
      line++;
      start = line;
      continue;
    }
    if (c === '/' && src[i + 1] === '*') {
      i += 2;
      while (i < n && !(src[i] === '*' && src[i + 1] === '/')) {
        if (src[i] === '\n') line++;
        i++;
      }
      i += 2;
      buf += ' ';
      continue;
    }
    if (c === '/' && src[i + 1] === '/') {
      while (i < n && src[i] !== '\n') {
        if (src[i] === '\\' && src[i + 1] === '\n') {
          line++;
          i++;
        }
        i++;
      }
      continue;
    }
    if (c === '"' || c === "'") {
      // Copy a literal whole: comment markers inside it are text. An unterminated literal ends
      // at the end of the line, as it does for cpp.
      let j = i + 1;
      while (j < n && src[j] !== c && src[j] !== '\n') {
        if (src[j] === '\\' && src[j + 1] === '\n') break;
        j += src[j] === '\\' ? 2 : 1;
      }
      if (src[j] === c) j++;
      buf += src.slice(i, j);
      i = j;
      continue;
    }
    if (c === '\r' && src[i + 1] === '\n') {
      i++;
      continue;
    }
    buf += c;
    i++;
  }
  if (buf.length > 0 || start <= line) {
    if (buf.length > 0) flush();
  }
  return lines;
}
