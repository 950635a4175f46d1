/**
 * `--plan FILE`: the plan file read and checked against the tree the command scanned. What does
 * not fit (a syntax error, an LKM gone, a name taken) stops the command with every such line
 * listed, file:line first, before anything is converted.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../source/errors.ts';
import { inferModuleSet, type ModuleSet } from './module-set.ts';
import { applyPlan, parsePlan, type PlanDecisions } from './plan-file.ts';
import type { Finding, ScanResult } from '../discover/plan.ts';

export function readPlanFile(file: string): PlanDecisions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`--plan ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file (write one with lkm2mod plan)' : (err as Error).message}`);
  }
  const { plan, errors } = parsePlan(text, file);
  if (errors.length) throw planError(errors);
  return plan;
}

/** The module set the plan decides for this scan; lkm2mod's defaults for what it leaves out. */
export function moduleSetFromPlan(plan: PlanDecisions, scan: ScanResult, syscallSlots?: ReadonlyMap<string, number>): ModuleSet {
  const inferred = inferModuleSet(scan, { syscallSlots });
  const builtBy = (source: string) => scan.modules.filter((m) => m.declaration && m.files.includes(path.resolve(source))).map((m) => m.dir);
  const { set, errors } = applyPlan(inferred, plan, builtBy);
  if (errors.length) throw planError(errors);
  return set;
}

function planError(errors: Finding[]): UserError {
  const lines = errors.map((e) => `${e.file}:${e.line}: ${e.severity}: ${e.message} [${e.code}]`);
  return new UserError(`the plan does not fit the tree; nothing was done:\n${lines.join('\n')}`);
}
