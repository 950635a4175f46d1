/**
 * The symbol index behind `required`: which module (or the kernel proper) defines each global
 * function and variable, and which symbols each module uses. A module requires another when it
 * uses something only that other module defines — the same question kobj answers at load time
 * (an undefined symbol must come from the kernel or a requisite, netbsd-module-api.md B.8).
 *
 * Kernel sources are many and mostly irrelevant, so they are parsed only when their text
 * mentions a symbol some module wants from another module.
 */
import { readdirSync, readFileSync, type Dirent } from 'node:fs';
import path from 'node:path';
import { readSource } from '../source/text-encoding.ts';
import { CSource, type SourceCache } from './csource.ts';
import { PreprocessorConditions } from '../discover/conditions.ts';
import { maskCode } from '../discover/text.ts';
import { fileSymbols, memberParameters, offByOptions, symbolsOf } from './file-symbols.ts';

export interface Provider {
  /** Module name, as MODULE() will spell it. */
  module: string;
  files: string[];
}

export interface Requirement {
  module: string;
  reason: string;
  /** Every symbol of the module's that brought the requisite in (the reason names a few). */
  symbols?: string[];
}
export class SymbolIndex {
  private readonly defs = new Map<string, Set<string>>();
  private readonly uses = new Map<string, Set<string>>();
  private readonly definedIn = new Map<string, Map<string, string>>();

  constructor(
    private readonly cache: SourceCache,
    private readonly providers: Provider[],
    private readonly kernelFiles: string[],
    /** Paths in reasons are shown relative to it. */
    private readonly root?: string,
    /** Directories whose headers' macros are known (the kernel trees, the bundled headers). */
    private readonly headerRoots: string[] = [],
    /**
     * Options a module is built with off (config(8) options std.<machine> does not set): code
     * under `#ifdef LFS` is not compiled into it, so what it names is no use.
     */
    private readonly offOptions: ReadonlySet<string> = new Set(),
  ) {
    const named = new Map<string, number>();
    for (const p of providers) named.set(p.module, (named.get(p.module) ?? 0) + 1);
    for (const p of providers) {
      if (named.get(p.module) === 1 && !p.files.every((f) => cache.has(f))) {
        // A module not being converted: only what it defines matters, and only for the symbols
        // a converted module asks about; its files are read then (resolveLazy).
        this.lazy.set(p.module, p.files);
        this.defs.set(p.module, new Set());
        this.definedIn.set(p.module, new Map());
        continue;
      }
      this.readModule(p.module, p.files);
    }
  }

  /** What a module's files define and use, read whole (two LKMs named alike are one module). */
  private readModule(module: string, files: readonly string[]): void {
    const defs = new Set<string>();
    const locals = new Set<string>();
    const uses = new Set<string>();
    const where = new Map<string, string>();
    const argUses = new Map<string, Set<string>>();
    for (const file of files) {
      const s = fileSymbols(this.cache.get(file));
      for (const g of s.globals) {
        defs.add(g);
        if (!where.has(g)) where.set(g, file);
      }
      for (const st of s.statics) locals.add(st);
      for (const u of s.uses) uses.add(u);
      for (const [name, at] of s.argUses) argUses.set(name, new Set([...(argUses.get(name) ?? []), ...at]));
    }
    // A name passed only where a macro takes a member name (`SCARG(uap, flags)`) is no reference.
    if (argUses.size) {
      const own = new Map<string, Set<number>>();
      for (const file of files) for (const [m, i] of memberParameters(this.cache.get(file).text)) own.set(m, i);
      const memberAt = (site: string) => {
        const [macro, i] = site.split('#') as [string, string];
        return (own.get(macro) ?? this.headerMemberParameters().get(macro))?.has(Number(i)) ?? false;
      };
      for (const [name, at] of argUses) if (!uses.has(name) && ![...at].every(memberAt)) uses.add(name);
    }
    for (const d of [...defs, ...locals]) uses.delete(d);
    this.defs.set(module, mergeInto(this.defs.get(module), defs));
    this.uses.set(module, mergeInto(this.uses.get(module), uses));
    this.definedIn.set(module, where);
  }

  definesOf(module: string): ReadonlySet<string> {
    this.materialize(module);
    return this.defs.get(module) ?? new Set();
  }

