/**
 * MOD_DRV → autoconf attachments from modcmd, class DRIVER: each cfdriver, then each
 * cfattach, then the cfdata table, undone in reverse (drvlkm_load/drvlkm_unload's order), all
 * under `#ifdef _MODULE`: built into a kernel, ioconf has already attached them.
 *
 * The LKM passed NULL-terminated lists that the loader walked; the lists are read here and
 * each entry gets its own call, so a failure half-way can be undone precisely — something the
 * LKM loader never did.
 */
import { defineRule, type RuleContext, type SyntaxNode } from '../src/discover/rule-api.ts';
import { referencedSymbol } from '../src/migrate/descriptor.ts';
import { addressee, elements, isNull, member, pointerList } from '../src/migrate/rule-helpers.ts';

export default defineRule({
  scope: 'module',
  meta: {
    id: 'lkm-drv',
    kind: 'drv',
    summary: 'MOD_DRV becomes config_cfdriver_attach, config_cfattach_attach and config_cfdata_attach (and the reverse) under #ifdef _MODULE, class DRIVER.',
    docs: [
      'Matches `MOD_DRV(name, cfdrivers, cfattachlkminits, cfdata)` and hand-built `struct lkm_drv` descriptors.',
      '',
      'Reads the NULL-terminated `struct cfdriver *` list and the `struct cfattachlkminit` list (each naming a',
      'NULL-terminated `struct cfattach *` list) from their initialisers, and writes one call per entry:',
      '`config_cfdriver_attach(&x_cd)`, `config_cfattach_attach("x", &x_ca)`, then `config_cfdata_attach(cf, 1)`;',
      'FINI runs `config_cfdata_detach`, `config_cfattach_detach`, `config_cfdriver_detach` in that order. Each',
      'failure undoes what was attached before it. The calls sit under `#ifdef _MODULE`, since a kernel with the',
      'driver built in attaches it through ioconf. The LKM-only lists are deleted once unused.',
    ].join('\n'),
    emits: ['config_cfdriver_attach', 'config_cfattach_attach', 'config_cfdata_attach', 'config_cfdata_detach', 'config_cfattach_detach', 'config_cfdriver_detach'],
    findings: { 'drv-tables-unresolved': 'the cfdriver or cfattach lists could not be read from their initialisers' },
  },
  convert(ctx: RuleContext) {
    const { fields, declaration: decl } = ctx;
    ctx.setClass('DRIVER');
    const cdList = referencedSymbol(fields.get('lkm_cd') ?? ctx.plan.tables.autoconf?.cfdrivers ?? '');
    const caiList = referencedSymbol(fields.get('lkm_cai') ?? ctx.plan.tables.autoconf?.cfattachinit ?? '');
    const cfdata = fields.get('lkm_cf') ?? ctx.plan.tables.autoconf?.cfdata ?? 'NULL';
    const unresolved = (what: string) =>
      ctx.marker(decl.file, decl.start, 'drv-tables-unresolved', 'error',
        `Could not read ${what} from its initialiser; attach and detach its entries in ${ctx.name}_modcmd by hand.`);

    const cdDef = cdList ? ctx.definition(cdList) : null;
    const drivers = cdDef?.initializer ? pointerList(cdDef.initializer) : null;
    if (!drivers) unresolved(`the cfdriver list ${cdList ?? fields.get('lkm_cd')}`);

    const attachments: Array<{ driver: string; ca: string }> = [];
    const caLists: string[] = [];
    const caiDef = caiList ? ctx.definition(caiList) : null;
    if (!caiDef?.initializer) unresolved(`the cfattachlkminit list ${caiList ?? fields.get('lkm_cai')}`);
    else {
      for (const entry of elements(caiDef.initializer)) {
        if (entry.type !== 'initializer_list') break;
        const driver = member(entry, 'cfai_name', 0);
        const list = member(entry, 'cfai_list', 1);
        if (!driver || isNull(driver.text)) break;
        const listSym = list ? addressee(list.text) : null;
        const listDef = listSym ? ctx.definition(listSym) : null;
        const cas = listDef?.initializer ? pointerList(listDef.initializer) : inlineList(list);
        if (!cas) {
          unresolved(`the cfattach list ${list?.text ?? '?'} of ${driver.text}`);
          continue;
        }
        if (listSym) caLists.push(listSym);
        for (const ca of cas) attachments.push({ driver: driver.text, ca });
      }
    }

    for (const cd of drivers ?? []) {
      ctx.register({ attach: `config_cfdriver_attach(${cd})`, detach: `config_cfdriver_detach(${cd})`, modularOnly: true });
    }
    for (const { driver, ca } of attachments) {
      ctx.register({
        attach: `config_cfattach_attach(${driver}, ${ca})`,
        detach: `config_cfattach_detach(${driver}, ${ca})`,
        modularOnly: true,
      });
    }
    if (!isNull(cfdata)) {
      ctx.register({ attach: `config_cfdata_attach(${cfdata}, 1)`, detach: `config_cfdata_detach(${cfdata})`, modularOnly: true });
    }
    if (drivers && cdList) ctx.dropIfUnused(cdList);
    if (caiDef?.initializer && caiList) ctx.dropIfUnused(caiList);
    for (const l of caLists) ctx.dropIfUnused(l);
  },
});

/** A compound literal list written in place: `(struct cfattach *[]){ &x_ca, NULL }`. */
function inlineList(list: SyntaxNode | null): string[] | null {
  const init = list?.descendantsOfType('initializer_list')[0];
  return init ? pointerList(init) : null;
}
