/**
 * The process a module's load and unload run in: modload(8) (or modload's successor), run by
 * root. Old LKMs read it through the kernel variable `curproc` (NetBSD 1.x: a `struct proc *`
 * kern/init_main.c defines) to pass credentials to namei(), VOP_*() and suser(); a zero-filled
 * stand-in would crash them on `curproc->p_cred`, which no kernel would. So when a module first
 * reads the tree's curproc, it finds a struct proc of the tree's own layout whose credentials
 * (p_cred and its pc_ucred, or p_ucred) are root's: zero ids, one reference, one group (wheel).
 * Everything else of the process stays zero, as the stand-in would be.
 */
import { allocate, int, pointerTo, ScalarCell, StructCell, type Cell, type CType } from './machine/memory.ts';
import type { BlockCell } from './machine/block.ts';

/** Tree variables that hold the running process: filled in with modload's when first typed. */
export const PROCESS_VARIABLES: ReadonlySet<string> = new Set(['curproc']);

/** Credential pointers followed from the process, by member name (1.x–4.x struct proc, pcred). */
const CREDENTIALS = new Set(['p_cred', 'p_ucred', 'pc_ucred']);
/** Members of a credential that a live one never has at zero. */
const ONE = new Set(['cr_ref', 'p_refcnt', 'cr_ngroups']);

/**
 * Give a `curproc` stand-in, just typed by the module's first read, modload's process. Nothing
 * when the module reads it as anything but a pointer to a struct proc the module has the layout of.
 */
export function fillProcessStandIn(block: BlockCell): void {
  const elem = (block.type as Extract<CType, { kind: 'array' }>).of;
  if (elem.kind !== 'ptr' || elem.to.kind !== 'struct' || elem.to.tag !== 'proc' || !elem.to.members) return;
  const slot = block.at(0);
  if (!(slot instanceof ScalarCell)) return;
  slot.value = pointerTo(rootOwned(elem.to));
}

function rootOwned(type: Extract<CType, { kind: 'struct' }>): Cell {
  const cell = allocate(type) as StructCell;
  for (const [name, f] of cell.fields) {
    if (!(f instanceof ScalarCell)) continue;
    if (ONE.has(name) && f.type.kind === 'int') f.value = int(1);
    const t = f.type;
    if (CREDENTIALS.has(name) && t.kind === 'ptr' && t.to.kind === 'struct' && t.to.members) f.value = pointerTo(rootOwned(t.to));
  }
  return cell;
}
