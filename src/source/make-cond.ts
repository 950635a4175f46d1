/**
 * BSD make conditionals: the expression after `.if` / `.elif`.
 *
 * Three answers, not two: a test on a value make computes from the machine it runs on
 * (`${MACHINE} == "i386"`) or from a shell command cannot be decided by reading the Makefile,
 * and saying "maybe" lets the caller treat both branches as possible instead of guessing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { MakeVars, matchingClose } from './make-vars.ts';

export type Tri = 'yes' | 'no' | 'maybe';

export function not(t: Tri): Tri {
  return t === 'yes' ? 'no' : t === 'no' ? 'yes' : 'maybe';
}

function and(a: Tri, b: Tri): Tri {
  if (a === 'no' || b === 'no') return 'no';
  return a === 'yes' && b === 'yes' ? 'yes' : 'maybe';
}

function or(a: Tri, b: Tri): Tri {
  if (a === 'yes' || b === 'yes') return 'yes';
  return a === 'no' && b === 'no' ? 'no' : 'maybe';
}

const tri = (b: boolean): Tri => (b ? 'yes' : 'no');

export class CondSyntaxError extends Error {}

/**
 * Evaluates a conditional. `directive` is `if`, `ifdef`, `ifndef`, `ifmake` or `ifnmake` (what
 * a bare word means, and whether the whole result is negated). `curdir` resolves exists() paths.
 */
export function evalCondition(expr: string, vars: MakeVars, curdir: string, directive = 'if'): Tri {
  const negated = directive === 'ifndef' || directive === 'ifnmake';
  const p = new CondParser(expr, vars, curdir, directive.replace(/^ifn/, 'if'));
  const r = p.parseOr();
  p.skipSpace();
  if (!p.atEnd()) throw new CondSyntaxError(`unexpected "${expr.slice(p.pos)}"`);
  return negated ? not(r) : r;
}

class CondParser {
  pos = 0;
  constructor(
    readonly s: string,
    readonly vars: MakeVars,
    readonly curdir: string,
    readonly directive: string,
  ) {}

  atEnd(): boolean {
    return this.pos >= this.s.length;
  }

  skipSpace(): void {
    while (this.pos < this.s.length && /\s/.test(this.s[this.pos]!)) this.pos++;
  }

  private eat(tok: string): boolean {
    this.skipSpace();
    if (this.s.startsWith(tok, this.pos)) {
      this.pos += tok.length;
      return true;
    }
    return false;
  }

  parseOr(): Tri {
    let r = this.parseAnd();
    while (this.eat('||')) r = or(r, this.parseAnd());
    return r;
  }

  private parseAnd(): Tri {
    let r = this.parseUnary();
    while (this.eat('&&')) r = and(r, this.parseUnary());
    return r;
  }

  private parseUnary(): Tri {
    if (this.eat('!')) return not(this.parseUnary());
    if (this.eat('(')) {
      const r = this.parseOr();
      if (!this.eat(')')) throw new CondSyntaxError('missing ")"');
      return r;
    }
    return this.parseTerm();
  }

  private parseTerm(): Tri {
    this.skipSpace();
    const fn = /^(defined|empty|exists|make|target|commands)\s*\(/.exec(this.s.slice(this.pos));
    if (fn) {
      this.pos += fn[0].length - 1;
      const close = matchingClose(this.s, this.pos);
      if (close < 0) throw new CondSyntaxError(`missing ")" after ${fn[1]}`);
      const arg = this.s.slice(this.pos + 1, close).trim();
      this.pos = close + 1;
      return this.call(fn[1]!, arg);
    }
    const left = this.operand();
    this.skipSpace();
    const op = /^(==|!=|<=|>=|<|>)/.exec(this.s.slice(this.pos));
    if (!op) {
      if (left.bare && Number.isNaN(Number(left.text))) return this.bareWord(left.text);
      // A lone value: true when it is a non-zero number or a non-empty string.
      if (left.unknown) return 'maybe';
      const n = Number(left.text);
      return tri(left.text !== '' && (Number.isNaN(n) ? true : n !== 0));
    }
    this.pos += op[0].length;
    const right = this.operand();
    if (left.unknown || right.unknown) return 'maybe';
    const ln = Number(left.text);
    const rn = Number(right.text);
    const numeric = left.text !== '' && right.text !== '' && !Number.isNaN(ln) && !Number.isNaN(rn);
    switch (op[1]) {
      case '==':
        return tri(numeric ? ln === rn : left.text === right.text);
      case '!=':
        return tri(numeric ? ln !== rn : left.text !== right.text);
      default:
        if (!numeric) throw new CondSyntaxError(`"${op[1]}" compares numbers, not "${left.text}" and "${right.text}"`);
        return tri(op[1] === '<' ? ln < rn : op[1] === '>' ? ln > rn : op[1] === '<=' ? ln <= rn : ln >= rn);
    }
  }

  /** A bare word is defined(word) for .if/.ifdef/.ifndef and make(word) for .ifmake/.ifnmake. */
  private bareWord(word: string): Tri {
    if (this.directive === 'ifmake') return 'maybe'; // depends on the targets make was given
    return tri(this.vars.has(this.vars.expand(word).value));
  }

  private call(fn: string, arg: string): Tri {
    switch (fn) {
      case 'defined':
        return tri(this.vars.has(this.vars.expand(arg).value));
      case 'empty': {
        const e = this.vars.expand(`\${${arg}}`);
        return e.unknown ? 'maybe' : tri(e.value.trim() === '');
      }
      case 'exists': {
        const e = this.vars.expand(arg);
        if (e.unknown) return 'maybe';
        return tri(fs.existsSync(path.resolve(this.curdir, e.value)));
      }
      default:
        // make(), target(), commands(): about the targets of one make run, not the Makefile.
        return 'maybe';
    }
  }

  private operand(): { text: string; unknown: boolean; bare: boolean } {
    this.skipSpace();
    const s = this.s;
    if (s[this.pos] === '"') {
      let end = this.pos + 1;
      while (end < s.length && s[end] !== '"') end += s[end] === '\\' ? 2 : 1;
      const raw = s.slice(this.pos + 1, end);
      this.pos = end + 1;
      const e = this.vars.expand(raw);
      return { text: e.value, unknown: e.unknown, bare: false };
    }
    if (s[this.pos] === '$') {
      let end = this.pos;
      if (s[end + 1] === '{' || s[end + 1] === '(') end = matchingClose(s, end + 1) + 1;
      else end += 2;
      if (end <= this.pos) throw new CondSyntaxError('unterminated variable reference');
      const e = this.vars.expand(s.slice(this.pos, end));
      this.pos = end;
      return { text: e.value.trim(), unknown: e.unknown, bare: false };
    }
    const m = /^[^\s()!&|<>=]+/.exec(s.slice(this.pos));
    if (!m) throw new CondSyntaxError(`expected a value at "${s.slice(this.pos)}"`);
    this.pos += m[0].length;
    return { text: m[0], unknown: false, bare: true };
  }
}
