/**
 * The file system list: vfs_attach/vfs_detach (vfs_init.c, 2008+), vfs_getopsbyname/vfs_delref,
 * the vnode-operation vectors vfs_opv_init builds, and mount/unmount as far as they touch the
 * list (reference counts, autoload of an unknown type).
 */
import {
  ArrayCell,
  type Callable,
  type CType,
  type Cell,
  allocate,
  asNumber,
  deref,
  elementsFrom,
  field,
  int,
  isNull,
  load,
  NULL_PTR,
  pointerTo,
  readCString,
  readField,
  ScalarCell,
  StructCell,
} from '../machine/memory.ts';
import { constant } from '../abi.ts';
import { errno } from '../errno.ts';
import { asStruct } from '../kfuncs/args.ts';
import { Panic } from '../panic.ts';
import type { Kernel } from '../kernel.ts';

export interface VfsEntry {
  name: string;
  refcount: number;
  ops: StructCell;
}

const VOP_T: CType = { kind: 'ptr', to: { kind: 'func', ret: { kind: 'int', name: 'int', size: 4, unsigned: false }, params: null, variadic: false } };

export class VfsList {
  /** vfs_list, head first (vfs_attach inserts at the head). */
  private readonly list: StructCell[] = [];
  /** Vnode-operation vectors vfs_opv_init allocated, by the vnodeopv_desc that describes them. */
  private readonly vectors = new Map<StructCell, ArrayCell>();

  constructor(private readonly k: Kernel) {}

  entries(): VfsEntry[] {
    return this.list.map((ops) => ({ name: vfsName(ops), refcount: refcount(ops), ops }));
  }

  /** Descriptors whose vnode-op vector is allocated. */
  vectorOwners(): StructCell[] {
    return [...this.vectors.keys()];
  }

  byName(name: string): StructCell | undefined {
    return this.list.find((v) => vfsName(v) === name);
  }

  /** vfs_attach: EEXIST for a name already on the list. */
  attach(vfs: StructCell): number {
    const name = vfsName(vfs);
    if (this.byName(name)) return errno('EEXIST');
    this.opvInit(readField(vfs, 'vfs_opv_descs'));
    const init = fn(vfs, 'vfs_init');
    if (init) init.invoke([]);
    this.list.unshift(vfs);
    setInt(vfs, 'vfs_refcount', 0);
    this.k.journal.record(() => this.list.splice(this.list.indexOf(vfs), 1));
    return 0;
  }

  /** vfs_detach: EBUSY while referenced (mounted), ESRCH if not on the list. */
  detach(vfs: StructCell): number {
    if (refcount(vfs) !== 0) return errno('EBUSY');
    const at = this.list.indexOf(vfs);
    if (at < 0) return errno('ESRCH');
    this.list.splice(at, 1);
    this.k.journal.record(() => this.list.splice(at, 0, vfs));
    const done = fn(vfs, 'vfs_done');
    if (done) done.invoke([]);
    this.opvFree(readField(vfs, 'vfs_opv_descs'));
    return 0;
  }

  /** vfs_getopsbyname (2008+): takes a reference the caller drops with vfs_delref. */
  getopsbyname(name: string): StructCell | null {
    const vfs = this.byName(name);
    if (vfs) this.addRef(vfs, 1);
    return vfs ?? null;
  }

  delref(vfs: StructCell): void {
    if (refcount(vfs) <= 0) throw new Panic(`vfs_delref: ${vfsName(vfs)} has no references`);
    this.addRef(vfs, -1);
  }

  /**
   * mount(2) as far as the vfs list sees it: find the type, autoloading its module if it is
   * unknown (mount_get_vfsops), and hold a reference until unmount. ENODEV if there is none.
   */
  mount(fstype: string): number {
    let vfs = this.getopsbyname(fstype);
    if (!vfs) {
      this.k.lock.enterSync('mount', () => this.k.modules.autoload(fstype, constant('MODULE_CLASS_VFS')));
      vfs = this.getopsbyname(fstype);
    }
    return vfs ? 0 : errno('ENODEV');
  }

  /** unmount(2): drop the mount's reference. */
  unmount(fstype: string): number {
    const vfs = this.byName(fstype);
    if (!vfs || refcount(vfs) === 0) return errno('EINVAL');
    this.delref(vfs);
    return 0;
  }

  // ---- vnode operation vectors ---------------------------------------------------------------

  /** vfs_opv_init: build the vector of every descriptor in a NULL-terminated list. */
  opvInit(descs: ReturnType<typeof load>): void {
    for (const d of descList(descs)) {
      this.opvInitExplicit(d);
      this.opvInitDefault(d);
    }
  }

