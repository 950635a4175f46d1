/**
 * The device switches (subr_devsw.c): bdevsw[] and cdevsw[] hold pointers to each driver's
 * switch, indexed by major number. The first sys_bdevsws/sys_cdevsws majors are the kernel's
 * static switch; devsw_attach gives a loadable driver the majors the kernel's `majors' file
 * reserves for its name (devsw_conv), or allocates free ones above the static range.
 *
 * The switch arrays are kernel memory (bdevsw0[], cdevsw0[]), so a module that patches a slot
 * by hand, as some LKMs did, changes the same table devsw_attach does.
 */
import {
  ArrayCell,
  type Cell,
  type Value,
  allocate,
  deref,
  int,
  load,
  NULL_PTR,
  pointerTo,
  ScalarCell,
  StructCell,
} from '../machine/memory.ts';
import { constant, structType } from '../abi.ts';
import { errno } from '../errno.ts';
import type { Kernel } from '../kernel.ts';

export interface DevswConv {
  name: string;
  bmajor: number;
  cmajor: number;
}

/**
 * The kernel's majors file (a model of sys/arch/amd64/conf/majors.amd64): names with fixed
 * numbers. `builtin` ones are configured into the kernel and attached at boot; the others are
 * reserved for drivers that come as modules.
 */
const MAJORS: (DevswConv & { builtin: boolean })[] = [
  { name: 'cons', bmajor: -1, cmajor: 0, builtin: true },
  { name: 'ctty', bmajor: -1, cmajor: 1, builtin: true },
  { name: 'mem', bmajor: -1, cmajor: 2, builtin: true },
  { name: 'wd', bmajor: 0, cmajor: 3, builtin: true },
  { name: 'swap', bmajor: 1, cmajor: 4, builtin: true },
  { name: 'pts', bmajor: -1, cmajor: 5, builtin: true },
  { name: 'ptc', bmajor: -1, cmajor: 6, builtin: true },
  { name: 'log', bmajor: -1, cmajor: 7, builtin: true },
  { name: 'com', bmajor: -1, cmajor: 8, builtin: true },
  { name: 'fd', bmajor: 2, cmajor: 9, builtin: true },
  { name: 'sd', bmajor: 4, cmajor: 13, builtin: true },
  { name: 'cd', bmajor: 6, cmajor: 15, builtin: true },
  { name: 'vnd', bmajor: 14, cmajor: 41, builtin: false },
  { name: 'ccd', bmajor: 16, cmajor: 18, builtin: false },
  { name: 'md', bmajor: 17, cmajor: 24, builtin: false },
  { name: 'raid', bmajor: 18, cmajor: 62, builtin: false },
  { name: 'cgd', bmajor: 21, cmajor: 164, builtin: false },
  { name: 'coda', bmajor: -1, cmajor: 46, builtin: false },
  { name: 'putter', bmajor: -1, cmajor: 159, builtin: false },
];

export type Switch = 'block' | 'char';

export class Devsw {
  readonly bdevsw: ArrayCell;
  readonly cdevsw: ArrayCell;
  readonly sysBdevsws: number;
  readonly sysCdevsws: number;
  /** devsw_conv: name → majors; entries persist after detach, so a reload gets the same numbers. */
  readonly conv: DevswConv[] = MAJORS.map(({ name, bmajor, cmajor }) => ({ name, bmajor, cmajor }));
  /** Static slots an old-style LKM filled, by `switch:major`: the name modstat shows for them. */
  private readonly staticOwners = new Map<string, string>();

  constructor(
    private readonly k: Kernel,
    bdevsw: ArrayCell,
    cdevsw: ArrayCell,
  ) {
    this.bdevsw = bdevsw;
    this.cdevsw = cdevsw;
    const sizes = staticSwitchSizes();
    this.sysBdevsws = sizes.block;
    this.sysCdevsws = sizes.char;
    for (const m of MAJORS.filter((x) => x.builtin)) {
      if (m.bmajor >= 0) this.put(this.bdevsw, m.bmajor, k.builtinDevsw('bdevsw', m.name));
      this.put(this.cdevsw, m.cmajor, k.builtinDevsw('cdevsw', m.name));
    }
  }

  get max(): number {
    return constant('MAXDEVSW');
  }

