/**
 * C name spaces and scopes: ordinary identifiers (objects, functions, typedef names, enum
 * constants) and tags (struct, union, enum), each chained to the enclosing scope.
 */
import type { CType } from '../machine/memory.ts';
import type { StructType } from './ctypes.ts';

/** A file-scope object or function, as the unit declares it. */
export interface GlobalRef {
  kind: 'global';
  /** The symbol this identifier refers to (unique within the object: statics of other files differ). */
  symbol: string;
  name: string;
  type: CType;
}

/** A local variable or parameter: a slot of the function's frame. */
export interface LocalRef {
  kind: 'local';
  slot: number;
  name: string;
  type: CType;
}

export type Ordinary =
  | { kind: 'typedef'; type: CType; isConst: boolean }
  | { kind: 'enum'; value: number }
  | GlobalRef
  | LocalRef;

export type Tag = StructType | { kind: 'enum'; tag: string };

export class Scope {
  private readonly ordinary = new Map<string, Ordinary>();
  private readonly tags = new Map<string, Tag>();

  /** Declarations read on first use (the file scope's many prototypes nobody calls). */
  lazy?: (name: string) => Ordinary | undefined;

  constructor(readonly parent?: Scope) {}

  lookup(name: string): Ordinary | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const o = s.ordinary.get(name) ?? s.lazy?.(name);
      if (o) return o;
    }
    return undefined;
  }

  lookupHere(name: string): Ordinary | undefined {
    return this.ordinary.get(name);
  }

  declare(name: string, o: Ordinary): void {
    this.ordinary.set(name, o);
  }

  tag(name: string): Tag | undefined {
    for (let s: Scope | undefined = this; s; s = s.parent) {
      const t = s.tags.get(name);
      if (t) return t;
    }
    return undefined;
  }

  tagHere(name: string): Tag | undefined {
    return this.tags.get(name);
  }

  declareTag(name: string, t: Tag): void {
    this.tags.set(name, t);
  }

  /** Every ordinary identifier of this scope (not the enclosing ones). */
  entries(): IterableIterator<[string, Ordinary]> {
    return this.ordinary.entries();
  }

  tagEntries(): IterableIterator<[string, Tag]> {
    return this.tags.entries();
  }
}

export function isTypeName(scope: Scope, name: string): boolean {
  return scope.lookup(name)?.kind === 'typedef';
}

export type { CType };
