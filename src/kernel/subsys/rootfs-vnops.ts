/**
 * The vnode operations of the root file system (rootfs.ts): what ufs does for lookup, create,
 * mknod, remove, abortop, lease and the lock operations, on the in-memory nodes, in a vector
 * whose every other slot is vn_default_error. Each reads its struct vop_<op>_args by member
 * name, so a 1.x LKM's inline VOP_MKNOD and a NetBSD 5 module's VOP_MKNOD() land the same way.
 */
import { ArrayCell, type Callable, type CType, type Cell, asNumber, deref, int, NULL_PTR, readField, ScalarCell, StructCell, type Value } from '../machine/memory.ts';
import { constant } from '../abi.ts';
import { errno } from '../errno.ts';
import { Panic } from '../panic.ts';
import { KernelFunction } from '../kfuncs/callable.ts';
import type { Kernel } from '../kernel.ts';
import { componentName, type RootFs, setField } from './rootfs.ts';

/** The operations this file system implements, by vnodeop_desc. */
export const OPERATIONS = ['lookup', 'create', 'mknod', 'remove', 'abortop', 'lease', 'lock', 'unlock', 'islocked', 'inactive', 'reclaim'] as const;

/** The last __NetBSD_Version__ whose VOP_MKNOD released the new vnode (1.5). */
const MKNOD_RETURNS_VNODE_AFTER = 105000000;

const VOP_T: CType = { kind: 'ptr', to: { kind: 'func', ret: { kind: 'int', name: 'int', size: 4, unsigned: false }, params: null, variadic: false } };

/** The operations vector, as vfs_opv_init builds it: every slot filled, the default's in the gaps. */
export function operationsVector(fs: RootFs, k: Kernel): ArrayCell {
  const count = k.vops.count;
  const impls = implementations(fs, k);
  const dflt: Value = { k: 'fn', fn: k.kfunc('vn_default_error') };
  const items = Array.from({ length: count }, () => new ScalarCell(VOP_T, dflt));
  for (const name of OPERATIONS) {
    const desc = k.data.symbols.get(`vop_${name}_desc`);
    // An operation the model's vnode interface lacks has no slot; nothing calls it here.
    if (!(desc instanceof StructCell)) continue;
    items[asNumber(readField(desc, 'vdesc_offset'))]!.value = { k: 'fn', fn: impls[name] };
  }
  return new ArrayCell({ kind: 'array', of: VOP_T, length: count }, items);
}

function implementations(fs: RootFs, k: Kernel): Record<(typeof OPERATIONS)[number], Callable> {
  const op = (name: string, body: (a: StructCell) => number): Callable =>
    new KernelFunction(k, {
      name: `rootfs_${name}`,
      returns: 'value',
      call: (_k, args) => {
        const a = deref(args[0] ?? NULL_PTR);
        if (!(a instanceof StructCell)) throw new Panic(`rootfs_${name}: argument is not a pointer to struct vop_${name}_args`);
        return int(body(a));
      },
    });
  return {
    lookup: op('lookup', (a) => opLookup(fs, k, a)),
    create: op('create', (a) => opMake(fs, k, a, 'create')),
    mknod: op('mknod', (a) => opMake(fs, k, a, 'mknod')),
    remove: op('remove', (a) => opRemove(fs, k, a)),
    // The pathname buffer is not an allocation of its own here, so there is nothing to free.
    abortop: op('abortop', () => 0),
    // No NFS server holds leases on this file system.
    lease: op('lease', () => 0),
    lock: op('lock', (a) => fs.vnLock(readField(a, 'a_vp'), asNumber(readField(a, 'a_flags')))),
    unlock: op('unlock', (a) => (fs.unlock(fs.need(readField(a, 'a_vp'), 'rootfs_unlock'), 'VOP_UNLOCK'), 0)),
    islocked: op('islocked', (a) => (fs.need(readField(a, 'a_vp'), 'rootfs_islocked').locked ? constant('LK_EXCLUSIVE') : 0)),
    // Called with the vnode locked, returns it unlocked (vrele of NetBSD 1.x–4.x).
    inactive: op('inactive', (a) => {
      const n = fs.need(readField(a, 'a_vp'), 'rootfs_inactive');
      if (n.locked) fs.unlock(n, 'VOP_INACTIVE');
      return 0;
    }),
    reclaim: op('reclaim', () => 0),
  };
}

