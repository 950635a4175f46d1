/**
 * What the kernel trees' headers and assembler tell the symbol index: the names headers
 * #define (a call to one is a macro, no symbol), which macro parameters are member names, and
 * the functions the kernel defines outside C.
 */
import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { memberParameters } from './file-symbols.ts';

export class TreeHeaders {
  constructor(
    /** Directories whose headers' macros are known (the kernel trees, the bundled headers). */
    private readonly roots: string[],
  ) {}

  private other: { text: string; entries: Set<string>; labels: Set<string>; vops: Set<string> } | null = null;

  /**
   * What the kernel defines outside C: assembler entry points (locore.s, copyin), and the
   * VOP_* calls vnode_if.c is generated with from vnode_if.src. The names are gathered once:
   * a search of all the assembler per name asked about cost seconds for a module calling
   * hundreds of functions.
   */
  otherDefinitions(): (name: string) => boolean {
    if (this.other === null) {
      const parts: string[] = [];
      for (const dir of this.roots) {
        for (const f of filesUnder(dir, (n) => /\.[sS]$/.test(n) || n === 'vnode_if.src')) {
          try {
            parts.push(readFileSync(f, 'utf8'));
          } catch {
            // unreadable: nothing learnt from it
          }
        }
      }
      const text = parts.join('\n');
      // NENTRY( and ALTENTRY( end in ENTRY(.
      const entries = new Set([...text.matchAll(/(?:ENTRY|_C_LABEL)\(\s*(\w+)\s*\)/g)].map((m) => m[1]!));
      const labels = new Set([...text.matchAll(/^(\w+):/gm)].map((m) => m[1]!));
      const vops = new Set([...text.matchAll(/\bvop_\w+/g)].map((m) => m[0]));
      this.other = { text, entries, labels, vops };
    }
    const { text, entries, labels, vops } = this.other;
    return (name) => {
      const vop = /^VOP_(\w+)$/.exec(name);
      if (vop && vops.has(`vop_${vop[1]!.toLowerCase()}`)) return true;
      if (!/^\w+$/.test(name)) return new RegExp(`(?:ENTRY|NENTRY|_C_LABEL|ALTENTRY)\\(\\s*${name}\\s*\\)|^_?${name}:`, 'm').test(text);
      return entries.has(name) || labels.has(name) || labels.has(`_${name}`);
    };
  }

  private macroNames: Set<string> | null = null;
  private memberParams: Map<string, Set<number>> | null = null;

  /** Function-like macros of the indexed headers, with the parameters they use as member names. */
  memberParameters(): Map<string, Set<number>> {
    if (!this.memberParams) this.macros();
    return this.memberParams!;
  }

  /** Every name a header of the indexed trees (and the bundled kernel headers) #defines. */
  macros(): Set<string> {
    if (this.macroNames) return this.macroNames;
    const out = new Set<string>();
    const members = new Map<string, Set<number>>();
    for (const dir of this.roots) {
      for (const h of filesUnder(dir, (n) => n.endsWith('.h'))) {
        let text: string;
        try {
          text = readFileSync(h, 'utf8');
        } catch {
          continue;
        }
        for (const m of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)/gm)) out.add(m[1]!);
        for (const [m, i] of memberParameters(text)) if (!members.has(m)) members.set(m, i);
      }
    }
    this.macroNames = out;
    this.memberParams = members;
    return out;
  }
}

function filesUnder(dir: string, wanted: (name: string) => boolean): string[] {
  const out: string[] = [];
  const walkDir = (d: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(d, e.name);
      if (e.isDirectory() && !e.name.startsWith('.')) walkDir(p);
      else if (wanted(e.name)) out.push(p);
    }
  };
  walkDir(dir);
  return out;
}
