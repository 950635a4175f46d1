/**
 * The C front end's parser: tree-sitter-c, one parser per thread (tree-sitter parsers are not
 * shareable across worker threads, and creating one per file is wasteful).
 *
 * Kernel C is full of macros tree-sitter cannot see through, so trees contain ERROR nodes.
 * Callers work from what parsed and never assume a clean tree.
 */
import Parser from 'tree-sitter';
import C from 'tree-sitter-c';
import { blankPrototypeMacros } from './prototype-macro.ts';

export type SyntaxNode = Parser.SyntaxNode;
export type Tree = Parser.Tree;

let parser: Parser | undefined;

function getParser(): Parser {
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(C as unknown as Parser.Language);
  }
  return parser;
}

/**
 * Node indices (startIndex/endIndex) are JavaScript string indices, so edits can be applied to
 * the text as read. The binding copies input in bufferSize chunks; one chunk for the whole file
 * avoids repeated callbacks on large sources. `__P((...))` prototypes are parsed as the
 * declarations they are (see prototype-macro.ts), so a node's text shows them unwrapped.
 */
export function parseC(text: string): Tree {
  const parsed = blankPrototypeMacros(text);
  parsedSinceCollect += parsed.length;
  return getParser().parse(parsed, undefined, { bufferSize: Math.max(32 * 1024, parsed.length * 2 + 1) });
}

/**
 * Lets tree-sitter free the trees nothing refers to any more. A tree lives outside the V8 heap
 * and is freed by a finalizer that Node runs only between turns of the event loop (Node-API
 * defers finalizers to setImmediate): code that parses file after file without returning to
 * the loop keeps every tree it dropped, about 20 bytes of native memory per byte of source.
 * Await this between files in such loops, and between the steps of long synchronous work.
 */
export function releaseTrees(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Characters parsed since the last collection: what dead trees may be holding natively. */
let parsedSinceCollect = 0;

/**
 * Source parsed between two collections: about 20 bytes of native tree per character, so the
 * dead trees waiting for a collection hold at most some 40 MB. A full collection costs a few
 * hundred milliseconds; one after every module's compile was a tenth of a whole-tree validate.
 */
const COLLECT_EVERY = 2 * 1024 * 1024;

/**
 * After work that dropped large syntax trees (a module's compile): a tree's native memory,
 * several megabytes for a unit that includes the kernel's headers, is freed only when V8
 * collects the tree's small wrapper, and V8 does not know it is worth collecting. Compiling one
 * module after another left gigabytes of dead trees waiting for the next full collection. The
 * commands that compile run with --expose-gc (bin/lkm2mod.js) and collect here, once enough
 * source has been parsed since the last time; elsewhere (tests, the API) this does nothing.
 * The trees go at the next releaseTrees().
 */
export function collectDroppedTrees(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc || parsedSinceCollect < COLLECT_EVERY) return;
  parsedSinceCollect = 0;
  gc();
}

/** Line of a node, 1-based, as a user reads it in an editor. */
export function lineOf(node: SyntaxNode): number {
  return node.startPosition.row + 1;
}

/** Depth-first walk; `visit` returns false to skip a node's children. */
export function walk(node: SyntaxNode, visit: (n: SyntaxNode) => boolean | void): void {
  const cursor = node.walk();
  let descend = true;
  for (;;) {
    if (descend) {
      const n = cursor.currentNode;
      descend = visit(n) !== false;
      if (descend && cursor.gotoFirstChild()) continue;
    }
    if (cursor.gotoNextSibling()) {
      descend = true;
      continue;
    }
    if (!cursor.gotoParent()) return;
    descend = false;
  }
}

/**
 * Every node of type `type` under `node` (and `node` itself), in document order, shown to
 * `visit` as the cursor standing on it: `cursor.nodeText`, `cursor.startIndex`, or
 * `cursor.currentNode` when the node itself is wanted. Walking a cursor makes no node object
 * for the nodes passed over, which is most of the cost of visiting every node of a large tree.
 */
export function eachOfType(node: SyntaxNode, type: string, visit: (cursor: Parser.TreeCursor) => void): void {
  const cursor = node.walk();
  for (;;) {
    if (cursor.nodeType === type) visit(cursor);
    if (cursor.gotoFirstChild()) continue;
    while (!cursor.gotoNextSibling()) if (!cursor.gotoParent()) return;
  }
}

/** Count of ERROR and MISSING nodes: a rough measure of how much of a file tree-sitter understood. */
export function countErrors(root: SyntaxNode): number {
  let n = 0;
  walk(root, (node) => {
    if (node.type === 'ERROR' || node.isMissing) n++;
    return node.hasError;
  });
  return n;
}
