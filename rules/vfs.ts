/**
 * MOD_VFS → vfs_attach(9)/vfs_detach(9), class VFS (so `mount -t` can autoload it).
 *
 * FINI detaches after the old unload handler, as DISPATCH did; a mounted file system refuses
 * (EBUSY) and the modcmd then runs the load handler again, so its sysctl nodes come back.
 */
import { defineRule, type RuleContext } from '../src/migrate/rule-api.ts';

export default defineRule({
  scope: 'module',
  meta: {
    id: 'lkm-vfs',
    kind: 'vfs',
    summary: 'MOD_VFS becomes vfs_attach in INIT and vfs_detach in FINI, class VFS.',
    docs: [
      'Matches `MOD_VFS(name, slot, &vfsops)` and hand-built `struct lkm_vfs` descriptors (the slot was never used).',
      '',
      'INIT runs what the entry function did before DISPATCH (vnode-op vector set-up), `vfs_attach(&vfsops)`, then',
      'the old load handler, detaching again if it fails. FINI runs the old unload handler, then `vfs_detach`; if the',
      'file system is still mounted (EBUSY) the load handler runs again so the module stays whole.',
    ].join('\n'),
    emits: ['vfs_attach', 'vfs_detach'],
    findings: { 'vfsops-missing': 'the declaration names no vfsops' },
  },
  convert(ctx: RuleContext) {
    ctx.setClass('VFS');
    const vfsops = ctx.fields.get('lkm_vfsops') ?? ctx.plan.tables.vfsops;
    if (!vfsops) {
      ctx.marker(ctx.declaration.file, ctx.declaration.start, 'vfsops-missing', 'error',
        'The declaration names no struct vfsops; add vfs_attach()/vfs_detach() calls for the file system by hand.');
      return;
    }
    ctx.register({ attach: `vfs_attach(${vfsops})`, detach: `vfs_detach(${vfsops})` });
  },
});
