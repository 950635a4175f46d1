/**
 * The headers config(8) writes into a kernel's build directory, which a module built outside a
 * kernel configuration does not have: option headers (`opt_ddb.h`, `fs_nfs.h`: empty, every
 * option off), `locators.h` and `ioconf.h` (empty), and device-count headers (`"bpfilter.h"`:
 * `#define NBPFILTER 1`) for the devices the tree's `files` lists mark `needs-count` or
 * `needs-flag`. Each one a unit includes is remembered, so the caller can name it in a note.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface GeneratedHeader {
  name: string;
  text: string;
  /** What config(8) would have made of it, for the note. */
  why: string;
}

/** The virtual folder generated headers appear in (never a real path). */
export const GENERATED_DIR = '<config(8)>';

export class ConfigHeaders {
  constructor(
    /** Device and attribute names whose count header config(8) writes. */
    readonly counted: ReadonlySet<string>,
    /** Option header names `defopt`/`defflag`/`defparam`/`deffs` declare. */
    readonly options: ReadonlySet<string>,
  ) {}

  has(name: string): boolean {
    return this.header(name) !== undefined;
  }

  pathOf(name: string): string {
    return `${GENERATED_DIR}/${name}`;
  }

  /** The header for an include name, if config(8) writes one of that name. */
  header(name: string): GeneratedHeader | undefined {
    if (name.includes('/')) return undefined;
    if (/^opt_\w+\.h$/.test(name) || /^fs_\w+\.h$/.test(name) || this.options.has(name)) {
      return { name, text: '/* options: none */\n', why: 'option header: empty, every option off' };
    }
    if (name === 'locators.h' || name === 'ioconf.h') return { name, text: '\n', why: 'autoconfiguration header: empty' };
    const m = /^(\w+)\.h$/.exec(name);
    if (m && this.counted.has(m[1]!)) {
      const define = `N${m[1]!.toUpperCase()}`;
      return { name, text: `#define\t${define}\t1\n`, why: `device count: #define ${define} 1` };
    }
    return undefined;
  }

  /** The generated header a path from pathOf() stands for. */
  byPath(path: string): GeneratedHeader | undefined {
    return path.startsWith(`${GENERATED_DIR}/`) ? this.header(path.slice(GENERATED_DIR.length + 1)) : undefined;
  }
}

const cache = new Map<string, ConfigHeaders>();

/** What config(8) would generate for `machine` in the tree at `S`: read from its `files` lists. */
export function configHeaders(S: string, machine: string): ConfigHeaders {
  const key = `${S}\0${machine}`;
  let c = cache.get(key);
  if (!c) {
    const counted = new Set<string>();
    const options = new Set<string>();
    const seen = new Set<string>();
    for (const root of [join(S, 'conf', 'files'), join(S, 'arch', machine, 'conf', `files.${machine}`)]) readFiles(S, root, counted, options, seen);
    cache.set(key, (c = new ConfigHeaders(counted, options)));
  }
  return c;
}

const FILE_FLAGS = new Set(['needs-count', 'needs-flag', 'compile-with', 'device-driver', 'config-dependent']);

function readFiles(S: string, file: string, counted: Set<string>, options: Set<string>, seen: Set<string>): void {
  if (seen.has(file)) return;
  seen.add(file);
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch {
    return;
  }
  for (const raw of text.replace(/\\\n/g, ' ').split('\n')) {
    const words = raw.replace(/#.*/, '').trim().split(/\s+/);
    const kw = words[0];
    if (kw === 'include' && words[1]) readFiles(S, join(S, words[1].replace(/^"|"$/g, '')), counted, options, seen);
    else if ((kw === 'defopt' || kw === 'defflag' || kw === 'defparam' || kw === 'deffs') && words[1]?.endsWith('.h')) options.add(words[1]);
    else if (kw === 'file' && (words.includes('needs-count') || words.includes('needs-flag'))) {
      for (const w of words.slice(2)) {
        if (FILE_FLAGS.has(w)) break;
        for (const id of w.match(/\w+/g) ?? []) counted.add(id);
      }
    }
  }
}