  /** Modules whose files are read only for the symbols asked about, with their files. */
  private readonly lazy = new Map<string, string[]>();
  /** Files of lazy modules read so far, with their globals; a file is parsed once. */
  private readonly lazyGlobals = new Map<string, Set<string>>();

  /** A lazy module read whole, as every module was: for a question about the module itself. */
  private materialize(module: string): void {
    const files = this.lazy.get(module);
    if (!files) return;
    this.lazy.delete(module);
    this.readModule(module, files);
  }

  /**
   * Makes what lazy modules define exact for `symbols`: a file is parsed (its top level only)
   * when one of them is a word of its code, since a file that defines a symbol names it.
   */
  private resolveLazy(symbols: Set<string>): void {
    if (!this.lazy.size || !symbols.size) return;
    const mentions = mentionTest(symbols);
    for (const [module, files] of this.lazy) {
      const defs = this.defs.get(module)!;
      const where = this.definedIn.get(module)!;
      for (const file of files) {
        let globals = this.lazyGlobals.get(file);
        if (!globals) {
          const cached = this.cache.has(file) ? this.cache.get(file) : null;
          let read: { text: string; encoding?: ReturnType<typeof readSource>['encoding'] };
          try {
            read = cached ?? readSource(file);
          } catch {
            continue;
          }
          if (!mentions(read.text) || !namedIn(maskCode(read.text), symbols).names.length) continue;
          globals = cached ? fileSymbols(cached).globals : symbolsOf(new CSource(file, read.text, read.encoding), false).globals;
          this.lazyGlobals.set(file, globals);
          for (const g of globals) defs.add(g);
        }
      }
      // Where each is defined: the first file, in the module's order, that defines it.
      where.clear();
      for (const file of files) for (const g of this.lazyGlobals.get(file) ?? []) if (!where.has(g)) where.set(g, file);
    }
  }

  /**
   * The modules `module` needs, each with its reason: the symbols it uses that they define and
   * neither it nor the kernel proper does. `extraUses` are symbols the conversion introduced.
   */
  required(
    module: string,
    extraUses: Iterable<string> = [],
    /** False for a symbol the conversion no longer refers to (its calls were rewritten). */
    stillUsed: (symbol: string) => boolean = () => true,
  ): { required: Requirement[]; ambiguous: string[] } {
    this.materialize(module);
    const extra = new Set(extraUses);
    const uses = new Set([...(this.uses.get(module) ?? []), ...extra]);
    const own = this.defs.get(module) ?? new Set();
    this.resolveLazy(new Set([...uses].filter((s) => !own.has(s))));
    const wanted = new Map<string, string[]>(); // symbol -> providing modules
    for (const sym of uses) {
      if (own.has(sym)) continue;
      const by = [...this.defs.entries()].filter(([m, d]) => m !== module && d.has(sym)).map(([m]) => m);
      if (by.length && (extra.has(sym) || (stillUsed(sym) && this.compiledUse(module, sym)))) wanted.set(sym, by);
    }
    const kernel = this.kernelDefines(new Set(wanted.keys()));
    const perModule = new Map<string, string[]>();
    const ambiguous: string[] = [];
    for (const [sym, by] of wanted) {
      if (kernel.has(sym)) continue;
      if (by.length > 1) {
        ambiguous.push(`${sym} (defined by ${by.join(', ')})`);
        continue;
      }
      perModule.set(by[0], [...(perModule.get(by[0]) ?? []), sym]);
    }
    const required = [...perModule.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([m, syms]) => {
        syms.sort();
        const found = this.definedIn.get(m)?.get(syms[0]);
        const file = found && this.root ? path.relative(this.root, found) : found;
        const shown = syms.length > 4 ? `${syms.slice(0, 4).join(', ')} and ${syms.length - 4} more` : syms.join(', ');
        return { module: m, reason: `uses ${shown}${file ? ` (defined in ${file})` : ''}`, symbols: syms };
      });
    return { required, ambiguous };
  }

  private readonly conditions = new WeakMap<CSource, PreprocessorConditions>();

