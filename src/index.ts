/**
 * lkm2mod as a library: the conversion pipeline and the rule API that built-in rules and
 * users' rule packs are written against (`import { defineRule } from 'lkm2mod'`).
 */
// The rule API, its helpers and the built-in rules: exactly what a rule pack may import.
export * from './rules/pack-api.ts';
export { convertPlans } from './migrate/convert.ts';
export type { ConversionSet, ConvertOptions, FileChange, ModuleConversion } from './migrate/convert.ts';
export { applyChanges } from './migrate/apply.ts';
export { renderPatch } from './source/patch.ts';
export { discover } from './discover/discover.ts';
