/**
 * C sources open for conversion: the text as read, its tree-sitter tree, and the edits made to
 * it. One object per file for a whole conversion, so every rule that touches a file (two
 * modules sharing a source, a tree rule after the module rules) edits the same EditSet and
 * overlaps are caught.
 */
import Parser from 'tree-sitter';
import C from 'tree-sitter-c';
import { parseC, walk, type SyntaxNode, type Tree } from '../source/cparse.ts';
import { readSource, type SourceEncoding } from '../source/text-encoding.ts';
import { EditSet } from '../source/edits.ts';
import type { SourceFile } from '../discover/rule-api.ts';

export class CSource implements SourceFile {
  readonly edits: EditSet;
  private parsed: Tree | undefined;
  private lineStarts: number[] | undefined;
  private byName: Map<string, SyntaxNode[]> | undefined;

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

  removeNode(node: SyntaxNode, origin: string, opts: { withComment?: boolean } = {}): void {
    let start = node.startIndex;
    // The comment right above a deleted definition described it: it goes too.
    const prev = opts.withComment ? node.previousNamedSibling : null;
    if (prev?.type === 'comment' && this.line(prev.endIndex) === this.line(start) - 1) {
      const [cs] = this.wholeLines(prev.startIndex, prev.endIndex);
      if (cs === this.lineStartOf(prev.startIndex) && !this.edits.touches(cs, start)) start = prev.startIndex;
    }
    this.removeRange(start, node.endIndex, origin);
  }

  /**
   * Remove [start, end): whole lines when nothing else stands on them, and then one of the two
   * blank lines that would otherwise meet.
   */
  removeRange(from: number, to: number, origin: string): void {
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
    this.edits.replace(node.startIndex, node.endIndex, text, origin);
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
      walk(this.root, (n) => {
        if (n.type !== 'identifier') return true;
        const list = index.get(n.text);
        if (list) list.push(n);
        else index.set(n.text, [n]);
        return true;
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