  /** Whether some reference to `sym` in the module's files is in code its build compiles (not under an option that is off). */
  private compiledUse(module: string, sym: string): boolean {
    if (!this.offOptions.size) return true;
    const files = this.providers.filter((p) => p.module === module).flatMap((p) => p.files);
    for (const file of files) {
      if (!this.cache.has(file)) return true;
      const src = this.cache.get(file);
      // A declaration names a symbol without linking it.
      const ids = src.identifiers(sym).filter((id) => {
        const p = id.parent;
        if (!p) return true;
        if (p.type === 'declaration') return false;
        return !p.type.endsWith('declarator') || p.childForFieldName('value')?.id === id.id;
      });
      if (!ids.length) continue;
      let conds = this.conditions.get(src);
      if (!conds) this.conditions.set(src, (conds = new PreprocessorConditions(maskCode(src.text))));
      if (ids.some((id) => !offByOptions(conds.at(id.startIndex), this.offOptions))) return true;
    }
    return false;
  }

  /**
   * Functions `module` calls that nothing defines: not its own sources (nor a macro they or a
   * header of theirs define), not another module, not the kernel. Header macros are read from
   * the directories of the module's includes as far as the tree holds them.
   */
  unresolvedCalls(module: string, stillUsed: (symbol: string) => boolean = () => true): string[] {
    this.materialize(module);
    const files = this.providers.filter((p) => p.module === module).flatMap((p) => p.files);
    const own = this.defs.get(module) ?? new Set<string>();
    const calls = new Set<string>();
    const local = new Set<string>();
    for (const f of files) {
      const s = fileSymbols(this.cache.get(f));
      for (const c of s.calls) calls.add(c);
      for (const x of [...s.statics, ...s.macros]) local.add(x);
    }
    const open = [...calls].filter((c) => !own.has(c) && !local.has(c) && !c.startsWith('__builtin'));
    // What modules not being converted define is known only for the symbols asked about.
    this.resolveLazy(new Set(open));
    const candidates = open.filter((c) => ![...this.defs.values()].some((d) => d.has(c)));
    if (candidates.length === 0) return [];
    const kernel = this.kernelDefines(new Set(candidates));
    const macros = this.headerMacros();
    const other = this.otherDefinitions();
    return candidates.filter((c) => !kernel.has(c) && !macros.has(c) && !other(c) && stillUsed(c)).sort();
  }

  private otherText: string | null = null;

  /**
   * What the kernel defines outside C: assembler entry points (locore.s, copyin), and the
   * VOP_* calls vnode_if.c is generated with from vnode_if.src.
   */
  private otherDefinitions(): (name: string) => boolean {
    if (this.otherText === null) {
      const parts: string[] = [];
      for (const dir of this.headerRoots) {
        for (const f of filesUnder(dir, (n) => /\.[sS]$/.test(n) || n === 'vnode_if.src')) {
          try {
            parts.push(readFileSync(f, 'utf8'));
          } catch {
            // unreadable: nothing learnt from it
          }
        }
      }
      this.otherText = parts.join('\n');
    }
    const text = this.otherText;
    return (name) => {
      const vop = /^VOP_(\w+)$/.exec(name);
      if (vop && new RegExp(`\\bvop_${vop[1]!.toLowerCase()}\\b`).test(text)) return true;
      return new RegExp(`(?:ENTRY|NENTRY|_C_LABEL|ALTENTRY)\\(\\s*${name}\\s*\\)|^_?${name}:`, 'm').test(text);
    };
  }

  private macroNames: Set<string> | null = null;
  private memberParams: Map<string, Set<number>> | null = null;

  /** Function-like macros of the indexed headers, with the parameters they use as member names. */
  private headerMemberParameters(): Map<string, Set<number>> {
    if (!this.memberParams) this.headerMacros();
    return this.memberParams!;
  }

