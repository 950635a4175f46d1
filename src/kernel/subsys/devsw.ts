/**
 * The device switches, in the two shapes NetBSD had them.
 *
 * Pointer shape (subr_devsw.c, NetBSD 2.0 on): bdevsw[] and cdevsw[] hold pointers to each
 * driver's switch, indexed by major number. The first sys_bdevsws/sys_cdevsws majors are the
 * kernel's static switch; devsw_attach gives a loadable driver the majors the kernel's `majors'
 * file reserves for its name (devsw_conv), or allocates free ones above the static range. The
 * switch arrays are kernel memory (bdevsw0[], cdevsw0[]), so a module that patches a slot by
 * hand, as some LKMs did, changes the same table devsw_attach does.
 *
 * Struct shape (NetBSD 1.x): `struct cdevsw cdevsw[]` is an array of whole switches that the
 * port's conf.c defines, nchrdev long, its free slots holding enodev (cdev_notdef) or, in a
 * kernel with options LKM, lkmenodev (cdev_lkm_dummy): the slots the LKM loader hands out.
 * Loading a driver copies its switch into a slot and unloading copies the old one back. The
 * kernel booted for such a tree runs the tree's own conf.c (kernel.ts), and this class acts on
 * its arrays.
 *
 * Long because: both switch shapes go through one attach, detach and lookup path, kept in one
 * place so the two cannot drift apart.
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
import { cloneCell, copyInto } from '../machine/cells.ts';
import { KERNEL as KERNEL_PROVIDER } from '../ksyms.ts';
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

/** A switch devsw_attach copied into a slot of a struct-shaped table, and what it replaced. */
interface Copied {
  sw: Switch;
  major: number;
  source: StructCell;
  previous: StructCell;
}

export class Devsw {
  readonly bdevsw: ArrayCell;
  readonly cdevsw: ArrayCell;
  /** Whether the tables hold whole switches (NetBSD 1.x) rather than pointers to them. */
  readonly structs: boolean;
  readonly sysBdevsws: number;
  readonly sysCdevsws: number;
  /** devsw_conv: name → majors; entries persist after detach, so a reload gets the same numbers. */
  readonly conv: DevswConv[];
  /** Static slots an old-style LKM filled, by `switch:major`: the name modstat shows for them. */
  private readonly staticOwners = new Map<string, string>();
  /** Struct shape: what devsw_attach copied in, for devsw_detach and *_lookup_major. */
  private readonly copied: Copied[] = [];
  /** Struct shape: the switch each static slot held before an LKM's was copied over it. */
  private readonly saved = new Map<string, StructCell>();

  constructor(
    private readonly k: Kernel,
    bdevsw: ArrayCell,
    cdevsw: ArrayCell,
  ) {
    this.bdevsw = bdevsw;
    this.cdevsw = cdevsw;
    this.structs = cdevsw.at(0) instanceof StructCell;
    if (this.structs) {
      // A 1.x kernel has no majors file: its conf.c is the whole story.
      this.sysBdevsws = bdevsw.length;
      this.sysCdevsws = cdevsw.length;
      this.conv = [];
      return;
    }
    const sizes = staticSwitchSizes();
    this.sysBdevsws = sizes.block;
    this.sysCdevsws = sizes.char;
    this.conv = MAJORS.map(({ name, bmajor, cmajor }) => ({ name, bmajor, cmajor }));
    for (const m of MAJORS.filter((x) => x.builtin)) {
      if (m.bmajor >= 0) this.put(this.bdevsw, m.bmajor, k.builtinDevsw('bdevsw', m.name));
      this.put(this.cdevsw, m.cmajor, k.builtinDevsw('cdevsw', m.name));
    }
  }

  get max(): number {
    return this.structs ? this.cdevsw.length : constant('MAXDEVSW');
  }

  private table(sw: Switch): ArrayCell {
    return sw === 'block' ? this.bdevsw : this.cdevsw;
  }

  /** The switch at a major, or null (struct shape: null for a free slot). */
  at(sw: Switch, major: number): StructCell | null {
    const c = this.table(sw).at(major);
    if (c instanceof StructCell) return this.vacant(c) ? null : c;
    if (!(c instanceof ScalarCell)) return null;
    const s = deref(c.value);
    return s instanceof StructCell ? s : null;
  }

