/**
 * The root file system the simulated kernel boots with: a directory `/` holding `/dev`, in
 * memory, and the vnodes path-name lookup hands out for it. Modules reach it through namei(9)
 * and the VOP_* calls on the vnodes it returns — an old driver LKM makes its own /dev nodes on
 * load (VOP_MKNOD) and removes them on unload (VOP_REMOVE) — so the nodes are kernel state: one
 * a module made and left is reported like any other leftover (state.ts, section `files`).
 *
 * A vnode is a `struct vnode` in the layout of the code that asked for it (the module's
 * nameidata says which), one per node and layout, whose v_op is a vector built as
 * vfs_opv_init builds one: a slot per vnodeop_desc at its vdesc_offset, the operations this
 * file system implements (rootfs-vnops.ts) in theirs, vn_default_error (EOPNOTSUPP) in every
 * other. References
 * are the vnodes' v_usecount, which a 1.x module's inline vref() bumps itself; locks are the
 * node's, one exclusive holder (the only process), as lockmgr keeps them.
 *
 * Not modelled: symbolic links (nothing here can make one, so FOLLOW has nothing to follow),
 * mount points, the name cache, and the pathname buffer as an allocation of its own.
 */
import {
  ArrayCell,
  type Cell,
  type CType,
  allocate,
  asNumber,
  cString,
  deref,
  int,
  NULL_PTR,
  pointerTo,
  readCString,
  readField,
  ScalarCell,
  StructCell,
  type Value,
} from '../machine/memory.ts';
import { constant } from '../abi.ts';
import { errno } from '../errno.ts';
import { Panic } from '../panic.ts';
import type { Kernel } from '../kernel.ts';
import { operationsVector } from './rootfs-vnops.ts';

export interface FsNode {
  /** enum vtype: VDIR, VCHR … */
  type: number;
  mode: number;
  rdev: number;
  /** Entries of a directory, by name. */
  children: Map<string, FsNode> | null;
  parent: FsNode | null;
  /** Who made it: a module's name, null for the kernel's own (boot). */
  owner: string | null;
  locked: boolean;
  /** Its vnodes, by layout of struct vnode. */
  vnodes: Map<string, StructCell>;
}

/** The namei operations and flags, as the sys/namei.h of the code calling namei defines them. */
export type NameiFlags = Record<(typeof NAMEI_FLAGS)[number], number>;
export const NAMEI_FLAGS = ['LOOKUP', 'CREATE', 'DELETE', 'RENAME', 'OPMASK', 'LOCKLEAF', 'LOCKPARENT', 'WANTPARENT', 'FOLLOW', 'HASBUF', 'SAVENAME', 'SAVESTART', 'ISLASTCN'] as const;

export function bundledNameiFlags(): NameiFlags {
  return Object.fromEntries(NAMEI_FLAGS.map((n) => [n, constant(n)])) as NameiFlags;
}

/**
 * The values a sys/namei.h defines; a name it lacks keeps the bundled headers' value (a NetBSD
 * whose namei.h has no WANTPARENT has no caller passing it either).
 */
