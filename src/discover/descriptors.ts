/**
 * The registrations a C file declares: `MOD_xxx(...)` macros and descriptors built by hand
 * (`struct lkm_dev coda_dev = { ... }`), found in the text with comments blanked, since
 * tree-sitter's recovery is least reliable exactly around these file-scope macro calls.
 */
import type { LkmKind } from './plan.ts';
import type { DescriptorFact } from './facts.ts';
import { LineIndex, closingBracket, splitTopLevel, onPreprocessorLine } from './text.ts';
import { PreprocessorConditions, isDead } from './conditions.ts';

export const MOD_MACRO_KINDS: Record<string, LkmKind> = {
  MOD_SYSCALL: 'syscall',
  MOD_VFS: 'vfs',
  MOD_DEV: 'dev',
  MOD_EXEC: 'exec',
  MOD_COMPAT: 'compat',
  MOD_MISC: 'misc',
  MOD_DRV: 'drv',
  MOD_STRMOD: 'strmod',
};

/** `struct lkm_<x>` descriptor types; lkm_any's kind comes from its LM_ type constant. */
const STRUCT_KINDS: Record<string, LkmKind | null> = {
  lkm_syscall: 'syscall',
  lkm_vfs: 'vfs',
  lkm_dev: 'dev',
  lkm_exec: 'exec',
  lkm_compat: 'compat',
  lkm_misc: 'misc',
  lkm_drv: 'drv',
  lkm_strmod: 'strmod',
  lkm_any: null,
};

export const LM_KINDS: Record<string, LkmKind> = {
  LM_SYSCALL: 'syscall',
  LM_VFS: 'vfs',
  LM_DEV: 'dev',
  LM_EXEC: 'exec',
  LM_COMPAT: 'compat',
  LM_MISC: 'misc',
  LM_DRV: 'drv',
  LM_STRMOD: 'strmod',
};

/**
 * `MOD_xxx(...)` wherever C allows it, found in the text (see discover-text.ts for why): at file
 * scope, or inside a function (its expansion is a static local descriptor, which the DISPATCH of
 * the same function registers), recorded with that function.
 */
export function findModMacros(
  file: string,
  text: string,
  masked: string,
  lines: LineIndex,
  conds: PreprocessorConditions,
  enclosingAt: (i: number) => { name: string; start: number; end: number; line: number } | null,
): DescriptorFact[] {
  const out: DescriptorFact[] = [];
  for (const m of masked.matchAll(/\b(MOD_(?:SYSCALL|VFS|DEV|EXEC|COMPAT|MISC|DRV|STRMOD))\s*\(/g)) {
    const start = m.index;
    if (onPreprocessorLine(masked, start)) continue;
    const enclosing = enclosingAt(start);
    const frames = conds.at(start);
    if (isDead(frames)) continue;
    const open = start + m[0].length - 1;
    const close = closingBracket(masked, open);
    if (close < 0) continue;
    const end = pastSemicolon(masked, close + 1);
    const macro = m[1]!;
    out.push({
      declaration: {
        file,
        start,
        end,
        line: lines.lineOf(start),
        macro,
        args: splitTopLevel(text, masked, open + 1, close).map((a) => a.text),
        variable: '_module',
        conditions: frames.map((f) => f.condition),
        ...(enclosing ? { enclosing } : {}),
      },
      kind: MOD_MACRO_KINDS[macro]!,
      handBuilt: false,
      fields: {},
      frames,
    });
  }
  return out;
}

/** `[static] struct lkm_<x> name [= { ... }];` at file scope: a descriptor built by hand. */
export function findHandBuilt(
  file: string,
  text: string,
  masked: string,
  lines: LineIndex,
  conds: PreprocessorConditions,
  inFunction: (i: number) => string | null,
): DescriptorFact[] {
  const out: DescriptorFact[] = [];
  const re = /\b(?:(?:static|const|volatile)\s+)*struct\s+(lkm_(?:syscall|vfs|dev|exec|compat|misc|drv|strmod|any))\s+(\w+)\s*(=\s*\{|;)/g;
  for (const m of masked.matchAll(re)) {
    const start = m.index;
    if (onPreprocessorLine(masked, start) || inFunction(start)) continue;
    if (/\bextern\s+$/.test(masked.slice(Math.max(0, start - 16), start))) continue;
    const frames = conds.at(start);
    if (isDead(frames)) continue;
    const type = m[1]!;
    let end = start + m[0].length;
    let items: { text: string; start: number }[] = [];
    if (m[3] !== ';') {
      const open = start + m[0].length - 1;
      const close = closingBracket(masked, open);
      if (close < 0) continue;
      items = flattenInitialiser(text, masked, open + 1, close);
      end = pastSemicolon(masked, close + 1);
    }
    const fields: Record<string, string> = {};
    const positional: string[] = [];
    for (const it of items) {
      const d = /^\.\s*(\w+)\s*=\s*([\s\S]*)$/.exec(it.text);
      if (d) fields[d[1]!] = d[2]!;
      else positional.push(it.text);
    }
    const lmType = fields.lkm_type ?? positional.find((p) => /^LM_\w+$/.test(p));
    const kind = STRUCT_KINDS[type] ?? (lmType ? (LM_KINDS[lmType] ?? null) : null);
    out.push({
      declaration: {
        file,
        start,
        end,
        line: lines.lineOf(start),
        macro: `struct ${type}`,
        args: items.map((i) => i.text),
        variable: m[2]!,
        conditions: frames.map((f) => f.condition),
      },
      kind,
      handBuilt: true,
      fields,
      frames,
    });
  }
  return out;
}

/** Where a declaration ending at `end` ends with its `;`, if it has one (`MOD_MISC("x")` may have none). */
function pastSemicolon(masked: string, end: number): number {
  const semi = /^\s*;/.exec(masked.slice(end, end + 64));
  return semi ? end + semi[0].length : end;
}

/** The items of `{ {a, b}, .x = c, d }` with nested braces opened: a, b, .x = c, d. */
function flattenInitialiser(text: string, masked: string, from: number, to: number): { text: string; start: number }[] {
  const out: { text: string; start: number }[] = [];
  for (const part of splitTopLevel(text, masked, from, to)) {
    if (part.text.startsWith('{')) {
      const open = part.start;
      const close = closingBracket(masked, open);
      if (close > open) {
        out.push(...flattenInitialiser(text, masked, open + 1, close));
        continue;
      }
    }
    // `.mod = { ... }`: a designated sub-structure (the lkm_any header)
    const nested = /^\.\s*\w+\s*=\s*\{/.exec(part.text);
    if (nested) {
      const open = masked.indexOf('{', part.start);
      const close = closingBracket(masked, open);
      if (close > open) {
        out.push(...flattenInitialiser(text, masked, open + 1, close));
        continue;
      }
    }
    out.push(part);
  }
  return out;
}

export function findSysentInitialisers(text: string, masked: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const m of masked.matchAll(/\bstruct\s+sysent\s+(\w+)\s*(\[[^\]]*\])?\s*=\s*\{/g)) {
    const open = m.index + m[0].length - 1;
    const close = closingBracket(masked, open);
    if (close < 0) continue;
    out[m[1]!] = flattenInitialiser(text, masked, open + 1, close).map((i) => i.text);
  }
  return out;
}
