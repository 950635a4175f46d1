/**
 * Code outside a syscall module that calls one of its syscalls directly (a compat layer calling
 * sys_msgget()) is rewritten to call through the native syscall table:
 *
 *     return sys_msgget(l, &nua, retval);
 *  →  return sy_call(&sysent[SYS_msgget], l, &nua, retval);
 *
 * Once the call is a module's, the direct call either makes the caller require that module
 * (kobj resolves sys_msgget from it, so loading compat_linux drags sysvmsg in) or fails to link
 * without it. Through the table the caller needs nothing at link time: the slot holds the
 * module's handler when it is loaded and sys_nomodule when it is not — ENOSYS, or an autoload
 * of the module and ERESTART when the slot is in the autoload table (netbsd-module-api.md E).
 *
 * Why sy_call() and not `(*sysent[SYS_x].sy_call)(…)`: sy_call() (sys/syscallvar.h) records the
 * slot in l->l_sysent while the handler runs. sys_nomodule reads that to know which call it
 * stands for (the autoload lookup, and its "was it established meanwhile" ERESTART test), and
 * syscall_disestablish scans it to refuse (EBUSY) unloading a module one of whose calls is in
 * progress. A bare function-pointer call leaves l_sysent at the caller's own slot: the module
 * could be unloaded under a running compat call, and sys_nomodule would answer for the wrong
 * slot. NetBSD's own indirect syscall path (sys_syscall) uses sy_call() for the same reasons.
 *
 * Each rewrite keeps the arguments and whatever the caller does with the result (returned,
 * checked, assigned) — only the callee changes — and is reported with its reason. A use that
 * is not a plain call (the function's address taken, a call written inside a macro, a call with
 * other arguments than (l, uap, retval)) is left as it is, marked `XXX lkm2mod:` and reported.
 * The calls' entries in syscalls.master get `MODULAR <module>` (NetBSD 9's keyword) so the
 * kernel boots with those slots holding sys_nomodule and autoloads the module.
 */
import path from 'node:path';
import { walk, type SyntaxNode } from '../src/source/cparse.ts';
import { defineRule, type ConvertedModule, type SourceFile, type TreeContext } from '../src/discover/rule-api.ts';
import { masterFor, providedBy, type ProvidedSyscall } from '../src/migrate/syscall-master-index.ts';
import { entriesFor } from '../src/source/syscalls-master.ts';

interface Target {
  module: ConvertedModule;
  call: ProvidedSyscall;
  /** The providing module's own files: calls there stay direct. */
  own: ReadonlySet<string>;
}

export default defineRule({
  scope: 'tree',
  meta: {
    id: 'syscall-indirection',
    kind: 'tree',
    summary: 'Direct calls to a syscall a converted module provides go through the syscall table (sy_call(&sysent[SYS_x], …)).',
    docs: [
      'Runs after every module rule. For each syscall a converted module enters with syscall_establish (MOD_SYSCALL,',
      'or sysent[] patched by hand), finds every call to its function in the rest of the tree and rewrites',
      '`sys_x(l, uap, retval)` to `sy_call(&sysent[SYS_x], l, uap, retval)`, adding `<sys/syscall.h>` and',
      '`<sys/syscallvar.h>` where missing. Arguments and result handling stay as written. The caller then no longer',
      'links against the module (it stops being a requisite) and gets ENOSYS, or an autoload, when it is absent.',
      '',
      'Takes the address, calls inside a macro, and calls with other than three arguments are marked `XXX lkm2mod`',
      'and reported. The syscalls.master entries of the provided calls get `MODULAR <module>`.',
    ].join('\n'),
    emits: ['sy_call', 'sysent[SYS_x]', 'MODULAR (syscalls.master)'],
    findings: {
      'syscall-indirect': 'a direct call to a module\'s syscall now goes through sysent[] (one per rewrite, with its reason)',
      'syscall-address-taken': 'the function\'s address is taken: the link-time dependency stays',
      'syscall-call-in-macro': 'a call written inside a macro: rewrite the macro by hand',
      'syscall-call-arguments': 'a call that does not pass (l, uap, retval): rewrite it by hand',
      'syscall-no-constant': 'the call\'s slot has no SYS_ constant or number the caller can use',
      'syscall-master-modular': 'a syscalls.master entry was marked MODULAR',
      'syscall-master-entry': 'a provided call has no syscalls.master entry that can be marked MODULAR',
    },
  },
  run(ctx: TreeContext) {
    const targets = new Map<string, Target>();
    for (const m of ctx.modules) {
      const calls = providedBy(m.plan);
      if (!calls.length) continue;
      const own = new Set(m.plan.files);
      for (const call of calls) targets.set(call.handler, { module: m, call, own });
      markModular(ctx, m, calls);
    }
    if (targets.size === 0) return;
    const names = [...targets.keys()];
    const files = new Set([...ctx.treeFiles, ...ctx.modules.flatMap((m) => m.plan.files.filter((f) => /\.[ch]$/.test(f)))]);
    for (const file of [...files].sort()) {
      let src: SourceFile;
      try {
        src = ctx.source(file);
      } catch {
        continue;
      }
      if (!names.some((n) => src.text.includes(n))) continue;
      rewriteFile(ctx, src, targets);
    }
  },
});

