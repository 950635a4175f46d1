/**
 * MOD_MISC → a MISC module whose modcmd runs the old handlers: the LKM loader did nothing for
 * misc modules but call them, so nothing registers here.
 */
import { defineRule, type RuleContext } from '../src/migrate/rule-api.ts';

export default defineRule({
  scope: 'module',
  meta: {
    id: 'lkm-misc',
    kind: 'misc',
    summary: 'MOD_MISC becomes a MISC module whose INIT and FINI run the old load and unload handlers.',
    docs: [
      'Matches `MOD_MISC(name)` and hand-built `struct lkm_misc` descriptors.',
      '',
      'The kernel wired nothing for misc LKMs, so INIT calls the old load handler and FINI the old unload handler;',
      'one handler serving both (switching on `cmd`) keeps a `modcmd_t cmd` parameter with `LKM_E_LOAD`/`LKM_E_UNLOAD`',
      'turned into `MODULE_CMD_INIT`/`MODULE_CMD_FINI`. `lkmexists()` checks go: module(9) refuses a second module of',
      'the same name itself.',
    ].join('\n'),
    emits: [],
  },
  convert(ctx: RuleContext) {
    ctx.setClass('MISC');
  },
});