  /** The switch at a major, or null. */
  at(sw: Switch, major: number): StructCell | null {
    const table = sw === 'block' ? this.bdevsw : this.cdevsw;
    const c = table.items[major];
    if (!(c instanceof ScalarCell)) return null;
    const s = deref(c.value);
    return s instanceof StructCell ? s : null;
  }

  /** Occupied majors of a switch, in order. */
  occupied(sw: Switch): { major: number; devsw: StructCell }[] {
    const out: { major: number; devsw: StructCell }[] = [];
    const table = sw === 'block' ? this.bdevsw : this.cdevsw;
    for (let i = 0; i < table.items.length; i++) {
      const s = this.at(sw, i);
      if (s) out.push({ major: i, devsw: s });
    }
    return out;
  }

  /** The devsw_conv name of a major, or the LKM that copied its switch into the static table. */
  nameOf(sw: Switch, major: number): string | undefined {
    return this.conv.find((c) => (sw === 'block' ? c.bmajor : c.cmajor) === major)?.name ?? this.staticOwners.get(`${sw}:${major}`);
  }

  /**
   * devsw_attach(devname, bdev, &bmajor, cdev, &cmajor). `bmajor` and `cmajor` are the caller's
   * int cells; the majors chosen are written back to them.
   */
  attach(devname: string | null, bdev: StructCell | null, bmajorCell: Cell | null, cdev: StructCell | null, cmajorCell: Cell | null): number {
    if (devname === null || cdev === null) return errno('EINVAL');
    const bcell = bmajorCell instanceof ScalarCell ? bmajorCell : null;
    const ccell = cmajorCell instanceof ScalarCell ? cmajorCell : null;
    if (!ccell || (bdev && !bcell)) return errno('EINVAL');
    let bmajor = bcell ? num(bcell.value) : -1;
    let cmajor = num(ccell.value);

    const conv = this.conv.find((c) => c.name === devname);
    if (conv) {
      // NetBSD writes the reserved numbers through the caller's pointers before checking them.
      if (bmajor < 0 && bcell) this.writeBack(bcell, (bmajor = conv.bmajor));
      if (cmajor < 0) this.writeBack(ccell, (cmajor = conv.cmajor));
      if (bmajor !== conv.bmajor || cmajor !== conv.cmajor) return errno('EINVAL');
      if ((bmajor >= 0 && !bdev) || cmajor < 0) return errno('EINVAL');
      if ((bmajor >= 0 && this.at('block', bmajor)) || this.at('char', cmajor)) return errno('EEXIST');
      if (bdev) this.put(this.bdevsw, bmajor, bdev);
      this.put(this.cdevsw, cmajor, cdev);
      return 0;
    }

    // bdevsw_attach, then cdevsw_attach; a failed char attach takes the block entry back out.
    if (bdev) {
      if (bmajor < 0) this.writeBack(bcell, (bmajor = this.allocate('block')));
      if (bmajor < 0 || bmajor >= this.max) return errno('ENOMEM');
      if (this.at('block', bmajor)) return errno('EEXIST');
      this.put(this.bdevsw, bmajor, bdev);
    }
    if (cmajor < 0) this.writeBack(ccell, (cmajor = this.allocate('char')));
    const cerr = cmajor < 0 || cmajor >= this.max ? errno('ENOMEM') : this.at('char', cmajor) ? errno('EEXIST') : 0;
    if (cerr) {
      if (bdev) this.put(this.bdevsw, bmajor, null);
      return cerr;
    }
    this.put(this.cdevsw, cmajor, cdev);
    const entry: DevswConv = { name: devname, bmajor: bdev ? bmajor : -1, cmajor };
    this.conv.push(entry);
    this.k.journal.record(() => this.conv.splice(this.conv.indexOf(entry), 1));
    return 0;
  }

  /** devsw_detach: clear every slot that points at either switch. */
  detach(bdev: StructCell | null, cdev: StructCell | null): void {
    for (const [table, sw] of [
      [this.bdevsw, bdev],
      [this.cdevsw, cdev],
    ] as const) {
      if (!sw) continue;
      table.items.forEach((c, i) => {
        if (c instanceof ScalarCell && deref(c.value) === sw) this.put(table, i, null);
      });
    }
  }

