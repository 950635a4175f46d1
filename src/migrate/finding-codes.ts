/**
 * Every finding code convert reports, with a one-line description: for the SARIF rule table,
 * the README, and users who meet a code and want to know what it means. The rules' own codes
 * come from their metadata, so a new rule documents its codes where it defines them.
 */
import { builtinRules } from './builtin-rules.ts';
import type { Rule } from '../discover/rule-api.ts';

const CONVERT_CODES: Record<string, string> = {
  'kmod-renamed': 'the Makefile\'s KMOD now matches the module name, which module(9) loads by',
  'module-renamed': 'the module is named as the kernel looks it up (file system type, compat_<emulation>, exec_<format>, cfdriver), or the LKM name was no C identifier',
  'module-merged': 'a plan folded an exec-format LKM into its emulation\'s module; its modcmd is called from that module\'s',
  'shared-module': 'sources several LKMs built are one new module now, which they require',
  'kernel-code': 'kernel sources conf/files builds only for the modules\' own options are built by this module now; the others that use them require it',
  'plan-syntax': 'a --plan file line lkm2mod cannot read',
  'plan-stale': 'a --plan file decision that no longer fits the tree (an LKM gone, a name taken, a source no LKM builds)',
  'required-inferred': 'the module uses symbols another module defines, so that module is listed as required',
  'required-ambiguous': 'a symbol the module uses is defined by more than one module; none was listed',
  'entry-not-found': 'no entry function was found; modcmd only registers and deregisters',
  'handwritten-dispatch': 'the entry called lkmdispatch() itself; the modcmd reproduces its registrations',
  'two-registrations': 'the module registered two things (hand-built descriptors); both are in the modcmd',
  'handwritten-work-dropped': 'work an entry that dispatched by hand did around lkmdispatch() is not in the modcmd; each statement is named',
  'entry-dispatch-dropped': 'a statement of the entry that looked at cmd or lkmtp before DISPATCH was not carried',
  'conditional-declaration-merged': 'alternative MOD_* declarations of one module under #if/#else became one MODULE()',
  'entry-prelude-moved': 'statements the entry ran before DISPATCH now run at the start of MODULE_CMD_INIT',
  'handler-uses-lkmtp': 'a handler still reads the old struct lkm_table, which module(9) does not pass',
  'lkm-offset-dropped': 'a handler only stored its slot in (or read it back from) its descriptor\'s lkm_offset, which module(9) has none of; those statements went',
  'slot-search-replaced': 'a load handler searched cdevsw[]/bdevsw[] for a slot marked free by lkmenodev; the search is now the major the modcmd\'s devsw_attach chose, and the "no free slot" test after it asks whether that major is negative',
  'handler-not-found': 'a handler DISPATCH named is not defined in the module sources',
  'handler-static-elsewhere': 'a static handler lives in another file than the modcmd that must call it',
  'global-clash': 'a global another module of the set defines too is used across files; rename it in one of them',
  'global-made-static': 'a global another module of the set defines too, used only in its own file, is now static (kobj refuses a module whose global is already defined)',
  'init-released': 'INIT acquired a pool, hash table, allocation or malloc type the LKM never released at unload; a generated <fn>_done() releases it in FINI after the detach',
  'init-release-by-hand': 'INIT acquires something the LKM never released at unload, and lkm2mod cannot pair its release safely; the finding says what to free in FINI',
  'lkmexists-in-expression': 'lkmexists() was part of a larger expression and became 0 (a ? : on it, the branch it took for 0), which it always is under module(9)',
  'lkm-leftover': 'something of sys/lkm.h is still used after conversion',
  'declaration-unreadable': 'the MOD_* declaration or descriptor could not be read',
  'no-rule': 'no rule converts this kind of registration',
  'no-declaration': 'a module without any MOD_* declaration or descriptor was not converted',
  'duplicate-module-name': 'two LKMs would become modules of the same name',
  'module-dir-exists': 'sys/modules/<name> already exists; the module was converted in place',
  'left-behind': 'a subdirectory of the old LKM folder was not moved',
  'edit-conflict': 'two rules changed the same text; the module was not converted',
  'conversion-failed': 'a rule failed; the module was not converted',
  'rule-failed': 'a tree rule failed',
  'syscall-slot-answered': 'slot -1 was answered with --syscall-slot',
  'layout-outside-root': 'the module\'s NetBSD place (sys/modules/<name>) is outside the tree root, so it was converted in place',
  'symbol-unresolved': 'in a whole kernel tree: the module calls functions nothing defines (its sources, a module, what conf/files builds into the kernel)',
  'outside-tree-root': 'a file outside the tree root needs an edit; it is not written, the hunk is in the finding and the preview',
};

export function findingCodes(rules: readonly Rule[] = builtinRules): Record<string, string> {
  const out: Record<string, string> = { ...CONVERT_CODES };
  for (const r of rules) Object.assign(out, r.meta.findings ?? {});
  return out;
}
