/**
 * Preprocessing tokens (C99 6.4.7 pp-tokens, as far as kernel sources need them).
 */

export type TokenKind = 'id' | 'num' | 'str' | 'chr' | 'punct' | 'other';

export interface Token {
  kind: TokenKind;
  text: string;
  /** Whitespace came before it (matters for stringising and for function-like #define). */
  ws: boolean;
  /** Macros that must not expand this token again (the recursion guard, C99 6.10.3.4). */
  hide?: ReadonlySet<string>;
}

const PUNCTUATORS = [
  '...', '<<=', '>>=',
  '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=',
  '&=', '^=', '|=', '##',
];

function isIdStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36;
}
function isIdChar(c: number): boolean {
  return isIdStart(c) || (c >= 48 && c <= 57);
}
function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Tokenise one logical line (comments already removed, continuations spliced). */
export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  let ws = false;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 12 || c === 11 || c === 13 || c === 10) {
      ws = true;
      i++;
      continue;
    }
    const start = i;
    let kind: TokenKind;
    if (
      (c === 76 || c === 117 || c === 85) && // L u U prefixes of wide strings and chars
      (text[i + 1] === '"' || text[i + 1] === "'" || (text[i + 1] === '8' && text[i + 2] === '"'))
    ) {
      i += text[i + 1] === '8' ? 2 : 1;
      const q = text[i];
      i = skipQuoted(text, i, q);
      kind = q === '"' ? 'str' : 'chr';
    } else if (isIdStart(c)) {
      while (i < n && isIdChar(text.charCodeAt(i))) i++;
      kind = 'id';
    } else if (isDigit(c) || (c === 46 && isDigit(text.charCodeAt(i + 1)))) {
      i++;
      while (i < n) {
        const d = text.charCodeAt(i);
        if ((d === 43 || d === 45) && /[eEpP]/.test(text[i - 1])) i++;
        else if (isIdChar(d) || d === 46) i++;
        else break;
      }
      kind = 'num';
    } else if (c === 34 || c === 39) {
      i = skipQuoted(text, i, text[i]);
      kind = c === 34 ? 'str' : 'chr';
    } else {
      const p = PUNCTUATORS.find((q) => text.startsWith(q, i));
      if (p) {
        i += p.length;
        kind = 'punct';
      } else {
        i++;
        kind = '()[]{}.&*+-~!/%<>^|?:;=,#'.includes(text[start]) ? 'punct' : 'other';
      }
    }
    out.push({ kind, text: text.slice(start, i), ws });
    ws = false;
  }
  return out;
}

function skipQuoted(text: string, i: number, q: string): number {
  i++;
  while (i < text.length && text[i] !== q) i += text[i] === '\\' ? 2 : 1;
  return Math.min(i + 1, text.length);
}

/** Text of a token sequence, with a space where the source had one or where tokens would merge. */
export function spell(tokens: readonly Token[]): string {
  let s = '';
  let prev: Token | undefined;
  for (const t of tokens) {
    if (prev && (t.ws || wouldMerge(prev, t))) s += ' ';
    s += t.text;
    prev = t;
  }
  return s;
}

function wouldMerge(a: Token, b: Token): boolean {
  const wordy = (t: Token) => t.kind === 'id' || t.kind === 'num';
  if (wordy(a) && (wordy(b) || b.kind === 'str' || b.kind === 'chr')) return true;
  // Two punctuators merge only when together they start a longer one ('-' '-' is '--').
  return a.kind === 'punct' && b.kind === 'punct' && tokenize(a.text + b.text)[0].text !== a.text;
}
