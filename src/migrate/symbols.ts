/**
 * The symbol index behind `required`: which module (or the kernel proper) defines each global
 * function and variable, and which symbols each module uses. A module requires another when it
 * uses something only that other module defines — the same question kobj answers at load time
 * (an undefined symbol must come from the kernel or a requisite, netbsd-module-api.md B.8).
 *
 * Kernel sources are many and mostly irrelevant, so they are parsed only when their text
 * mentions a symbol some module wants from another module.
 */
import path from 'node:path';
import { releaseTrees } from '../source/cparse.ts';
import { readSource } from '../source/text-encoding.ts';
import { CSource, type SourceCache } from './csource.ts';
import { PreprocessorConditions } from '../discover/conditions.ts';
import { maskCode } from '../discover/text.ts';
import { fileSymbols, memberParameters, offByOptions, symbolsOf } from './file-symbols.ts';
import { KernelSearch, mentionTest, namedIn } from './kernel-search.ts';
import { TreeHeaders } from './tree-headers.ts';

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
  private readonly kernel: KernelSearch;
  private readonly everyKernel: KernelSearch;
  private readonly headers: TreeHeaders;

  constructor(
    private readonly cache: SourceCache,
    private readonly providers: Provider[],
    kernelFiles: string[],
    /** Paths in reasons are shown relative to it. */
    private readonly root?: string,
    /** Directories whose headers' macros are known (the kernel trees, the bundled headers). */
    headerRoots: string[] = [],
    /**
     * Options a module is built with off (config(8) options std.<machine> does not set): code
     * under `#ifdef LFS` is not compiled into it, so what it names is no use.
     */
    private readonly offOptions: ReadonlySet<string> = new Set(),
    /** Of the kernel's files, those every kernel of the machine builds (kernelBuilt's `always`). */
    alwaysKernelFiles: string[] = [],
  ) {
    const parsed = new Map<string, Set<string>>();
    this.kernel = new KernelSearch(cache, kernelFiles, parsed);
    this.everyKernel = new KernelSearch(cache, alwaysKernelFiles, parsed);
    this.headers = new TreeHeaders(headerRoots);
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
        return (own.get(macro) ?? this.headers.memberParameters().get(macro))?.has(Number(i)) ?? false;
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
    return runSync(this.requiredSteps(module, extraUses, stillUsed));
  }

  /** required(), returning to the event loop between the kernel files it parses: their trees are freed as it goes. */
  requiredAsync(module: string, extraUses: Iterable<string> = [], stillUsed: (symbol: string) => boolean = () => true): Promise<{ required: Requirement[]; ambiguous: string[] }> {
    return runAsync(this.requiredSteps(module, extraUses, stillUsed));
  }

  private *requiredSteps(module: string, extraUses: Iterable<string>, stillUsed: (symbol: string) => boolean): Generator<void, { required: Requirement[]; ambiguous: string[] }> {
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
    const kernel = yield* this.kernel.defines(new Set(wanted.keys()));
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
   * Functions each module calls that nothing defines: not its own sources (nor a macro they or
   * a header of theirs define), not another module, not the kernel. Header macros are read from
   * the directories of the module's includes as far as the tree holds them. `stillUsed` says
   * whether the converted module still names a symbol. The kernel is searched once for every
   * module's open names (each kernel file read once, not once per module), returning to the
   * event loop between the files it parses: their trees are freed as it goes.
   */
  async unresolvedCallsAsync(modules: { name: string; stillUsed: (symbol: string) => boolean }[]): Promise<Map<string, string[]>> {
    const open = new Map(modules.map((m) => [m.name, this.unresolvedOutsideKernel(m.name, m.stillUsed)]));
    const asked = new Set([...open.values()].flat());
    const kernel = asked.size ? await runAsync(this.kernel.defines(asked)) : new Set<string>();
    return new Map([...open].map(([name, syms]) => [name, syms.filter((c) => !kernel.has(c)).sort()]));
  }

  /**
   * Which of `symbols` every kernel of the machine defines, whatever its options, each with the
   * file that does, as reasons show it.
   */
  async kernelDefinitions(symbols: Set<string>): Promise<Map<string, string>> {
    const found = symbols.size ? await runAsync(this.everyKernel.defines(symbols)) : new Set<string>();
    const shown = (f: string | undefined) => (f && this.root ? path.relative(this.root, f) : (f ?? 'the kernel'));
    return new Map([...found].map((s) => [s, shown(this.everyKernel.definedIn(s))]));
  }

  /** What `module` calls that neither it, another module, a header macro nor an assembler entry defines. */
  private unresolvedOutsideKernel(module: string, stillUsed: (symbol: string) => boolean): string[] {
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
    const macros = this.headers.macros();
    const other = this.headers.otherDefinitions();
    return candidates.filter((c) => !macros.has(c) && !other(c) && stillUsed(c));
  }
}

function mergeInto(a: Set<string> | undefined, b: Set<string>): Set<string> {
  if (!a) return b;
  for (const x of b) a.add(x);
  return a;
}

/** Runs the steps to their end without stopping. */
function runSync<T>(steps: Generator<void, T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** Runs the steps, returning to the event loop at each (tree-sitter frees trees only there). */
async function runAsync<T>(steps: Generator<void, T>): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await releaseTrees();
  }
}
