/**
 * lkm2mod as a library: the conversion pipeline and the rule API that built-in rules and
 * users' rule packs are written against (`import { defineRule } from 'lkm2mod'`).
 */
export { defineRule } from './migrate/rule-api.ts';
export type {
  ConvertedModule,
  Declaration,
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
  SourceFile,
  SyntaxNode,
  Tree,
  TreeContext,
  TreeRule,
} from './migrate/rule-api.ts';
export { addressee, elements, isNull, member, pointerList } from './migrate/rule-helpers.ts';
export { isMinusOne, macroCallAt, referencedSymbol, stringValue } from './migrate/descriptor.ts';
export { builtinRules } from './migrate/builtin-rules.ts';
export { convertPlans } from './migrate/convert.ts';
export type { ConversionSet, ConvertOptions, FileChange, ModuleConversion } from './migrate/convert.ts';
export { applyChanges } from './migrate/apply.ts';
export { renderPatch } from './report/diff.ts';
export { discover } from './migrate/discover.ts';
