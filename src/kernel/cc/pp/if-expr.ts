/**
 * `#if` expressions: integer constant expressions over intmax_t/uintmax_t (C99 6.10.1), with
 * `defined` already replaced and macros expanded by the caller.
 */
import type { Token } from './tokens.ts';

interface PPValue {
  v: bigint;
  unsigned: boolean;
}

export class IfExprError extends Error {}

const I64 = (v: bigint) => BigInt.asIntN(64, v);
const U64 = (v: bigint) => BigInt.asUintN(64, v);

export function evaluateIf(tokens: readonly Token[]): bigint {
  const p = new Parser(tokens);
  const r = p.conditional();
  if (!p.done()) throw new IfExprError(`unexpected '${p.peek()?.text}' in #if expression`);
  return r.v;
}

function norm(v: bigint, unsigned: boolean): PPValue {
  return { v: unsigned ? U64(v) : I64(v), unsigned };
}

export function parseIntegerLiteral(text: string): { value: bigint; unsigned: boolean; long: number } | null {
  const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$/.exec(text);
  if (!m) return null;
  const digits = m[1];
  let value: bigint;
  if (/^0[0-7]+$/.test(digits)) value = BigInt('0o' + digits.slice(1));
  else value = BigInt(digits);
  const suffix = m[2].toLowerCase();
  const long = (suffix.match(/l/g) ?? []).length;
  return { value, unsigned: suffix.includes('u'), long };
}

export function charLiteralValue(text: string): number {
  const body = text.replace(/^[LuU]?'/, '').replace(/'$/, '');
  if (!body.startsWith('\\')) return body.charCodeAt(0) || 0;
  const esc = body[1];
  const simple: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, a: 7, b: 8, f: 12, v: 11, '\\': 92, "'": 39, '"': 34, '?': 63, e: 27 };
  if (esc === 'x') return parseInt(body.slice(2), 16) & 0xff;
  if (/[0-7]/.test(esc)) return parseInt(body.slice(1).match(/^[0-7]{1,3}/)![0], 8) & 0xff;
  return simple[esc] ?? body.charCodeAt(1);
}

class Parser {
  private i = 0;
  private dead = 0;
  constructor(private readonly toks: readonly Token[]) {}
  done(): boolean {
    return this.i >= this.toks.length;
  }
  peek(): Token | undefined {
    return this.toks[this.i];
  }
  private accept(text: string): boolean {
    if (this.toks[this.i]?.text === text) {
      this.i++;
      return true;
    }
    return false;
  }
  private expect(text: string): void {
    if (!this.accept(text)) throw new IfExprError(`expected '${text}' in #if expression`);
  }

  conditional(): PPValue {
    const c = this.binary(0);
    if (this.accept('?')) {
      const a = this.conditional();
      this.expect(':');
      const b = this.conditional();
      const unsigned = a.unsigned || b.unsigned;
      return norm(c.v !== 0n ? a.v : b.v, unsigned);
    }
    return c;
  }

  private static readonly PREC: Record<string, number> = {
    '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
    '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
  };

  private binary(minPrec: number): PPValue {
    let left = this.unary();
    for (;;) {
      const op = this.peek()?.text ?? '';
      const prec = Parser.PREC[op];
      if (prec === undefined || prec <= minPrec) return left;
      this.i++;
      // && and || short-circuit: division by zero on the dead side is not an error.
      const dead = (op === '&&' && left.v === 0n) || (op === '||' && left.v !== 0n);
      if (dead) this.dead++;
      const right = this.binary(prec);
      if (dead) this.dead--;
      left = apply(op, left, right, this.dead > 0);
    }
  }

  private unary(): PPValue {
    const t = this.peek();
    if (!t) throw new IfExprError('#if expression ends early');
    if (t.text === '(') {
      this.i++;
      const v = this.conditional();
      this.expect(')');
      return v;
    }
    if (t.text === '!') {
      this.i++;
      return { v: this.unary().v === 0n ? 1n : 0n, unsigned: false };
    }
    if (t.text === '-') {
      this.i++;
      const v = this.unary();
      return norm(-v.v, v.unsigned);
    }
    if (t.text === '+') {
      this.i++;
      return this.unary();
    }
    if (t.text === '~') {
      this.i++;
      const v = this.unary();
      return norm(~v.v, v.unsigned);
    }
    this.i++;
    if (t.kind === 'num') {
      const lit = parseIntegerLiteral(t.text);
      if (!lit) throw new IfExprError(`'${t.text}' is not an integer constant`);
      const unsigned = lit.unsigned || lit.value > 0x7fffffffffffffffn;
      return norm(lit.value, unsigned);
    }
    if (t.kind === 'chr') return { v: BigInt(charLiteralValue(t.text)), unsigned: false };
    // Identifiers left after macro expansion are 0 (C99 6.10.1p4), true and false included.
    if (t.kind === 'id') return { v: 0n, unsigned: false };
    throw new IfExprError(`unexpected '${t.text}' in #if expression`);
  }
}

function apply(op: string, a: PPValue, b: PPValue, dead: boolean): PPValue {
  const unsigned = a.unsigned || b.unsigned;
  const x = unsigned ? U64(a.v) : a.v;
  const y = unsigned ? U64(b.v) : b.v;
  const bool = (c: boolean): PPValue => ({ v: c ? 1n : 0n, unsigned: false });
  switch (op) {
    case '||': return bool(x !== 0n || y !== 0n);
    case '&&': return bool(x !== 0n && y !== 0n);
    case '|': return norm(x | y, unsigned);
    case '^': return norm(x ^ y, unsigned);
    case '&': return norm(x & y, unsigned);
    case '==': return bool(x === y);
    case '!=': return bool(x !== y);
    case '<': return bool(x < y);
    case '>': return bool(x > y);
    case '<=': return bool(x <= y);
    case '>=': return bool(x >= y);
    case '<<': return norm(x << (y & 63n), a.unsigned);
    case '>>': return norm((a.unsigned ? U64(a.v) : a.v) >> (y & 63n), a.unsigned);
    case '+': return norm(x + y, unsigned);
    case '-': return norm(x - y, unsigned);
    case '*': return norm(x * y, unsigned);
    case '/':
      if (y === 0n) {
        if (dead) return norm(0n, unsigned);
        throw new IfExprError('division by zero in #if');
      }
      return norm(x / y, unsigned);
    case '%':
      if (y === 0n) {
        if (dead) return norm(0n, unsigned);
        throw new IfExprError('division by zero in #if');
      }
      return norm(x % y, unsigned);
  }
  throw new IfExprError(`unknown operator ${op}`);
}
