/**
 * The headers config(8) writes into a kernel's build directory, which a module built outside a
 * kernel configuration does not have: option headers (`opt_ddb.h`, `fs_nfs.h`: the options every
 * kernel of the machine has, from its `std.<machine>`, which each configuration includes, such
 * as i386's EXEC_AOUT in `opt_execfmt.h`; every other option off), `locators.h` and `ioconf.h`
 * (empty), and device-count headers (`"bpfilter.h"`:
 * `#define NBPFILTER 1`) for the devices the tree's `files` lists mark `needs-count` or
 * `needs-flag`. Each one a unit includes is remembered, so the caller can name it in a note.
 */
import { join } from 'node:path';
import { configLines } from '../../../source/config-file.ts';

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
    /** Per option header, the options `std.<machine>` sets in it, with their values. */
    readonly standard: ReadonlyMap<string, ReadonlyMap<string, string>> = new Map(),
    readonly machine = '',
    /** Every option an option header holds (`defopt opt_execfmt.h EXEC_AOUT ...`: EXEC_AOUT). */
    readonly declared: ReadonlySet<string> = new Set(),
  ) {}

  /** The options a module built against these headers has off: every declared one std.<machine> does not set. */
  offOptions(): Set<string> {
    const on = new Set([...this.standard.values()].flatMap((m) => [...m.keys()]));
    return new Set([...this.declared].filter((o) => !on.has(o)));
  }

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
      const std = this.standard.get(name);
      if (std?.size) {
        const names = [...std.keys()];
        return {
          name,
          text: [...std].map(([o, v]) => `#define\t${o}\t${v}\n`).join(''),
          why: `option header: ${names.join(', ')} as every ${this.machine} kernel has ${names.length > 1 ? 'them' : 'it'} (std.${this.machine}), every other option off`,
        };
      }
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
    const headerOf = new Map<string, string>();
    for (const root of [join('conf', 'files'), join('arch', machine, 'conf', `files.${machine}`)]) readFiles(configLines(S, root, seen) ?? [], counted, options, headerOf);
    const standard = new Map<string, Map<string, string>>();
    for (const [option, value] of standardOptions(configLines(S, join('arch', machine, 'conf', `std.${machine}`)) ?? [])) {
      const header = headerOf.get(option);
      if (!header) continue; // not an option header's: a -D of the kernel's own build
      if (!standard.has(header)) standard.set(header, new Map());
      standard.get(header)!.set(option, value);
    }
    cache.set(key, (c = new ConfigHeaders(counted, options, standard, machine, new Set(headerOf.keys()))));
  }
  return c;
}

const FILE_FLAGS = new Set(['needs-count', 'needs-flag', 'compile-with', 'device-driver', 'config-dependent']);

/**
 * `options NAME` and `options NAME=value` of a machine's std file (and what it includes): the
 * options every kernel configuration of the machine has.
 */
function standardOptions(lines: string[][]): Map<string, string> {
  const out = new Map<string, string>();
  for (const words of lines) {
    if (words[0] !== 'options') continue;
    for (const item of words.slice(1).join(' ').split(',')) {
      const m = /^\s*(\w+)(?:\s*=\s*("[^"]*"|\S+))?\s*$/.exec(item);
      if (m) out.set(m[1]!, m[2] ?? '1');
    }
  }
  return out;
}

function readFiles(lines: string[][], counted: Set<string>, options: Set<string>, headerOf: Map<string, string>): void {
  for (const words of lines) {
    const kw = words[0];
    if (kw === 'defopt' || kw === 'defflag' || kw === 'defparam' || kw === 'deffs') {
      // `defopt opt_execfmt.h EXEC_AOUT ...`, or `defopt KTRACE` for opt_ktrace.h (fs_ffs.h for deffs).
      const named = words[1]?.endsWith('.h') ? words[1] : null;
      if (named) options.add(named);
      for (const o of words.slice(named ? 2 : 1)) {
        const option = /^\w+/.exec(o)?.[0];
        if (option) headerOf.set(option, named ?? `${kw === 'deffs' ? 'fs' : 'opt'}_${option.toLowerCase()}.h`);
      }
    } else if (kw === 'file' && (words.includes('needs-count') || words.includes('needs-flag'))) {
      for (const w of words.slice(2)) {
        if (FILE_FLAGS.has(w)) break;
        for (const id of w.match(/\w+/g) ?? []) counted.add(id);
      }
    }
  }
}