/** VOP_LOOKUP of one component: *vpp referenced and locked; EJUSTRETURN for a name to create. */
function opLookup(fs: RootFs, k: Kernel, a: StructCell): number {
  const dvp = readField(a, 'a_dvp');
  const dir = fs.need(dvp, 'rootfs_lookup');
  const cnp = deref(readField(a, 'a_cnp'));
  if (!(cnp instanceof StructCell)) throw new Panic('rootfs_lookup: a_cnp is NULL');
  if (!dir.children) return errno('ENOTDIR');
  const name = componentName(cnp);
  const vpp = deref(readField(a, 'a_vpp'));
  if (!(vpp instanceof ScalarCell)) throw new Panic('rootfs_lookup: a_vpp is NULL');
  const vnodeT = (vpp.type as { to?: CType }).to ?? (deref(dvp) as Cell).type;
  const found = name === '.' ? dir : name === '..' ? (dir.parent ?? dir) : dir.children.get(name);
  const F = fs.flags;
  const op = asNumber(readField(cnp, 'cn_nameiop')) & F.OPMASK;
  const last = (asNumber(readField(cnp, 'cn_flags')) & F.ISLASTCN) !== 0;
  if (!found) {
    if (last && (op === F.CREATE || op === F.RENAME)) {
      setField(cnp, 'cn_flags', int(asNumber(readField(cnp, 'cn_flags')) | F.SAVENAME));
      vpp.value = NULL_PTR;
      return errno('EJUSTRETURN');
    }
    return errno('ENOENT');
  }
  fs.ref(found, vnodeT);
  if (found !== dir) fs.lock(found);
  vpp.value = fs.vnode(found, vnodeT);
  return 0;
}

/**
 * VOP_CREATE/VOP_MKNOD: a new node named by the componentname, of the vattr's type and mode
 * (and va_rdev for a device). The directory is vput; create's vnode is returned referenced and
 * locked. mknod's is too after NetBSD 1.5 (sys_mknod vputs it; ipf's mln_ipl.c does so
 * `#if __NetBSD_Version__ > 105000000`); before, ufs_mknod released it and set *vpp NULL.
 */
function opMake(fs: RootFs, k: Kernel, a: StructCell, kind: 'create' | 'mknod'): number {
  const dvp = readField(a, 'a_dvp');
  const dir = fs.need(dvp, `rootfs_${kind}`);
  const cnp = deref(readField(a, 'a_cnp'));
  const vap = deref(readField(a, 'a_vap'));
  const vpp = deref(readField(a, 'a_vpp'));
  if (!(cnp instanceof StructCell) || !(vap instanceof StructCell) || !(vpp instanceof ScalarCell)) {
    throw new Panic(`rootfs_${kind}: a NULL argument`);
  }
  const name = componentName(cnp);
  let error = 0;
  if (!dir.children) error = errno('ENOTDIR');
  else if (dir.children.has(name)) error = errno('EEXIST');
  const type = asNumber(readField(vap, 'va_type'));
  if (!error && kind === 'mknod' && type !== constant('VCHR') && type !== constant('VBLK')) error = errno('EINVAL');
  const vnodeT = (vpp.type as { to?: CType }).to ?? (deref(dvp) as Cell).type;
  if (!error) {
    const n = fs.newNode(kind === 'create' ? (type || constant('VREG')) : type, asNumber(readField(vap, 'va_mode')) & 0o7777, kind === 'mknod' ? asNumber(readField(vap, 'va_rdev')) : 0, dir, k.activeModule);
    fs.link(dir, name, n);
    if (kind === 'create' || k.version > MKNOD_RETURNS_VNODE_AFTER) {
      fs.ref(n, vnodeT);
      fs.lock(n);
      vpp.value = fs.vnode(n, vnodeT);
    } else {
      vpp.value = NULL_PTR;
    }
  }
  fs.vput(dvp);
  return error;
}

/** VOP_REMOVE: the entry goes; vp and dvp are released (vput, vrele when they are the same). */
function opRemove(fs: RootFs, k: Kernel, a: StructCell): number {
  const dvp = readField(a, 'a_dvp');
  const vp = readField(a, 'a_vp');
  const dir = fs.need(dvp, 'rootfs_remove');
  const n = fs.need(vp, 'rootfs_remove');
  let error = 0;
  const entry = dir.children ? [...dir.children].find(([, c]) => c === n) : undefined;
  if (n.children) error = errno('EPERM');
  else if (!entry) error = errno('ENOENT');
  else {
    fs.unlink(dir, entry[0]);
  }
  if (dir === n) fs.vrele(vp);
  else fs.vput(vp);
  fs.vput(dvp);
  return error;
}
