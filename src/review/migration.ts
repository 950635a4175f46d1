/**
 * A migration as a reviewer sees it: the tree scanned, converted in memory and validated, held
 * together so that `review` and `report --html` show one and the same thing. Nothing is written.
 *
 * Validation is passed in (a Validator) rather than imported, so the review and the report can
 * be driven with a validation report built by hand, and `--no-validate` is a null.
 */
import type { PlanDecisions } from '../migrate/plan-file.ts';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../source/errors.ts';
import { treeRoot } from '../source/tree-root.ts';
import { convertPlans, type ConversionSet, type ModuleConversion } from '../migrate/convert.ts';
import { discover } from '../discover/discover.ts';
import type { ScanResult } from '../discover/plan.ts';
import type { Machine } from '../source/make-env.ts';
import type { Rule } from '../discover/rule-api.ts';
import type { ModuleResult, ValidationReport } from '../validate/result.ts';
import { Kernel } from '../kernel/kernel.ts';

/**
 * Validates what the paths hold: the converted modules of the set, and the modules the scan
 * found already in module(9) form (validateConversion does both, with nothing converted twice).
 */
export type Validator = (input: { paths: string[]; set: ConversionSet; scan: ScanResult }) => Promise<ValidationReport>;

export interface MigrationOptions {
  /** Other kernel trees indexed for `required` (`--kernel-src`). */
  kernelSrc?: string[];
  /** Answers to slot -1 syscalls (`--syscall-slot NAME=NUMBER`). */
  syscallSlots?: Map<string, number>;
  /** Rule packs' rules (`--rules DIR`), for discovery and conversion. */
  rules?: readonly Rule[];
  /** The machine whose Makefiles are read (`--machine`); default i386. */
  machine?: Machine;
  /** The plan file's decisions (`--plan`). */
  plan?: PlanDecisions;
  /** null: do not validate (the report and the review say so). */
  validate: Validator | null;
  /** The directory paths are shown relative to; default process.cwd(). */
  cwd?: string;
}

/** A module the kernel has built in: a requisite no tree provides, which nothing can load. */
export interface BuiltinModule {
  name: string;
  /** modstat's class: `vfs`, `misc`, `driver` … */
  class: string;
  required: string[];
}

export interface Migration {
  /** Patch paths are relative to it (the same root `convert` uses). */
  root: string;
  cwd: string;
  /** The paths as the user gave them, resolved. */
  paths: string[];
  scan: ScanResult;
  set: ConversionSet;
  /** null when validation was not asked for, or could not run. */
  validation: ValidationReport | null;
  /**
   * Why validation could not run at all (a fault in lkm2mod's own validator): the conversion is
   * still worth reviewing, so this is said where the verdicts would be, not thrown.
   */
  validationError: string | null;
  /** The simulated kernel's built-in modules. */
  builtins: BuiltinModule[];
}

export async function loadMigration(paths: string[], opts: MigrationOptions): Promise<Migration> {
  const cwd = opts.cwd ?? process.cwd();
  const given = paths.length ? paths : ['.'];
  const missing = given.filter((p) => !existsSync(path.resolve(cwd, p)));
  if (missing.length) throw new UserError(`${missing.join(', ')}: no such file or directory`);
  for (const k of opts.kernelSrc ?? []) {
    if (!existsSync(k) || !statSync(k).isDirectory()) throw new UserError(`--kernel-src ${k}: no such directory`);
  }
  const abs = given.map((p) => path.resolve(cwd, p));
  const scan = await discover(abs, { rules: opts.rules, machine: opts.machine });
  const root = treeRoot(abs, cwd, scan.sysDirs);
  const set = await convertPlans(scan, { root, kernelSrc: opts.kernelSrc, syscallSlots: opts.syscallSlots, rules: [...(opts.rules ?? [])], plan: opts.plan });
  let validation: ValidationReport | null = null;
  let validationError: string | null = null;
  try {
    validation = opts.validate ? await opts.validate({ paths: abs, set, scan }) : null;
  } catch (err) {
    if (err instanceof UserError) throw err;
    validationError = (err as Error)?.message ?? String(err);
  }
  return { root, cwd, paths: abs, scan, set, validation, validationError, builtins: kernelBuiltins() };
}

/** The built-in modules of a freshly booted simulated kernel, as modstat lists them. */
export function kernelBuiltins(): BuiltinModule[] {
  return Kernel.boot()
    .modstat()
    .filter((m) => m.source === 'builtin')
    .map((m) => ({ name: m.name, class: m.class, required: m.required }));
}

/**
 * The validation result of a converted module: by its module(9) name, which is what validation
 * loads it as (a converted LKM before a module(9) module of the same name, which a mixed tree
 * can hold); by directory when no name matches (a module renamed on the way).
 */
export function resultFor(
  validation: ValidationReport | null,
  conversion: Pick<ModuleConversion, 'name' | 'dir'>,
  cwd: string,
): ModuleResult | null {
  if (!validation) return null;
  return (
    validation.modules.find((r) => r.name === conversion.name && r.input === 'lkm') ??
    validation.modules.find((r) => r.name === conversion.name) ??
    validation.modules.find((r) => path.resolve(cwd, r.dir) === conversion.dir) ??
    null
  );
}

/**
 * Validation speaks in absolute paths (it works in a temporary overlay of the tree); people read
 * them relative to where they ran the command, like every other path lkm2mod prints.
 */
export function relativeText(cwd: string): (text: string) => string {
  const prefix = cwd.endsWith(path.sep) ? cwd : cwd + path.sep;
  return (text) => text.split(prefix).join('');
}
