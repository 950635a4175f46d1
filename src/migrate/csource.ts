/**
 * C sources open for conversion: the text as read, its tree-sitter tree, and the edits made to
 * it. One object per file for a whole conversion, so every rule that touches a file (two
 * modules sharing a source, a tree rule after the module rules) edits the same EditSet and
 * overlaps are caught.
 */
import Parser from 'tree-sitter';
import C from 'tree-sitter-c';
import { eachOfType, parseC, type SyntaxNode, type Tree } from '../source/cparse.ts';
import { readSource, type SourceEncoding } from '../source/text-encoding.ts';
import { balancedRange, conditionalGroups, piecesAround, type BalancedRange } from '../discover/conditional-balance.ts';
import { maskCode } from '../discover/text.ts';
import { EditSet } from '../source/edits.ts';
import type { SourceFile } from '../discover/rule-api.ts';

export class CSource implements SourceFile {
  readonly edits: EditSet;
  private parsed: Tree | undefined;
  private lineStarts: number[] | undefined;
  private byName: Map<string, SyntaxNode[]> | undefined;
  private groups: ReturnType<typeof conditionalGroups> | undefined;

  constructor(
    readonly path: string,
    readonly text: string,
    /** How the file's bytes became `text`, so that it is written back byte for byte. */
    readonly encoding: SourceEncoding = 'utf8',
  ) {
    this.edits = new EditSet(path, text);
  }

  get tree(): Tree {
    this.parsed ??= parseC(this.text);
    return this.parsed;
  }

  get root(): SyntaxNode {
    return this.tree.rootNode;
  }

