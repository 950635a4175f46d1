/**
 * Function-like macros that stand for one kernel call: `#define HASHINIT(a, b, c, d)
 * hashinit((a), (b), (c), (d))`, as code shared between the BSDs wrote (ntfs). A step that looks
 * for calls by name (init-release: what INIT acquires, what unload frees) reads the call a
 * macro use makes, with the use's arguments put in place.
 */
import { PreprocessorConditions, type CondFrame } from '../discover/conditions.ts';
import { maskCode } from '../discover/text.ts';
import type { CSource } from './csource.ts';
import { netbsdCompiles } from './netbsd-branch.ts';

interface CallMacro {
  params: string[];
  /** The function the body calls. */
  callee: string;
  /** The body's arguments, as written (parameters not yet replaced). */
  args: string[];
  frames: CondFrame[];
}

/** What a macro use calls: the function and its arguments; or why that cannot be told. */
export type MacroCall = { callee: string; args: string[] } | { callee: string; problem: string };

export class CallMacros {
  private readonly defs = new Map<string, CallMacro[]>();

  /** `files`: the module's sources and the headers they include, searched in that order. */
  constructor(files: readonly CSource[]) {
    for (const f of files) {
      if (!f.text.includes('define')) continue;
      const masked = maskCode(f.text);
      let pc: PreprocessorConditions | null = null;
      for (const m of masked.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)\(([\w\s,]*)\)[ \t]*((?:[^\n\\]|\\\n|\\)*)/gm)) {
        const call = /^\(?\s*(\w+)\s*\(([\s\S]*)\)\s*\)?$/.exec(m[3].replace(/\\\n/g, ' ').trim());
        if (!call || !balanced(call[2])) continue;
        pc ??= new PreprocessorConditions(masked);
        const frames = pc.at(m.index!);
        if (netbsdCompiles(frames) === false) continue;
        const params = m[2].split(',').map((p) => p.trim()).filter(Boolean);
        this.defs.set(m[1], [...(this.defs.get(m[1]) ?? []), { params, callee: call[1], args: splitArgs(call[2]), frames }]);
      }
    }
  }

  /**
   * The call `name(args)` makes, when `name` is a macro whose body is one call to a function
   * `wanted` accepts; null when it is no such macro. Definitions NetBSD never compiles (`#else`
   * of `#ifdef __NetBSD__`) do not count; of several others, the one every NetBSD build
   * compiles is taken.
   */
  expand(name: string, args: string[], wanted: (callee: string) => boolean): MacroCall | null {
    const defs = (this.defs.get(name) ?? []).filter((d) => d.params.length === args.length);
    if (!defs.some((d) => wanted(d.callee))) return null;
    const def = defs.length === 1 ? defs[0] : defs.find((d) => netbsdCompiles(d.frames.filter((f) => !defs.every((o) => o.frames.some((g) => g.group === f.group && g.branch === f.branch)))) === true);
    if (!def) return { callee: defs.find((d) => wanted(d.callee))!.callee, problem: `${name}() is defined several ways, under conditions lkm2mod cannot choose between` };
    if (!wanted(def.callee)) return null;
    const put = (text: string) => def.params.reduce((t, p, i) => t.replace(new RegExp(`\\b${p}\\b`, 'g'), () => args[i]), text);
    return { callee: def.callee, args: def.args.map((a) => unparen(put(a))) };
  }
}

function balanced(text: string): boolean {
  let depth = 0;
  for (const ch of text) {
    if (ch === '(') depth++;
    else if (ch === ')' && --depth < 0) return false;
  }
  return depth === 0;
}

/** Top-level comma-separated arguments. */
export function splitArgs(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of text) {
    if (ch === ',' && depth === 0) {
      out.push(cur.trim());
      cur = '';
      continue;
    }
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    cur += ch;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

/** `(a)` → `a`, when the parentheses enclose the whole argument. */
function unparen(text: string): string {
  let t = text.trim();
  while (t.startsWith('(') && t.endsWith(')') && balanced(t.slice(1, -1))) t = t.slice(1, -1).trim();
  return t;
}
