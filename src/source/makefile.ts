/**
 * Reading a module's BSD make Makefile the way make(1) would, far enough to know what it builds:
 * KMOD, SRCS, .PATH / .PATH.c, CPPFLAGS, the files it includes.
 *
 * Real kernel Makefiles reach their sources through variables (`S=${.CURDIR}/../../..`,
 * `.include "../Makefile.inc"`, `.PATH: ${S}/miscfs/kernfs`), so this follows quoted includes,
 * expands variables with their modifiers, runs `.for` loops and evaluates `.if` where it can.
 * System includes (`<bsd.kmod.mk>`) are not read: they add build rules, not sources. What modules
 * rely on from them is supplied instead (make-env.ts): `S?= /sys` as a fallback (the kernel tree
 * above the Makefile), NETBSDSRCDIR found the way bsd.own.mk finds it, MACHINE and the variables
 * derived from it from the machine the user names. `S!= cd ${.CURDIR}/../../..;pwd` and the other
 * directory idioms of `!=` are evaluated without a shell (make-shell.ts).
 *
 * No BSD make parser is maintained on npm (the few Makefile parsers there handle GNU make's
 * syntax), hence this one.
 */
import path from 'node:path';
import { isFile, readSource } from './files.ts';
import { DEFAULT_MACHINE, type Machine } from './make-env.ts';
import type { AssignOp } from './make-vars.ts';
import { MakefileReader } from './make-reader.ts';

export interface MakefileProblem {
  file: string;
  line: number;
  severity: 'error' | 'warning' | 'note';
  code: string;
  message: string;
}

/** A dependency line (`target: sources`), kept to recognise sources the build generates. */
export interface MakeRule {
  file: string;
  line: number;
  targets: string[];
  sources: string[];
}

/** Where a variable was assigned: the last assignment is what a finding points at. */
export interface AssignmentSite {
  file: string;
  line: number;
  op: AssignOp;
  raw: string;
}

export interface MakefileInfo {
  file: string;
  /** `${.CURDIR}`: the Makefile's directory. */
  curdir: string;
  kmod: string | null;
  srcs: string[];
  /** `.PATH:` directories, absolute, in order. */
  searchPath: string[];
  /** `.PATH.<suffix>:` directories (key `.c`), searched before `.PATH` for that suffix. */
  searchPathBySuffix: Map<string, string[]>;
  /** Every variable the Makefile (and its includes) defines, fully expanded. */
  vars: Map<string, string>;
  /** Files read through `.include "..."` (absolute), and system includes as written (`<bsd.kmod.mk>`). */
  includes: string[];
  cppflags: string[];
  rules: MakeRule[];
  assignments: Map<string, AssignmentSite[]>;
  problems: MakefileProblem[];
}

export interface ParseMakefileOptions {
  /** The Makefile's text, when the caller has already read it. */
  text?: string;
  /** Texts of included files by absolute path, shared between Makefiles of one scan. */
  includeCache?: Map<string, string | null>;
  /** The machine make builds for (MACHINE, MACHINE_ARCH); default i386. */
  machine?: Machine;
}

export function parseMakefile(file: string, opts: ParseMakefileOptions = {}): MakefileInfo {
  const abs = path.resolve(file);
  const curdir = path.dirname(abs);
  const info: MakefileInfo = {
    file: abs,
    curdir,
    kmod: null,
    srcs: [],
    searchPath: [],
    searchPathBySuffix: new Map(),
    vars: new Map(),
    includes: [],
    cppflags: [],
    rules: [],
    assignments: new Map(),
    problems: [],
  };
  let text = opts.text;
  if (text === undefined) {
    const r = readSource(abs);
    if ('problem' in r) {
      info.problems.push({ file: abs, line: 0, severity: 'error', code: r.problem.code, message: r.problem.message });
      return info;
    }
    text = r.text;
  }
  const parser = new MakefileReader(info, opts.includeCache ?? new Map(), opts.machine ?? DEFAULT_MACHINE);
  parser.readFile(abs, text, 'yes', 0);
  parser.finish();
  return info;
}

/** The SRCS of a Makefile, found as make would: the Makefile's directory, then .PATH.<suffix>, then .PATH. */
export function resolveSources(info: MakefileInfo, dir: string): { found: string[]; missing: string[] } {
  const found: string[] = [];
  const missing: string[] = [];
  for (const src of info.srcs) {
    const p = findSource(info, dir, src);
    if (p) {
      if (!found.includes(p)) found.push(p);
    } else if (!missing.includes(src)) missing.push(src);
  }
  return { found, missing };
}

function findSource(info: MakefileInfo, dir: string, src: string): string | null {
  const found = findFile(info, dir, src);
  if (found || path.extname(src) !== '.o') return found;
  // An object in SRCS (`SRCS+= svr4_machdep.o`) is built by make's suffix rules from the source
  // of the same name its search path finds, in the order of bsd.sys.mk's .SUFFIXES.
  for (const ext of ['.c', '.S', '.s']) {
    const p = findFile(info, dir, src.slice(0, -2) + ext);
    if (p) return p;
  }
  return null;
}

function findFile(info: MakefileInfo, dir: string, src: string): string | null {
  if (src.includes('/')) {
    const p = path.resolve(dir, src);
    return isFile(p) ? p : null;
  }
  const suffix = path.extname(src);
  const dirs = [dir, ...(info.searchPathBySuffix.get(suffix) ?? []), ...info.searchPath];
  for (const d of dirs) {
    const p = path.join(d, src);
    if (isFile(p)) return p;
  }
  return null;
}

