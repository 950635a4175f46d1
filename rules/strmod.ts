/**
 * MOD_STRMOD: STREAMS modules were a placeholder in NetBSD (`lkm_strmod` existed only under
 * `#ifdef STREAMS`, the loader wired nothing). module(9) has no STREAMS either, so the module
 * keeps its handlers and nothing else, and the reviewer is told.
 */
import { defineRule, type RuleContext } from '../src/discover/rule-api.ts';

export default defineRule({
  scope: 'module',
  meta: {
    id: 'lkm-strmod',
    kind: 'strmod',
    summary: 'MOD_STRMOD becomes a MISC module running the old handlers; there is no STREAMS subsystem to attach to.',
    docs: [
      'Matches `MOD_STRMOD(name)` and hand-built `struct lkm_strmod` descriptors.',
      '',
      'NetBSD never implemented STREAMS: the LKM loader only called the handlers. The module becomes class MISC with',
      'INIT/FINI calling them, and a warning says the module registers nothing.',
    ].join('\n'),
    emits: [],
    findings: { 'strmod-no-subsystem': 'module(9) has no STREAMS subsystem; the module registers nothing' },
  },
  convert(ctx: RuleContext) {
    ctx.setClass('MISC');
    ctx.finding({
      file: ctx.declaration.file,
      line: ctx.declaration.line,
      severity: 'warning',
      code: 'strmod-no-subsystem',
      message: 'A STREAMS module: neither the LKM loader nor module(9) wires anything for it. The converted module only runs its handlers; check that this is what it is for.',
    });
  },
});