  /** Every name a header of the indexed trees (and the bundled kernel headers) #defines. */
  private headerMacros(): Set<string> {
    if (this.macroNames) return this.macroNames;
    const out = new Set<string>();
    const members = new Map<string, Set<number>>();
    for (const dir of this.headerRoots) {
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

  private kernelDone = new Map<string, boolean>();

  /** Which of `symbols` the kernel proper defines; files are parsed only if they mention one. */
  private kernelDefines(symbols: Set<string>): Set<string> {
    const out = new Set<string>();
    const todo = [...symbols].filter((s) => {
      const known = this.kernelDone.get(s);
      if (known) out.add(s);
      return known === undefined;
    });
    if (todo.length === 0) return out;
    const found = this.kernelDefining(new Set(todo));
    for (const s of todo) {
      this.kernelDone.set(s, found.has(s));
      if (found.has(s)) out.add(s);
    }
    return out;
  }

  /** The globals of each kernel file parsed so far: a file is parsed once per conversion. */
  private kernelGlobals = new Map<string, Set<string>>();

  /**
   * Which of `symbols` some kernel file defines. A file is parsed only when one of the symbols
   * still open stands in its code (not a comment) as a whole word, and only its top level is
   * read; the search ends once every symbol is found. Files where a symbol stands outside any
   * braces, where a definition would, are parsed first: a name as common as `s` is then found
   * in the first files parsed rather than after hundreds. Files the conversion does not
   * otherwise open are not kept, only their globals.
   */
  private kernelDefining(symbols: Set<string>): Set<string> {
    const found = new Set<string>();
    const open = new Set(symbols);
    const take = (globals: Set<string>) => {
      for (const s of open) {
        if (!globals.has(s)) continue;
        found.add(s);
        open.delete(s);
      }
    };
    const mentions = mentionTest(open);
    const candidates: { file: string; named: string[]; topLevel: boolean }[] = [];
    for (const file of this.kernelFiles) {
      if (!open.size) break;
      const known = this.cache.has(file) ? null : this.kernelGlobals.get(file);
      if (known) {
        take(known);
        continue;
      }
      const text = this.kernelText(file);
      if (text === null || !mentions(text)) continue;
      const named = namedIn(maskCode(text), open);
      if (named.names.length) candidates.push({ file, named: named.names, topLevel: named.topLevel });
    }
    const ordered = [...candidates.filter((c) => c.topLevel), ...candidates.filter((c) => !c.topLevel)];
    for (const c of ordered) {
      if (!open.size) break;
      if (!c.named.some((s) => open.has(s))) continue;
      const globals = this.kernelFileGlobals(c.file);
      if (globals) take(globals);
    }
    return found;
  }

  private kernelText(file: string): string | null {
    if (this.cache.has(file)) return this.cache.get(file).text;
    try {
      return readSource(file).text;
    } catch {
      return null;
    }
  }

  private kernelFileGlobals(file: string): Set<string> | null {
    if (this.cache.has(file)) return fileSymbols(this.cache.get(file)).globals;
    let globals = this.kernelGlobals.get(file);
    if (!globals) {
      let read: ReturnType<typeof readSource>;
      try {
        read = readSource(file);
      } catch {
        return null;
      }
      globals = symbolsOf(new CSource(file, read.text, read.encoding), false).globals;
      this.kernelGlobals.set(file, globals);
    }
    return globals;
  }
}

/**
 * Which of `symbols` the code (`masked`: comments and strings blanked) names as whole words, and
 * whether one of them stands outside every brace, as a file-scope definition does.
 */
function namedIn(masked: string, symbols: Set<string>): { names: string[]; topLevel: boolean } {
  const names = new Set<string>();
  let topLevel = false;
  const words = [...symbols].filter((s) => /^\w+$/.test(s));
  for (const s of symbols) if (!/^\w+$/.test(s) && masked.includes(s)) names.add(s);
  if (!words.length) return { names: [...names], topLevel };
  let depth = 0;
  let at = 0;
  for (const m of masked.matchAll(new RegExp(`\\b(?:${words.join('|')})\\b`, 'g'))) {
    names.add(m[0]);
    for (; at < m.index; at++) {
      const c = masked.charCodeAt(at);
      if (c === 123 /* { */) depth++;
      else if (c === 125 /* } */ && depth > 0) depth--;
    }
    if (depth === 0) topLevel = true;
  }
  return { names: [...names], topLevel };
}

/**
 * Whether a text holds one of `symbols` as a whole word: one regular expression for them all
 * (a substring test per symbol grows with their number, and `s` is in every file).
 */
function mentionTest(symbols: Set<string>): (text: string) => boolean {
  const words = [...symbols].filter((s) => /^\w+$/.test(s));
  const others = [...symbols].filter((s) => !/^\w+$/.test(s));
  const re = words.length ? new RegExp(`\\b(?:${words.join('|')})\\b`) : null;
  return (text) => (re !== null && re.test(text)) || others.some((s) => text.includes(s));
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

function mergeInto(a: Set<string> | undefined, b: Set<string>): Set<string> {
  if (!a) return b;
  for (const x of b) a.add(x);
  return a;
}