  /**
   * Struct shape: a slot nothing is configured in, as cdev_notdef()/cdev_lkm_dummy() leave it, or
   * a driver's configured out (count 0: dev_init() made it enxio): every function member enodev,
   * enxio, lkmenodev, nullop, seltrue or NULL.
   */
  private vacant(slot: StructCell): boolean {
    const empty = new Set(['enodev', 'enxio', 'lkmenodev', 'nullop', 'seltrue']);
    for (const c of slot.fields.values()) {
      if (!(c instanceof ScalarCell) || c.type.kind !== 'ptr') continue;
      const v = c.value;
      if (v.k === 'fn' ? !(v.fn.provider === KERNEL_PROVIDER && empty.has(v.fn.name)) : !(v.k === 'ptr' && v.target === null)) return false;
    }
    return true;
  }

  /** Struct shape: a slot the kernel left for loadable drivers (d_open is lkmenodev). */
  private forLkm(slot: Cell | undefined): boolean {
    if (!(slot instanceof StructCell)) return false;
    const open = slot.fields.get('d_open');
    const v = open instanceof ScalarCell ? open.value : null;
    return v?.k === 'fn' && v.fn.provider === KERNEL_PROVIDER && v.fn.name === 'lkmenodev';
  }

  /** Occupied majors of a switch, in order. */
  occupied(sw: Switch): { major: number; devsw: StructCell }[] {
    const out: { major: number; devsw: StructCell }[] = [];
    const table = this.table(sw);
    for (let i = 0; i < table.length; i++) {
      const s = this.at(sw, i);
      if (s) out.push({ major: i, devsw: s });
    }
    return out;
  }

  /** The major a driver's switch is attached at (bdevsw_lookup_major), or -1. */
  majorOf(sw: Switch, devsw: StructCell | null): number {
    if (!devsw) return -1;
    if (this.structs) return this.copied.find((c) => c.sw === sw && c.source === devsw)?.major ?? -1;
    return this.occupied(sw).find((e) => e.devsw === devsw)?.major ?? -1;
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
      if (bdev) this.install('block', bmajor, bdev);
      this.install('char', cmajor, cdev);
      return 0;
    }

