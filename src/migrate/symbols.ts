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
import { releaseTrees, walk, type SyntaxNode } from '../source/cparse.ts';
import { readSource } from '../source/text-encoding.ts';
import { CSource, type SourceCache } from './csource.ts';
import { maskCode } from './discover-text.ts';

export interface FileSymbols {
  /** Functions and variables with external linkage defined here. */
  globals: Set<string>;
  /** Identifiers called as functions (`foo(...)`), a subset of uses. */
  calls: Set<string>;
  /** Names this file #defines (a call to one is a macro, not a symbol). */
  macros: Set<string>;
  /** File-static definitions. */
  statics: Set<string>;
  /** Identifiers the code and initialisers refer to (locals excluded). */
  uses: Set<string>;
}

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

const memo = new WeakMap<CSource, FileSymbols>();

export function fileSymbols(src: CSource): FileSymbols {
  const cached = memo.get(src);
  if (cached) return cached;
  const out = symbolsOf(src, true);
  memo.set(src, out);
  return out;
}

/**
 * What a file defines, and with `withUses` what it refers to, calls and #defines: walking every
 * function body for its uses costs far more than reading the definitions, which are all at the
 * top level.
 */
function symbolsOf(src: CSource, withUses: boolean): FileSymbols {
  const out: FileSymbols = { globals: new Set(), statics: new Set(), uses: new Set(), calls: new Set(), macros: new Set() };
  if (withUses) {
    for (const m of src.text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)/gm)) out.macros.add(m[1]!);
    for (const c of src.root.descendantsOfType('call_expression')) {
      const fn = c.childForFieldName('function');
      if (fn?.type === 'identifier') out.calls.add(fn.text);
    }
  }
  const visitTop = (node: SyntaxNode) => {
    // A K&R head tree-sitter did not join to its body (`int f(a, set)` then `int set;`): the
    // declarations after it are its parameters and, when the `{` was lost too, its locals; none
    // is a global. (K&R prototypes name no parameters, so such a head is always a definition.)
    let inKnr = false;
    let knrParams = new Set<string>();
    for (const n of node.namedChildren) {
      const after = inKnr;
      inKnr = false;
      if (after && (n.type === 'comment' || n.type === 'declaration' || (n.type.startsWith('preproc_') && onlyDeclarations(n)))) {
        for (const d of n.descendantsOfType('declaration')) addDeclared(d, knrParams);
        if (n.type === 'declaration') addDeclared(n, knrParams);
        inKnr = true;
        continue;
      }
      if (after && n.type === 'compound_statement') {
        // The body tree-sitter did not join to its K&R head: its identifiers are uses.
        if (!withUses) continue;
        const locals = new Set(knrParams);
        for (const d of n.descendantsOfType('declaration')) addDeclared(d, locals);
        const found = new Set<string>();
        collectIdentifiers(n, found);
        for (const f of found) if (!locals.has(f)) out.uses.add(f);
        continue;
      }
      if (n.type === 'declaration' || n.type === 'ERROR' || n.type === 'function_declarator') {
        const params = knrHeadParams(n);
        inKnr = params !== null;
        knrParams = params ?? new Set();
        const head = params && n.type === 'declaration' ? n.descendantsOfType('function_declarator')[0] : undefined;
        const fname = head ? declaredName(head.childForFieldName('declarator')) : null;
        if (fname) {
          (isStatic(n) ? out.statics : out.globals).add(fname);
          continue;
        }
      }
      if (n.type === 'function_declarator') {
        // A definition whose pieces are loose in a file tree-sitter could not read as a whole.
        const name = declaredName(n);
        let isStaticHead = false;
        for (let p = n.previousNamedSibling, i = 0; p && i < 3 && p.type !== 'declaration'; p = p.previousNamedSibling, i++) {
          if (p.type === 'storage_class_specifier' && p.text === 'static') isStaticHead = true;
        }
        if (name && inKnr) (isStaticHead ? out.statics : out.globals).add(name);
        continue;
      }
      if (n.type === 'function_definition') {
        const name = declaredName(n.childForFieldName('declarator'));
        if (name) (isStatic(n) ? out.statics : out.globals).add(name);
        if (withUses) collectUses(n, out.uses);
      } else if (n.type === 'declaration') {
        const extern = n.namedChildren.some((c) => c.type === 'storage_class_specifier' && c.text === 'extern');
        // An indented declaration tree-sitter put at file scope is a parameter or local of a
        // function whose body #if split (kernel style writes file-scope definitions at column 0).
        const indented = /^[ \t]/.test(src.text.slice(src.lineStartOf(n.startIndex), n.startIndex + 1));
        if (indented) continue;
        for (const d of n.childrenForFieldName('declarator')) {
          const inner = d.type === 'init_declarator' ? d.childForFieldName('declarator') : d;
          if (!inner || inner.type === 'function_declarator') continue;
          const name = declaredName(inner);
          if (name && !extern) (isStatic(n) ? out.statics : out.globals).add(name);
          const value = withUses && d.type === 'init_declarator' ? d.childForFieldName('value') : null;
          if (value) collectIdentifiers(value, out.uses);
        }
      } else if (/^preproc_(if|ifdef|else|elif|elifdef)$/.test(n.type) || n.type === 'linkage_specification') {
        visitTop(n);
      } else if (withUses && (n.type === 'expression_statement' || n.type === 'ERROR')) {
        // Top-level macro calls (MODULE(), CFATTACH_DECL()) reference symbols too.
        collectIdentifiers(n, out.uses);
      }
    }
  };
  visitTop(src.root);
  return out;
}

