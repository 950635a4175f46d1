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

/**
 * After work that dropped large syntax trees (a module's compile): a tree's native memory,
 * several megabytes for a unit that includes the kernel's headers, is freed only when V8
 * collects the tree's small wrapper, and V8 does not know it is worth collecting. Compiling one
 * module after another left gigabytes of dead trees waiting for the next full collection. The
 * commands that compile run with --expose-gc (bin/lkm2mod.js) and collect here; elsewhere
 * (tests, the API) this does nothing. The trees go at the next releaseTrees().
 */
export function collectDroppedTrees(): void {
  (globalThis as { gc?: () => void }).gc?.();
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

/** Count of ERROR and MISSING nodes: a rough measure of how much of a file tree-sitter understood. */
export function countErrors(root: SyntaxNode): number {
  let n = 0;
  walk(root, (node) => {
    if (node.type === 'ERROR' || node.isMissing) n++;
    return node.hasError;
  });
  return n;
}
