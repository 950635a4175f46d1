/**
 * Modules already in module(9) form: a `MODULE(class, name, required)` line in the module's
 * sources. A converted tree is made of them, and so is a tree where some modules were ported by
 * hand: there is nothing to convert, but scan lists them, convert says it leaves them, and
 * validate and review check and show them. Discovery is the one place that finds them.
 *
 * Read from the text, not the parse tree: MODULE() is a file-scope macro call, the very thing
 * tree-sitter recovers from badly, and its three arguments are all the kernel reads of a module
 * before calling its modcmd.
 */
import path from 'node:path';
import type { Finding, Module9, Span } from './plan.ts';
import type { ModuleSources } from './assemble.ts';
import { closingBracket, LineIndex, maskCode, splitTopLevel } from './text.ts';
import { findings } from './findings.ts';
import { PreprocessorConditions, isDead } from './conditions.ts';

const NEEDLE = Buffer.from('MODULE_CLASS_', 'latin1');

/** Could this file hold a MODULE() line? (A byte search, as cheap as the LKM prefilter.) */
export function mayDeclareModinfo(buf: Buffer): boolean {
  return buf.indexOf(NEEDLE) >= 0;
}

/** A MODULE() line as read: `MODULE(MODULE_CLASS_VFS, null, "layerfs")`. */
export interface Modinfo extends Span {
  moduleClass: string;
  name: string;
  required: string[] | null;
  args: string[];
  /** The #if conditions around it, outermost first (`defined(_MODULE)`). */
  conditions: string[];
}

/**
 * The file's MODULE() line: a call at the start of a line (sys/module.h's `#define MODULE` is
 * not one), outside comments and `#if 0`, whose first argument is a MODULE_CLASS_ and second a name.
 */
export function findModinfo(file: string, text: string): Modinfo | null {
  if (!text.includes('MODULE_CLASS_')) return null;
  const masked = maskCode(text);
  const call = /^[ \t]*MODULE[ \t]*\(/gm;
  let conds: PreprocessorConditions | null = null;
  for (let m = call.exec(masked); m; m = call.exec(masked)) {
    const open = m.index + m[0].length - 1;
    const close = closingBracket(masked, open);
    if (close < 0) continue;
    const args = splitTopLevel(text, masked, open + 1, close).map((a) => a.text);
    const cls = /^MODULE_CLASS_(\w+)$/.exec(args[0] ?? '');
    if (args.length !== 3 || !cls || !/^[A-Za-z_]\w*$/.test(args[1]!)) continue;
    const start = m.index + m[0].indexOf('MODULE');
    const frames = (conds ??= new PreprocessorConditions(masked)).at(start);
    if (isDead(frames)) continue;
    return {
      file,
      start,
      end: close + 1,
      line: new LineIndex(text).lineOf(start),
      moduleClass: cls[1]!,
      name: args[1]!,
      required: requiredList(args[2]!),
      args,
      conditions: frames.map((f) => f.condition),
    };
  }
  return null;
}

/** NULL (or 0) is none; string literals, pasted together, are split at commas; anything else is a macro. */
function requiredList(arg: string): string[] | null {
  if (arg === 'NULL' || arg === '0') return [];
  if (!/^(?:"(?:[^"\\\n]|\\.)*"\s*)+$/.test(arg)) return null;
  const joined = [...arg.matchAll(/"((?:[^"\\\n]|\\.)*)"/g)].map((s) => s[1]).join('');
  return joined.split(',').map((s) => s.trim()).filter(Boolean);
}

/** Where `<name>_modcmd` is defined: its name, then a parameter list, then a body. */
export function findModcmd(name: string, files: string[], textOf: (file: string) => string | undefined): Module9['modcmd'] {
  const fn = `${name}_modcmd`;
  for (const file of files) {
    const text = textOf(file);
    if (!text?.includes(fn)) continue;
    const masked = maskCode(text);
    const at = new RegExp(`\\b${fn}\\s*\\(`, 'g');
    for (let m = at.exec(masked); m; m = at.exec(masked)) {
      const close = closingBracket(masked, m.index + m[0].length - 1);
      if (close < 0) continue;
      // A prototype or a call is followed by `;`, `)` or `,`; a definition by its body.
      if (/^\s*\{/.test(masked.slice(close + 1, close + 256))) return { name: fn, file, line: new LineIndex(text).lineOf(m.index) };
    }
  }
  return null;
}

/**
 * A module(9) module of a Makefile that builds a KMOD: the first of its sources with a MODULE()
 * line names it. Null when none has one (an LKM, or a module lkm2mod cannot read).
 */
export function makefileModule9(m: ModuleSources, textOf: (file: string) => string | undefined): Module9 | null {
  for (const file of m.files) {
    const text = textOf(file);
    const modinfo = text === undefined ? null : findModinfo(file, text);
    if (modinfo) return module9(modinfo, { ...m, makefile: m.makefile?.file ?? null, kmod: m.makefile?.kmod ?? null }, textOf);
  }
  return null;
}

/**
 * Module(9) modules no Makefile builds: a directory whose C files declare one module is that
 * module (as `lkm2mod kernel load DIR` reads a directory); a directory of several (a driver
 * directory, where sys/modules/<name>/Makefile would pick each one's sources) has a module per
 * declaring file.
 */
export function orphanModule9s(
  declaring: { file: string; text: string }[],
  cFilesOf: (dir: string) => string[],
  textOf: (file: string) => string | undefined,
): Module9[] {
  const byDir = new Map<string, Modinfo[]>();
  for (const { file, text } of declaring) {
    const modinfo = findModinfo(file, text);
    if (modinfo) byDir.set(path.dirname(file), [...(byDir.get(path.dirname(file)) ?? []), modinfo]);
  }
  const out: Module9[] = [];
  for (const [dir, modinfos] of byDir) {
    for (const modinfo of modinfos) {
      const rest = modinfos.length === 1 ? cFilesOf(dir).filter((f) => f !== modinfo.file) : [];
      out.push(module9(modinfo, { dir, makefile: null, kmod: null, files: [modinfo.file, ...rest], missing: [] }, textOf));
    }
  }
  return out;
}

function module9(
  modinfo: Modinfo,
  src: { dir: string; makefile: string | null; kmod: string | null; files: string[]; missing: string[] },
  textOf: (file: string) => string | undefined,
): Module9 {
  const modcmd = findModcmd(modinfo.name, src.files, textOf);
  const out: Finding[] = [];
  if (!modcmd) out.push(findings.modcmdNotFound(modinfo.file, modinfo.line, modinfo.name, src.files.map((f) => path.basename(f)), src.missing));
  const { file, start, end, line, args, conditions } = modinfo;
  return {
    name: modinfo.name,
    moduleClass: modinfo.moduleClass,
    required: modinfo.required,
    dir: src.dir,
    makefile: src.makefile,
    kmod: src.kmod,
    files: src.files,
    missingSources: src.missing,
    modinfo: { file, start, end, line, args, conditions },
    modcmd,
    findings: out,
  };
}
