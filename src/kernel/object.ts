/**
 * A module object: what compiling a module's C sources produces, the simulated kernel's stand-in
 * for a relocatable ELF .kmod. The compile stage (src/kernel/cc/) produces it; the loader
 * (src/kernel/kobj.ts) links and loads it. Neither needs the other's internals.
 */
import type { Callable, Cell } from './machine/memory.ts';

export type SectionName = 'text' | 'data' | 'rodata' | 'bss' | 'link_set_modules';

export interface SourceSite {
  file: string;
  line: number;
}

export interface ObjectSymbol {
  name: string;
  /** `local` for static definitions: they are relocated in stage 1. */
  binding: 'global' | 'local';
  kind: 'func' | 'object';
  section: SectionName;
  site: SourceSite;
}

/** A reference from code or initialised data to a symbol; the linker resolves it. */
export interface Relocation {
  section: SectionName;
  symbol: string;
  /** Refers to a symbol this object defines with local binding (or to a section). */
  local: boolean;
  site: SourceSite;
}

export interface ModuleObject {
  /** The module directory or the name the object was compiled for (messages use it). */
  origin: string;
  sources: string[];
  /** Symbols per section, in definition order. */
  sections: Record<SectionName, string[]>;
  /** Symbols this object defines, global and static. */
  defined: Map<string, ObjectSymbol>;
  /** Symbols it uses but does not define (resolved from ksyms in stage 2). */
  undefined: Set<string>;
  relocations: Relocation[];
  /** Approximate size in bytes (text + data), what modstat prints. */
  size: number;
  /** Fresh memory for one load: every load gets its own data, as a real kernel allocation would. */
  instantiate(): ModuleImage;
}

/** What a resolver returns for an external symbol: a data object or a function. */
export type SymbolValue = { cell: Cell } | { fn: Callable };

/**
 * One loaded copy of a module object. Initialisers have run; references are bound by the two
 * relocation stages, in order.
 */
export interface ModuleImage {
  /**
   * Stage 1: bind references to the object's own static symbols. Afterwards the modinfo record
   * in link_set_modules is readable.
   */
  relocateLocal(): void;
  /** Pointers in the link_set_modules section (each designates a modinfo_t). */
  linkSet(name: 'modules'): Cell[];
  /**
   * Stage 2: bind every external reference through `resolve`. Returns the symbols it could not
   * resolve (empty on success); on failure nothing is bound.
   */
  relocateExternal(resolve: (symbol: string) => SymbolValue | undefined): string[];
  /** The image's global definitions, which ksyms registers after stage 2. */
  globals(): Map<string, SymbolValue>;
  /** Look up any definition, static included (tests and the old LKM loader use it). */
  lookup(symbol: string): SymbolValue | undefined;
}
