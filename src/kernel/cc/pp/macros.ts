/**
 * Macro definitions and expansion (C99 6.10.3): object-like and function-like macros, `#`
 * and `##`, variadic macros (with GNU `, ## __VA_ARGS__`), and hide sets as the recursion
 * guard, so a macro never expands inside its own expansion.
 */
import { tokenize, spell, type Token } from './tokens.ts';

export interface Macro {
  name: string;
  /** null for object-like macros. */
  params: string[] | null;
  variadic: boolean;
  body: Token[];
  /** Where it was defined (messages). */
  site: { file: string; line: number };
}

export class MacroError extends Error {}

export interface ExpandContext {
  macros: Map<string, Macro>;
  /** Values of __FILE__ and __LINE__ at the expansion site. */
  file: string;
  line: number;
}

const EMPTY: ReadonlySet<string> = new Set();

function withHide(t: Token, hide: ReadonlySet<string>): Token {
  return { ...t, hide };
}

function union(a: ReadonlySet<string> | undefined, name: string): ReadonlySet<string> {
  const s = new Set(a ?? EMPTY);
  s.add(name);
  return s;
}

function intersect(a: ReadonlySet<string> | undefined, b: ReadonlySet<string> | undefined): Set<string> {
  const r = new Set<string>();
  if (!a || !b) return r;
  for (const x of a) if (b.has(x)) r.add(x);
  return r;
}

/** Is there any identifier that names a macro (fast path: lines without macros are copied). */
export function mentionsMacro(tokens: readonly Token[], macros: Map<string, Macro>): boolean {
  for (const t of tokens) if (t.kind === 'id' && (macros.has(t.text) || t.text === '__FILE__' || t.text === '__LINE__')) return true;
  return false;
}

/** Fully macro-expand a token sequence. */
export function expand(input: readonly Token[], ctx: ExpandContext): Token[] {
  const out: Token[] = [];
  const queue: Token[] = input.slice().reverse(); // a stack: next token at the end
  while (queue.length > 0) {
    const t = queue.pop()!;
    if (t.kind !== 'id') {
      out.push(t);
      continue;
    }
    if (t.text === '__LINE__') {
      out.push({ kind: 'num', text: String(ctx.line), ws: t.ws });
      continue;
    }
    if (t.text === '__FILE__') {
      out.push({ kind: 'str', text: JSON.stringify(ctx.file), ws: t.ws });
      continue;
    }
    const m = ctx.macros.get(t.text);
    if (!m || t.hide?.has(t.text)) {
      out.push(t);
      continue;
    }
    if (m.params === null) {
      const hs = union(t.hide, m.name);
      const body = substitute(m, [], hs, ctx);
      if (body.length > 0) body[0] = { ...body[0], ws: t.ws };
      for (let i = body.length - 1; i >= 0; i--) queue.push(body[i]);
      continue;
    }
    // A function-like macro name not followed by '(' is an ordinary identifier.
    if (queue.length === 0 || queue[queue.length - 1].text !== '(') {
      out.push(t);
      continue;
    }
    queue.pop();
    const { args, rparen } = collectArgs(queue, m);
    const hs = union(intersect(t.hide, rparen.hide), m.name);
    const body = substitute(m, args, hs, ctx);
    if (body.length > 0) body[0] = { ...body[0], ws: t.ws };
    for (let i = body.length - 1; i >= 0; i--) queue.push(body[i]);
  }
  return out;
}

function collectArgs(queue: Token[], m: Macro): { args: Token[][]; rparen: Token } {
  const args: Token[][] = [[]];
  let depth = 0;
  const nparams = m.params!.length;
  for (;;) {
    const t = queue.pop();
    if (!t) throw new MacroError(`unterminated call of macro ${m.name}`);
    if (t.text === '(') depth++;
    else if (t.text === ')') {
      if (depth === 0) {
        // `F()` passes one empty argument; for a macro of no parameters that is no argument.
        if (nparams === 0 && args.length === 1 && args[0].length === 0) args.pop();
        if (args.length < nparams && m.variadic && args.length === nparams - 1) args.push([]);
        if (args.length !== nparams) {
          throw new MacroError(`macro ${m.name} takes ${nparams} argument${nparams === 1 ? '' : 's'}, given ${args.length}`);
        }
        return { args, rparen: t };
      }
      depth--;
    } else if (t.text === ',' && depth === 0 && !(m.variadic && args.length === nparams)) {
      args.push([]);
      continue;
    }
    args[args.length - 1].push(t);
  }
}

