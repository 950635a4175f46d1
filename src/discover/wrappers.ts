/**
 * LKMs declared through a vendor's own macro: `ACME_MODULE(acmewd, load, unload)` where a
 * header defines ACME_MODULE as MOD_MISC plus an entry function that DISPATCHes. Discovery
 * cannot see through such a macro, so without a rule pack that teaches the shape the module is
 * reported where the macro is called — never dropped as "not an LKM".
 */
import path from 'node:path';
import type { Finding } from './plan.ts';
import { maskCode, LineIndex, onPreprocessorLine } from './text.ts';

/** A #define whose body declares or dispatches an LKM. */
export interface LkmWrapper {
  name: string;
  file: string;
  line: number;
  /** The LKM macros its body uses, in order: `MOD_MISC`, `DISPATCH`. */
  wraps: string[];
}

/** A call of an upper-case macro at file scope, where a declaration stands. */
export interface MacroCall {
  name: string;
  line: number;
}

const LKM_MACRO = /\b(MOD_(?:SYSCALL|VFS|DEV|EXEC|COMPAT|MISC|DRV|STRMOD)|(?:LKM_)?DISPATCH)\s*\(/g;
/** sys/lkm.h's own macros are the interface, not wrappers of it. */
const LKM_OWN = /^(?:MOD_\w+|(?:LKM_)?DISPATCH)$/;

/**
 * The #defines of a file (continuation lines included) that wrap MOD_* or DISPATCH. `masked` and
 * `lines` are the file's, when the caller has them already.
 */
export function lkmWrappers(file: string, text: string, masked?: string, lines?: LineIndex): LkmWrapper[] {
  const out: LkmWrapper[] = [];
  if (!/MOD_|DISPATCH/.test(text)) return out;
  masked ??= maskCode(text);
  lines ??= new LineIndex(text);
  for (const m of masked.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)((?:[^\n]*\\\r?\n)*[^\n]*)/gm)) {
    const name = m[1]!;
    if (LKM_OWN.test(name)) continue;
    const wraps = [...new Set([...m[2]!.matchAll(LKM_MACRO)].map((w) => w[1]!))];
    if (wraps.length) out.push({ name, file, line: lines.lineOf(m.index), wraps });
  }
  return out;
}

/**
 * Upper-case macros called at the start of a line outside any function: where a declaration
 * (MOD_MISC(...), ACME_MODULE(...)) stands. `masked` is the text with comments blanked;
 * `inFunction` tells a statement from file scope.
 */
export function fileScopeMacroCalls(masked: string, lines: LineIndex, inFunction: (index: number) => boolean): MacroCall[] {
  const out: MacroCall[] = [];
  for (const m of masked.matchAll(/^[ \t]*([A-Z_][A-Z0-9_]*)[ \t]*\(/gm)) {
    const at = m.index + m[0].indexOf(m[1]!);
    if (LKM_OWN.test(m[1]!) || onPreprocessorLine(masked, at) || inFunction(at)) continue;
    out.push({ name: m[1]!, line: lines.lineOf(at) });
  }
  return out;
}

/** A not-understood finding per call of a wrapper the file can see. */
export function notUnderstood(file: string, calls: MacroCall[], visible: LkmWrapper[]): Finding[] {
  const out: Finding[] = [];
  for (const call of calls) {
    const w = visible.find((v) => v.name === call.name);
    if (!w) continue;
    out.push({
      file,
      line: call.line,
      severity: 'error',
      code: 'not-understood',
      message:
        `${w.name} (${path.basename(w.file)}:${w.line}) is a macro around ${w.wraps.join(' and ')}: this declares an LKM in a ` +
        'shape lkm2mod does not understand, so it is not converted. Write a rule pack that declares the shape ' +
        '(lkm2mod rules docs; rules/examples/vendor-pack is one) and pass its directory with --rules DIR.',
    });
  }
  return out;
}
