/**
 * The kernel printf's format language (subr_prf.c kprintf): flags, width, precision, length
 * modifiers, the usual conversions, plus the kernel's %b bit-field decoding. Arguments are the
 * interpreter's values; a missing argument prints as an empty conversion rather than failing,
 * as a console would print garbage rather than stop.
 */
import { type Value, asNumber, readCString } from '../machine/memory.ts';

const SPEC = /%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|q|j|z|t)?([diouxXcspb%])/g;

export function kprintf(fmt: string, args: readonly Value[]): string {
  let i = 0;
  const next = (): Value | undefined => args[i++];
  return fmt.replace(SPEC, (_m, flags: string, width?: string, prec?: string, len?: string, conv?: string) => {
    if (conv === '%') return '%';
    const w = width === '*' ? num(next()) : width ? Number(width) : 0;
    const p = prec === '*' ? num(next()) : prec !== undefined ? Number(prec) : undefined;
    const v = next();
    let body: string;
    switch (conv) {
      case 'd':
      case 'i':
        body = signed(v, len);
        if (flags.includes('+') && !body.startsWith('-')) body = '+' + body;
        else if (flags.includes(' ') && !body.startsWith('-')) body = ' ' + body;
        break;
      case 'u':
        body = unsigned(v, len).toString(10);
        break;
      case 'o':
        body = (flags.includes('#') ? '0' : '') + unsigned(v, len).toString(8);
        break;
      case 'x':
      case 'X': {
        const s = unsigned(v, len).toString(16);
        body = (flags.includes('#') && s !== '0' ? '0x' : '') + (conv === 'X' ? s.toUpperCase() : s);
        break;
      }
      case 'p':
        body = v && v.k === 'ptr' && v.target === null ? '0x0' : '0x' + (v ? asNumberSafe(v).toString(16) : '0');
        break;
      case 'c':
        body = String.fromCharCode(num(v) & 0xff);
        break;
      case 's': {
        const s = v ? (readCString(v) ?? '(null)') : '';
        body = p !== undefined ? s.slice(0, p) : s;
        break;
      }
      case 'b': {
        // %b: value, then a string "\<base><bit><name>..." naming the bits.
        body = bitfield(num(v), next());
        break;
      }
      default:
        body = '';
    }
    if (p !== undefined && 'diouxX'.includes(conv ?? '') && body.replace('-', '').length < p) {
      const neg = body.startsWith('-');
      body = (neg ? '-' : '') + body.replace('-', '').padStart(p, '0');
    }
    if (body.length < w) {
      if (flags.includes('-')) body = body.padEnd(w);
      else if (flags.includes('0') && p === undefined && conv !== 's' && conv !== 'c') {
        const sign = /^[-+ ]/.test(body) ? body[0] : '';
        body = sign + body.slice(sign.length).padStart(w - sign.length, '0');
      } else body = body.padStart(w);
    }
    return body;
  });
}

function num(v: Value | undefined): number {
  return v ? asNumberSafe(v) : 0;
}

function asNumberSafe(v: Value): number {
  try {
    return asNumber(v);
  } catch {
    return 0;
  }
}

function bits(len: string | undefined): number {
  return len === 'll' || len === 'q' || len === 'j' || len === 'l' || len === 'z' || len === 't' ? 64 : len === 'h' ? 16 : len === 'hh' ? 8 : 32;
}

function signed(v: Value | undefined, len: string | undefined): string {
  const b = bits(len);
  return BigInt.asIntN(b, BigInt(Math.trunc(num(v)))).toString();
}

function unsigned(v: Value | undefined, len: string | undefined): bigint {
  return BigInt.asUintN(bits(len), BigInt(Math.trunc(num(v))));
}

function bitfield(value: number, spec: Value | undefined): string {
  const s = spec ? readCString(spec) : null;
  if (!s) return value.toString(16);
  const base = s.charCodeAt(0);
  let out = base === 8 ? value.toString(8) : base === 10 ? value.toString(10) : value.toString(16);
  const names: string[] = [];
  for (let i = 1; i < s.length; ) {
    const bit = s.charCodeAt(i++);
    let name = '';
    while (i < s.length && s.charCodeAt(i) > 32) name += s[i++];
    if (value & (1 << (bit - 1))) names.push(name);
  }
  if (names.length) out += `<${names.join(',')}>`;
  return out;
}
