/**
 * MOD_VFS → vfs_attach(9)/vfs_detach(9), class VFS (so `mount -t` can autoload it).
 *
 * FINI detaches after the old unload handler, as DISPATCH did; a mounted file system refuses
 * (EBUSY) and the modcmd then runs the load handler again, so its sysctl nodes come back.
 * The vnode-op vectors the LKM entry built before DISPATCH are vfs_attach's job now
 * (src/migrate/opv-prelude.ts).
 */
import { defineRule, type RuleContext } from '../src/discover/rule-api.ts';
import { portOpvPrelude } from '../src/migrate/opv-prelude.ts';
import { addressee, isNull, member } from '../src/migrate/rule-helpers.ts';

export default defineRule({
  scope: 'module',
  meta: {
    id: 'lkm-vfs',
    kind: 'vfs',
    summary: 'MOD_VFS becomes vfs_attach in INIT and vfs_detach in FINI, class VFS.',
    docs: [
      'Matches `MOD_VFS(name, slot, &vfsops)` and hand-built `struct lkm_vfs` descriptors (the slot was never used).',
      '',
      'INIT runs `vfs_attach(&vfsops)`, then the old load handler, detaching again if it fails. FINI runs the old',
      'unload handler, then `vfs_detach`; if the file system is still mounted (EBUSY) the load handler runs again so',
      'the module stays whole.',
      '',
      'The vnode-op vector set-up the entry function did before DISPATCH (`vfs_opv_init_explicit`/`_default`) is',
      'dropped where the vfsops lists the descriptor in `vfs_opv_descs` (designated or positional initialiser):',
      'module(9)\'s vfs_attach builds those vectors and vfs_detach frees them. A descriptor the vfsops does not list',
      'keeps its set-up, right before vfs_attach, undone with `vfs_opv_free()` when vfs_attach fails and after',
      'vfs_detach. A set-up that cannot be read (a loop, a descriptor through a pointer) stays, marked.',
      '',
      'When vfs_detach runs no undo of the vfsops\' vfs_init (the kernel\'s struct vfsops has no vfs_done, as before',
      'NetBSD 1.5, or the module leaves it empty), the registration names vfs_init as run at attach: the converter',
      'releases what it acquires (pools, hash tables, allocations) after a successful vfs_detach (`init-released`).',
    ].join('\n'),
    emits: ['vfs_attach', 'vfs_detach', 'vfs_opv_free'],
    findings: {
      'vfsops-missing': 'the declaration names no vfsops',
      'vfs-opv-prelude-dropped': 'the entry built vnode-op vectors that vfs_attach builds itself: those calls were dropped',
      'vfs-opv-prelude-kept': 'the entry built a vector the vfsops does not list: kept before vfs_attach, freed with vfs_opv_free',
      'vfs-opv-prelude-unwind': 'a vnode-op vector set-up lkm2mod cannot read stays at the start of INIT; its undo is by hand',
    },
  },
  convert(ctx: RuleContext) {
    ctx.setClass('VFS');
    const vfsops = ctx.fields.get('lkm_vfsops') ?? ctx.plan.tables.vfsops;
    if (!vfsops) {
      ctx.marker(ctx.declaration.file, ctx.declaration.start, 'vfsops-missing', 'error',
        'The declaration names no struct vfsops; add vfs_attach()/vfs_detach() calls for the file system by hand.');
      return;
    }
    const opv = portOpvPrelude(ctx, vfsops);
    if (opv.registration) ctx.register(opv.registration);
    const init = initWithoutDone(ctx, vfsops);
    ctx.register({ attach: `vfs_attach(${vfsops})`, detach: `vfs_detach(${vfsops})`, ...(init ? { attachRuns: [init] } : {}) });
  },
});

/**
 * The vfs_init function vfs_attach() runs, when vfs_detach() runs no vfs_done to undo it: the
 * kernel's struct vfsops has no vfs_done (NetBSD before 1.5), or the module leaves it empty.
 * What it acquires is then the converter's to release (src/migrate/init-release.ts).
 */
function initWithoutDone(ctx: RuleContext, vfsops: string): string | null {
  const sym = addressee(vfsops);
  const def = sym ? ctx.definition(sym) : null;
  const list = def?.initializer;
  if (!list) return null;
  const layout = ctx.structMembers('vfsops', 'sys/mount.h');
  // vfs_init is the twelfth member in every struct vfsops from NetBSD 1.3 to 5.
  const at = (name: string, fallback: number) => (layout ? layout.indexOf(name) : fallback);
  const init = member(list, 'vfs_init', at('vfs_init', 11));
  const fn = init && !isNull(init.text) ? addressee(init.text) : null;
  if (!fn || init!.text.trim().startsWith('&')) return null;
  if (layout?.includes('vfs_done')) {
    const done = member(list, 'vfs_done', layout.indexOf('vfs_done'));
    if (done && !isNull(done.text)) return null;
  }
  return fn;
}