/** `#if ... u_long req; #else int req; #endif` between a K&R head and its body. */
function onlyDeclarations(n: SyntaxNode): boolean {
  const test = n.childForFieldName('condition') ?? n.childForFieldName('name');
  return n.namedChildren.every((c) => c.id === test?.id || c.type === 'declaration' || c.type === 'comment' || (c.type.startsWith('preproc_') && onlyDeclarations(c)));
}

/** `int f(a, b)` written K&R style and parsed as a declaration (or an ERROR, or alone): its parameter names. */
function knrHeadParams(decl: SyntaxNode): Set<string> | null {
  const heads = decl.type === 'function_declarator' ? [decl] : decl.type === 'ERROR' ? decl.namedChildren.filter((c) => c.type === 'function_declarator') : decl.childrenForFieldName('declarator');
  for (const d of heads) {
    let f: SyntaxNode | null = d;
    while (f && f.type !== 'function_declarator') f = f.childForFieldName('declarator');
    const list = f?.childForFieldName('parameters');
    // A bare name in the list: an identifier, or a lone "type" (tree-sitter's reading of `f(a, b)`).
    const names = (list?.namedChildren ?? []).filter((c) => c.type !== 'comment').map((c) => {
      if (c.type === 'identifier') return c.text;
      const only = c.type === 'parameter_declaration' && !c.childForFieldName('declarator') && c.namedChildren.length === 1 ? c.namedChildren[0]! : null;
      return only?.type === 'type_identifier' ? only.text : null;
    });
    if (names.length && names.every((x) => x !== null)) return new Set(names as string[]);
  }
  return null;
}

function addDeclared(d: SyntaxNode, into: Set<string>): void {
  for (const decl of d.childrenForFieldName('declarator')) {
    const name = declaredName(decl.type === 'init_declarator' ? decl.childForFieldName('declarator') : decl);
    if (name) into.add(name);
  }
}

function isStatic(n: SyntaxNode): boolean {
  return n.namedChildren.some((c) => c.type === 'storage_class_specifier' && c.text === 'static');
}

function declaredName(d: SyntaxNode | null): string | null {
  while (d && d.type !== 'identifier') {
    d = d.childForFieldName('declarator') ?? d.namedChildren.find((c) => c.type.endsWith('declarator') || c.type === 'identifier') ?? null;
  }
  return d?.text ?? null;
}

function collectUses(fn: SyntaxNode, uses: Set<string>): void {
  const locals = new Set<string>();
  const params = fn.descendantsOfType('parameter_declaration');
  for (const p of params) {
    const n = declaredName(p.childForFieldName('declarator'));
    if (n) locals.add(n);
  }
  const fd = fn.childForFieldName('declarator');
  // K&R parameter names.
  for (const id of fd?.descendantsOfType('parameter_list')[0]?.namedChildren ?? []) if (id.type === 'identifier') locals.add(id.text);
  const body = fn.childForFieldName('body');
  if (!body) return;
  for (const d of body.descendantsOfType('declaration')) {
    for (const decl of d.childrenForFieldName('declarator')) {
      const n = declaredName(decl.type === 'init_declarator' ? decl.childForFieldName('declarator') : decl);
      if (n) locals.add(n);
    }
  }
  const found = new Set<string>();
  collectIdentifiers(body, found);
  for (const f of found) if (!locals.has(f)) uses.add(f);
}

