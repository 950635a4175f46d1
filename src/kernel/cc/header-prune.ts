/**
 * A unit includes the kernel's headers whole, and most of what they declare it never uses: of
 * 1.4T's LKMs, 96% of every unit's lines come from headers, and prototypes, inline functions
 * and structures no line of the module names are most of what the compiler parsed, walked and
 * collected. Before parsing, such declarations are blanked (same length, newlines kept, so
 * every position and line maps as before), the way a compiler skips what a precompiled header
 * holds until it is referenced.
 *
 * Only what cannot change the object is dropped: a header's function prototype, `extern`
 * object declaration, static (inline) function, structure or union, or typedef, when no other
 * declaration left in the unit names what it declares. Anything that defines a symbol (a
 * tentative definition, a global function), enums (their constants are names too), the unit's
 * own lines, and whatever the scanner cannot classify stay as they are. Dropping one
 * declaration can leave another unnamed (a structure only a dropped prototype used), so those
 * are looked at again until nothing more goes.
 */
import { C_RESERVED } from '../../source/c-keywords.ts';

interface Chunk {
  start: number;
  end: number;
  /** The names it declares, when it is a kind that may go. */
  declares: string[] | null;
  /** Every identifier in it, with repeats. */
  names: string[];
}

/**
 * `text` with the unused header declarations blanked; `own(line)` says whether output line
 * `line` (0-based) is the unit's own file's.
 */
export function pruneUnusedHeaderDeclarations(text: string, own: (line: number) => boolean): string {
  const chunks = topLevelChunks(text, own);
  const total = new Map<string, number>();
  for (const c of chunks) for (const n of c.names) total.set(n, (total.get(n) ?? 0) + 1);

  // Candidates by the names they declare: dropping a chunk re-checks those declaring what it named.
  const byName = new Map<string, Chunk[]>();
  const queue: Chunk[] = [];
  for (const c of chunks) {
    if (c.declares === null) continue;
    queue.push(c);
    for (const n of c.declares) byName.set(n, [...(byName.get(n) ?? []), c]);
  }
  const dropped = new Set<Chunk>();
  while (queue.length) {
    const c = queue.pop()!;
    if (dropped.has(c) || !unusedElsewhere(c, total, byName, dropped)) continue;
    dropped.add(c);
    for (const n of c.names) {
      total.set(n, total.get(n)! - 1);
      for (const other of byName.get(n) ?? []) if (!dropped.has(other)) queue.push(other);
    }
  }
  if (dropped.size === 0) return text;
  const parts: string[] = [];
  let at = 0;
  for (const c of chunks) {
    if (!dropped.has(c)) continue;
    parts.push(text.slice(at, c.start), blank(text.slice(c.start, c.end)));
    at = c.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

function blank(s: string): string {
  return s
    .split('\n')
    .map((line) => ' '.repeat(line.length))
    .join('\n');
}

/**
 * Whether nothing but declarations of the same names names what `c` declares: a forward
 * `struct s;` and its definition name each other, and go together when nothing else does.
 */
function unusedElsewhere(c: Chunk, total: Map<string, number>, byName: Map<string, Chunk[]>, dropped: Set<Chunk>): boolean {
  for (const name of c.declares!) {
    let inside = 0;
    for (const d of byName.get(name)!) if (!dropped.has(d)) for (const n of d.names) if (n === name) inside++;
    if (total.get(name)! > inside) return false;
  }
  return true;
}

/** The unit's file-scope declarations and definitions, in order, each from its first token to its `;` or `}`. */
function topLevelChunks(text: string, own: (line: number) => boolean): Chunk[] {
  const chunks: Chunk[] = [];
  let tokens: string[] = [];
  let names: string[] = [];
  let start = -1;
  let mine = false;
  let depth = 0;
  let body = false;
  // Between an old-style definition's head (`f(a) int a;`) and its body: the parameter
  // declarations and the body are chunks of their own, and none of them may go.
  let oldStyle = false;
  let opaque = false;
  let line = 0;
  const n = text.length;
  let i = 0;
  const push = (t: string, at: number) => {
    if (start < 0) {
      start = at;
      mine = own(line);
    }
    tokens.push(t);
  };
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      if (start >= 0 && !mine) mine = own(line);
      i++;
    } else if (c === 32 || c === 9 || c === 13 || c === 12 || c === 11) {
      i++;
    } else if (c === 95 || c === 36 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) {
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (!(d === 95 || d === 36 || (d >= 65 && d <= 90) || (d >= 97 && d <= 122) || (d >= 48 && d <= 57))) break;
      }
      const word = text.slice(i, j);
      push(word, i);
      names.push(word);
      i = j;
    } else if (c >= 48 && c <= 57) {
      // A number (0x1f, 10UL, 1.5e3): no name in it.
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (!(d === 95 || d === 46 || (d >= 65 && d <= 90) || (d >= 97 && d <= 122) || (d >= 48 && d <= 57))) break;
      }
      push('0', i);
      i = j;
    } else if (c === 34 || c === 39) {
      let j = i + 1;
      for (; j < n; j++) {
        const d = text.charCodeAt(j);
        if (d === 92) j++;
        else if (d === c || d === 10) break;
      }
      push('"', i);
      i = j + 1;
      if (text.charCodeAt(j) === 10) i = j; // unterminated: the newline is counted above
    } else if (c === 47 && text.charCodeAt(i + 1) === 42) {
      const j = text.indexOf('*/', i + 2);
      const end = j < 0 ? n : j + 2;
      for (let k = text.indexOf('\n', i); k >= 0 && k < end; k = text.indexOf('\n', k + 1)) {
        line++;
        if (start >= 0 && !mine) mine = own(line);
      }
      i = end;
    } else if (c === 47 && text.charCodeAt(i + 1) === 47) {
      const j = text.indexOf('\n', i);
      i = j < 0 ? n : j;
    } else {
      const t = text[i]!;
      i++;
      if (t === '#') opaque = true; // a directive the preprocessor passed on (#pragma): never blanked
      if (t === '{' || t === '(' || t === '[') {
        if (t === '{' && depth === 0 && (tokens.length === 0 || tokens[tokens.length - 1] === ')')) body = true;
        depth++;
      } else if (t === '}' || t === ')' || t === ']') {
        if (--depth < 0) return []; // unbalanced: not a unit this scanner understands
      } else if (t !== ';' && t !== ',' && t !== '=' && t !== '#') {
        continue; // other punctuation (* & . ->) does not change what a declaration declares
      }
      push(t, i - 1);
      if (depth === 0 && (t === ';' || (t === '}' && body))) {
        if (!body && oldStyleHead(tokens)) oldStyle = true;
        chunks.push({ start, end: i, names, declares: mine || opaque || oldStyle ? null : declared(tokens, body) });
        if (body) oldStyle = false;
        tokens = [];
        names = [];
        start = -1;
        body = false;
        opaque = false;
      }
    }
  }
  if (start >= 0) chunks.push({ start, end: n, names, declares: null });
  return chunks;
}

