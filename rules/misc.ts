/**
 * MOD_MISC → a MISC module whose modcmd runs the old handlers: the LKM loader did nothing for
 * misc modules but call them, so nothing registers here.
 */
import { defineRule, type RuleContext } from '../src/discover/rule-api.ts';
import { convertSysentPatches } from '../src/migrate/sysent-patches.ts';

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
      '',
      'A misc LKM that entered system calls by writing `sysent[]` itself (saving and restoring the old entries) gets',
      'a `struct syscall_package` with `SYS_` constants (numbers named from the tree\'s syscalls.master) entered with',
      '`syscall_establish(NULL, …)` after the load handler and withdrawn with `syscall_disestablish` before the unload',
      'handler; the hand-written writes, the save area and the check for a free slot go. A write it cannot read, or one',
      'that hooks a call the kernel has built in, is left as it is with an `XXX lkm2mod` marker.',
    ].join('\n'),
    emits: ['syscall_establish', 'syscall_disestablish', 'struct syscall_package'],
    findings: {
      'sysent-patch-converted': 'the hand-made sysent[] writes became a syscall_package',
      'sysent-patch-unconverted': 'sysent[] writes that could not be read: convert them by hand',
      'sysent-hook': 'a write into a slot the kernel fills with a built-in call: syscall_establish cannot do it',
    },
  },
  convert(ctx: RuleContext) {
    ctx.setClass('MISC');
    convertSysentPatches(ctx);
  },
});
