/**
 * Keeping `#if`/`#else`/`#endif` balanced when an edit removes or replaces code.
 *
 * Tree-sitter reads one branch of a conditional that splits a construct, so a node's range can
 * start inside one branch and end after the `#endif`: a K&R head written once per system
 *
 *     #if NetBSD >= 199706
 *     int foo_lkmentry(lkmtp, cmd, ver)
 *     #else
 *     int xxxinit(lkmtp, cmd, ver)
 *     #endif
 *     struct lkm_table *lkmtp; ...
 *
 * comes out as a definition starting at `int xxxinit`. Removing that range would remove the
 * `#endif` and leave the `#if` open. The conditional only chose between alternative beginnings
 * (or endings) of the construct removed, so the range grows to the whole conditional; when it
 * held anything else, its directive lines are kept in place and only the code goes.
 */
import { maskCode } from './text.ts';

interface Line {
  start: number;
  /** Just after the line's newline (or the end of the text). */
  end: number;
  /** Where its text ends, before the newline: a node's range stops there. */
  stop: number;
}

interface Group {
  open: Line;
  /** `#elif` and `#else` lines, in order. */
  branches: Line[];
  /** Null when the file never closes it. */
  close: Line | null;
}

export interface BalancedRange {
  start: number;
  end: number;
  /** Directive lines inside [start, end) that must stay: the edit goes around them. */
  keep: Line[];
}

/** Every conditional group of a C text, directives read with comments masked. */
export function conditionalGroups(text: string): Group[] {
  const masked = maskCode(text);
  const groups: Group[] = [];
  const stack: Group[] = [];
  let pos = 0;
  while (pos < masked.length) {
    let end = masked.indexOf('\n', pos);
    end = end < 0 ? masked.length : end + 1;
    // A directive continued with backslashes is one logical line.
    while (/\\\r?\n$/.test(masked.slice(pos, end)) && end < masked.length) {
      const next = masked.indexOf('\n', end);
      end = next < 0 ? masked.length : next + 1;
    }
    const d = /^[ \t]*#[ \t]*(if|ifdef|ifndef|elif|else|endif)\b/.exec(masked.slice(pos, end));
    if (d) {
      const line = { start: pos, end, stop: masked[end - 1] === '\n' ? end - 1 : end };
      const top = stack[stack.length - 1];
      if (d[1] === 'if' || d[1] === 'ifdef' || d[1] === 'ifndef') {
        const g: Group = { open: line, branches: [], close: null };
        groups.push(g);
        stack.push(g);
      } else if (top && d[1] === 'endif') {
        top.close = line;
        stack.pop();
      } else if (top) top.branches.push(line);
    }
    pos = end;
  }
  return groups;
}

let last: { text: string; groups: Group[] } | null = null;

/** The groups of the text asked about last (a file's functions are asked about one after another). */
function groupsOf(text: string): Group[] {
  if (last?.text !== text) last = { text, groups: conditionalGroups(text) };
  return last.groups;
}

/** Whether the text between two offsets holds nothing but blanks, comments and directive lines. */
function onlyDirectives(text: string, from: number, to: number): boolean {
  if (to <= from) return true;
  return maskCode(text.slice(from, to))
    .split('\n')
    .every((l) => /^\s*(#.*)?$/.test(l));
}

const inside = (l: Line, start: number, end: number) => l.start >= start && l.stop <= end;
const overlaps = (l: Line, start: number, end: number) => l.start < end && start < l.stop;

/**
 * [start, end) widened over the conditionals it cuts that only chose between alternative
 * beginnings or endings of what it covers; the directive lines of any other conditional it
 * cuts are returned in `keep`.
 */
export function balancedRange(text: string, start: number, end: number, known?: Group[]): BalancedRange {
  if (!text.slice(start, end).includes('#')) return { start, end, keep: [] };
  const groups = known ?? groupsOf(text);
  // Widen until nothing changes: an outer conditional's branch may hold only directives once
  // an inner one is taken whole.
  const cuts = (g: Group) => {
    const lines = [g.open, ...g.branches, ...(g.close ? [g.close] : [])];
    if (!lines.some((l) => overlaps(l, start, end))) return false;
    return !(inside(g.open, start, end) && g.close !== null && inside(g.close, start, end));
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (const g of groups) {
      if (!cuts(g)) continue;
      const openIn = inside(g.open, start, end);
      const closeIn = g.close !== null && inside(g.close, start, end);
      if (!openIn && closeIn) {
        // The range begins inside one branch: the branches before it are alternative heads.
        const own = [g.open, ...g.branches].filter((l) => l.end <= start).pop();
        if (own && onlyDirectives(text, own.end, start)) {
          start = g.open.start;
          changed = true;
        }
      } else if (openIn && !closeIn && g.close) {
        // The range ends inside one branch: the branches after it are alternative tails.
        const next = [...g.branches, g.close].find((l) => l.start >= end);
        if (next && onlyDirectives(text, end, next.start)) {
          end = g.close.stop;
          changed = true;
        }
      }
    }
  }
  const cut = groups.filter(cuts);
  const keep: Line[] = [];
  for (const g of cut) {
    for (const l of [g.open, ...g.branches, ...(g.close ? [g.close] : [])]) if (inside(l, start, end)) keep.push(l);
  }
  keep.sort((a, b) => a.start - b.start);
  return { start, end, keep };
}

/** The stretches of [start, end) outside the kept lines (each kept with its newline). */
export function piecesAround(start: number, end: number, keep: Line[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let at = start;
  for (const l of keep) {
    if (l.start > at) out.push([at, l.start]);
    at = Math.max(at, l.end);
  }
  if (at < end) out.push([at, end]);
  return out;
}

/**
 * A function definition with the heads a conditional chose between (`#if ... int
 * foo_lkmentry(lkmtp, cmd, ver) #else int xxxinit(lkmtp, cmd, ver) #endif`): its whole range,
 * and every name its heads declare, in text order.
 */
export function conditionalHeads(text: string, start: number, end: number, bodyStart: number): { start: number; end: number; names: string[] } {
  if (!text.slice(start, bodyStart).includes('#')) return { start, end, names: [] };
  const b = balancedRange(text, start, end);
  const names: string[] = [];
  for (const line of maskCode(text.slice(b.start, Math.max(b.start, bodyStart))).split('\n')) {
    // Directive lines and K&R parameter declarations name no function.
    if (/^\s*#/.test(line) || line.includes(';')) continue;
    const m = /\b([A-Za-z_]\w*)\s*\(/.exec(line);
    if (m && !names.includes(m[1]!) && !/^(__P|P|__attribute__)$/.test(m[1]!)) names.push(m[1]!);
  }
  return { start: b.start, end: b.end, names };
}