function isIdentifier(t: string): boolean {
  const c = t.charCodeAt(0);
  return c === 95 || c === 36 || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isName(t: string | undefined): t is string {
  return t !== undefined && isIdentifier(t) && !C_RESERVED.has(t);
}

/**
 * An old-style definition's head and first parameter declaration, `f(a, b) int a;`: after the
 * identifier list's `)`, a declaration rather than the `;` or attributes a prototype ends with.
 */
function oldStyleHead(tokens: string[]): boolean {
  let depth = 0;
  let closed = false;
  for (const t of tokens) {
    if (t === '(' || t === '[' || t === '{') {
      if (depth === 0 && closed && t !== '(') return false;
      depth++;
    } else if (t === ')' || t === ']' || t === '}') {
      if (--depth === 0 && t === ')') closed = true;
    } else if (depth === 0 && closed && isName(t)) return true;
  }
  return false;
}

/**
 * What a declaration of a kind that may be dropped declares; null for any other. `tokens` run
 * from the first to the closing `;` (or a function body's `}`).
 */
function declared(tokens: string[], body: boolean): string[] | null {
  if (tokens.includes('enum')) return null;
  // Only the tokens outside every bracket: the declaration's own shape.
  const outer: string[] = [];
  const at: number[] = [];
  let depth = 0;
  tokens.forEach((t, i) => {
    if (depth === 0) {
      outer.push(t);
      at.push(i);
    }
    if (t === '{' || t === '(' || t === '[') depth++;
    else if (t === '}' || t === ')' || t === ']') depth--;
  });
  if (outer.includes(',') || outer.includes('=')) return null;
  const first = outer[0];

  if (body) {
    // A function definition: only a static one is the unit's alone.
    if (first === '{' || !outer.includes('static') || outer.indexOf('{') !== outer.length - 1) return null;
    const paren = outer.indexOf('(');
    return paren > 0 && isName(outer[paren - 1]) ? [outer[paren - 1]] : null;
  }
  if (first === 'typedef') {
    const name = outer[outer.length - 2];
    if (!isName(name) || outer.includes('(')) return null;
    const tag = aggregateTag(outer);
    return tag === undefined ? null : tag ? [name, tag] : [name];
  }
  // `struct tag { ... };` or `struct tag;`: nothing but the tag.
  if ((first === 'struct' || first === 'union') && isName(outer[1]) && (outer.length === 3 || (outer.length === 4 && outer[2] === '{'))) return [outer[1]];
  if (outer.includes('{')) return null;
  const paren = outer.indexOf('(');
  if (paren >= 0) {
    // A prototype: the name before the parameter list.
    const name = outer[paren - 1];
    if (!isName(name)) return null;
    const rest = outer.slice(paren + 1);
    return rest.every((t) => t === '(' || t === ';' || t === '__attribute__' || t === '__asm' || t === '__asm__') ? [name] : null;
  }
  if (first === 'extern') {
    const bracket = outer.indexOf('[');
    const name = outer[(bracket >= 0 ? bracket : outer.length - 1) - 1];
    return isName(name) ? [name] : null;
  }
  return null;
}

/**
 * The tag a typedef's structure or union defines (`typedef struct tag { ... } name;`): the tag,
 * '' when it defines none (an untagged body, or only a reference to a tag), undefined when the
 * typedef is not of a shape this can tell.
 */
function aggregateTag(outer: string[]): string | undefined {
  const body = outer.indexOf('{');
  if (body < 0) return '';
  const kw = outer[body - 1] === 'struct' || outer[body - 1] === 'union' ? body - 1 : outer[body - 2] === 'struct' || outer[body - 2] === 'union' ? body - 2 : -1;
  if (kw < 0) return undefined;
  return kw === body - 2 && isName(outer[body - 1]) ? outer[body - 1] : '';
}