function collectIdentifiers(node: SyntaxNode, into: Set<string>): void {
  walk(node, (n) => {
    if (n.type === 'identifier') into.add(n.text);
    return true;
  });
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
    for (const file of files) {
      const s = fileSymbols(this.cache.get(file));
      for (const g of s.globals) {
        defs.add(g);
        if (!where.has(g)) where.set(g, file);
      }
      for (const st of s.statics) locals.add(st);
      for (const u of s.uses) uses.add(u);
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
  async required(
    module: string,
    extraUses: Iterable<string> = [],
    /** False for a symbol the conversion no longer refers to (its calls were rewritten). */
    stillUsed: (symbol: string) => boolean = () => true,
  ): Promise<{ required: Requirement[]; ambiguous: string[] }> {
    this.materialize(module);
    const extra = new Set(extraUses);
    const uses = new Set([...(this.uses.get(module) ?? []), ...extra]);
    const own = this.defs.get(module) ?? new Set();
    this.resolveLazy(new Set([...uses].filter((s) => !own.has(s))));
    const wanted = new Map<string, string[]>(); // symbol -> providing modules
    for (const sym of uses) {
      if (own.has(sym)) continue;
      const by = [...this.defs.entries()].filter(([m, d]) => m !== module && d.has(sym)).map(([m]) => m);
      if (by.length && (extra.has(sym) || stillUsed(sym))) wanted.set(sym, by);
    }
    const kernel = await this.kernelDefines(new Set(wanted.keys()));
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

  /**
   * Functions `module` calls that nothing defines: not its own sources (nor a macro they or a
   * header of theirs define), not another module, not the kernel. Header macros are read from
   * the directories of the module's includes as far as the tree holds them.
   */
  async unresolvedCalls(module: string, stillUsed: (symbol: string) => boolean = () => true): Promise<string[]> {
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
    // The kernel's sources are searched last, for what no header macro, assembler entry or
    // current use settles: a name nothing defines (a macro like VOP_ACCESS, LIST_INSERT_HEAD)
    // makes that search parse every file that mentions it.
    const macros = this.headerMacros();
    const other = this.otherDefinitions();
    const rest = candidates.filter((c) => !macros.has(c) && !other(c) && stillUsed(c));
    if (rest.length === 0) return [];
    const kernel = await this.kernelDefines(new Set(rest));
    return rest.filter((c) => !kernel.has(c)).sort();
  }

  private other: { text: string; entries: Set<string>; labels: Set<string>; vops: Set<string> } | null = null;

  /**
   * What the kernel defines outside C: assembler entry points (locore.s, copyin), and the
   * VOP_* calls vnode_if.c is generated with from vnode_if.src. The names are gathered once:
   * a search of all the assembler per name asked about cost seconds for a module calling
   * hundreds of functions.
   */
  private otherDefinitions(): (name: string) => boolean {
    if (this.other === null) {
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

  /** Every name a header of the indexed trees (and the bundled kernel headers) #defines. */
  private headerMacros(): Set<string> {
    if (this.macroNames) return this.macroNames;
    const out = new Set<string>();
    for (const dir of this.headerRoots) {
      for (const h of filesUnder(dir, (n) => n.endsWith('.h'))) {
        let text: string;
        try {
          text = readFileSync(h, 'utf8');
        } catch {
          continue;
        }
        for (const m of text.matchAll(/^[ \t]*#[ \t]*define[ \t]+(\w+)/gm)) out.add(m[1]!);
      }
    }
    this.macroNames = out;
    return out;
  }

  private kernelDone = new Map<string, boolean>();

  /** Which of `symbols` the kernel proper defines; files are parsed only if they mention one. */
  private async kernelDefines(symbols: Set<string>): Promise<Set<string>> {
    const out = new Set<string>();
    const todo = [...symbols].filter((s) => {
      const known = this.kernelDone.get(s);
      if (known) out.add(s);
      return known === undefined;
    });
    if (todo.length === 0) return out;
    const found = await this.kernelDefining(new Set(todo));
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
  private async kernelDefining(symbols: Set<string>): Promise<Set<string>> {
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
      await releaseTrees();
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
