/**
 * Emulations (struct emul) defined in the indexed trees, by name, so an exec module can point
 * es_emul at the emulation its MOD_EXEC named.
 */

/** A struct emul found in the indexed trees. */
export interface Emulation {
  symbol: string;
  /** The extern declaration matching its definition (`extern const struct emul emul_linux;`). */
  declaration: string;
}

/**
 * `struct emul NAME = { "linux", … }` or `.e_name = "linux"`: emulation name → symbol, so an
 * exec module can point es_emul at the emulation its MOD_EXEC named.
 */
export function findEmulations(texts: Iterable<{ text: string }>): Map<string, Emulation> {
  const out = new Map<string, Emulation>();
  const re = /^([ \t\w]*?)\bstruct\s+emul\s+(\w+)\s*=\s*\{([\s\S]{0,400})/gm;
  for (const { text } of texts) {
    if (!text.includes('struct emul')) continue;
    for (const m of text.matchAll(re)) {
      if (/\bstatic\b/.test(m[1])) continue;
      const designated = /\.e_name\s*=\s*"([^"]*)"/.exec(m[3]);
      const first = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*"([^"]*)"/.exec(m[3]);
      const name = designated?.[1] ?? first?.[1];
      const isConst = /\bconst\b/.test(m[1]);
      if (name && !out.has(name)) {
        out.set(name, { symbol: m[2], declaration: `extern ${isConst ? 'const ' : ''}struct emul ${m[2]};` });
      }
    }
  }
  return out;
}
