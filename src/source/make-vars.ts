/**
 * BSD make variables: the store and `${VAR}` / `$(VAR)` / `$V` expansion with the modifiers
 * kernel Makefiles use (:H :T :R :E :M :N :S :C :Q :tl :tu :O :u :U :D :ts and the SysV
 * `:old=new`).
 *
 * Expansion also answers whether its result is *known*. `VAR!= command` runs a shell; lkm2mod
 * evaluates the directory idioms of make-shell.ts and nothing else, so a value built from any
 * other command is unknown, and a conditional that tests it cannot be decided. The variables make
 * sets from the machine (MACHINE, MACHINE_ARCH ...) come from the machine the user names
 * (make-env.ts); without one they are unknown too.
 */

export type AssignOp = '=' | ':=' | '+=' | '?=' | '!=';

interface Variable {
  /** Raw text for `=` (expanded on use, as make does), already expanded for `:=`. */
  value: string;
  /** Set by `!=` or by make itself with a value lkm2mod cannot know. */
  unknown: boolean;
}

export interface Expansion {
  value: string;
  /** Some variable in it had a value lkm2mod cannot know (see the file comment). */
  unknown: boolean;
}

/** Variables make defines itself, whose value depends on the machine the build runs on. */
const MACHINE_VARS = ['MACHINE', 'MACHINE_ARCH', 'MACHINE_CPU', 'MACHINE_GNU_ARCH'];

export class MakeVars {
  private vars = new Map<string, Variable>();
  /** Names referenced while undefined (they expand to nothing, as in make). */
  readonly undefinedRefs = new Set<string>();
  /** Modifiers lkm2mod does not implement, as written; the value is left unmodified. */
  readonly unknownModifiers = new Set<string>();
  /** Fallbacks consulted when a name is not defined (e.g. `S`, which bsd.kmod.mk sets). */
  fallback: (name: string) => string | undefined = () => undefined;

  /** `machine`: MACHINE and the variables derived from it; those absent stay unknown. */
  constructor(machine: Record<string, string> = {}) {
    for (const v of MACHINE_VARS) {
      const value = machine[v];
      this.vars.set(v, value === undefined ? { value: '', unknown: true } : { value, unknown: false });
    }
  }

  has(name: string): boolean {
    return this.vars.has(name) || this.fallback(name) !== undefined;
  }

  isSetByUser(name: string): boolean {
    return this.vars.has(name) && !MACHINE_VARS.includes(name);
  }

  names(): string[] {
    return [...this.vars.keys()].filter((n) => !MACHINE_VARS.includes(n));
  }

  /** Sets a variable make itself provides (.CURDIR, .PARSEDIR ...). */
  setBuiltin(name: string, value: string): void {
    this.vars.set(name, { value, unknown: false });
  }

  /** `VAR!= command` once the command's output is known (or known to be unknowable). */
  assignOutput(name: string, output: string, unknown: boolean): void {
    this.vars.set(name, { value: output.replace(/\$/g, '$$$$'), unknown });
  }

  undefine(name: string): void {
    this.vars.delete(name);
  }

  assign(name: string, op: AssignOp, raw: string): void {
    const old = this.vars.get(name);
    switch (op) {
      case '=':
        this.vars.set(name, { value: raw, unknown: false });
        break;
      case ':=': {
        const e = this.expand(raw);
        // Escape `$` so the stored, already-expanded text is not expanded a second time.
        this.vars.set(name, { value: e.value.replace(/\$/g, '$$$$'), unknown: e.unknown });
        break;
      }
      case '+=':
        this.vars.set(name, {
          value: old && old.value !== '' ? `${old.value} ${raw}` : raw,
          unknown: old?.unknown ?? false,
        });
        break;
      case '?=':
        if (!old) this.vars.set(name, { value: raw, unknown: false });
        break;
      case '!=':
        this.vars.set(name, { value: '', unknown: true });
        break;
    }
  }

  /** The expanded value of one variable, or undefined when it is not defined at all. */
  get(name: string): Expansion | undefined {
    const v = this.vars.get(name);
    if (v) {
      const e = this.expand(v.value);
      return { value: e.value, unknown: e.unknown || v.unknown };
    }
    const fb = this.fallback(name);
    return fb === undefined ? undefined : { value: fb, unknown: false };
  }