  /** vfs_opv_free */
  opvFree(descs: ReturnType<typeof load>): void {
    for (const d of descList(descs)) this.freeVector(d);
  }

  /** vfs_opv_init_explicit: allocate the vector and fill in the operations the table names. */
  opvInitExplicit(desc: StructCell): void {
    const vecp = vectorPointer(desc);
    const vector = new ArrayCell(
      { kind: 'array', of: VOP_T, length: this.k.vops.count },
      Array.from({ length: this.k.vops.count }, () => allocate(VOP_T)),
    );
    if (this.vectors.has(desc)) this.freeVector(desc);
    for (const e of elementsFrom(readField(desc, 'opv_desc_ops'))) {
      const op = deref(readField(e, 'opve_op'));
      if (!op) break;
      // An operation of the tree's kernel the model's vnode interface lacks (1.4's vop_blkatoff):
      // its descriptor is a stand-in, not a vnodeop_desc, and the vector has no slot for it.
      if (!(op instanceof StructCell) || !op.fields.has('vdesc_offset')) continue;
      const offset = asNumber(readField(op, 'vdesc_offset'));
      const slot = vector.items[offset];
      if (!(slot instanceof ScalarCell)) {
        throw new Panic(`vfs_opv_init_explicit: ${readCString(readField(op, 'vdesc_name'))} has offset ${offset} out of range`);
      }
      slot.value = load(field(e, 'opve_impl'));
    }
    this.setVector(desc, vecp, vector);
  }

  /** vfs_opv_init_default: operations the table left out take the vop_default_desc entry. */
  opvInitDefault(desc: StructCell): void {
    const vector = this.vectors.get(desc);
    if (!vector) throw new Panic('vfs_opv_init_default: the vector was not initialised (vfs_opv_init_explicit first)');
    const dflt = vector.items[this.k.vops.defaultOffset] as ScalarCell;
    if (isNull(dflt.value)) {
      throw new Panic(`vfs_opv_init_default: operation vector has no default entry (vop_default_desc)`);
    }
    for (const c of vector.items) if (isNull((c as ScalarCell).value)) (c as ScalarCell).value = dflt.value;
  }

  private setVector(desc: StructCell, vecp: ScalarCell, vector: ArrayCell): void {
    const old = vecp.value;
    vecp.value = pointerTo(vector, 0);
    this.vectors.set(desc, vector);
    this.k.journal.record(() => {
      vecp.value = old;
      this.vectors.delete(desc);
    });
  }

  private freeVector(desc: StructCell): void {
    const vector = this.vectors.get(desc);
    if (!vector) return;
    const vecp = vectorPointer(desc);
    const old = vecp.value;
    vecp.value = NULL_PTR;
    this.vectors.delete(desc);
    this.k.journal.record(() => {
      vecp.value = old;
      this.vectors.set(desc, vector);
    });
  }

  private addRef(vfs: StructCell, delta: number): void {
    setInt(vfs, 'vfs_refcount', refcount(vfs) + delta);
    this.k.journal.record(() => setInt(vfs, 'vfs_refcount', refcount(vfs) - delta));
  }
}

export function vfsName(vfs: StructCell): string {
  return readCString(readField(vfs, 'vfs_name')) ?? '';
}

function refcount(vfs: StructCell): number {
  return asNumber(readField(vfs, 'vfs_refcount'));
}

function setInt(cell: StructCell, member: string, n: number): void {
  (field(cell, member) as ScalarCell).value = int(n);
}

/** A function member; null when NULL or when the module's struct (an older layout) lacks it. */
function fn(cell: StructCell, member: string): Callable | null {
  if (!cell.fields.has(member)) return null;
  const v = readField(cell, member);
  return v.k === 'fn' ? v.fn : null;
}

/** The vnodeopv_desc structs of a NULL-terminated `const struct vnodeopv_desc * const *`. */
function descList(descs: ReturnType<typeof load>): StructCell[] {
  const out: StructCell[] = [];
  for (const p of elementsFrom(descs)) {
    const d = asStruct(deref(load(p)), 'vnodeopv_desc');
    if (!d) break;
    out.push(d);
  }
  return out;
}

/** *opv_desc_vector_p: the module's `int (**xxx_vnodeop_p)(void *)` variable. */
function vectorPointer(desc: StructCell): ScalarCell {
  const c: Cell | null = deref(readField(desc, 'opv_desc_vector_p'));
  if (!(c instanceof ScalarCell)) throw new Panic('vfs_opv_init: opv_desc_vector_p is NULL');
  return c;
}
