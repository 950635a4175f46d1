/**
 * Kernel calls a correct port changes between the LKM era (NetBSD 4) and the module(9) era
 * (NetBSD 5). The converter makes these changes (rules/netbsd4-to-5.ts, src/migrate/
 * opv-prelude.ts); whoever compares an LKM's kernel calls with its converted module's
 * (validate's equivalence check) reads both through `comparableCall`, so the port is not
 * mistaken for the module doing something else.
 */

/** What a call counts as when compared across the eras; null when it has no counterpart to compare. */
export function comparableCall(name: string): string | null {
  return name in ACROSS_ERAS ? ACROSS_ERAS[name]! : name;
}

const ACROSS_ERAS: Record<string, string | null> = {
  // NetBSD 5's callout_stop for a callout about to be destroyed: it also waits for a running handler.
  callout_halt: 'callout_stop',
  // New in NetBSD 5: an LKM had nothing to call. That it happens is the lifecycle check's business.
  callout_destroy: null,
  // Vnode-op vectors: an LKM's entry built them by hand; module(9)'s vfs_attach builds the ones
  // vfs_opv_descs lists and vfs_detach frees them. The vectors themselves are compared as kernel
  // state (the vnodeops table), not as calls.
  vfs_opv_init: null,
  vfs_opv_init_explicit: null,
  vfs_opv_init_default: null,
  vfs_opv_free: null,
};