function stringize(arg: readonly Token[]): Token {
  let s = '';
  arg.forEach((t, i) => {
    if (i > 0 && t.ws) s += ' ';
    s += t.kind === 'str' || t.kind === 'chr' ? t.text.replace(/[\\"]/g, (c) => '\\' + c) : t.text;
  });
  return { kind: 'str', text: `"${s}"`, ws: false };
}

function paste(a: Token, b: Token): Token[] {
  const toks = tokenize(a.text + b.text);
  if (toks.length === 0) return [];
  toks[0].ws = a.ws;
  return toks;
}

/** Replace parameters in the body: `#p` stringised, `##` operands raw, others fully expanded. */
function substitute(m: Macro, args: Token[][], hs: ReadonlySet<string>, ctx: ExpandContext): Token[] {
  const params = m.params ?? [];
  const indexOf = (t: Token | undefined) => (t && t.kind === 'id' ? params.indexOf(t.text) : -1);
  const expanded = new Map<number, Token[]>();
  const out: Token[] = [];
  const body = m.body;
  for (let i = 0; i < body.length; i++) {
    const t = body[i];
    if (t.text === '#' && m.params !== null) {
      const p = indexOf(body[i + 1]);
      if (p >= 0) {
        out.push({ ...stringize(args[p]), ws: t.ws });
        i++;
        continue;
      }
    }
    if (t.text === '##') {
      const next = body[i + 1];
      if (!next) break;
      i++;
      const p = indexOf(next);
      let right: Token[] = p >= 0 ? args[p].slice() : [next];
      // GNU: `, ## __VA_ARGS__` drops the comma when the variable arguments are empty.
      if (p >= 0 && m.variadic && p === params.length - 1 && out.length > 0 && out[out.length - 1].text === ',') {
        if (right.length === 0) out.pop();
        for (const r of right) out.push(r);
        continue;
      }
      if (out.length === 0) {
        out.push(...right);
        continue;
      }
      if (right.length === 0) continue;
      const left = out.pop()!;
      if ((left as Token & { placemarker?: boolean }).placemarker) {
        out.push(...right);
        continue;
      }
      out.push(...paste(left, right[0]), ...right.slice(1));
      continue;
    }
    const p = indexOf(t);
    if (p >= 0) {
      if (body[i + 1]?.text === '##') {
        // Left operand of ##: raw argument; an empty one is a placemarker.
        const raw = args[p];
        if (raw.length === 0) out.push({ kind: 'other', text: '', ws: t.ws, placemarker: true } as Token);
        else out.push({ ...raw[0], ws: t.ws }, ...raw.slice(1));
        continue;
      }
      let e = expanded.get(p);
      if (!e) {
        e = expand(args[p], ctx);
        expanded.set(p, e);
      }
      if (e.length > 0) {
        out.push({ ...e[0], ws: t.ws }, ...e.slice(1));
      }
      continue;
    }
    out.push(t);
  }
  return out
    .filter((t) => !(t as Token & { placemarker?: boolean }).placemarker)
    .map((t) => withHide(t, t.hide ? new Set([...t.hide, ...hs]) : hs));
}

/** Parse the text after `#define`. */
export function parseDefine(tokens: Token[], site: { file: string; line: number }): Macro {
  const nameTok = tokens[0];
  if (!nameTok || nameTok.kind !== 'id') throw new MacroError('#define needs a macro name');
  const name = nameTok.text;
  if (tokens[1]?.text === '(' && !tokens[1].ws) {
    const params: string[] = [];
    let variadic = false;
    let i = 2;
    for (;;) {
      const t = tokens[i++];
      if (!t) throw new MacroError(`missing ')' in parameters of macro ${name}`);
      if (t.text === ')') break;
      if (t.text === ',') continue;
      if (t.text === '...') {
        variadic = true;
        params.push('__VA_ARGS__');
      } else if (t.kind === 'id') {
        // GNU named variadic parameter: `args...`
        if (tokens[i]?.text === '...') {
          variadic = true;
          i++;
        }
        params.push(t.text);
      } else throw new MacroError(`unexpected '${t.text}' in parameters of macro ${name}`);
    }
    return { name, params, variadic, body: tokens.slice(i), site };
  }
  return { name, params: null, variadic: false, body: tokens.slice(1), site };
}

/** Two definitions are the same (a redefinition that changes nothing is allowed silently). */
export function sameDefinition(a: Macro, b: Macro): boolean {
  return (
    JSON.stringify(a.params) === JSON.stringify(b.params) &&
    spell(a.body) === spell(b.body)
  );
}
