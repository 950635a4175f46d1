/**
 * Where the kernel tree being validated defines a symbol, outside the modules: what lets the
 * simulated kernel tell "a function the real kernel has and the model lacks" (linked to an
 * unmodelled stand-in, counted) from "a symbol defined nowhere" (the load fails, as kobj's
 * would). The tree's C files are read once, on the first symbol the kernel cannot find, and
 * scanned for definitions in the kernel's own style (KNF puts a function's name at the start
 * of a line): a full parse of a few thousand files would cost more than every module's checks.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { TreeSymbol } from '../kernel/unmodelled.ts';
import { macroDeclarators } from '../source/macro-declarator.ts';

/** Directories of a kernel tree that hold modules, not the kernel: never the kernel's definitions. */
const MODULE_DIRS = new Set(['lkm', 'modules']);

export class TreeIndex {
  /** Every definition of each name, the machine-independent kernel's first. */
  private index: Map<string, TreeSymbol[]> | null = null;

  constructor(
    /** The trees' `sys` directories. */
    private readonly roots: readonly string[],
  ) {}

  /**
   * Where the tree defines `name` outside `excluded` (the files that are modules' code, not the
   * kernel's): the converted modules' sources for a module(9) kernel; only the LKMs' own for
   * the old kernel the LKMs were loaded into, which had the code their options built (ufs).
   */
  lookup(name: string, excluded: ReadonlySet<string>): TreeSymbol | undefined {
    return this.lookupWhere(name, (file) => !excluded.has(file));
  }

  /** Where the tree defines `name` in a file `keep` accepts. */
  lookupWhere(name: string, keep: (file: string) => boolean): TreeSymbol | undefined {
    return (this.index ??= this.build()).get(name)?.find((t) => keep(t.file));
  }

  private build(): Map<string, TreeSymbol[]> {
    const out = new Map<string, TreeSymbol[]>();
    const add = (name: string, t: TreeSymbol) => {
      const list = out.get(name);
      if (list) list.push(t);
      else out.set(name, [t]);
    };
    const named: { file: string; line: number; call: string; objects: Map<string, string>; functions: FunctionMacros }[] = [];
    for (const root of this.roots) {
      for (const file of cFiles(root)) {
        let text: string;
        try {
          text = fs.readFileSync(file, 'latin1');
        } catch {
          continue;
        }
        const defs = file.endsWith('.c') ? definitions(text) : asmDefinitions(text);
        for (const d of defs) add(d.name, { file, line: d.line, kind: d.kind });
        if (file.endsWith('.c')) {
          const heads = macroNamedDefinitions(text);
          if (heads.length) {
            const objects = objectMacros(text);
            const functions = visibleFunctionMacros(file, text, root);
            for (const h of heads) named.push({ file, line: h.line, call: h.call, objects, functions });
          }
        }
      }
    }
    // `ELFNAME(read_from)(p, vp, ...)` with ELFSIZE 32 defines elf32_read_from.
    for (const n of named) {
      const name = expandName(n.call, n.functions, n.objects);
      if (name) add(name, { file: n.file, line: n.line, kind: 'func' });
    }
    return out;
  }
}

/**
 * Entry points of the tree's assembly (locore.s, icu.s): `ENTRY(x)`, `NENTRY(x)`, `IDTVEC(x)`
 * (which defines Xx), `_C_LABEL(x):` and `_x:` labels. Taken as functions.
 */
export function asmDefinitions(text: string): { name: string; line: number; kind: 'func' }[] {
  const out: { name: string; line: number; kind: 'func' }[] = [];
  text.split('\n').forEach((l, i) => {
    const m = /^(?:(?:ENTRY|NENTRY|ALTENTRY|ENTRY_NOPROFILE)\((\w+)\)|IDTVEC\((\w+)\)|_C_LABEL\((\w+)\):|_(\w+):)/.exec(l);
    if (!m) return;
    const name = m[1] ?? (m[2] !== undefined ? `X${m[2]}` : (m[3] ?? m[4]!));
    out.push({ name, line: i + 1, kind: 'func' });
  });
  return out;
}

function cFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string, top: boolean): void => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!(top && MODULE_DIRS.has(e.name))) walk(p, false);
      } else if (e.isFile() && /\.[cSs]$/.test(e.name)) out.push(p);
    }
  };
  walk(root, true);
  // The machine-independent kernel first: a port's copy of a variable is one of many.
  const arch = path.join(root, 'arch') + path.sep;
  return out.sort((a, b) => Number(a.startsWith(arch)) - Number(b.startsWith(arch)) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Global definitions in KNF C: `name(` at the start of a line followed by a body or K&R
 * parameter declarations (not `;`), whose type line above is not `static`; and file-scope
 * variables, `type name = …;` or `type name[…];` starting at column 0, and those whose type is a
 * macro call (`TAILQ_HEAD(bqueues, buf) bufqueues[BQUEUES];`). Braces are counted outside
 * comments, strings and preprocessor lines, each branch of an #if from where the #if was.
 */
export function definitions(text: string): { name: string; line: number; kind: 'func' | 'object' }[] {
  const out: { name: string; line: number; kind: 'func' | 'object' }[] = [];
  const lines = text.split('\n');
  let depth = 0;
  let inComment = false;
  // The brace depth at each open #if: every branch of it starts there (`#if X` `if (a) {`
  // `#else` `if (b) {` `#endif` opens one block, not two).
  const conds: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    // `__attribute__((…))` and `__P((…))` say nothing about what a line defines.
    const raw = lines[i]!.replace(/__attribute__\s*\(\((?:[^()]|\([^()]*(?:\([^()]*\))?[^()]*\))*\)\)/g, '');
    if (!inComment && raw.charCodeAt(0) === 35 /* # */) {
      const d = /^#\s*(if|ifdef|ifndef|elif|else|endif)\b/.exec(raw)?.[1];
      if (d === 'if' || d === 'ifdef' || d === 'ifndef') conds.push(depth);
      else if ((d === 'elif' || d === 'else') && conds.length) depth = conds.at(-1)!;
      else if (d === 'endif') conds.pop();
      // A directive (and its continuation lines) defines nothing and its braces are a macro's.
      while (lines[i]!.endsWith('\\') && i + 1 < lines.length) i++;
      continue;
    }
    const atTop = depth === 0 && !inComment;
    if (atTop) {
      const fn = /^([A-Za-z_]\w*)\s*\(/.exec(raw);
      const macroDecl = fn ? macroDeclarators(raw) : null;
      if (macroDecl) out.push(...macroDecl.map((name) => ({ name, line: i + 1, kind: 'object' as const })));
      else if (fn && !/^(if|while|for|switch|return|sizeof|__KERNEL_RCSID|__RCSID|int|void|char|short|long|unsigned|signed|u_int|u_long|struct|const|volatile)$/.test(fn[1]!) && isDefinition(lines, i) && !isStatic(lines, i)) {
        out.push({ name: fn[1]!, line: i + 1, kind: 'func' });
      } else {
        const v = /^(?!static\b|extern\b|typedef\b|return\b)(?:(?:const|volatile|unsigned|signed|register)\s+)*(?:(?:struct|union|enum)\s+\w+|[A-Za-z_]\w*)[\s*]+(?:const\s+)?([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)*(=|;|,)/.exec(raw);
        const fp = /^(?!static\b|extern\b|typedef\b)[A-Za-z_][\w\s]*\(\s*\*+\s*([A-Za-z_]\w*)\s*\)\s*(?:__P\s*)?\(.*\)\s*(=|;)/.exec(raw);
        if (fp) out.push({ name: fp[1]!, line: i + 1, kind: 'object' });
        else if (v && !raw.slice(0, v.index + v[0].length).includes('(')) {
          out.push({ name: v[1]!, line: i + 1, kind: 'object' });
          // `char *kmembase, *kmemlimit;`: the other declarators of the line.
          if (v[2] !== ';') {
            const rest = raw.slice(v[0].length - 1).replace(/=[^,;]*/g, '');
            for (const m of rest.matchAll(/,\s*\**\s*([A-Za-z_]\w*)/g)) out.push({ name: m[1]!, line: i + 1, kind: 'object' });
          }
        }
      }
    }
    // Track braces outside comments and strings, roughly: enough to know file scope.
    for (let j = 0; j < raw.length; j++) {
      const ch = raw[j];
      if (inComment) {
        if (ch === '*' && raw[j + 1] === '/') {
          inComment = false;
          j++;
        }
      } else if (ch === '/' && raw[j + 1] === '*') {
        inComment = true;
        j++;
      } else if (ch === '/' && raw[j + 1] === '/') break;
      else if (ch === '"' || ch === "'") {
        const close = raw.indexOf(ch, j + 1);
        j = close < 0 ? raw.length : close;
      } else if (ch === '{') depth++;
      else if (ch === '}') depth = Math.max(0, depth - 1);
    }
  }
  return out;
}

/** After the parameter list closes: `{` or K&R declarations, not `;` or `,` (a prototype or a macro call). */
function isDefinition(lines: string[], i: number, from = lines[i]!.indexOf('(')): boolean {
  let parens = 0;
  for (let k = i; k < Math.min(lines.length, i + 40); k++) {
    const l = lines[k]!;
    for (let j = k === i ? from : 0; j < l.length; j++) {
      const ch = l[j];
      if (ch === '(') parens++;
      else if (ch === ')') {
        parens--;
        if (parens === 0) {
          const rest = `${l.slice(j + 1)} ${lines[k + 1] ?? ''}`.replace(/\/\*.*?\*\//g, '').trim();
          return rest.startsWith('{') || /^[A-Za-z_]/.test(rest);
        }
      }
    }
  }
  return false;
}

/** KNF: the return type is on the line above the name. */
function isStatic(lines: string[], i: number): boolean {
  const above = (lines[i - 1] ?? '').trim();
  return /\bstatic\b/.test(above) || /^static\b/.test(lines[i]!);
}

/** Definitions whose name a macro makes, KNF style: `ELFNAME(copyargs)(pack, arginfo, ...)` at the start of a line. */
export function macroNamedDefinitions(text: string): { call: string; line: number }[] {
  const out: { call: string; line: number }[] = [];
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    const m = /^([A-Z_][A-Z0-9_]*\([\w\s,]*\))\s*\(/.exec(l);
    if (m && isDefinition(lines, i, m[0].length - 1) && !isStatic(lines, i)) out.push({ call: m[1]!, line: i + 1 });
  });
  return out;
}

/** `#define NAME value` of a file, the first of each name (`#define ELFSIZE 32`). */
function objectMacros(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)[ \t]+([^\n]*?)[ \t]*(?:\/\*.*)?$/gm)) if (!out.has(m[1]!)) out.set(m[1]!, m[2]!);
  return out;
}

