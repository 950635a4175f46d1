/**
 * Old kernel sources are not all UTF-8: a 1999 copyright line may hold a Latin-1 `ü`. Decoding
 * such a file as UTF-8 turns that byte into U+FFFD, and writing the text back would change a
 * line no rule touched. A file that is not valid UTF-8 is read as Latin-1 instead, which maps
 * every byte to one character and back, and is written back the same way.
 */
import { readFileSync } from 'node:fs';

export type SourceEncoding = 'utf8' | 'latin1';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

export function decodeSource(bytes: Buffer): { text: string; encoding: SourceEncoding } {
  try {
    return { text: strictUtf8.decode(bytes), encoding: 'utf8' };
  } catch {
    return { text: bytes.toString('latin1'), encoding: 'latin1' };
  }
}

export function readSource(file: string): { text: string; encoding: SourceEncoding } {
  return decodeSource(readFileSync(file));
}
