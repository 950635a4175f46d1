/**
 * A NetBSD 1.x kernel's device switches are C data its port's conf.c defines:
 * `struct cdevsw cdevsw[] = { cdev_cn_init(1,cn), ..., cdev_lkm_dummy(), ... }` and
 * `int nchrdev = sizeof(cdevsw) / sizeof(cdevsw[0])`. Code of that era indexes them
 * (`cdevsw[major(dev)].d_open`) and compares entries with enodev or lkmenodev, so the simulated
 * kernel booted for such a tree compiles that conf.c, with the tree's headers and the options
 * of a kernel that loads LKMs (options LKM), and makes its tables the kernel's.
 *
 * The entries name the tree's drivers (wdopen, cdclose …): those the tree defines link to
 * unmodelled stand-ins, like any other tree function; a name the tree does not define outside
 * the modules is a driver this kernel is configured without (or one that comes as a module),
 * and links to enxio, as config(8)'s count of 0 makes dev_init() do.
 *
 * NetBSD 2.0 replaced conf.c with subr_devsw.c and the majors files (`const struct cdevsw
 * **cdevsw`): a tree without arch/<machine>/<machine>/conf.c keeps the kernel's own model of
 * that shape.
 */
import fs from 'node:fs';
import path from 'node:path';
import { compileModule } from './cc/compile.ts';
import { ArrayCell, type Cell, int, ScalarCell } from './machine/memory.ts';
import type { ModuleObject, SymbolValue } from './object.ts';

/** Where a port keeps its device switch configuration, if the tree has one. */
export function devswConfFile(kernelTree: string, machine: string): string | null {
  const f = path.join(kernelTree, 'arch', machine, machine, 'conf.c');
  return fs.existsSync(f) ? f : null;
}

/**
 * Compile a port's conf.c as the kernel's own code: neither _LKM nor _MODULE (it is not a
 * module), options LKM on (the kernel an LKM loads into has it, and conf.h gives such a kernel
 * its lkmenodev slots).
 */
export function compileDevswConf(file: string, kernelTree: string, machine: string): ModuleObject {
  return compileModule([file], {
    arch: machine,
    kernelTree,
    mode: 'module',
    undefines: ['_MODULE'],
    defines: { LKM: '1' },
    origin: path.relative(path.dirname(kernelTree), file),
  });
}

/** The device switch tables of a linked conf.c, and every global it defines. */
export interface DevswConf {
  bdevsw: ArrayCell;
  cdevsw: ArrayCell;
  /** conf.c's own globals (cdevsw, nchrdev, chrtoblk, iskmemdev …), for ksyms. */
  globals: Map<string, SymbolValue>;
}

/**
 * Instantiate and link conf.c: `resolve` finds what the kernel (or the tree) has; anything else
 * is a function of a driver this kernel lacks (`configuredOut`). Null when conf.c defines no
 * struct-shaped bdevsw[] and cdevsw[].
 */
export function linkDevswConf(
  object: ModuleObject,
  resolve: (name: string) => SymbolValue | undefined,
  configuredOut: (name: string) => SymbolValue,
): DevswConf | null {
  const image = object.instantiate();
  image.relocateLocal();
  const missing = image.relocateExternal((name) => resolve(name) ?? configuredOut(name));
  if (missing.length) return null;
  const table = (name: string): ArrayCell | null => {
    const v = image.lookup(name);
    const c: Cell | undefined = v && 'cell' in v ? v.cell : undefined;
    return c instanceof ArrayCell && c.length > 0 && !(c.at(0) instanceof ScalarCell) ? c : null;
  };
  const bdevsw = table('bdevsw');
  const cdevsw = table('cdevsw');
  if (!bdevsw || !cdevsw) return null;
  const globals = new Map<string, SymbolValue>();
  const sources = new Set(object.sources);
  for (const [name, v] of image.globals()) {
    // Header definitions (`int cpl;` in 1.4's <machine/intr.h>) are common symbols, not conf.c's.
    const site = object.defined.get(name)?.site.file;
    if (site && sources.has(path.resolve(site))) globals.set(name, v);
  }
  // sizeof(cdevsw) / sizeof(cdevsw[0]) as the compiler worked it out; the table's length is the truth.
  for (const [name, t] of [
    ['nblkdev', bdevsw],
    ['nchrdev', cdevsw],
  ] as const) {
    const v = globals.get(name);
    if (v && 'cell' in v && v.cell instanceof ScalarCell) v.cell.value = int(t.length);
  }
  return { bdevsw, cdevsw, globals };
}