type FunctionMacros = Map<string, { params: string[]; body: string }>;

/** The function-like macros a text defines, the first definition of each name. */
function functionMacrosOf(text: string, into: FunctionMacros): void {
  for (const m of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)\(([^)]*)\)[ \t]*([^\n]*)$/gm)) {
    if (!into.has(m[1]!)) into.set(m[1]!, { params: m[2]!.split(',').map((x) => x.trim()), body: m[3]!.replace(/\/\*.*?\*\//g, '').trim() });
  }
}

/**
 * The function-like macros visible in a C file: its own and those of the headers it includes,
 * followed through the tree (`<sys/exec_elf.h>` is `sys/exec_elf.h` of the tree; `"x.h"` next
 * to the includer first).
 */
function visibleFunctionMacros(file: string, text: string, root: string): FunctionMacros {
  const out: FunctionMacros = new Map();
  const seen = new Set<string>();
  const visit = (from: string, body: string): void => {
    functionMacrosOf(body, out);
    for (const m of body.matchAll(/^[ \t]*#[ \t]*include[ \t]*([<"])([^>"]+)[>"]/gm)) {
      const candidates = m[1] === '"' ? [path.join(path.dirname(from), m[2]!), path.join(root, m[2]!)] : [path.join(root, m[2]!)];
      for (const c of candidates) {
        if (seen.has(c)) break;
        let t: string;
        try {
          t = fs.readFileSync(c, 'latin1');
        } catch {
          continue;
        }
        seen.add(c);
        visit(c, t);
        break;
      }
    }
  };
  visit(file, text);
  return out;
}

/**
 * What a macro call expands to, as far as a name goes: function-like macros substituted (their
 * arguments expanded first), `##` pasted, object-like macros of the defining file replaced. A
 * name (an identifier) or null.
 */
export function expandName(call: string, functions: FunctionMacros, objects: Map<string, string>): string | null {
  const text = expand(call, functions, objects);
  return text !== null && /^[A-Za-z_]\w*$/.test(text) ? text : null;
}

function expand(call: string, functions: FunctionMacros, objects: Map<string, string>): string | null {
  let text = call;
  for (let round = 0; round < 32; round++) {
    const m = /\b([A-Za-z_]\w*)\s*\(/.exec(text);
    const def = m ? functions.get(m[1]!) : undefined;
    if (!m || !def) break;
    let depth = 0;
    let end = -1;
    const args: string[] = [];
    let from = m.index + m[0].length;
    for (let i = from; i < text.length; i++) {
      const c = text[i];
      if (c === '(') depth++;
      else if (c === ')' && depth-- === 0) {
        args.push(text.slice(from, i));
        end = i;
        break;
      } else if (c === ',' && depth === 0) {
        args.push(text.slice(from, i));
        from = i + 1;
      }
    }
    if (end < 0 || args.length !== def.params.length) return null;
    const values = args.map((a) => expand(a.trim(), functions, objects) ?? a.trim());
    let body = def.body;
    def.params.forEach((p, i) => {
      body = body.replace(new RegExp(`\\b${p}\\b`, 'g'), values[i]!);
    });
    text = text.slice(0, m.index) + body.replace(/\s*##\s*/g, '') + text.slice(end + 1);
  }
  return text.replace(/\b[A-Za-z_]\w*\b/g, (w) => objects.get(w) ?? w).replace(/\s*##\s*/g, '').trim();
}
