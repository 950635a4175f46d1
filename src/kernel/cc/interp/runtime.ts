/**
 * What running module code needs from the loaded image: the bound value of each symbol its code
 * names, its string literals, and a step budget shared by every call into the module, so a loop
 * that never ends stops with a clear error instead of hanging the kernel.
 */
import type { ArrayCell, Callable, Cell } from '../../machine/memory.ts';
import type { SourceSite } from '../../object.ts';
import type { DataModel } from '../../machine/layout.ts';

export const DEFAULT_STEP_LIMIT = 1_000_000;
/** Deeper than any kernel stack would allow. */
export const MAX_CALL_DEPTH = 500;

let stepLimit = DEFAULT_STEP_LIMIT;

/** The step limit for images instantiated from now on (CompileOptions.stepLimit overrides it per object). */
export function setStepLimit(n: number): void {
  if (!Number.isFinite(n) || n < 1) throw new RangeError(`step limit must be a positive number, got ${n}`);
  stepLimit = n;
}
export function getStepLimit(): number {
  return stepLimit;
}

export class StepBudget {
  used = 0;
  depth = 0;
  constructor(readonly limit: number) {}
}

export interface Runtime {
  /** The object or function a symbol is bound to (after relocation). */
  symbol(name: string, site: SourceSite): Cell | Callable;
  /** The image's char array for a string literal. */
  stringCell(id: number, bytes: number[]): ArrayCell;
  readonly budget: StepBudget;
  /** Who the module's functions belong to (Callable.provider). */
  readonly provider: string;
  /** The target's data model (sizes when untyped memory takes a type). */
  readonly dm: DataModel;
}
