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
    ctx.register({ attach: `vfs_attach(${vfsops})`, detach: `vfs_detach(${vfsops})` });
  },
});
