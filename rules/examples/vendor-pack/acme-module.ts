/**
 * An example rule pack: ACME's kernel modules are declared with one line,
 *
 *     ACME_MODULE(acmewd, acmewd_load, acmewd_unload);
 *
 * where ACME's acme_lkm.h defines ACME_MODULE as MOD_MISC plus an entry function
 * `<name>_lkmentry` whose whole body is DISPATCH(lkmtp, cmd, ver, load, unload, lkm_nofunc).
 * lkm2mod cannot see through the macro on its own; this rule tells discovery what the line
 * declares, and converts it the way the built-in rule converts MOD_MISC.
 *
 * Run it with `lkm2mod convert --rules rules/examples/vendor-pack <tree>`, test it with
 * `lkm2mod rules test rules/examples/vendor-pack`.
 */
import { builtinRules, defineRule, type ModuleRule, type RuleContext } from 'lkm2mod';

/** The vendor's header: it pulls in <sys/lkm.h>, which a module(9) kernel does not have. */
const HEADER = 'acme_lkm.h';

const misc = builtinRules.find((r): r is ModuleRule => r.meta.id === 'lkm-misc');

export default defineRule({
  scope: 'module',
  meta: {
    id: 'acme-module',
    kind: 'misc',
    summary: 'ACME_MODULE(name, load, unload) becomes a MISC module whose INIT and FINI call load and unload.',
    docs: [
      'Matches `ACME_MODULE(name, load, unload)` at file scope, with or without a trailing semicolon: ACME\'s',
      '`acme_lkm.h` defines it as `MOD_MISC("name")` and an entry function `name_lkmentry` that DISPATCHes to',
      '`load` and `unload` (either may be `lkm_nofunc`).',
      '',
      'The line becomes `MODULE(MODULE_CLASS_MISC, name, NULL)` and `name_modcmd`, converted as the built-in',
      '`lkm-misc` rule converts `MOD_MISC`: INIT calls the load handler, FINI the unload handler, and the handlers',
      'lose their `struct lkm_table *` and `cmd` parameters. `#include "acme_lkm.h"` goes, since the header brings',
      '`<sys/lkm.h>` with it; the header itself stays for modules not converted yet.',
    ].join('\n'),
    emits: [],
    findings: {
      'acme-header-dropped': 'the module no longer includes acme_lkm.h; delete the header once no module uses ACME_MODULE',
    },
  },
  declares: {
    words: ['ACME_MODULE'],
    query: `
      (expression_statement
        (call_expression
          function: (identifier) @macro
          arguments: (argument_list . (identifier) @name . (identifier) @load . (identifier) @unload .))
        (#eq? @macro "ACME_MODULE")) @declaration`,
    read: ({ captures }) => ({
      name: captures.name.text,
      kind: 'misc',
      entry: `${captures.name.text}_lkmentry`,
      handlers: { load: captures.load.text, unload: captures.unload.text },
    }),
  },
  convert(ctx: RuleContext) {
    if (!misc) throw new Error('the built-in lkm-misc rule is missing');
    misc.convert(ctx);
    for (const src of ctx.files()) {
      for (const { include, path } of src.query('(preproc_include path: (string_literal) @path) @include')) {
        if (path.text !== `"${HEADER}"`) continue;
        src.removeNode(include, `#include "${HEADER}"`);
        ctx.finding({
          file: src.path,
          line: src.line(include.startIndex),
          severity: 'note',
          code: 'acme-header-dropped',
          message: `${ctx.name} no longer includes ${HEADER}, which brings <sys/lkm.h>; delete the header once no module uses ACME_MODULE.`,
        });
      }
    }
  },
});
