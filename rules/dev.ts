/**
 * MOD_DEV (both forms) → devsw_attach(9)/devsw_detach(9), class DRIVER, majors in variables.
 *
 * The LKM loader wrote the majors it chose back into the descriptor, where handlers read them
 * (`_module.lkm_offset`, `lkm_cdevmaj`); module(9) writes them into the variables passed to
 * devsw_attach, so those reads are rewritten to the variables.
 */
import { defineRule, type RuleContext } from '../src/discover/rule-api.ts';
import { isNull, } from '../src/migrate/rule-helpers.ts';
import { stringValue } from '../src/migrate/descriptor.ts';

export default defineRule({
  scope: 'module',
  meta: {
    id: 'lkm-dev',
    kind: 'dev',
    summary: 'MOD_DEV (six- and four-argument forms) becomes devsw_attach/devsw_detach with the majors in variables, class DRIVER.',
    docs: [
      'Matches `MOD_DEV(name, devname, &bdevsw, bmajor, &cdevsw, cmajor)`, the historic',
      '`MOD_DEV(name, LM_DT_CHAR|LM_DT_BLOCK, slot, &devsw)` and hand-built `struct lkm_dev` descriptors.',
      '',
      'Declares `static int <name>_bmajor = <bmajor>, <name>_cmajor = <cmajor>;` after MODULE() (-1: the kernel',
      'chooses), calls `devsw_attach(devname, bdevsw, &<name>_bmajor, cdevsw, &<name>_cmajor)` in INIT and',
      '`devsw_detach(bdevsw, cdevsw)` in FINI (void in NetBSD 5, so it cannot fail). Reads of `lkm_cdevmaj`,',
      '`lkm_bdevmaj`, `LKM_CHAR_MAJOR(_module.lkm_offset)` and `_module.lkm_offset` become the variables (the last',
      'one packed as LKM_MAKEMAJOR did). A block-only four-argument device cannot attach without a cdevsw: marked.',
    ].join('\n'),
    emits: ['devsw_attach', 'devsw_detach'],
    findings: {
      'block-only-devsw': 'devsw_attach needs a cdevsw; a block-only device must gain one',
      'old-mod-dev': 'the four-argument MOD_DEV copied a whole switch entry; module(9) attaches the switch itself',
    },
  },
  convert(ctx: RuleContext) {
    const { name, fields, declaration: decl } = ctx;
    ctx.setClass('DRIVER');
    const bmaj = `${name}_bmajor`;
    const cmaj = `${name}_cmajor`;
    let devname = fields.get('lkm_devname');
    let bdev = fields.get('lkm_bdev') ?? 'NULL';
    let cdev = fields.get('lkm_cdev') ?? 'NULL';
    let bInit = fields.get('lkm_bdevmaj') ?? '-1';
    let cInit = fields.get('lkm_cdevmaj') ?? '-1';
    const devtype = fields.get('lkm_devtype');
    if (devtype !== undefined) {
      // MOD_DEV(name, LM_DT_*, slot, &devsw): one switch, its major in lkm_offset.
      const dev = fields.get('lkm_dev') ?? 'NULL';
      const slot = fields.get('lkm_offset') ?? '-1';
      const block = /LM_DT_BLOCK/.test(devtype);
      [bdev, cdev] = block ? [dev, 'NULL'] : ['NULL', dev];
      [bInit, cInit] = block ? [slot, '-1'] : ['-1', slot];
      ctx.finding({
        file: decl.file,
        line: decl.line,
        severity: 'note',
        code: 'old-mod-dev',
        message: `The four-argument MOD_DEV copied ${dev} into the static ${block ? 'bdevsw' : 'cdevsw'}[] table; devsw_attach now installs it. Check that the switch is a ${block ? 'struct bdevsw' : 'struct cdevsw'} of today's layout (d_open … d_flag).`,
      });
      if (block) {
        ctx.marker(decl.file, decl.start, 'block-only-devsw', 'error',
          `devsw_attach() refuses a device without a cdevsw (EINVAL): give ${name} a struct cdevsw (most block devices have a raw character twin) and pass it here.`);
      }
      ctx.rewriteAssigned({ lkm_offset: block ? bmaj : cmaj, lkm_cdevmaj: cmaj, lkm_bdevmaj: bmaj });
    } else {
      ctx.rewriteAssigned({
        lkm_offset: `((${bmaj} & 0xffff) << 16) | (${cmaj} & 0xffff)`,
        lkm_cdevmaj: cmaj,
        lkm_bdevmaj: bmaj,
      });
    }
    if (!devname || isNull(devname)) devname = `"${stringValue(fields.get('lkm_name') ?? '') ?? name}"`;
    if (isNull(bdev)) bdev = 'NULL';
    if (isNull(cdev)) cdev = 'NULL';
    ctx.declare(`static int ${bmaj} = ${bInit}, ${cmaj} = ${cInit};`);
    ctx.register({
      attach: `devsw_attach(${devname}, ${bdev}, &${bmaj}, ${cdev}, &${cmaj})`,
      detach: `devsw_detach(${bdev}, ${cdev})`,
      detachIsVoid: true,
    });
  },
});