    // bdevsw_attach, then cdevsw_attach; a failed char attach takes the block entry back out.
    if (bdev) {
      if (bmajor < 0) this.writeBack(bcell, (bmajor = this.allocate('block')));
      if (bmajor < 0 || bmajor >= this.limit('block')) return errno('ENOMEM');
      if (this.at('block', bmajor)) return errno('EEXIST');
      this.install('block', bmajor, bdev);
    }
    if (cmajor < 0) this.writeBack(ccell, (cmajor = this.allocate('char')));
    const cerr = cmajor < 0 || cmajor >= this.limit('char') ? errno('ENOMEM') : this.at('char', cmajor) ? errno('EEXIST') : 0;
    if (cerr) {
      if (bdev) this.uninstall('block', bmajor, bdev);
      return cerr;
    }
    this.install('char', cmajor, cdev);
    const entry: DevswConv = { name: devname, bmajor: bdev ? bmajor : -1, cmajor };
    this.conv.push(entry);
    this.k.journal.record(() => this.conv.splice(this.conv.indexOf(entry), 1));
    return 0;
  }

  /** devsw_detach: clear every slot that holds (points at, or was copied from) either switch. */
  detach(bdev: StructCell | null, cdev: StructCell | null): void {
    for (const [sw, devsw] of [
      ['block', bdev],
      ['char', cdev],
    ] as const) {
      if (!devsw) continue;
      if (this.structs) {
        for (const c of this.copied.filter((x) => x.sw === sw && x.source === devsw)) this.uninstall(sw, c.major, devsw);
        continue;
      }
      const table = this.table(sw);
      table.items.forEach((c, i) => {
        if (c instanceof ScalarCell && deref(c.value) === devsw) this.put(table, i, null);
      });
    }
  }

  /**
   * The historic static switch (MOD_DEV with LM_DT_BLOCK/LM_DT_CHAR, kern_lkm.c 1.45): the
   * driver's whole switch entry is copied into a slot of the static table. Slot -1 takes the
   * first free static major (struct shape: the first whose d_open is lkmenodev, as _lkm_dev
   * searched; ENFILE if none); an explicit slot must lie in the static table (EINVAL). Returns
   * the major and the entry it replaced: a pointer, or (struct shape) a copy of the old switch.
   */
  installStatic(sw: Switch, slot: number, devsw: StructCell, owner: string): { major: number; previous: Value | StructCell } | number {
    const table = this.table(sw);
    const size = sw === 'block' ? this.sysBdevsws : this.sysCdevsws;
    let major = slot;
    if (major === -1) {
      for (let i = 0; i < size; i++) {
        if (this.structs ? this.forLkm(table.at(i)) : !this.at(sw, i) && !this.reserved(sw, i)) {
          major = i;
          break;
        }
      }
      if (major < 0) return errno('ENFILE');
    } else if (major < 0 || major >= size) {
      return errno('EINVAL');
    }
    let previous: Value | StructCell;
    if (this.structs) {
      const cell = table.at(major) as StructCell;
      previous = cloneCell(cell) as StructCell;
      this.saved.set(`${sw}:${major}`, previous);
      copyInto(cell, devsw);
    } else {
      const cell = table.items[major] as ScalarCell;
      previous = cell.value;
      this.put(table, major, copyStruct(devsw));
    }
    this.setOwner(`${sw}:${major}`, owner);
    return { major, previous };
  }

  /** Put back what installStatic replaced (a pointer, or the old switch's members). */
  restoreStatic(sw: Switch, major: number, previous: Value | StructCell): void {
    const cell = this.table(sw).at(major);
    if (cell instanceof StructCell) {
      // A descriptor whose lkm_olddev holds a pointer (NetBSD 1.5's) cannot carry a whole switch.
      const old = previous instanceof StructCell ? previous : this.saved.get(`${sw}:${major}`);
      if (old) copyInto(cell, old);
    } else if (cell instanceof ScalarCell && !(previous instanceof StructCell)) {
      const old = cell.value;
      cell.value = previous;
      this.k.journal.record(() => (cell.value = old));
    }
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

  /** Majors devsw_attach may hand out: MAXDEVSW, or the length of a struct-shaped table. */
  private limit(sw: Switch): number {
    return this.structs ? this.table(sw).length : this.max;
  }

  /**
   * A free major no name reserves; -1 when none is left. Pointer shape: above the static switch.
   * Struct shape: a slot left for loadable drivers first, then any free one.
   */
  private allocate(sw: Switch): number {
    if (this.structs) {
      const table = this.table(sw);
      const free = (i: number) => !this.at(sw, i) && !this.reserved(sw, i);
      for (let i = 0; i < table.length; i++) if (this.forLkm(table.at(i)) && free(i)) return i;
      for (let i = 0; i < table.length; i++) if (free(i)) return i;
      return -1;
    }
    const start = sw === 'block' ? this.sysBdevsws : this.sysCdevsws;
    for (let i = start; i < this.max; i++) if (!this.at(sw, i) && !this.reserved(sw, i)) return i;
    return -1;
  }

  /** Enter a driver's switch at a major: its address, or (struct shape) a copy of it. */
  private install(sw: Switch, major: number, devsw: StructCell): void {
    const table = this.table(sw);
    if (!this.structs) return this.put(table, major, devsw);
    const slot = table.at(major) as StructCell;
    const entry: Copied = { sw, major, source: devsw, previous: cloneCell(slot) as StructCell };
    copyInto(slot, devsw);
    this.copied.push(entry);
    this.k.journal.record(() => {
      copyInto(slot, entry.previous);
      this.copied.splice(this.copied.indexOf(entry), 1);
    });
  }

  private uninstall(sw: Switch, major: number, devsw: StructCell): void {
    const table = this.table(sw);
    if (!this.structs) return this.put(table, major, null);
    const entry = this.copied.find((c) => c.sw === sw && c.major === major && c.source === devsw);
    if (!entry) return;
    const slot = table.at(major) as StructCell;
    const now = cloneCell(slot);
    copyInto(slot, entry.previous);
    const at = this.copied.indexOf(entry);
    this.copied.splice(at, 1);
    this.k.journal.record(() => {
      copyInto(slot, now);
      this.copied.splice(at, 0, entry);
    });
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
