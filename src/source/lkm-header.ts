/**
 * The LKM interface a kernel tree declares: the MOD_* macros its own sys/lkm.h defines, with
 * their parameters, and the release its sys/param.h names (__NetBSD_Version__).
 *
 * The forms changed over the LKM era: MOD_EXEC took three arguments until NetBSD 1.6 (the
 * emulation came with the execsw's probe) and four after; MOD_DEV took (name, type, slot, devsw)
 * until the 2002 devsw rework and six arguments after; MOD_COMPAT and MOD_DRV came later. The
 * tree's header says which form its LKMs are written against; lkm2mod's bundled knowledge (every
 * form of 1.3 to 4.0) is the fallback for a tree that has no sys/lkm.h.
 */
import fs from 'node:fs';
import path from 'node:path';
import { logicalLines } from './make-lines.ts';

export interface MacroForm {
  /** The parameters as the header names them. */
  params: string[];
  /** Where it is defined (1-based). */
  line: number;
}

export interface LkmInterface {
  /** The header read: `<tree>/sys/lkm.h`. */
  file: string;
  /** MOD_* (and DISPATCH) macros it defines, by name. */
  macros: Map<string, MacroForm>;
  /** __NetBSD_Version__ from the tree's sys/param.h, when it has one. */
  version: number | null;
  /**
   * The members of each `struct lkm_*` the header defines, in order (a union member is one
   * name): what a positional initialiser of a hand-built descriptor fills. NetBSD 1.x put
   * `lkm_ver` second and a device's switch in a union (`lkm_dev`); NetBSD 4 has
   * lkm_modver/sysver/envver and lkm_devname … lkm_cdevmaj.
   */
  structs: Map<string, string[]>;
  /** Whether its DISPATCH runs load() before lkmdispatch() (see dispatchLoadsFirst); null if it cannot tell. */
  loadsFirst: boolean | null;
}

const cache = new Map<string, LkmInterface | null>();

/** The interface of the kernel tree `sysDir` (the directory holding sys/lkm.h), read once per process. */
export function lkmInterface(sysDir: string): LkmInterface | null {
  const key = path.resolve(sysDir);
  if (!cache.has(key)) cache.set(key, read(key));
  return cache.get(key)!;
}

function read(sysDir: string): LkmInterface | null {
  const file = path.join(sysDir, 'sys', 'lkm.h');
  const text = readText(file);
  if (text === null) return null;
  const macros = new Map<string, MacroForm>();
  let dispatch: string | undefined;
  // Continued lines are joined, as cpp does, so a definition spread over lines is one line.
  for (const l of logicalLines(text)) {
    const m = /^\s*#\s*define\s+((?:MOD|LKM)_[A-Z0-9_]+|DISPATCH)\(([^)]*)\)(.*)$/.exec(l.text);
    if (!m) continue;
    // DISPATCH is an alias of LKM_DISPATCH where both exist: the latter says what happens.
    if (m[1] === 'LKM_DISPATCH' || (m[1] === 'DISPATCH' && dispatch === undefined)) dispatch = m[3];
    if (macros.has(m[1]!)) continue;
    const params = m[2]!.split(',').map((p) => p.trim()).filter(Boolean);
    macros.set(m[1]!, { params, line: l.line });
  }
  return { file, macros, version: netbsdVersion(sysDir), structs: structMembers(text), loadsFirst: loadsFirst(dispatch) };
}

/** `struct lkm_x { MODTYPE lkm_type; ... union { ... } lkm_dev; };` → lkm_x: [lkm_type, …, lkm_dev]. */
export function structMembers(text: string): Map<string, string[]> {
  const code = text.replace(/\/\*[\s\S]*?\*\//g, ' ').replace(/^[ \t]*#.*$/gm, '');
  const out = new Map<string, string[]>();
  const re = /\bstruct\s+(lkm_\w+)\s*\{/g;
  for (let m = re.exec(code); m; m = re.exec(code)) {
    let depth = 1;
    let i = re.lastIndex;
    let start = i;
    const members: string[] = [];
    for (; i < code.length && depth > 0; i++) {
      const c = code[i];
      if (c === '{') depth++;
      else if (c === '}') depth--;
      else if (c === ';' && depth === 1) {
        const name = memberName(code.slice(start, i));
        if (name) members.push(name);
        start = i + 1;
      }
    }
    if (!out.has(m[1]!) && members.length) out.set(m[1]!, members);
    re.lastIndex = i;
  }
  return out;
}

/** The name a member declaration declares: `int (*f) __P((int))` → f, `char x[4]` → x. */
function memberName(decl: string): string | null {
  const fnptr = /\(\s*\*\s*(\w+)\s*\)/.exec(decl);
  if (fnptr) return fnptr[1]!;
  const m = /(\w+)\s*(?:\[[^\]]*\]\s*)*(?::\s*\d+\s*)?$/.exec(decl.trim());
  return m ? m[1]! : null;
}

/** `LKM_VERSION` of the tree's sys/lkm.h (the LKM loader's interface version), or null. */
export function lkmVersion(sysDir: string): number | null {
  const text = readText(path.join(sysDir, 'sys', 'lkm.h'));
  const m = text && /^\s*#\s*define\s+LKM_VERSION\s+(\d+)/m.exec(text);
  return m ? Number(m[1]) : null;
}

/**
 * Whether the tree's DISPATCH runs the module's load() before lkmdispatch() wires the module
 * in: NetBSD 1.x's macro calls load() in its switch and lkmdispatch() after it, for every
 * command; later headers (LKM_DISPATCH) wire first and run load() once wired. Null without a
 * header or a DISPATCH this can read.
 */
export function dispatchLoadsFirst(sysDir: string): boolean | null {
  return lkmInterface(sysDir)?.loadsFirst ?? null;
}

/** From a DISPATCH body: does its LKM_E_LOAD case leave lkmdispatch() for after the switch? */
function loadsFirst(body: string | undefined): boolean | null {
  const load = body ? /\bcase\s+LKM_E_LOAD\s*:([\s\S]*?)\bcase\s+LKM_E_UNLOAD\b/.exec(body) : null;
  if (!load) return null;
  if (/\blkmdispatch\s*\(/.test(load[1]!)) return false;
  return /\bload\s*\(/.test(load[1]!) ? true : null;
}

/** `__NetBSD_Version__` of sys/param.h (MMmmrrpp00), or null. */
export function netbsdVersion(sysDir: string): number | null {
  const text = readText(path.join(sysDir, 'sys', 'param.h'));
  const m = text && /^\s*#\s*define\s+__NetBSD_Version__\s+(\d+)/m.exec(text);
  return m ? Number(m[1]) : null;
}

/** 104200000 -> "NetBSD 1.4T", 400000000 -> "NetBSD 4.0", 299002300 -> "NetBSD 2.99.23". */
export function releaseName(version: number): string {
  const major = Math.floor(version / 100000000);
  const minor = Math.floor(version / 1000000) % 100;
  const rel = Math.floor(version / 10000) % 100;
  const patch = Math.floor(version / 100) % 100;
  let s = `NetBSD ${major}.${minor}`;
  // Before 2.0 the third field is the -current letter (1.4T); after it, a number (2.99.23).
  if (rel) s += major < 2 ? String.fromCharCode(64 + rel) : `.${rel}`;
  if (patch) s += `.${patch}`;
  return s;
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'latin1');
  } catch {
    return null;
  }
}
