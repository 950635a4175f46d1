/**
 * Declarations at file scope that only shape the name spaces: typedefs, struct/union/enum
 * definitions and the types of declared objects and functions. Both the compiler's unit builder
 * and kernelTypes() go through here, so they agree on every type.
 */
import type { SyntaxNode } from '../../source/cparse.ts';
import type { Declared, Specifiers, TypeBuilder } from './declarations.ts';
import type { Scope } from './scope.ts';

export interface FileScopeDeclaration {
  spec: Specifiers;
  decl: Declared;
  /** The init_declarator's value, if any. */
  init: SyntaxNode | null;
  node: SyntaxNode;
}

/**
 * Walk one top-level `declaration` or `type_definition`: typedefs are entered in the scope, and
 * each declared object or function is handed to `onDeclare`.
 */
export function declareTopLevel(
  node: SyntaxNode,
  scope: Scope,
  types: TypeBuilder,
  onDeclare: (d: FileScopeDeclaration) => void,
): void {
  if (node.type === 'type_definition') {
    types.typedef(node, scope);
    return;
  }
  const spec = types.specifiers(node, scope);
  if (spec.storage === 'typedef') {
    types.typedef(node, scope);
    return;
  }
  for (const d of node.childrenForFieldName('declarator')) {
    const decl = types.declarator(spec.type, spec.isConst, d, scope);
    if (!decl.name) continue;
    const init = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
    onDeclare({ spec, decl, init, node: d });
  }
}
