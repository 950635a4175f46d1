/**
 * A file-scope declaration whose type is a macro call: `TAILQ_HEAD(bqueues, buf)
 * bufqueues[BQUEUES];`, `LIST_HEAD(, proc) allproc = LIST_HEAD_INITIALIZER(allproc);`. Kernel
 * sources declare their queue heads so; a symbol index that reads `name(` at column 0 as a
 * function, or skips a line holding `(` as no variable, misses them. Neither tree-sitter (which
 * reads most of them as a call and a stray expression) nor a line scan sees them otherwise.
 */

/**
 * The names `line` declares when it starts (column 0) with a macro call followed, on the same
 * line, by declarators ending in `;`, `=` or `,`; null for anything else. A function head, K&R or
 * ANSI, has nothing after its parameter list on that line but `{` or a comment; a macro call used
 * as a statement (`__KERNEL_RCSID(…);`) has no declarator.
 */
export function macroDeclarators(line: string): string[] | null {
  const head = /^[A-Za-z_]\w*\s*\(/.exec(line);
  if (!head) return null;
  let parens = 0;
  let close = -1;
  for (let j = head[0].length - 1; j < line.length; j++) {
    const c = line.charCodeAt(j);
    if (c === 40 /* ( */) parens++;
    else if (c === 41 /* ) */ && --parens === 0) {
      close = j;
      break;
    }
  }
  if (close < 0) return null;
  const rest = line.slice(close + 1).replace(/\/\*.*?\*\//g, '');
  const first = /^\s*(?:(?:const|volatile)\s+)*\**\s*([A-Za-z_]\w*)\s*(?:\[[^\]]*\]\s*)*(=|;|,)/.exec(rest);
  if (!first) return null;
  const names = [first[1]!];
  if (first[2] === ',') {
    for (const m of rest.slice(first[0].length - 1).replace(/=[^,;]*/g, '').matchAll(/,\s*\**\s*([A-Za-z_]\w*)/g)) names.push(m[1]!);
  }
  return names;
}
