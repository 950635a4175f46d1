/**
 * The LKM descriptor behind a declaration, read from the source itself: the MOD_* call with
 * its arguments and exact extent (trailing `;` or not), or a hand-built `struct lkm_*`
 * variable with its initialiser, mapped to lkm.h member names. Rules ask for `lkm_vfsops`
 * and do not care which of the two shapes the author wrote.
 */
import path from 'node:path';
import type { SyntaxNode } from '../source/cparse.ts';
import { lkmInterface } from '../source/lkm-header.ts';
import { kernelTreeOf } from '../source/make-env.ts';
import type { CSource } from './csource.ts';
import type { Declaration } from '../discover/plan.ts';

/** Common header of every descriptor (sys/lkm.h, NetBSD 4). */
const HEADER = ['lkm_type', 'lkm_name', 'lkm_offset', 'lkm_modver', 'lkm_sysver', 'lkm_envver'];

/** Members after the header, per struct type. */
const PAYLOAD: Record<string, string[]> = {
  lkm_syscall: ['lkm_sysent', 'lkm_oldent'],
  lkm_vfs: ['lkm_vfsops'],
  lkm_dev: ['lkm_devname', 'lkm_bdev', 'lkm_bdevmaj', 'lkm_cdev', 'lkm_cdevmaj'],
  lkm_strmod: [],
  lkm_exec: ['lkm_execsw', 'lkm_emul'],
  lkm_compat: ['lkm_compat'],
  lkm_misc: [],
  lkm_drv: ['lkm_cd', 'lkm_cai', 'lkm_cf'],
};

/** MOD_* macro arguments, by lkm.h member. */
const MACRO_ARGS: Record<string, string[]> = {
  MOD_SYSCALL: ['lkm_name', 'lkm_offset', 'lkm_sysent'],
  MOD_VFS: ['lkm_name', 'lkm_offset', 'lkm_vfsops'],
  MOD_DEV: ['lkm_name', 'lkm_devname', 'lkm_bdev', 'lkm_bdevmaj', 'lkm_cdev', 'lkm_cdevmaj'],
  MOD_COMPAT: ['lkm_name', 'lkm_offset', 'lkm_compat'],
  MOD_EXEC: ['lkm_name', 'lkm_offset', 'lkm_execsw', 'lkm_emul'],
  MOD_MISC: ['lkm_name'],
  MOD_STRMOD: ['lkm_name'],
  MOD_DRV: ['lkm_name', 'lkm_cd', 'lkm_cai', 'lkm_cf'],
};

/** The historic four-argument MOD_DEV(name, LM_DT_*, slot, devp). */
const OLD_MOD_DEV = ['lkm_name', 'lkm_devtype', 'lkm_offset', 'lkm_dev'];

export interface DescriptorSite {
  /** [start, end) of the whole declaration, `;` included when written. */
  start: number;
  end: number;
  fields: Map<string, string>;
  /** The variable a hand-built descriptor defines (null for MOD_* macros). */
  variable: string | null;
}

export function readDescriptor(src: CSource, decl: Declaration): DescriptorSite | null {
  // A rule's declaration shape read it: its span and fields are the rule's.
  if (decl.rule) return { start: decl.start, end: decl.end, fields: new Map(Object.entries(decl.fields ?? {})), variable: null };
  if (decl.macro.startsWith('struct ')) return readHandBuilt(src, decl);
  const call = macroCallAt(src.text, decl.macro, decl.start);
  if (!call) return null;
  const names = decl.macro === 'MOD_DEV' && call.args.length === 4 ? OLD_MOD_DEV : MACRO_ARGS[decl.macro] ?? [];
  const fields = new Map<string, string>();
  names.forEach((n, i) => {
    if (call.args[i] !== undefined) fields.set(n, call.args[i].text);
  });
  return { start: call.start, end: call.end, fields, variable: null };
}

export interface MacroCall {
  start: number;
  /** After the closing parenthesis and a `;` that follows it. */
  end: number;
  args: Array<{ text: string; start: number; end: number }>;
}

/**
 * Find `NAME(...)` at or after `from` and split its arguments at top-level commas, skipping
 * strings, character constants and comments. Text-based on purpose: tree-sitter often cannot
 * tell what a macro call at file scope is.
 */
