/**
 * kobj: the kernel linker (subr_kobj.c), over module objects instead of ELF files.
 *
 * Stage 1 (kobj_load) gives the object its own memory and binds the references to its static
 * symbols, which makes the modinfo record readable. Stage 2 (kobj_affix) runs once the
 * requisites are in: every undefined symbol is looked up, and only then are the module's own
 * globals entered in ksyms. Either stage leaves nothing behind when it fails.
 */
import type { ModuleImage, ModuleObject, SymbolValue } from './object.ts';
import { KERNEL, type Ksyms } from './ksyms.ts';
import { KernelError } from './errno.ts';
import { crashMessage, isCrash } from './crash.ts';

export interface Kobj {
  readonly object: ModuleObject;
  readonly image: ModuleImage;
  /** Set by kobj_affix: the name its symbols are registered under. */
  name: string | null;
}

/** Stage 1: allocate, initialise and relocate locally. */
export function kobjLoad(object: ModuleObject): Kobj {
  let image: ModuleImage;
  try {
    image = object.instantiate();
    image.relocateLocal();
  } catch (err) {
    if (isCrash(err)) throw KernelError.of('ENOEXEC', `${object.origin}: ${crashMessage(err)}`);
    throw err;
  }
  return { object, image, name: null };
}

/**
 * Where the linker may look for a symbol: the kernel proper and the modules this one requires.
 * A symbol found in some other module is not a match — it would work only as long as that
 * module happens to be loaded — and is reported with both names.
 */
export interface LinkScope {
  ksyms: Ksyms;
  /** Names of the module's requisites. */
  requisites: readonly string[];
  /**
   * A symbol neither ksyms nor a requisite has, found in the sources of the kernel tree: an
   * unmodelled stand-in to bind, or why there is none (the message says where the tree has it).
   */
  tree?: (symbol: string) => SymbolValue | string | undefined;
  /** Where the kernel tree's sources define `symbol` outside the modules, if they do (no stand-in made). */
  treeDefinition?: (symbol: string) => string | undefined;
}

/** Stage 2: resolve external symbols, then register the module's globals in ksyms. */
export function kobjAffix(ko: Kobj, name: string, scope: LinkScope): void {
  const foreign = new Map<string, string>();
  const notes = new Map<string, string>();
  const unresolved = ko.image.relocateExternal((symbol): SymbolValue | undefined => {
    const sym = scope.ksyms.lookup(symbol);
    if (!sym) {
      const t = scope.tree?.(symbol);
      if (typeof t === 'string') notes.set(symbol, t);
      return typeof t === 'object' ? t : undefined;
    }
    if (sym.provider === KERNEL || scope.requisites.includes(sym.provider)) return sym.value;
    foreign.set(symbol, sym.provider);
    return undefined;
  });
  if (unresolved.length) throw unresolvedError(ko, name, unresolved, foreign, notes, scope.treeDefinition);

  // subr_kobj.c 1.35 looks for redefined globals in stage 1, where a typo makes it skip almost
  // every symbol; checking here, as the symbols are entered, keeps EEXIST (step 11) what a
  // second load of the same module reports, and still refuses a clash with any other provider.
  const globals = ko.image.globals();
  // A definition in a header without an initialiser is a common symbol in the trees that wrote
  // them (`int cpl;` in 1.4's <machine/intr.h>): each object has one, the linker merges them with
  // the kernel's, no module exports it.
  for (const g of [...globals.keys()]) if (/\.h$/.test(ko.object.defined.get(g)?.site.file ?? '')) globals.delete(g);
  const clashes = scope.ksyms.conflicts(globals.keys());
  if (clashes.length) {
    const list = clashes.map((c) => `\`${c.name}' (${siteOf(ko, c.name)}, already defined by ${describe(c.provider)})`);
    throw KernelError.of(
      'ENOEXEC',
      `${name}: global symbol redefined: ${list.join(', ')}; make it static or rename it`,
    );
  }
  scope.ksyms.register(name, globals);
  ko.name = name;
}

/** kobj_unload: drop the module's symbols; its memory goes with the image. */
export function kobjUnload(ko: Kobj, ksyms: Ksyms): void {
  if (ko.name !== null) ksyms.unregister(ko.name);
  ko.name = null;
}

function unresolvedError(
  ko: Kobj,
  name: string,
  unresolved: string[],
  foreign: Map<string, string>,
  notes: Map<string, string>,
  treeDefinition?: (symbol: string) => string | undefined,
): KernelError {
  const lines: string[] = [];
  const missing = unresolved.filter((s) => !foreign.has(s));
  for (const s of missing) lines.push(`${referenceSite(ko, s)}: undefined symbol \`${s}'${notes.has(s) ? ` (${notes.get(s)})` : ''}`);
  for (const s of unresolved) {
    const provider = foreign.get(s);
    if (provider === undefined) continue;
    // The module that has it took the kernel's variable for its own: the fix is there.
    const kernels = treeDefinition?.(s);
    if (kernels) {
      lines.push(
        `${referenceSite(ko, s)}: symbol \`${s}' is the kernel's (${kernels}), but module ${provider} defines one too and ksyms finds that: ` +
          `kobj would have refused ${provider} ("global symbol redefined"); make ${provider}'s \`${s}' extern (lkm2mod convert does for a tentative definition every kernel has)`,
      );
      continue;
    }
    lines.push(
      `${referenceSite(ko, s)}: symbol \`${s}' is defined by module ${provider}, which ${name} does not require; ` +
        `add "${provider}" to the required list of MODULE(…, ${name}, …)`,
    );
  }
  const what = missing.length && foreign.size ? 'unresolved symbols' : missing.length ? 'undefined symbols' : 'symbols from modules it does not require';
  return KernelError.of('ENOEXEC', `${name}: ${what}:\n  ${lines.join('\n  ')}`);
}

/** file:line of the first reference to `symbol`, for messages. */
function referenceSite(ko: Kobj, symbol: string): string {
  const r = ko.object.relocations.find((x) => x.symbol === symbol);
  return r ? `${r.site.file}:${r.site.line}` : ko.object.origin;
}

function siteOf(ko: Kobj, symbol: string): string {
  const d = ko.object.defined.get(symbol);
  return d ? `${d.site.file}:${d.site.line}` : ko.object.origin;
}

function describe(provider: string): string {
  return provider === KERNEL ? 'the kernel' : `module ${provider}`;
}
