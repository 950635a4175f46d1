/**
 * What the kernel a module compiles against says about itself, read from its headers: the
 * members of a struct (which generation's `struct vfsops` the module fills) and the parameters
 * of a kernel function (whether `hashdone` exists, and in which form). The tree's own copy of
 * the header answers; a module outside any kernel tree compiles against the simulated
 * kernel's bundled headers, which answer then.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sourcePath } from '../runtime.ts';
import { maskCode } from '../discover/text.ts';

const BUNDLED_INCLUDE = sourcePath(import.meta.url, '../kernel/include');

export interface HeaderText {
  path: string;
  text: string;
}

export class KernelHeaders {
  private readonly masked = new Map<string, string>();

  /**
   * `sysDir`: the kernel tree's `sys` directory, null outside a tree; `headers`: other headers
   * of the tree the module's sources include (treeHeaders).
   */
  constructor(
    private readonly sysDir: string | null,
    private readonly headers: readonly HeaderText[] = [],
  ) {}

  /**
   * The member names of `struct tag`, in order, from the first header that defines it; null
   * when none does. `header` is where the kernel defines it (`sys/mount.h`).
   */
  structMembers(tag: string, header: string): string[] | null {
    const re = new RegExp(`\\bstruct\\s+${tag}\\s*\\{`);
    for (const h of this.candidates(header)) {
      const text = this.mask(h);
      const m = re.exec(text);
      if (!m) continue;
      const open = m.index + m[0].length;
      const body = balanced(text, open - 1, '{', '}');
      if (body === null) continue;
      return splitTop(body.replace(/^[ \t]*#.*$/gm, ''), ';').map(memberName).filter((n): n is string => !!n);
    }
    return null;
  }

  /**
   * How many parameters the kernel's prototype of `fn` takes (`void hashdone __P((void *, int))`
   * → 2), null when the headers declare no such function. `header` is where the kernel declares
   * it (`sys/systm.h`): when the tree's copy of that header is among the module's, its silence
   * means the tree's kernel lacks the function.
   */
  prototypeParams(fn: string, header: string): number | null {
    const re = new RegExp(`\\b${fn}\\s*(__P\\s*)?\\(`, 'g');
    for (const h of this.candidates(header)) {
      const text = this.mask(h);
      for (const m of text.matchAll(re)) {
        let inner = balanced(text, m.index! + m[0].length - 1, '(', ')');
        if (inner === null) continue;
        if (m[1]) inner = /^\s*\(([\s\S]*)\)\s*$/.exec(inner)?.[1] ?? inner;
        const params = splitTop(inner, ',').map((p) => p.trim());
        return params.length === 1 && (params[0] === 'void' || params[0] === '') ? 0 : params.length;
      }
    }
    return null;
  }

  /** The tree's copy of `header` (the bundled one where the tree has none), then the tree headers the module includes. */
  private candidates(header: string): HeaderText[] {
    const own = (this.sysDir ? read(path.join(this.sysDir, header)) : null) ?? read(path.join(BUNDLED_INCLUDE, header));
    return [...(own ? [own] : []), ...this.headers];
  }

  private mask(h: HeaderText): string {
    let m = this.masked.get(h.path);
    if (m === undefined) {
      m = maskCode(h.text);
      this.masked.set(h.path, m);
    }
    return m;
  }
}

/** The text between the bracket at `open` and its match, or null when it is unbalanced. */
function balanced(text: string, open: number, l: string, r: string): string | null {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === l) depth++;
    else if (text[i] === r && --depth === 0) return text.slice(open + 1, i);
  }
  return null;
}

/** Split at `sep` outside any brackets, dropping empty pieces. */
function splitTop(text: string, sep: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{' || c === '[') depth++;
    else if (c === ')' || c === '}' || c === ']') depth--;
    else if (c === sep && depth === 0) {
      out.push(text.slice(from, i));
      from = i + 1;
    }
  }
  out.push(text.slice(from));
  return out.filter((p) => p.trim() !== '');
}

/** `int (*vfs_mount) __P((...))` → vfs_mount; `LIST_ENTRY(vfsops) vfs_list` → vfs_list. */
function memberName(decl: string): string | null {
  const fp = /\(\s*\*\s*(\w+)\s*\)/.exec(decl);
  if (fp) return fp[1];
  const plain = decl.replace(/\[[^\]]*\]/g, '').replace(/:\s*\w+\s*$/, '');
  const ids = plain.match(/[A-Za-z_]\w*/g);
  return ids?.at(-1) ?? null;
}

function read(file: string): HeaderText | null {
  try {
    return { path: file, text: readFileSync(file, 'utf8') };
  } catch {
    return null;
  }
}