function rewriteFile(ctx: TreeContext, src: SourceFile, targets: Map<string, Target>): void {
  let rewrote = false;
  const taken = new Map<number, { who: string | null; uses: Array<{ fn: string; t: Target }> }>();
  const rel = (f: string) => path.relative(ctx.root, f);
  // Calls inside #define bodies are raw text to the parser: find them there.
  for (const def of [...src.tree.rootNode.descendantsOfType('preproc_function_def'), ...src.tree.rootNode.descendantsOfType('preproc_def')]) {
    const value = def.childForFieldName('value')?.text ?? '';
    for (const [fn, t] of targets) {
      if (t.own.has(src.path) || !new RegExp(`\\b${fn}\\b`).test(value)) continue;
      ctx.marker(
        src.path,
        def.startIndex,
        'syscall-call-in-macro',
        'warning',
        `${def.childForFieldName('name')?.text ?? 'this macro'} uses ${fn}, which the ${t.module.name} module now provides; calls written inside a macro are not rewritten. Make the macro call sy_call(&sysent[${t.call.code}], l, uap, retval), or list ${t.module.name} as required by the module using it.`,
      );
    }
  }
  walk(src.tree.rootNode, (n) => {
    if (n.type !== 'identifier') return true;
    const t = targets.get(n.text);
    if (!t || t.own.has(src.path)) return false;
    const use = classify(n);
    if (use === 'declaration') return false;
    const where = `${rel(src.path)}:${src.line(n.startIndex)}`;
    const fn = enclosingFunction(n);
    if (use === 'unparsed') {
      ctx.marker(src.path, anchor(n), 'syscall-call-in-macro', 'warning', `${n.text} here sits in code the parser could not read (a macro?); it was not rewritten. Call it as sy_call(&sysent[${t.call.code}], l, uap, retval) so ${t.module.name} stays optional.`);
      return false;
    }
    if (use === 'value') {
      const at = anchor(n);
      const group = taken.get(at) ?? { who: fn ? `${fn}()` : declaredHere(n), uses: [] };
      group.uses.push({ fn: n.text, t });
      taken.set(at, group);
      return false;
    }
    const call = n.parent!;
    const args = call.childForFieldName('arguments')!;
    const argc = args.namedChildren.filter((c) => c.type !== 'comment').length;
    if (argc !== 3) {
      ctx.marker(src.path, anchor(n), 'syscall-call-arguments', 'warning', `${n.text} is called with ${argc} arguments, not (l, uap, retval); it was not rewritten. Call it through sy_call(&sysent[${t.call.code}], l, uap, retval).`);
      return false;
    }
    if (!/^(SYS_\w+|\d+)$/.test(t.call.code)) {
      ctx.marker(src.path, anchor(n), 'syscall-no-constant', 'warning', `${n.text} is provided by ${t.module.name} at slot ${t.call.code}, which has no SYS_ constant this file can use; it was not rewritten. Give the call a syscalls.master entry and call sy_call(&sysent[SYS_…], l, uap, retval).`);
      return false;
    }
    src.edits.replace(n.startIndex, args.startIndex + 1, `sy_call(&sysent[${t.call.code}], `, 'syscall-indirection: call through sysent');
    rewrote = true;
    ctx.finding({
      file: src.path,
      line: src.line(n.startIndex),
      severity: 'note',
      code: 'syscall-indirect',
      message: `${fn ? `${fn}() calls` : 'Calls'} ${n.text} through sysent[${t.call.code}] now: the ${t.module.name} module provides it${t.call.number !== null && !/^\d+$/.test(t.call.code) ? ` (slot ${t.call.number})` : ''}, so a direct call would make this code require ${t.module.name}; through the table it gets ENOSYS, or autoloads ${t.module.name}, when the module is absent.`,
    });
    return false;
  });
  // One marker per statement, however many of the functions it takes.
  for (const [at, g] of taken) {
    const fns = [...new Set(g.uses.map((u) => u.fn))];
    const mods = [...new Set(g.uses.map((u) => u.t.module.name))];
    const slots = [...new Set(g.uses.map((u) => `sysent[${u.t.call.code}]`))];
    ctx.marker(
      src.path,
      at,
      'syscall-address-taken',
      'warning',
      `${g.who ?? 'This'} takes the address of ${list(fns)}, which the ${list(mods)} module${mods.length > 1 ? 's' : ''} now provide${mods.length > 1 ? '' : 's'}: the code links against ${mods.length > 1 ? 'them' : 'it'} (list ${list(mods)} as required) and the calls skip sys_nomodule. Call through sy_call(&${slots.length > 1 ? 'sysent[SYS_…]' : slots[0]}, l, uap, retval) instead.`,
    );
  }
  if (rewrote) addIncludes(src, ['sys/syscall.h', 'sys/syscallvar.h']);
}