  /** Expands every `$` reference in `text`. */
  expand(text: string, depth = 0): Expansion {
    if (!text.includes('$')) return { value: text, unknown: false };
    if (depth > 64) return { value: '', unknown: true }; // a variable that refers to itself
    let out = '';
    let unknown = false;
    let i = 0;
    while (i < text.length) {
      const c = text[i]!;
      if (c !== '$') {
        out += c;
        i++;
        continue;
      }
      const next = text[i + 1];
      if (next === undefined) {
        out += '$';
        break;
      }
      if (next === '$') {
        out += '$';
        i += 2;
        continue;
      }
      let body: string;
      if (next === '{' || next === '(') {
        const close = matchingClose(text, i + 1);
        if (close < 0) {
          // Unterminated: make reports it; keep the text so the user sees it in the result.
          out += text.slice(i);
          break;
        }
        body = text.slice(i + 2, close);
        i = close + 1;
      } else {
        body = next;
        i += 2;
      }
      const e = this.evaluate(body, depth);
      out += e.value;
      unknown ||= e.unknown;
    }
    return { value: out, unknown };
  }

  /** `NAME:mod1:mod2` (the inside of `${...}`). */
  private evaluate(body: string, depth: number): Expansion {
    const parts = splitModifiers(body);
    const nameExp = this.expand(parts[0]!, depth + 1);
    const name = nameExp.value;
    const v = this.vars.get(name);
    let unknown = nameExp.unknown || (v?.unknown ?? false);
    let defined = v !== undefined;
    let value = '';
    if (v) {
      const e = this.expand(v.value, depth + 1);
      value = e.value;
      unknown ||= e.unknown;
    } else {
      const fb = this.fallback(name);
      if (fb !== undefined) {
        value = fb;
        defined = true;
      }
    }
    const mods = parts.slice(1);
    // :U and :D make an undefined variable fine to use; only warn when neither is there.
    if (!defined && !mods.some((m) => m.startsWith('U') || m.startsWith('D'))) this.undefinedRefs.add(name);
    for (const rawMod of mods) {
      const m = this.expand(rawMod, depth + 1);
      unknown ||= m.unknown;
      const r = applyModifier(value, m.value, defined);
      if (r === null) {
        this.unknownModifiers.add(`:${rawMod}`);
        continue;
      }
      value = r.value;
      defined = r.defined;
    }
    return { value, unknown };
  }
}

/** Index of the `}` or `)` closing the brace at `open`, honouring nesting; -1 if none. */
export function matchingClose(text: string, open: number): number {
  const o = text[open];
  const c = o === '{' ? '}' : ')';
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch === o) depth++;
    else if (ch === c && --depth === 0) return i;
  }
  return -1;
}

/** Splits `NAME:M*.c:S/a/b/` at the colons that are not inside a nested `${...}` or escaped. */
function splitModifiers(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let cur = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i]!;
    if (ch === '\\' && body[i + 1] === ':') {
      cur += ':';
      i++;
      continue;
    }
    if (ch === '$' && (body[i + 1] === '{' || body[i + 1] === '(')) {
      depth++;
      cur += ch + body[++i];
      continue;
    }
    if ((ch === '}' || ch === ')') && depth > 0) depth--;
    if (ch === ':' && depth === 0) {
      parts.push(cur);
      cur = '';
      continue;
    }
    cur += ch;
  }
  parts.push(cur);
  return parts;
}

function words(value: string): string[] {
  return value.split(/\s+/).filter(Boolean);
}

/** make's glob for :M/:N (`*`, `?`, `[...]`, `\x`) as a RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '*') re += '.*';
    else if (ch === '?') re += '.';
    else if (ch === '[') {
      const end = glob.indexOf(']', i + 1);
      if (end < 0) re += '\\[';
      else {
        let cls = glob.slice(i + 1, end);
        if (cls.startsWith('!') || cls.startsWith('^')) cls = `^${cls.slice(1)}`;
        re += `[${cls.replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else if (ch === '\\' && i + 1 < glob.length) re += escapeRe(glob[++i]!);
    else re += escapeRe(ch);
  }
  return new RegExp(`^${re}$`);
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * One modifier on a value. Returns null for a modifier lkm2mod does not know, so the caller can
 * say so instead of silently producing something else.
 */
