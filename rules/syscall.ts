/**
 * MOD_SYSCALL → a syscall_package entered with syscall_establish(9).
 *
 * module(9) cannot pick a free slot as the LKM loader did for slot -1: a module names the
 * syscall numbers it provides, and the kernel's syscalls.master must mark those slots as
 * provided by a module (sys_nomodule) for syscall_establish to accept them.
 */
import { defineRule, type RuleContext } from '../src/discover/rule-api.ts';
import { isMinusOne, referencedSymbol } from '../src/migrate/descriptor.ts';
import { member } from '../src/migrate/rule-helpers.ts';
import { constantEntry, masterFor, recordProvided } from '../src/migrate/syscall-master-index.ts';

export default defineRule({
  scope: 'module',
  meta: {
    id: 'lkm-syscall',
    kind: 'syscall',
    summary: 'MOD_SYSCALL becomes a syscall_package entered with syscall_establish and removed with syscall_disestablish.',
    docs: [
      'Matches `MOD_SYSCALL(name, slot, &sysent)` and hand-built `struct lkm_syscall` descriptors.',
      '',
      'Writes `static const struct syscall_package <name>_syscalls[] = { { slot, 0, (sy_call_t *)handler }, { 0, 0, NULL } };`',
      'after MODULE(), registers it with `syscall_establish(NULL, …)` in INIT and `syscall_disestablish(NULL, …)` in FINI,',
      'includes `<sys/syscallvar.h>`, rewrites reads of `_module.lkm_offset` to the slot, and drops the `struct sysent`',
      'the LKM carried once nothing else uses it. Class MISC, as NetBSD gave its syscall modules (aio, mqueue).',
      '',
      'A slot of -1 has no module(9) equivalent: the package gets `-1` and an `XXX lkm2mod` marker, and an error is',
      'reported, unless `--syscall-slot NAME=NUMBER` answers it.',
    ].join('\n'),
    emits: ['syscall_establish', 'syscall_disestablish', 'struct syscall_package'],
    findings: {
      'syscall-slot-dynamic': 'slot -1: module(9) cannot allocate a syscall number; give one with --syscall-slot',
      'syscall-slot-module': 'the slot must be marked as a module syscall (sys_nomodule) in syscalls.master',
      'sysent-unresolved': 'the sysent the LKM installed could not be read, so its handler is unknown',
    },
  },
  convert(ctx: RuleContext) {
    const { name, declaration: decl } = ctx;
    ctx.setClass('MISC');
    ctx.include('sys/syscallvar.h');
    const slotText = ctx.fields.get('lkm_offset') ?? '-1';
    const sysentExpr = ctx.fields.get('lkm_sysent') ?? '';
    const sysentSym = referencedSymbol(sysentExpr);
    const def = sysentSym ? ctx.definition(sysentSym) : null;
    const table = def?.initializer ?? def?.expanded ?? null;
    const handlerNode = table ? member(table, 'sy_call', 3) : null;
    let handler = handlerNode?.text ?? ctx.plan.tables.sysent?.handler ?? null;
    if (handler) handler = handler.replace(/^\(\s*sy_call_t\s*\*\s*\)\s*/, '');
    const nargs = table ? member(table, 'sy_narg', 0)?.text : undefined;

    let slot = slotText;
    if (isMinusOne(slotText)) {
      const answer = ctx.syscallSlots.get(name) ?? ctx.syscallSlots.get(ctx.plan.name);
      if (answer !== undefined) {
        slot = String(answer);
        ctx.finding({
          file: decl.file,
          line: decl.line,
          severity: 'note',
          code: 'syscall-slot-answered',
          message: `Slot -1 became ${answer}, as --syscall-slot ${name}=${answer} said. syscalls.master must mark slot ${answer} as a module syscall (sys_nomodule).`,
        });
      } else {
        ctx.marker(
          decl.file,
          decl.start,
          'syscall-slot-dynamic',
          'error',
          `${name} asked the LKM loader for any free syscall slot (-1); module(9) cannot allocate one. Choose the number (a slot syscalls.master marks as a module syscall) and run convert again with --syscall-slot ${name}=NUMBER, or set it in ${name}_syscalls.`,
        );
      }
    } else {
      ctx.finding({
        file: decl.file,
        line: decl.line,
        severity: 'warning',
        code: 'syscall-slot-module',
        message: `syscall_establish only fills slots the kernel marks as provided by a module: syscalls.master must declare slot ${slotText}${handler ? ` (${handler}${nargs ? `, ${nargs} arguments` : ''})` : ''} that way, or the module fails to load with EBUSY.`,
      });
    }
    if (!handler) {
      handler = 'sys_nosys';
      ctx.marker(
        decl.file,
        decl.start,
        'sysent-unresolved',
        'error',
        `Could not read the handler of ${sysentExpr || 'the sysent'}; ${name}_syscalls calls sys_nosys until you put the syscall function there.`,
      );
    }
    // The number as syscall.h names it, when the tree's syscalls.master gives it a constant.
    const master = /^\d+$/.test(slot.trim()) ? masterFor(ctx.plan.dir) : null;
    const named = master ? constantEntry(master.master, Number(slot.trim())) : null;
    if (named?.name) {
      slot = `SYS_${named.name}`;
      ctx.include('sys/syscall.h');
    }
    if (!isMinusOne(slot)) recordProvided(ctx.plan, [{ code: slot, number: named?.number ?? (/^\d+$/.test(slot) ? Number(slot) : null), handler }]);
    const pkg = `${name}_syscalls`;
    ctx.declare(
      `static const struct syscall_package ${pkg}[] = {\n` +
        `\t{ ${slot}, 0, (sy_call_t *)${handler} },\n` +
        `\t{ 0, 0, NULL }\n` +
        `};`,
    );
    ctx.register({ attach: `syscall_establish(NULL, ${pkg})`, detach: `syscall_disestablish(NULL, ${pkg})` });
    ctx.rewriteAssigned({ lkm_offset: slot });
    if (sysentSym) ctx.dropIfUnused(sysentSym);
  },
});
