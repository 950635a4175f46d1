/**
 * What validating one module needs to know, as plain data: it crosses into worker threads, so
 * it holds paths and names, never compiled objects or kernels. A module is either a converted
 * LKM (its module(9) sources in the overlay, its original LKM beside it for comparison) or a
 * module(9) module found in the tree as it stands.
 */
import type { ModuleDir } from '../kernel/moddir.ts';

export interface LkmOriginal {
  /** The LKM's directory, compiled as it is on disk. */
  moduleDir: ModuleDir;
  /** The entry function discovery found (modload -e); modload's own search otherwise. */
  entry?: string;
  /**
   * Numbers the LKM left to the kernel (MOD_SYSCALL slot -1, MOD_DEV majors -1): the old
   * loader and module(9) may choose differently, which is not a difference in the module.
   */
  chosenByKernel: { sysent: boolean; bdevsw: boolean; cdevsw: boolean };
  /**
   * The LKMs that had to be loaded before this one (the modules convert listed as required,
   * by their LKM directories): in the LKM world a module linked against whatever was loaded.
   */
  requires: string[];
  /**
   * Exec-format LKMs a plan folded into this (emulation) module: the original is these LKMs
   * loaded after it, in this order, and unloaded before it.
   */
  folded?: Array<{ moduleDir: ModuleDir; entry?: string }>;
}

export interface ModuleSpec {
  /** The module's name: KMOD, which module_load and mi_required name it by. */
  name: string;
  kind: string;
  input: 'lkm' | 'module';
  /** The module directory as the user will have it (the converted location for an LKM). */
  dir: string;
  /** What to compile: for a converted LKM, paths into the overlay. */
  moduleDir: ModuleDir;
  lkm?: LkmOriginal;
  /**
   * Modules this one loads with it, as far as is known before compiling (convert's required
   * list, MODULE()'s literal one): workers get related modules together, so each compiles less.
   */
  related: string[];
  /** Messages for the user that belong to this module (convert's errors for it). */
  notes: string[];
  /** Conversion failed: nothing to compile; `notes` say why. */
  unconverted?: boolean;
  /**
   * The port the module is one of (the plan's `machine mac68k for fd`): compiled with that
   * port's headers and validated in that port's kernel. The tree's machine when absent.
   */
  machine?: string;
}

/** Where converted sources were materialised, so paths can be shown as the user will have them. */
export interface OverlayMap {
  /** The temporary directory that mirrors `root`. */
  dir: string;
  root: string;
}

/** Everything a worker needs: the modules to validate and every module requisites may name. */
export interface ValidationJob {
  targets: ModuleSpec[];
  /** Modules by name for module_load's requisites (targets included). */
  catalog: ModuleSpec[];
  overlay: OverlayMap | null;
  settings: CheckSettings;
}

export interface CheckSettings {
  /** Load/unload cycles of the repeat check. */
  repeat: number;
  /** Run the converted sources through a real C compiler. */
  cc: boolean;
  /** MACHINE (--machine): machine/ headers, CPU family and data model of both compilers. */
  machine?: string;
  /** The simulated kernel's memory in bytes (`--kernel-memory`); the kernel's default when absent. */
  kernelMemory?: number;
}
