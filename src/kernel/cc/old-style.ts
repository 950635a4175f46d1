/**
 * Old-style (K&R) function definitions as prototype definitions, before parsing:
 *
 *     struct vnode *                        struct vnode *
 *     adosfs_ahashget(mp, an)        ->     adosfs_ahashget(struct mount *mp, ino_t an)
 *         struct mount *mp;
 *         ino_t an;
 *     {                                     {
 *
 * tree-sitter reads an old-style definition only when it returns a non-pointer and its first
 * parameter declaration starts with a keyword; `ip_t *ip;` after the declarator it takes for an
 * attribute macro, and a pointer return for a declaration followed by a stray block. Half of a
 * 1990s kernel is written this way. The rewrite keeps every line where it was (the declarations'
 * lines are left empty), so positions still map back to the source; the parameters take the
 * order of the identifier list, an undeclared one is `int`, as C89 says.
 */

const IDENT = /[A-Za-z_]\w*/y;
const QUALIFIERS = new Set(['const', 'volatile', '__const', '__volatile', '__volatile__', 'restrict', '__restrict']);

/** The text with every old-style definition at file scope rewritten (the same text if none). */
export function prototypeOldStyle(text: string): string {
  if (!/\)\s*[A-Za-z_][^;{}]*;[^{}]*\{/.test(text)) return text;
  let out = '';
  let copied = 0;
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      i = skipLiteral(text, i);
      continue;
    }
    if (c === '{') depth++;
    else if (c === '}') depth = Math.max(0, depth - 1);
    else if (c === '(' && depth === 0) {
      const r = oldStyleAt(text, i);
      if (r) {
        out += text.slice(copied, i) + r.replacement;
        copied = r.end;
        i = r.end - 1;
      }
    }
  }
  return copied === 0 ? text : out + text.slice(copied);
}

function skipLiteral(text: string, i: number): number {
  const q = text[i];
  for (let j = i + 1; j < text.length; j++) {
    if (text[j] === '\\') j++;
    else if (text[j] === q || text[j] === '\n') return j;
  }
  return text.length;
}

/**
 * At `open` (a `(` at file scope): `(a, b) T a; U *b;` up to the body's `{`, if that is what
 * follows. `end` is the index of the `{`.
 */
function oldStyleAt(text: string, open: number): { replacement: string; end: number } | null {
  // The identifier list, preceded by the function's name.
  if (!/[A-Za-z_]\w*\s*$/.test(text.slice(Math.max(0, open - 64), open))) return null;
  const close = text.indexOf(')', open);
  if (close < 0) return null;
  const names = text.slice(open + 1, close).split(',').map((s) => s.trim());
  if (names.some((n) => !/^[A-Za-z_]\w*$/.test(n)) || names.includes('void')) return null;
  // Declarations up to the `{`: each ends with `;`, nothing else in between.
  if (!/^\s*[A-Za-z_]/.test(text.slice(close + 1, close + 200))) return null;
  const body = text.indexOf('{', close);
  if (body < 0 || body - close > 4000) return null;
  const decls = text.slice(close + 1, body);
  if (!decls.trim().endsWith(';') || /[{}"'#]/.test(decls)) return null;
  const chunks = splitTop(decls, ';').slice(0, -1); // the text after the last ';' is whitespace
  if (chunks.length === 0 || chunks.some((ch) => !ch.trim())) return null;
  const typed = new Map<string, string>();
  for (const chunk of chunks) {
    const params = declarationParams(chunk.trim(), names);
    if (!params) return null;
    for (const [n, p] of params) {
      if (typed.has(n)) return null;
      typed.set(n, p);
    }
  }
  const list = names.map((n) => typed.get(n) ?? `int ${n}`).join(', ');
  const lines = text.slice(open, body).split('\n').length - 1;
  return { replacement: `(${list})${'\n'.repeat(lines)}`, end: body };
}

/** `char *src, *dst` -> src: `char *src`, dst: `char *dst`; null if it declares a non-parameter. */
function declarationParams(decl: string, names: string[]): Map<string, string> | null {
  const pieces = splitTop(decl, ',').map((p) => p.trim());
  const first = pieces[0]!;
  const at = firstName(first, names);
  if (at < 0) return null;
  // The declarator starts at the `*`, `(` and qualifiers in front of the name.
  let start = at;
  for (;;) {
    const before = first.slice(0, start).trimEnd();
    const last = before[before.length - 1];
    if (last === '*' || last === '(') {
      start = before.length - 1;
      continue;
    }
    const q = /[A-Za-z_]\w*$/.exec(before);
    if (q && QUALIFIERS.has(q[0]) && /[*(]\s*$/.test(before.slice(0, q.index))) {
      start = q.index;
      continue;
    }
    break;
  }
  const spec = first.slice(0, start).trim();
  if (!spec) return null;
  const out = new Map<string, string>();
  for (const [k, piece] of pieces.entries()) {
    const declarator = k === 0 ? first.slice(start).trim() : piece;
    const pos = firstName(declarator, names);
    if (pos < 0) return null;
    out.set(identAt(declarator, pos), `${spec} ${declarator}`);
  }
  return out;
}

function identAt(s: string, pos: number): string {
  IDENT.lastIndex = pos;
  return IDENT.exec(s)![0];
}

/** Index of the first identifier of `s` that is one of `names` (not a struct tag), or -1. */
function firstName(s: string, names: string[]): number {
  let afterTagKeyword = false;
  for (const m of s.matchAll(/[A-Za-z_]\w*/g)) {
    if (!afterTagKeyword && names.includes(m[0])) return m.index;
    afterTagKeyword = m[0] === 'struct' || m[0] === 'union' || m[0] === 'enum';
  }
  return -1;
}

/** Split at `sep` outside parentheses and brackets. */
function splitTop(s: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === sep && depth === 0) {
      out.push(s.slice(from, i));
      from = i + 1;
    }
  }
  out.push(s.slice(from));
  return out;
}