  line(offset: number): number {
    if (!this.lineStarts) {
      this.lineStarts = [0];
      for (let i = this.text.indexOf('\n'); i !== -1; i = this.text.indexOf('\n', i + 1)) this.lineStarts.push(i + 1);
    }
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  query(pattern: string): Array<Record<string, SyntaxNode>> {
    const q = new Parser.Query(C as unknown as Parser.Language, pattern);
    return q.matches(this.root).map((m) => {
      const out: Record<string, SyntaxNode> = {};
      for (const c of m.captures) out[c.name] = c.node;
      return out;
    });
  }

  removeNode(node: SyntaxNode, origin: string, opts: { withComment?: boolean; trailingComment?: boolean } = {}): void {
    let start = node.startIndex;
    // The comment right above a deleted definition described it: it goes too.
    const prev = opts.withComment ? node.previousNamedSibling : null;
    if (prev?.type === 'comment' && this.line(prev.endIndex) === this.line(start) - 1) {
      const [cs] = this.wholeLines(prev.startIndex, prev.endIndex);
      if (cs === this.lineStartOf(prev.startIndex) && !this.edits.touches(cs, start)) start = prev.startIndex;
    }
    // So does the comment after it on its last line (`args->lkm_offset = i;	/* slot */`).
    let end = node.endIndex;
    const next = opts.trailingComment ? node.nextSibling : null;
    if (next?.type === 'comment' && this.line(next.startIndex) === this.line(end) && !this.edits.touches(end, next.endIndex)) end = next.endIndex;
    this.removeRange(start, end, origin);
  }

  /**
   * Remove [start, end): whole lines when nothing else stands on them, and then one of the two
   * blank lines that would otherwise meet. A conditional the range cuts stays balanced (see
   * balanced()).
   */
  removeRange(from: number, to: number, origin: string): void {
    const b = this.balanced(from, to);
    if (b.keep.length) {
      for (const [s, e] of piecesAround(b.start, b.end, b.keep)) this.removeWhole(s, e, origin);
      return;
    }
    this.removeWhole(b.start, b.end, origin);
  }

  private removeWhole(from: number, to: number, origin: string): void {
    let [start, end] = this.wholeLines(from, to);
    if (start === from && end === to) {
      this.edits.remove(start, end, origin);
      return;
    }
    const before = this.text.slice(this.lineStartOf(Math.max(0, start - 1)), start);
    const nextEnd = this.text.indexOf('\n', end);
    const after = this.text.slice(end, nextEnd === -1 ? this.text.length : nextEnd + 1);
    if ((start === 0 || /^[ \t]*\n$/.test(before)) && /^[ \t]*\n$/.test(after) && !this.edits.touches(end, end + after.length)) {
      end += after.length;
    }
    this.edits.remove(start, end, origin);
  }

  replaceNode(node: SyntaxNode, text: string, origin: string): void {
    this.replaceRange(node.startIndex, node.endIndex, text, origin);
  }

  /** Replace [start, end) with `text`, keeping the conditionals the range cuts balanced. */
  replaceRange(from: number, to: number, text: string, origin: string): void {
    const b = this.balanced(from, to);
    const [first, ...rest] = piecesAround(b.start, b.end, b.keep);
    if (!first) {
      this.edits.insert(b.start, text, origin);
      return;
    }
    this.edits.replace(first[0], first[1], text, origin);
    for (const [s, e] of rest) this.removeWhole(s, e, origin);
  }

  /**
   * [start, end) as an edit may take it without unbalancing #if/#else/#endif: grown over a
   * conditional that only chose between alternative beginnings or endings of what it covers
   * (a K&R head written once per system), or with the directive lines it cuts kept in place.
   */
  balanced(start: number, end: number): BalancedRange {
    if (!this.text.slice(start, end).includes('#')) return { start, end, keep: [] };
    this.groups ??= conditionalGroups(this.text);
    return balancedRange(this.text, start, end, this.groups);
  }

  /**
   * Remove the directive lines of each conditional whose every line of code the edits removed
   * (the entry's prototypes, one per system): an `#if` left holding nothing but blank branches
   * is noise in the diff. A conditional that held nothing to begin with is the author's.
   */
  dropEmptiedConditionals(origin: string): void {
    if (!this.text.includes('#')) return;
    this.groups ??= conditionalGroups(this.text);
    const gone = new Set<number>(); // starts of directive lines removed here
    const removed = (from: number, to: number) => this.edits.all().some((e) => e.text === '' && e.start <= from && to <= e.end);
    for (const g of [...this.groups].reverse()) {
      if (!g.close) continue;
      const lines = [g.open, ...g.branches, g.close];
      if (lines.some((l) => this.edits.touches(l.start, l.end))) continue;
      let code = 0;
      let empty = true;
      const end = g.close.start;
      for (let at = g.open.end; at < end && empty; ) {
        const directive = [...lines, ...this.groups.flatMap((n) => (n === g ? [] : [n.open, ...n.branches, ...(n.close ? [n.close] : [])]))].find((l) => l.start === at);
        if (directive) {
          if (!lines.includes(directive)) {
            if (gone.has(at)) code++;
            else empty = false;
          }
          at = directive.end;
          continue;
        }
        let stop = this.text.indexOf('\n', at);
        stop = stop < 0 || stop > end ? end : stop;
        if (/\S/.test(maskCode(this.text.slice(at, stop)))) {
          if (removed(at, stop)) code++;
          else empty = false;
        }
        at = stop + 1;
      }
      if (!empty || code === 0 || this.edits.all().some((e) => e.start === e.end && e.start > g.open.start && e.start < end)) continue;
      for (const l of lines) {
        this.edits.remove(l.start, l.end, origin);
        gone.add(l.start);
      }
    }
  }

  /**
   * Widen [start, end) to whole lines when only blanks share those lines, so a deleted
   * statement leaves no empty line behind; otherwise keep the range as is.
   */
  wholeLines(start: number, end: number): [number, number] {
    const lineStart = this.text.lastIndexOf('\n', start - 1) + 1;
    let lineEnd = this.text.indexOf('\n', end);
    lineEnd = lineEnd === -1 ? this.text.length : lineEnd + 1;
    const before = this.text.slice(lineStart, start);
    const after = this.text.slice(end, lineEnd);
    if (/^[ \t]*$/.test(before) && /^[ \t]*\r?\n?$/.test(after)) return [lineStart, lineEnd];
    return [start, end];
  }

  /** The indentation of the line holding `offset`. */
  indentAt(offset: number): string {
    const lineStart = this.text.lastIndexOf('\n', offset - 1) + 1;
    return /^[ \t]*/.exec(this.text.slice(lineStart))![0];
  }

  lineStartOf(offset: number): number {
    return this.text.lastIndexOf('\n', offset - 1) + 1;
  }

  /** The smallest named node spanning [start, end). */
  nodeAt(start: number, end: number): SyntaxNode {
    return this.root.namedDescendantForIndex(start, Math.max(start, end - 1));
  }

  /** Every identifier node with this name (not field names, not type names), in text order. */
  identifiers(name: string, within: SyntaxNode = this.root): SyntaxNode[] {
    if (!this.text.includes(name)) return [];
    const all = this.identifierIndex().get(name) ?? [];
    if (within.id === this.root.id) return [...all];
    return all.filter((n) => n.startIndex >= within.startIndex && n.endIndex <= within.endIndex && isWithin(n, within));
  }

  /**
   * The identifiers of the tree by name, from one walk: asked once per symbol, a walk of the
   * whole tree each time made the cost grow with the file's size times its symbols.
   */
  private identifierIndex(): Map<string, SyntaxNode[]> {
    if (!this.byName) {
      const index = new Map<string, SyntaxNode[]>();
      eachOfType(this.root, 'identifier', (c) => {
        const n = c.currentNode;
        const list = index.get(n.text);
        if (list) list.push(n);
        else index.set(n.text, [n]);
      });
      this.byName = index;
    }
    return this.byName;
  }
}

/** Whether `node` is `ancestor` or lies inside it in the tree (a zero-width node at its edge may not). */
function isWithin(node: SyntaxNode, ancestor: SyntaxNode): boolean {
  for (let n: SyntaxNode | null = node; n; n = n.parent) if (n.id === ancestor.id) return true;
  return false;
}

/** Reads each file once per conversion; files created by the conversion are not in it. */
export class SourceCache {
  private readonly files = new Map<string, CSource>();

  get(file: string): CSource {
    let s = this.files.get(file);
    if (!s) {
      const { text, encoding } = readSource(file);
      s = new CSource(file, text, encoding);
      this.files.set(file, s);
    }
    return s;
  }

  has(file: string): boolean {
    return this.files.has(file);
  }

  all(): CSource[] {
    return [...this.files.values()];
  }
}

