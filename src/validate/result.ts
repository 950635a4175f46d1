/**
 * What validation reports, per module and per check. This is the `--json` schema of
 * `lkm2mod validate` (documented in the README, kept stable) and what the HTML report and the
 * interactive review read.
 */

export type CheckName = 'lifecycle' | 'faults' | 'equivalence' | 'dependencies' | 'repeat' | 'compile' | 'syscall-indirection' | 'together';

export interface CheckSite {
  file: string;
  line: number;
}

export interface CheckResult {
  name: CheckName;
  ok: boolean;
  /** The check did not apply (e.g. equivalence for a module(9) input, compile without --cc). */
  skipped?: boolean;
  /** One line per fact: what was done, what went wrong and what was left behind. */
  details: string[];
  /** The lines of `details` that failed the check (what the user must fix), in order. */
  failures?: string[];
  /** Non-fatal observations (a requisite nothing needs). */
  warnings?: string[];
  /** Where in the module's sources a failure comes from, when known. */
  sites?: CheckSite[];
  timeMs: number;
  /** lifecycle only, lifted into ModuleResult.unmodelled: see there. */
  unmodelled?: Unmodelled;
}

/**
 * Calls the module made, in the lifecycle check's load, MODULE_CMD_STAT and unload, into kernel
 * functions the simulated kernel knows only by name (declared by its headers, or defined by the
 * tree's kernel sources): each returned 0 or NULL and did nothing. How much of the module's
 * code ran against a stand-in rather than a model.
 */
export interface Unmodelled {
  calls: number;
  functions: { name: string; calls: number; where: string }[];
  /** Variables of the tree's kernel the module linked against stand-ins for: zero-filled, unless `holds` says what else. */
  variables?: { name: string; where: string; holds?: string }[];
}

export interface ModuleResult {
  name: string;
  /** The LKM kind (syscall, vfs, dev …) for a converted LKM; the module class (vfs, driver …) for a module(9) input. */
  kind: string;
  /** What the input was: an old LKM, converted in memory, or a module(9) module as it stands. */
  input: 'lkm' | 'module';
  /** The module's directory as the user named it (relative in JSON output). */
  dir: string;
  /** For a converted LKM: the LKM's directory, which is what the user has on disk. */
  lkm?: string;
  ok: boolean;
  /**
   * What the user must know about the module beyond its checks: convert's errors for it (a
   * syscall slot nobody chose), a second module of the same name in the tree.
   */
  notes?: string[];
  checks: CheckResult[];
  /** Calls into unmodelled kernel functions (absent when the module did not load). */
  unmodelled?: Unmodelled;
  timeMs: number;
}

/**
 * Every module that passes on its own, loaded into one kernel requisites first and unloaded in
 * reverse: duplicate global symbols, cycles, unloads refused while others are loaded, state left
 * behind. `modules` lists what loaded, in load order.
 */
export interface TogetherResult extends CheckResult {
  name: 'together';
  modules: string[];
  /** The machines, when the modules are of more than one (a port's own module): one kernel each. */
  machines?: string[];
}

export interface ValidationReport {
  modules: ModuleResult[];
  /** The all-together load (when two or more modules were validated). */
  together?: TogetherResult;
  passed: number;
  failed: number;
  /**
   * What the tree holds that could not be validated as a module, with why (a Makefile whose
   * glue the build generates): discovery's and convert's findings that belong to no module.
   */
  unvalidated?: string[];
}