function applyModifier(value: string, mod: string, defined: boolean): { value: string; defined: boolean } | null {
  const each = (f: (w: string) => string) => ({ value: words(value).map(f).join(' '), defined });
  const head = (w: string) => (w.includes('/') ? w.slice(0, w.lastIndexOf('/')) || '/' : '.');
  const tail = (w: string) => w.slice(w.lastIndexOf('/') + 1);
  const root = (w: string) => {
    const dot = w.lastIndexOf('.');
    return dot > w.lastIndexOf('/') ? w.slice(0, dot) : w;
  };
  const ext = (w: string) => {
    const dot = w.lastIndexOf('.');
    return dot > w.lastIndexOf('/') ? w.slice(dot + 1) : '';
  };
  switch (mod) {
    case 'H':
      return each(head);
    case 'T':
      return each(tail);
    case 'R':
      return each(root);
    case 'E':
      return each(ext);
    case 'Q':
      return { value: value.replace(/([^\w./,+-])/g, '\\$1'), defined };
    case 'tl':
      return { value: value.toLowerCase(), defined };
    case 'tu':
      return { value: value.toUpperCase(), defined };
    case 'O':
      return { value: words(value).sort().join(' '), defined };
    case 'u':
      return { value: words(value).filter((w, i, a) => a[i - 1] !== w).join(' '), defined };
  }
  const first = mod[0];
  if (first === 'M' || first === 'N') {
    const re = globToRegExp(mod.slice(1));
    return { value: words(value).filter((w) => re.test(w) === (first === 'M')).join(' '), defined };
  }
  if (first === 'U') return defined ? { value, defined } : { value: mod.slice(1), defined: true };
  if (first === 'D') return { value: defined ? mod.slice(1) : '', defined };
  if (mod.startsWith('ts')) {
    const sep = mod.length > 2 ? mod.slice(2) : '';
    return { value: words(value).join(sep), defined };
  }
  if ((first === 'S' || first === 'C') && mod.length > 1) {
    const r = substitute(value, mod, first === 'C');
    return r === null ? null : { value: r, defined };
  }
  const eq = mod.indexOf('=');
  if (eq >= 0) {
    // SysV substitution: `:.c=.o`, `:%.c=%.o`.
    const from = mod.slice(0, eq);
    const to = mod.slice(eq + 1);
    return each((w) => {
      if (from.includes('%')) {
        const [pre, post] = from.split('%', 2) as [string, string];
        if (w.startsWith(pre) && w.endsWith(post) && w.length >= pre.length + post.length) {
          const stem = w.slice(pre.length, w.length - post.length);
          return to.includes('%') ? to.replace('%', stem) : to;
        }
        return w;
      }
      return w.endsWith(from) ? w.slice(0, w.length - from.length) + to : w;
    });
  }
  return null;
}

/** `:S/old/new/flags` (literal, `^`/`$` anchors, `&`) and `:C/regex/new/flags`, word by word. */
function substitute(value: string, mod: string, isRegex: boolean): string | null {
  const delim = mod[1]!;
  const fields: string[] = [];
  let cur = '';
  for (let i = 2; i < mod.length; i++) {
    const ch = mod[i]!;
    if (ch === '\\' && mod[i + 1] === delim) {
      cur += delim;
      i++;
    } else if (ch === delim) {
      fields.push(cur);
      cur = '';
    } else cur += ch;
  }
  fields.push(cur);
  if (fields.length < 3) return null;
  const [pat, rep, flags] = fields as [string, string, string];
  const global = flags.includes('g');
  const once = flags.includes('1');
  let done = false;
  const out = words(value).map((w) => {
    if (once && done) return w;
    let re: RegExp;
    let replacement: string;
    if (isRegex) {
      try {
        re = new RegExp(pat, global ? 'g' : '');
      } catch {
        return w;
      }
      replacement = rep.replace(/\\(\d)/g, '$$$1').replace(/(^|[^\\])&/g, '$1$$&');
    } else {
      let p = pat;
      let anchorStart = false;
      let anchorEnd = false;
      if (p.startsWith('^')) {
        anchorStart = true;
        p = p.slice(1);
      }
      if (p.endsWith('$')) {
        anchorEnd = true;
        p = p.slice(0, -1);
      }
      re = new RegExp(`${anchorStart ? '^' : ''}${escapeRe(p)}${anchorEnd ? '$' : ''}`, global ? 'g' : '');
      replacement = rep.replace(/\$/g, '$$$$').replace(/(^|[^\\])&/g, '$1$$&').replace(/\\&/g, '&');
    }
    const r = w.replace(re, replacement);
    if (r !== w) done = true;
    return r;
  });
  return out.join(' ');
}
