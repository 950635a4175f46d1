/**
 * Kernel interfaces an LKM used that changed between NetBSD 4 (the LKM era) and NetBSD 5 (the
 * first with module(9)), whatever the LKM's kind. A module converted line for line would still
 * be written against NetBSD 4; these are the changes NetBSD's own code went through when it
 * was ported.
 *
 * Only changes LKM sources really meet are here: callout(9), which gained a flags argument to
 * callout_init and a destructor (callout_destroy, with callout_halt to wait out a running
 * handler). A tree rule, because it applies to every converted module, not to one kind of
 * registration; it edits only the module's own sources.
 */
import path from 'node:path';
import { defineRule, type TreeContext } from '../src/discover/rule-api.ts';
import { lifecyclePaths } from '../src/migrate/lifecycle-paths.ts';
import { portCallouts } from '../src/migrate/callout-lifecycle.ts';

export default defineRule({
  scope: 'tree',
  meta: {
    id: 'netbsd4-to-5',
    kind: 'tree',
    summary: 'NetBSD 4 kernel interfaces the module(9) kernel changed: callout_init flags, callout_halt and callout_destroy on unload and on INIT failure.',
    docs: [
      'Runs after every module rule, over each converted module\'s own sources. The load path is the load handler',
      '(its `case LKM_E_LOAD` arm when one handler serves both commands) and every function of the module it calls;',
      'the unload path likewise; calls through pointers (sysctl handlers, the callout itself) are not on either.',
      '',
      '- `callout_init(c)` becomes `callout_init(c, 0)` (NetBSD 5 added the flags argument).',
      '- A callout the load path initialises and the unload path stops: `callout_stop(c);` becomes',
      '  `callout_halt(c, NULL);` (the mutex held there, if any, as the interlock) and `callout_destroy(c);` follows.',
      '- An error return after the callout_init in the same function (an `if` returning the errno it tested, or an',
      '  E* constant) destroys the callout first, halting it if it was scheduled in between.',
      '- A callout never stopped on unload, or stopped only in code load runs too, is marked `XXX lkm2mod`.',
      '',
      'Callouts are matched by the text of their argument (`&memwatch_ch`); one the unload path already destroys is',
      'left as it is.',
    ].join('\n'),
    emits: ['callout_init(c, flags)', 'callout_halt', 'callout_destroy'],
    findings: {
      'callout-init-flags': 'callout_init(c) became callout_init(c, 0): NetBSD 5 added the flags argument',
      'callout-destroy-on-unload': 'the unload path halts and destroys a callout the load path initialised',
      'callout-destroy-on-error': 'an INIT error path after callout_init destroys the callout',
      'callout-destroy-by-hand': 'a callout must be halted and destroyed on unload, but not where the rule can do it',
      'callout-not-destroyed': 'a callout initialised on load is never stopped on unload',
    },
  },
  run(ctx: TreeContext) {
    const done = new Set<string>();
    for (const m of ctx.modules) {
      const sources = m.plan.files.filter((f) => path.extname(f) === '.c').map((f) => ctx.source(f));
      // A source two modules build is ported once, along the first module's paths.
      const files = sources.filter((f) => !done.has(f.path));
      if (!files.some((f) => f.text.includes('callout_'))) continue;
      for (const f of files) done.add(f.path);
      portCallouts(files, lifecyclePaths(m.plan, sources), ctx);
    }
  },
});
