/**
 * What a difference in the kernel's state means for the module's author: a sysent slot still
 * set after unload is a missing syscall_disestablish, a vfs still on the list a missing
 * vfs_detach. The lines come from diffSnapshots; the hint names the call that undoes it.
 */
const UNDO: [RegExp, string][] = [
  [/^sysent\[/, 'syscall_disestablish() (or restore the sysent entry it replaced)'],
  [/^vfs /, 'vfs_detach()'],
  [/^vnodeops /, 'vfs_opv_free() on the vnode operations vector (vfs_detach does it for an attached file system)'],
  [/^[bc]devsw\[/, 'devsw_detach()'],
  [/^execsw /, 'exec_remove()'],
  [/^emul /, 'emul_unregister()'],
  [/^cfdriver /, 'config_cfdriver_detach() (after config_cfattach_detach())'],
  [/^cfdata /, 'config_cfdata_detach()'],
  [/^devices /, 'config_detach() of the device, or config_cfdata_detach() of its cfdata'],
  [/^sysctl /, 'sysctl_teardown() on the sysctllog the nodes were created with'],
  [/^files .*: added/, 'namei() with DELETE and VOP_REMOVE() of the node'],
  [/^files .*vnode reference/, 'vrele() (or vput()) of every vnode namei() or VOP_LOOKUP() returned'],
  [/^files .*vnode locked/, 'VOP_UNLOCK() (or vput()) of the vnode'],
  [/^memory pool /, 'pool_destroy()'],
  [/^memory /, 'free()/kmem_free() of what was allocated'],
  [/^(sync|lockdebug) mutex/, 'mutex_destroy()'],
  [/^(sync|lockdebug) callout/, 'callout_halt() and callout_destroy()'],
  [/^(sync|lockdebug) cv/, 'cv_destroy()'],
  [/^(sync|lockdebug) rw/, 'rw_destroy()'],
  [/^(sync|lockdebug) /, 'the matching _destroy() call'],
];

/** `sysctl vfs.kernfs: added (…) — undo with sysctl_teardown() …`, or the line as it is. */
export function withUndoHint(line: string): string {
  if (!/: added|->/.test(line)) return line;
  const hint = UNDO.find(([re]) => re.test(line))?.[1];
  return hint ? `${line} — undo it with ${hint}` : line;
}

/** The sections a module's registration lives in (as opposed to memory, locks and sysctl nodes). */
export const REGISTRATION_SECTIONS = ['sysent', 'vfs', 'bdevsw', 'cdevsw', 'execsw', 'emul', 'cfdriver', 'cfdata', 'devices'] as const;

export function isRegistrationLine(line: string): boolean {
  return REGISTRATION_SECTIONS.some((s) => line.startsWith(`${s} `) || line.startsWith(`${s}[`));
}
