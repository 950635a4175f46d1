/**
 * What a rule pack sees of lkm2mod. A pack's `import { defineRule } from 'lkm2mod'` resolves
 * here, both when the pack is type-checked and when it runs, so what checks is what runs; the
 * package entry (src/index.ts) re-exports all of it. It is the API the built-in rules in rules/
 * are written against, the helpers they share, and the built-in rules themselves, for a pack
 * rule that reads a vendor's shape and then converts like the built-in rule of its kind.
 *
 * Kept free of the pipeline (discover, convert, validate), so type-checking a pack reads a few
 * dozen files rather than all of lkm2mod.
 */
export { defineRule } from '../discover/rule-api.ts';
export type {
  ConvertedModule,
  Declaration,
  DeclarationShape,
  DeclaredLkm,
  Definition,
  EditSet,
  Finding,
  FindingInput,
  LkmKind,
  ModuleClass,
  ModulePlan,
  ModuleRule,
  Registration,
  Rule,
  RuleContext,
  RuleMeta,
  Severity,
  ShapeMatch,
  SourceFile,
  SyntaxNode,
  Tree,
  TreeContext,
  TreeRule,
} from '../discover/rule-api.ts';
export { addressee, elements, isNull, member, pointerList } from '../migrate/rule-helpers.ts';
export { isMinusOne, macroCallAt, referencedSymbol, stringValue } from '../migrate/descriptor.ts';
export { builtinRules } from '../migrate/builtin-rules.ts';