export function nameiFlagsFromHeader(text: string): NameiFlags {
  const defines = new Map<string, string>();
  for (const m of text.matchAll(/^\s*#\s*define\s+(\w+)\s+\(?\s*(0[xX][0-9a-fA-F]+|\d+|[A-Za-z_]\w*)\s*\)?\s*(?:\/\*.*)?$/gm)) {
    if (!defines.has(m[1]!)) defines.set(m[1]!, m[2]!);
  }
  // A name defined as another (`#define LOOKUP NAMEI_LOOKUP`) takes that one's value.
  const value = (name: string, depth = 0): number | undefined => {
    const v = defines.get(name);
    if (v === undefined || depth > 4) return undefined;
    return /^\d|^0[xX]/.test(v) ? Number(v) : value(v, depth + 1);
  };
  const flags = bundledNameiFlags();
  for (const name of NAMEI_FLAGS) {
    const n = value(name);
    if (n !== undefined) flags[name] = n;
  }
  return flags;
}

export class RootFs {
  readonly root: FsNode;
  /** Nodes taken out of the tree while a vnode of theirs was still referenced. */
  private readonly unlinked = new Set<FsNode>();
  private readonly byCell = new WeakMap<Cell, FsNode>();
  private vector: ArrayCell | null = null;
  flags: NameiFlags;

  constructor(
    private readonly k: Kernel,
    flags?: NameiFlags,
  ) {
    this.flags = flags ?? bundledNameiFlags();
    this.root = this.newNode(constant('VDIR'), 0o755, 0, null, null);
    this.root.children!.set('dev', this.newNode(constant('VDIR'), 0o755, 0, this.root, null));
  }

  // ---- the tree ------------------------------------------------------------------------------

  /** Every node, path first, depth first; then unlinked nodes still referenced. */
  walk(): { path: string; node: FsNode; unlinked: boolean }[] {
    const out: { path: string; node: FsNode; unlinked: boolean }[] = [];
    const visit = (n: FsNode, path: string): void => {
      out.push({ path, node: n, unlinked: false });
      for (const [name, c] of [...(n.children ?? [])].sort(([a], [b]) => (a < b ? -1 : 1))) visit(c, path === '/' ? `/${name}` : `${path}/${name}`);
    };
    visit(this.root, '/');
    for (const n of this.unlinked) if (this.refs(n) > 0) out.push({ path: '(unlinked)', node: n, unlinked: true });
    return out;
  }

  /** `character special 44/0, mode 0600, created by ipl`, with references and lock when held. */
  describe(n: FsNode): string {
    const types: Record<number, string> = {
      [constant('VDIR')]: 'directory',
      [constant('VREG')]: 'regular file',
      [constant('VCHR')]: 'character special',
      [constant('VBLK')]: 'block special',
    };
    let s = types[n.type] ?? `vtype ${n.type}`;
    if (n.type === constant('VCHR') || n.type === constant('VBLK')) s += ` ${(n.rdev >>> 8) & 0xff}/${n.rdev & 0xff}${n.rdev >>> 16 ? ` (rdev ${n.rdev})` : ''}`;
    s += `, mode 0${(n.mode & 0o7777).toString(8)}`;
    const refs = this.refs(n);
    if (refs) s += `, ${refs} vnode reference(s) held`;
    if (n.locked) s += ', vnode locked';
    if (n.owner) s += `, created by ${n.owner}`;
    return s;
  }

  nodeOf(vp: Value): FsNode | null {
    const c = deref(vp);
    return c ? (this.byCell.get(c) ?? null) : null;
  }

  newNode(type: number, mode: number, rdev: number, parent: FsNode | null, owner: string | null): FsNode {
    return { type, mode, rdev, children: type === constant('VDIR') ? new Map() : null, parent, owner, locked: false, vnodes: new Map() };
  }

  // ---- namei ---------------------------------------------------------------------------------

  /**
   * namei(ndp) of vfs_lookup.c for this file system: the path from ni_dirp (relative paths from
   * the root, proc0's directory), the result in ni_vp (referenced, locked with LOCKLEAF) and,
   * with LOCKPARENT or WANTPARENT, the directory in ni_dvp (referenced, locked with
   * LOCKPARENT). CREATE or RENAME of a missing last component returns ni_vp NULL; an existing
   * one is the caller's to refuse (EEXIST), as in NetBSD.
   */
  namei(ndp: StructCell): number {
    const F = this.flags;
    const cnd = ndp.fields.get('ni_cnd');
    if (!(cnd instanceof StructCell)) throw new Panic('namei: struct nameidata has no ni_cnd');
    const vnodeT = pointee(ndp, 'ni_vp');
    const path = readCString(readField(ndp, 'ni_dirp'));
    if (path === null) return errno('EFAULT');
    if (path.length >= constant('MAXPATHLEN')) return errno('ENAMETOOLONG');
    if (path === '') return errno('ENOENT');
    const op = asNumber(readField(cnd, 'cn_nameiop')) & F.OPMASK;
    let flags = asNumber(readField(cnd, 'cn_flags'));
    const lockleaf = (flags & F.LOCKLEAF) !== 0;
    const lockparent = (flags & F.LOCKPARENT) !== 0;
    const wantparent = (flags & (F.LOCKPARENT | F.WANTPARENT)) !== 0;

    const parts = path.split('/').filter((p) => p !== '' && p !== '.');
    const buf = cString(path);
    setField(cnd, 'cn_pnbuf', pointerTo(buf, 0));
    setField(ndp, 'ni_vp', NULL_PTR);
    setField(ndp, 'ni_dvp', NULL_PTR);

    let dir = this.root;
    // Resolve `..` as it is walked (the root's parent is the root).
    const names: string[] = [];
    for (const p of parts) {
      if (p === '..') names.length && names.pop();
      else names.push(p);
    }
    if (names.length === 0) {
      // The path names the root itself.
      if (op !== F.LOOKUP) return errno('EISDIR');
      setField(cnd, 'cn_nameptr', pointerTo(buf, path.length));
      setField(cnd, 'cn_namelen', int(0));
      setField(cnd, 'cn_flags', int(flags | F.ISLASTCN));
      if (wantparent) {
        this.ref(this.root, vnodeT);
        if (lockparent) this.lock(this.root);
        setField(ndp, 'ni_dvp', this.vnode(this.root, vnodeT));
      }
      this.ref(this.root, vnodeT);
      if (lockleaf && !lockparent) this.lock(this.root);
      setField(ndp, 'ni_vp', this.vnode(this.root, vnodeT));
      return 0;
    }
    for (const name of names.slice(0, -1)) {
      if (name.length > constant('NAME_MAX')) return errno('ENAMETOOLONG');
      const next = dir.children?.get(name);
      if (!dir.children) return errno('ENOTDIR');
      if (!next) return errno('ENOENT');
      dir = next;
    }
    if (!dir.children) return errno('ENOTDIR');
    const last = names.at(-1)!;
    if (last.length > constant('NAME_MAX')) return errno('ENAMETOOLONG');
    setField(cnd, 'cn_nameptr', pointerTo(buf, path.lastIndexOf(last)));
    setField(cnd, 'cn_namelen', int(last.length));
    flags |= F.ISLASTCN;
    const leaf = dir.children.get(last);
    if (!leaf && op !== F.CREATE && op !== F.RENAME) return errno('ENOENT');
    // The file system keeps the name for the operation that follows (ufs_lookup's SAVENAME).
    if (!leaf || op === F.RENAME) flags |= F.SAVENAME;
    if (flags & (F.SAVENAME | F.SAVESTART)) flags |= F.HASBUF;
    setField(cnd, 'cn_flags', int(flags));
    if (flags & F.SAVESTART) {
      this.ref(dir, vnodeT);
      setField(ndp, 'ni_startdir', this.vnode(dir, vnodeT));
    }
    // The directory: referenced and returned only when asked for; otherwise the stale pointer
    // namei leaves behind after vrele'ing it.
    if (wantparent) {
      this.ref(dir, vnodeT);
      if (lockparent) this.lock(dir);
    }
    setField(ndp, 'ni_dvp', this.vnode(dir, vnodeT));
    if (leaf) {
      this.ref(leaf, vnodeT);
      if (lockleaf) this.lock(leaf);
      setField(ndp, 'ni_vp', this.vnode(leaf, vnodeT));
    }
    return 0;
  }

  // ---- references and locks ------------------------------------------------------------------

  /** References held on a node: the v_usecount of each of its vnodes. */
  refs(n: FsNode): number {
    let sum = 0;
    for (const c of n.vnodes.values()) if (c.fields.has('v_usecount')) sum += asNumber(readField(c, 'v_usecount'));
    return sum;
  }

  /** vref() */
  vref(vp: Value): void {
    bump(this.k, vnodeCell(vp, 'vref'), 1, 'vref');
  }

  /** vrele(): the last reference gone from a node no longer in the tree, it is gone for good. */
  vrele(vp: Value): void {
    const cell = vnodeCell(vp, 'vrele');
    bump(this.k, cell, -1, 'vrele');
    const n = this.byCell.get(cell);
    if (n && this.unlinked.has(n) && this.refs(n) === 0) this.forget(n);
  }

  /** vput(): VOP_UNLOCK and vrele. */
  vput(vp: Value): void {
    const n = this.nodeOf(vp);
    if (n) this.unlock(n, 'vput');
    this.vrele(vp);
  }

  /** vn_lock(vp, flags): VOP_LOCK, EBUSY for LK_NOWAIT on a held lock. */
  vnLock(vp: Value, flags: number): number {
    const n = this.nodeOf(vp);
    if (!n) {
      vnodeCell(vp, 'vn_lock');
      return 0;
    }
    if (n.locked && flags & constant('LK_NOWAIT')) return errno('EBUSY');
    this.lock(n);
    return 0;
  }

  /** A new entry `name` in directory `dir`. */
  link(dir: FsNode, name: string, n: FsNode): void {
    const children = dir.children!;
    children.set(name, n);
    this.k.journal.record(() => children.delete(name));
  }

  /** The entry goes; the node lives on while a vnode of it is referenced. */
  unlink(dir: FsNode, name: string): void {
    const children = dir.children!;
    const n = children.get(name)!;
    children.delete(name);
    this.unlinked.add(n);
    this.k.journal.record(() => {
      children.set(name, n);
      this.unlinked.delete(n);
    });
  }

  need(vp: Value, fn: string): FsNode {
    const n = this.nodeOf(vp);
    if (!n) throw new Panic(`${fn}: not a vnode of the root file system`);
    return n;
  }

  lock(n: FsNode): void {
    // lockmgr: the only process asking again for an exclusive lock it holds would wait forever.
    if (n.locked) throw new Panic('lockmgr: locking against myself (a vnode of the root file system locked twice)');
    n.locked = true;
    this.k.journal.record(() => (n.locked = false));
  }

  unlock(n: FsNode, who: string): void {
    if (!n.locked) throw new Panic(`${who}: unlocking a vnode of the root file system that is not locked`);
    n.locked = false;
    this.k.journal.record(() => (n.locked = true));
  }

  ref(n: FsNode, vnodeT: CType): void {
    bump(this.k, this.vnodeCell(n, vnodeT), 1, 'vref');
  }

  /** A node out of the tree whose last reference is gone: its vnodes are no more (reclaimed). */
  private forget(n: FsNode): void {
    this.unlinked.delete(n);
    const cells = [...n.vnodes.values()];
    for (const c of cells) this.k.journal.unwatch(c);
    this.k.journal.record(() => {
      this.unlinked.add(n);
      for (const c of cells) this.k.journal.watch(c);
    });
  }

  /** A pointer to the node's vnode in the layout `vnodeT`, made on first use. */
  vnode(n: FsNode, vnodeT: CType): Value {
    return pointerTo(this.vnodeCell(n, vnodeT));
  }

  private vnodeCell(n: FsNode, vnodeT: CType): StructCell {
    if (vnodeT.kind !== 'struct') throw new Panic('namei: ni_vp is not a pointer to struct vnode');
    const key = layoutKey(vnodeT);
    let cell = n.vnodes.get(key);
    if (cell) return cell;
    cell = allocate(vnodeT) as StructCell;
    if (cell.fields.has('v_op')) setField(cell, 'v_op', pointerTo((this.vector ??= operationsVector(this, this.k)), 0));
    if (cell.fields.has('v_type')) setField(cell, 'v_type', int(n.type));
    if (cell.fields.has('v_rdev')) setField(cell, 'v_rdev', int(n.rdev));
    n.vnodes.set(key, cell);
    this.byCell.set(cell, n);
    // Module code writes vnodes directly (1.x's inline vref bumps v_usecount).
    this.k.journal.watch(cell);
    return cell;
  }
}

/** `struct vnode` as the member `member` of `cell` points to it. */
function pointee(cell: StructCell, member: string): CType {
  const f = cell.fields.get(member);
  if (!f || f.type.kind !== 'ptr') throw new Panic(`namei: struct ${(cell.type as { tag: string }).tag} has no pointer member ${member}`);
  return f.type.to;
}

function layoutKey(t: CType & { kind: 'struct' }): string {
  return `${t.tag}{${(t.members ?? []).map((m) => m.name).join(',')}}`;
}

export function componentName(cnp: StructCell): string {
  const s = readCString(readField(cnp, 'cn_nameptr')) ?? '';
  const len = cnp.fields.has('cn_namelen') ? asNumber(readField(cnp, 'cn_namelen')) : s.length;
  return s.slice(0, len);
}

export function setField(cell: StructCell, member: string, v: Value): void {
  const f = cell.fields.get(member);
  if (f instanceof ScalarCell) f.value = v;
}

/** The vnode a pointer argument designates; NULL is the page fault the C function would take. */
function vnodeCell(vp: Value, fn: string): StructCell {
  const c = deref(vp);
  if (!(c instanceof StructCell)) throw new Panic(`${fn}: null pointer dereference reading vp->v_usecount`);
  return c;
}

/** v_usecount += delta; below zero is vrele's panic. */
function bump(k: Kernel, cell: StructCell, delta: number, fn: string): void {
  const f = cell.fields.get('v_usecount');
  if (!(f instanceof ScalarCell)) return;
  const old = f.value;
  const n = asNumber(old) + delta;
  if (n < 0) throw new Panic(`${fn}: ref cnt`);
  f.value = int(n);
  k.journal.record(() => (f.value = old));
}
