/**
 * What lowering needs from the unit it lowers into: source sites, the relocation log, and the
 * unit's symbol table for implicit declarations and static locals.
 */
import type { CType } from '../machine/memory.ts';
import type { SyntaxNode } from '../../source/cparse.ts';
import type { SourceSite } from '../object.ts';
import type { DataModel } from './ctypes.ts';
import type { TypeBuilder } from './declarations.ts';
import type { GlobalRef, Scope } from './scope.ts';

export interface LowerContext {
  dm: DataModel;
  types: TypeBuilder;
  site(node: SyntaxNode): SourceSite;
  warn(node: SyntaxNode, message: string): void;
  /** A reference to a file-scope symbol from code (`fromData` false) or initialised data. */
  reference(ref: GlobalRef, site: SourceSite): void;
  /** C89 implicit declaration `int name()` for a call of an undeclared function. */
  implicitFunction(name: string, site: SourceSite): GlobalRef;
  /** A `static` object declared inside a function: a file-scope object with a local symbol. */
  staticLocal(name: string, type: CType, isConst: boolean, init: SyntaxNode | null, scope: Scope, node: SyntaxNode): GlobalRef;
  /** `extern int x;` or a function prototype inside a function: the file-scope symbol. */
  blockExtern(name: string, type: CType, site: SourceSite): GlobalRef;
  /** Ids for string literals, unique in the object. */
  nextStringId(): number;
}