  /**
   * The historic static switch (MOD_DEV with LM_DT_BLOCK/LM_DT_CHAR, kern_lkm.c 1.45): the
   * driver's whole switch entry is copied into a slot of the static table. Slot -1 takes the
   * first free static major no name reserves (ENFILE if none); an explicit slot must lie in
   * the static table (EINVAL). Returns the major and the entry it replaced.
   */
  installStatic(sw: Switch, slot: number, devsw: StructCell, owner: string): { major: number; previous: Value } | number {
    const table = sw === 'block' ? this.bdevsw : this.cdevsw;
    const size = sw === 'block' ? this.sysBdevsws : this.sysCdevsws;
    let major = slot;
    if (major === -1) {
      major = -1;
      for (let i = 0; i < size; i++) {
        if (!this.at(sw, i) && !this.reserved(sw, i)) {
          major = i;
          break;
        }
      }
      if (major < 0) return errno('ENFILE');
    } else if (major < 0 || major >= size) {
      return errno('EINVAL');
    }
    const cell = table.items[major] as ScalarCell;
    const previous = cell.value;
    this.put(table, major, copyStruct(devsw));
    this.setOwner(`${sw}:${major}`, owner);
    return { major, previous };
  }

  /** Put back what installStatic replaced. */
  restoreStatic(sw: Switch, major: number, previous: Value): void {
    const table = sw === 'block' ? this.bdevsw : this.cdevsw;
    const cell = table.items[major] as ScalarCell;
    const old = cell.value;
    cell.value = previous;
    this.k.journal.record(() => (cell.value = old));
    this.setOwner(`${sw}:${major}`, undefined);
  }

  private setOwner(key: string, owner: string | undefined): void {
    const old = this.staticOwners.get(key);
    if (owner === undefined) this.staticOwners.delete(key);
    else this.staticOwners.set(key, owner);
    this.k.journal.record(() => (old === undefined ? this.staticOwners.delete(key) : this.staticOwners.set(key, old)));
  }

  private reserved(sw: Switch, major: number): boolean {
    return this.conv.some((c) => (sw === 'block' ? c.bmajor : c.cmajor) === major);
  }

  /** A free major above the static switch that no name reserves; -1 when none is left. */
  private allocate(sw: Switch): number {
    const start = sw === 'block' ? this.sysBdevsws : this.sysCdevsws;
    for (let i = start; i < this.max; i++) if (!this.at(sw, i) && !this.reserved(sw, i)) return i;
    return -1;
  }

  private put(table: ArrayCell, major: number, devsw: StructCell | null): void {
    const cell = table.items[major] as ScalarCell;
    const old = cell.value;
    cell.value = devsw ? pointerTo(devsw) : NULL_PTR;
    this.k.journal.record(() => (cell.value = old));
  }

  private writeBack(cell: ScalarCell | null, major: number): void {
    if (!cell) return;
    const old = cell.value;
    cell.value = int(major);
    this.k.journal.record(() => (cell.value = old));
  }
}

function num(v: Value): number {
  return v.k === 'int' ? v.n : -1;
}

/** A copy of a struct's members into new kernel memory (the static switch owns its entries). */
function copyStruct(src: StructCell): StructCell {
  const dst = allocate(src.type) as StructCell;
  for (const [name, c] of src.fields) {
    const d = dst.fields.get(name);
    if (d instanceof ScalarCell && c instanceof ScalarCell) d.value = load(c);
  }
  return dst;
}

/** sys_bdevsws/sys_cdevsws: the static switch covers every major the majors file names. */
export function staticSwitchSizes(): { block: number; char: number } {
  return { block: Math.max(...MAJORS.map((m) => m.bmajor)) + 1, char: Math.max(...MAJORS.map((m) => m.cmajor)) + 1 };
}

/** `bdevsw0`/`cdevsw0`: MAXDEVSW pointer slots. */
export function switchArray(tag: 'bdevsw' | 'cdevsw'): ArrayCell {
  const ptr = { kind: 'ptr' as const, to: structType(tag) };
  const n = constant('MAXDEVSW');
  return new ArrayCell({ kind: 'array', of: ptr, length: n }, Array.from({ length: n }, () => allocate(ptr)));
}