export function macroCallAt(text: string, name: string, from: number): MacroCall | null {
  const re = new RegExp(`\\b${name}\\s*\\(`, 'g');
  re.lastIndex = Math.max(0, from);
  const m = re.exec(text);
  if (!m) return null;
  const open = m.index + m[0].length - 1;
  const args: MacroCall['args'] = [];
  let depth = 0;
  let argStart = open + 1;
  for (let i = open; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = skipQuoted(text, i);
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const e = text.indexOf('*/', i + 2);
      i = e === -1 ? text.length : e + 1;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') {
      const e = text.indexOf('\n', i);
      i = e === -1 ? text.length : e;
      continue;
    }
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') {
      depth--;
      if (depth === 0) {
        pushArg(text, args, argStart, i);
        let end = i + 1;
        const semi = /^[ \t]*;/.exec(text.slice(end));
        if (semi) end += semi[0].length;
        return { start: m.index, end, args: args.length === 1 && args[0].text === '' ? [] : args };
      }
    } else if (c === ',' && depth === 1) {
      pushArg(text, args, argStart, i);
      argStart = i + 1;
    }
  }
  return null;
}

function pushArg(text: string, args: MacroCall['args'], start: number, end: number): void {
  const raw = text.slice(start, end);
  const lead = raw.length - raw.trimStart().length;
  const trimmed = raw.trim();
  args.push({ text: trimmed, start: start + lead, end: start + lead + trimmed.length });
}

function skipQuoted(text: string, i: number): number {
  const q = text[i];
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === q || text[j] === '\n') return j;
  }
  return text.length;
}

function readHandBuilt(src: CSource, decl: Declaration): DescriptorSite | null {
  let node: SyntaxNode | null = src.nodeAt(decl.start, decl.end);
  while (node && node.type !== 'declaration') node = node.parent;
  if (!node) return null;
  const type = /struct\s+(lkm_\w+)/.exec(decl.macro)?.[1] ?? '';
  const { header, order } = memberOrder(src.path, type);
  const fields = new Map<string, string>();
  const init = node.descendantsOfType('initializer_list')[0];
  if (init) {
    let pos = 0;
    for (const el of init.namedChildren) {
      if (el.type === 'comment') continue;
      if (el.type === 'initializer_pair') {
        const field = el.namedChildren.find((c) => c.type === 'field_designator')?.text.replace(/^\./, '');
        const value = el.childForFieldName('value');
        if (field && value) fields.set(field, value.text);
        continue;
      }
      if (pos === 0 && el.type === 'initializer_list') {
        // The header written as a nested struct lkm_any.
        el.namedChildren.filter((c) => c.type !== 'comment').forEach((h, i) => fields.set(header[i] ?? `#${i}`, h.text));
        pos = header.length;
        continue;
      }
      if (order[pos]) fields.set(order[pos], el.text);
      pos++;
    }
  }
  const declarator = node.descendantsOfType('identifier').find((i) => i.parent?.type === 'init_declarator' || i.parent === node);
  return { start: node.startIndex, end: node.endIndex, fields, variable: declarator?.text ?? decl.variable };
}

/** NetBSD 1.x member names under the names rules ask for (struct lkm_exec's execsw was lkm_exec). */
const OLD_NAMES: Record<string, Record<string, string>> = { lkm_exec: { lkm_exec: 'lkm_execsw' } };

/**
 * The members a positional initialiser of `struct <type>` fills, in order: the tree's own
 * sys/lkm.h when the file is in a kernel tree that has one (NetBSD 1.x's layout differs:
 * lkm_ver second, a device's switch in the union lkm_dev), else NetBSD 4's.
 */
function memberOrder(file: string, type: string): { header: string[]; order: string[] } {
  const sys = kernelTreeOf(path.dirname(file));
  const structs = sys ? lkmInterface(sys)?.structs : undefined;
  const members = structs?.get(type);
  if (!structs || !members) return { header: HEADER, order: [...HEADER, ...(PAYLOAD[type] ?? [])] };
  const rename = (m: string) => OLD_NAMES[type]?.[m] ?? m;
  return { header: structs.get('lkm_any') ?? HEADER, order: members.map(rename) };
}

/** `&foo_vfsops` → `foo_vfsops`; a cast or parentheses around it are looked through. */
export function referencedSymbol(expr: string): string | null {
  const m = /^\(?\s*(?:\([^()]*\)\s*)?&?\s*\(?\s*([A-Za-z_]\w*)\s*\)?\s*\)?$/.exec(expr.trim());
  return m ? m[1] : null;
}

/** `-1`, `( -1 )`, `(u_long)-1` → true. */
export function isMinusOne(expr: string): boolean {
  return /^\(?\s*(?:\(\s*[\w\s]+\)\s*)?-\s*1\s*\)?$/.test(expr.trim());
}

/** `"linux"` → `linux`; NULL or anything else → null. */
export function stringValue(expr: string): string | null {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(expr.trim());
  return m ? m[1] : null;
}
