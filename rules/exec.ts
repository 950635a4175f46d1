/**
 * MOD_EXEC → exec_add(9)/exec_remove(9) with a count, class EXEC.
 *
 * The LKM-era exec_add found the emulation by name at load time; the module-era one takes
 * execsw entries whose es_emul already points at the struct emul. So the emulation named in
 * MOD_EXEC is looked up in the indexed trees and written into the execsw initialiser, and the
 * module that defines it becomes a requisite through the symbol index.
 */
import { defineRule, type RuleContext, type SyntaxNode } from '../src/discover/rule-api.ts';
import { stringValue } from '../src/migrate/descriptor.ts';
import { addressee, elements, isNull, member } from '../src/migrate/rule-helpers.ts';

/** Position of es_emul in a positional struct execsw initialiser (sys/exec.h). */
const ES_EMUL = 3;

export default defineRule({
  scope: 'module',
  meta: {
    id: 'lkm-exec',
    kind: 'exec',
    summary: 'MOD_EXEC becomes exec_add/exec_remove of the execsw entry, with es_emul pointing at the emulation, class EXEC.',
    docs: [
      'Matches `MOD_EXEC(name, slot, &execsw, "emulation")`, the three-argument `MOD_EXEC(name, slot, &execsw)` of',
      'NetBSD before 1.6 (whose execsw probe chose the emulation), and hand-built `struct lkm_exec` descriptors.',
      '',
      'INIT calls `exec_add(execsw, 1)` and FINI `exec_remove(execsw, 1)` (one entry, as the LKM registered).',
      'The emulation the LKM named is found as a `struct emul` whose e_name matches, in the converted tree and',
      '`--kernel-src` trees (`emul_<name>` by convention otherwise, reported), and written into the entry\'s',
      '`es_emul` (positional or designated initialiser); the module defining it becomes a requisite. The',
      'three-argument form names no emulation: the one whose e_name is the LKM\'s name is taken (reported), or',
      'es_emul is marked to be set by hand.',
    ].join('\n'),
    emits: ['exec_add', 'exec_remove'],
    findings: {
      'exec-emulation-guessed': 'no struct emul with that name was found; es_emul uses the conventional emul_<name>',
      'exec-emulation-unset': 'the execsw initialiser could not be found or read, or no emulation is known; es_emul must be set by hand',
      'exec-emulation-from-name': 'a three-argument MOD_EXEC named no emulation; the one named like the LKM was taken',
    },
  },
  convert(ctx: RuleContext) {
    const { fields, declaration: decl } = ctx;
    ctx.setClass('EXEC');
    const execsw = fields.get('lkm_execsw') ?? ctx.plan.tables.execsw?.execsw ?? 'NULL';
    ctx.register({ attach: `exec_add(${execsw}, 1)`, detach: `exec_remove(${execsw}, 1)` });
    let emulName = stringValue(fields.get('lkm_emul') ?? '') ?? ctx.plan.tables.execsw?.emulName ?? null;
    if (!emulName && decl.macro === 'MOD_EXEC' && decl.args.length === 3) {
      // Before 1.6 the execsw's probe set the emulation itself; module(9)'s exec_add needs es_emul.
      const lkmName = stringValue(fields.get('lkm_name') ?? '');
      const found = lkmName ? ctx.emulation(lkmName) : null;
      if (!found) {
        ctx.marker(decl.file, decl.start, 'exec-emulation-unset', 'error',
          `This three-argument MOD_EXEC names no emulation (before NetBSD 1.6 the execsw's probe chose it), and no struct emul is named "${lkmName ?? decl.args[0]}": set es_emul in ${execsw} by hand, module(9)'s exec_add needs it.`);
        return;
      }
      emulName = lkmName;
      ctx.finding({
        file: decl.file,
        line: decl.line,
        severity: 'note',
        code: 'exec-emulation-from-name',
        message: `This three-argument MOD_EXEC names no emulation (before NetBSD 1.6 the execsw's probe chose it); es_emul is set to &${found.symbol}, the emulation named "${lkmName}" like the LKM. Check that the probe chose it.`,
      });
    }
    if (!emulName) return;
    // The native emulation is the kernel's own, declared by <sys/proc.h>.
    const native = emulName === 'netbsd' ? { symbol: 'emul_netbsd', declaration: '' } : null;
    const found = ctx.emulation(emulName) ?? native;
    const emul = found?.symbol ?? `emul_${emulName}`;
    if (!found) {
      ctx.finding({
        file: decl.file,
        line: decl.line,
        severity: 'warning',
        code: 'exec-emulation-guessed',
        message: `No struct emul named "${emulName}" was found in the trees converted or indexed (--kernel-src); es_emul is set to &${emul}, NetBSD's usual name. Check it, and list the module that defines it as required if the symbol index could not.`,
      });
    }
    ctx.uses(emul);
    const sym = addressee(execsw.replace(/\[\s*0\s*\]$/, ''));
    const def = sym ? ctx.definition(sym) : null;
    const entries = def?.initializer ? entryLists(def.initializer) : [];
    if (!def || entries.length === 0) {
      ctx.marker(decl.file, decl.start, 'exec-emulation-unset', 'error',
        `Set es_emul = &${emul} in ${sym ?? execsw} by hand: module(9)'s exec_add does not look emulations up by name.`);
      return;
    }
    const src = def.file;
    for (const entry of entries) {
      const slot = member(entry, 'es_emul', ES_EMUL);
      if (!slot) {
        const last = elements(entry).at(-1);
        if (last) src.edits.insert(last.endIndex, `,\n\t.es_emul = &${emul}`, `${ctx.plan.name}: es_emul`);
        continue;
      }
      if (isNull(slot.text)) src.edits.replace(slot.startIndex, slot.endIndex, `&${emul}`, `lkm-exec: es_emul`);
    }
    // Repeating a header's extern declaration word for word is harmless; a missing one is not.
    if (!native && !new RegExp(`\\b${emul}\\b`).test(src.text)) {
      const decl = found?.declaration ?? `extern struct emul ${emul};`;
      const prev = def.node.previousNamedSibling;
      const anchor = prev?.type === 'comment' && src.line(prev.endIndex) === src.line(def.node.startIndex) - 1 ? prev : def.node;
      src.edits.insert(src.lineStartOf(anchor.startIndex), `${decl}\n\n`, 'lkm-exec: emul declaration');
    }
  },
});

/** One struct execsw initialiser, or an array of them. */
function entryLists(init: SyntaxNode): SyntaxNode[] {
  const els = elements(init);
  if (els.length && els.every((e) => e.type === 'initializer_list')) return els;
  return [init];
}
