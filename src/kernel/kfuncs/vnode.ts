/**
 * Path-name lookup and vnode references (vfs_lookup.c, vfs_subr.c, vfs_vnops.c) over the root
 * file system the kernel boots with (subsys/rootfs.ts), and the VOP_* calls of vnode_if.c for
 * the operations it implements: a module built where they are functions (NetBSD 5's module(9))
 * reaches the vnode's vector through them, as an LKM does through vnode_if.h's inline copies.
 * vn_default_error is the entry every operation a vector leaves out gets.
 */
import { allocate, asNumber, deref, int, pointerTo, readField, ScalarCell, StructCell, type Value, ZERO } from '../machine/memory.ts';
import { constant, structType } from '../abi.ts';
import { Panic } from '../panic.ts';
import { OPERATIONS } from '../subsys/rootfs-vnops.ts';
import type { Kernel } from '../kernel.ts';
import { arg, intArg, needStruct } from './args.ts';
import type { KernelFunctionSpec } from './define.ts';

export const vnodeFunctions: KernelFunctionSpec[] = [
  { name: 'namei', returns: 'value', call: (k, args) => int(k.rootfs.namei(needStruct(args, 0, 'nameidata', 'namei'))) },
  { name: 'vref', returns: 'value', call: (k, args) => (k.rootfs.vref(arg(args, 0)), ZERO) },
  { name: 'vrele', returns: 'value', call: (k, args) => (k.rootfs.vrele(arg(args, 0)), ZERO) },
  { name: 'vput', returns: 'value', call: (k, args) => (k.rootfs.vput(arg(args, 0)), ZERO) },
  { name: 'vn_lock', returns: 'value', call: (k, args) => int(k.rootfs.vnLock(arg(args, 0), intArg(args, 1))) },
  { name: 'vn_default_error', returns: 'value', call: () => int(constant('EOPNOTSUPP')) },
  ...OPERATIONS.map((op) => ({ name: `VOP_${op.toUpperCase()}`, returns: 'value' as const, call: (k: Kernel, args: Value[]) => vcall(k, op, args) })),
];

/**
 * VOP_<op>(vp, …) of vnode_if.c: the arguments in a struct vop_<op>_args, handed to the
 * function at the descriptor's offset in the first vnode's vector (VCALL).
 */
function vcall(k: Kernel, op: string, args: Value[]): Value {
  const desc = k.data.symbols.get(`vop_${op}_desc`);
  if (!(desc instanceof StructCell)) throw new Panic(`VOP_${op.toUpperCase()}: the kernel has no vop_${op}_desc`);
  const a = allocate(structType(`vop_${op}_args`)) as StructCell;
  const members = [...a.fields.values()];
  (members[0] as ScalarCell).value = pointerTo(desc);
  members.slice(1).forEach((m, i) => {
    if (m instanceof ScalarCell) m.value = args[i] ?? ZERO;
  });
  const vp = deref(args[0] ?? ZERO);
  if (!(vp instanceof StructCell)) throw new Panic(`VOP_${op.toUpperCase()}: null pointer dereference reading vp->v_op`);
  const vector = readField(vp, 'v_op');
  if (vector.k !== 'ptr' || vector.target === null) throw new Panic(`VOP_${op.toUpperCase()}: the vnode has no operations vector (v_op NULL)`);
  const slot = deref({ ...vector, index: vector.index + asNumber(readField(desc, 'vdesc_offset')) });
  const fn = slot instanceof ScalarCell ? slot.value : ZERO;
  if (fn.k !== 'fn') throw new Panic(`VOP_${op.toUpperCase()}: no operation at vdesc_offset in the vnode's vector`);
  return fn.fn.invoke([pointerTo(a)]);
}