function list(xs: string[]): string {
  return xs.length <= 1 ? (xs[0] ?? '') : `${xs.slice(0, -1).join(', ')} and ${xs.at(-1)}`;
}

/** The variable a top-level declaration holding `n` declares (`svr4_semcalls`). */
function declaredHere(n: SyntaxNode): string | null {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'declaration') {
      let d = p.childForFieldName('declarator');
      while (d && d.type !== 'identifier') d = d.childForFieldName('declarator') ?? d.namedChildren[0] ?? null;
      return d?.text ?? null;
    }
  }
  return null;
}

type Use = 'call' | 'value' | 'declaration' | 'unparsed';

function classify(id: SyntaxNode): Use {
  for (let p = id.parent; p; p = p.parent) if (p.type === 'ERROR') return 'unparsed';
  const parent = id.parent!;
  if (parent.type === 'function_declarator' || parent.type.endsWith('declarator') || parent.type === 'parameter_declaration') return 'declaration';
  if (parent.type === 'call_expression' && parent.childForFieldName('function')?.id === id.id) return 'call';
  return 'value';
}

function enclosingFunction(n: SyntaxNode): string | null {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type === 'function_definition') {
      let d = p.childForFieldName('declarator');
      while (d && d.type !== 'identifier') d = d.childForFieldName('declarator');
      return d?.text ?? null;
    }
  }
  return null;
}

/** The start of the statement or declaration holding `n`: a marker line goes above it. */
function anchor(n: SyntaxNode): number {
  let x = n;
  while (x.parent && !['compound_statement', 'translation_unit', 'case_statement'].includes(x.parent.type) && !/^preproc_(if|ifdef|else|elif)/.test(x.parent.type)) {
    x = x.parent;
  }
  return x.startIndex;
}

/** `#include <sys/…>` lines the rewritten calls need, after the file's last `<sys/…>` include. */
function addIncludes(src: SourceFile, headers: string[]): void {
  const missing = headers.filter((h) => !new RegExp(`#\\s*include\\s*<${h.replace(/[/.]/g, '\\$&')}>`).test(src.text));
  if (!missing.length) return;
  const all = [...src.text.matchAll(/^[ \t]*#[ \t]*include[ \t]*<sys\/[^>]+>[^\n]*\n/gm)];
  const last = all.at(-1);
  const at = last ? last.index! + last[0].length : 0;
  src.edits.insert(at, missing.map((h) => `#include <${h}>\n`).join(''), 'syscall-indirection: includes');
}

/**
 * `225 STD { … }` → `225 STD MODULAR sysvmsg { … }`: the kernel then boots with the slot at
 * sys_nomodule and autoloads the module. Only entries that give the slot a handler are marked;
 * a slot the file leaves EXCL or UNIMPL in every branch needs an entry written by hand.
 */
function markModular(ctx: TreeContext, m: ConvertedModule, calls: readonly ProvidedSyscall[]): void {
  const tm = masterFor(m.plan.dir);
  if (!tm) return;
  const src = ctx.source(tm.path);
  for (const c of calls) {
    if (c.number === null) continue;
    const entries = entriesFor(tm.master, c.number).filter((e) => e.function !== null && !['EXCL', 'UNIMPL', 'OBSOL'].includes(e.type));
    if (!entries.length) {
      ctx.finding({
        file: tm.path,
        line: entriesFor(tm.master, c.number)[0]?.line ?? 1,
        severity: 'warning',
        code: 'syscall-master-entry',
        message: `${m.name} provides syscall ${c.number} (${c.handler}), but syscalls.master has no entry with a prototype that gives the slot a handler; write one as \`${c.number}\tSTD MODULAR ${m.name}\t{ int ${c.handler}(…); }\` so the kernel reserves the slot for the module.`,
      });
      continue;
    }
    for (const e of entries) {
      if (e.modular === m.name) continue;
      if (e.modular) {
        ctx.finding({ file: tm.path, line: e.line, severity: 'warning', code: 'syscall-master-entry', message: `Syscall ${c.number} is MODULAR ${e.modular} in syscalls.master, but ${m.name} provides it; autoload would look for ${e.modular}.` });
        continue;
      }
      // TYPE and flags, then MODULAR name, then the whitespace that stood before the brace.
      const typeAndFlags = src.text.slice(e.typeStart, e.typeEnd);
      const gap = /^[ \t]*/.exec(src.text.slice(e.typeEnd))![0];
      src.edits.replace(e.typeStart, e.typeEnd + gap.length, `${typeAndFlags} MODULAR ${m.name}\t`, 'syscall-indirection: MODULAR');
      ctx.finding({
        file: tm.path,
        line: e.line,
        severity: 'note',
        code: 'syscall-master-modular',
        message: `Syscall ${c.number} (${e.name}) is marked MODULAR ${m.name}: a kernel built from this file boots with the slot holding sys_nomodule and autoloads ${m.name} on the first call (NetBSD 9 and later read this keyword).`,
      });
    }
  }
}
