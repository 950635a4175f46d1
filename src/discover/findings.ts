/**
 * The findings discovery reports, one constructor per stable code, so every message says what
 * is there and what to do in one place (and the README's list stays true).
 */
import type { Finding, Severity } from './plan.ts';

export const FINDING_CODES: Record<string, { severity: Severity; summary: string }> = {
  'syscall-slot-dynamic': { severity: 'warning', summary: 'MOD_SYSCALL with slot -1: module(9) has no slot allocation' },
  'syscall-slot-unknown': { severity: 'note', summary: 'the syscall slot is a macro lkm2mod could not resolve' },
  'two-registrations': { severity: 'warning', summary: 'one module registers several things (hand-built descriptors, lkmdispatch())' },
  'handler-uses-lkmtp': { severity: 'warning', summary: 'a load/unload/stat handler uses its struct lkm_table' },
  'offset-read': { severity: 'warning', summary: 'code reads the slot or majors the kernel assigned (lkm_offset, lkm_cdevmaj)' },
  'conditional-registration': { severity: 'warning', summary: 'the declaration or DISPATCH is under #if, or has #if alternatives' },
  'entry-not-found': { severity: 'error', summary: 'no entry function dispatches the declared module' },
  'entry-via-macro': { severity: 'note', summary: 'the entry function is named through a macro' },
  'entry-without-dispatch': { severity: 'warning', summary: 'the entry function switches on cmd by hand instead of DISPATCH' },
  'entry-dispatches-by-hand': { severity: 'note', summary: 'the entry calls lkmdispatch() itself; handlers read from its switch' },
  'several-entries': { severity: 'warning', summary: 'more than one function dispatches' },
  'several-handler-sets': { severity: 'warning', summary: 'registrations dispatched in functions of their own name different handlers for one command' },
  'handler-not-found': { severity: 'error', summary: 'DISPATCH names a handler no file of the module defines' },
  'dispatch-args': { severity: 'error', summary: 'DISPATCH/LKM_DISPATCH does not have its six arguments' },
  'declaration-args': { severity: 'error', summary: 'a MOD_* macro has the wrong number of arguments (for the tree\'s sys/lkm.h when it has one)' },
  'declaration-form-unknown': { severity: 'error', summary: 'the tree\'s sys/lkm.h defines a MOD_* macro in a form lkm2mod does not know' },
  'declaration-not-in-tree': { severity: 'warning', summary: 'the tree\'s sys/lkm.h does not define the MOD_* macro a module uses' },
  'unknown-kind': { severity: 'error', summary: 'a hand-built struct lkm_any descriptor whose LM_ type cannot be read' },
  'missing-source': { severity: 'warning', summary: 'SRCS names a file the tree lacks (generated or missing)' },
  'old-mod-dev': { severity: 'note', summary: 'the historic four-argument MOD_DEV(name, LM_DT_*, slot, devsw)' },
  'sysent-patched': { severity: 'warning', summary: 'code writes sysent[] entries by hand' },
  'parse-errors': { severity: 'note', summary: 'tree-sitter could not parse parts of a file' },
  'preprocessor-unbalanced': { severity: 'warning', summary: '#if/#endif do not balance in a file' },
  'name-differs-from-kmod': { severity: 'note', summary: 'the declared module name and the Makefile KMOD differ' },
  'no-makefile': { severity: 'note', summary: 'a module found from its source alone, with no Makefile' },
  'glue-not-in-srcs': { severity: 'warning', summary: 'the file beside a Makefile that declares its LKM is not in SRCS; it is taken as part of the module' },
  'no-declaration': { severity: 'warning', summary: 'a Makefile builds a KMOD whose sources declare no LKM' },
  'modinfo-not-read': { severity: 'warning', summary: 'a Makefile builds a module(9) module (bsd.kmodule.mk) whose MODULE() line lkm2mod cannot read' },
  'modcmd-not-found': { severity: 'warning', summary: 'a module(9) module\'s MODULE() points at a modcmd no file of the module defines' },
  'not-understood': { severity: 'error', summary: 'an LKM declared through a macro around MOD_*/DISPATCH that no loaded rule pack reads' },
  'declared-by-rule': { severity: 'note', summary: 'a rule pack\'s declaration shape read a vendor macro as an LKM' },
  'rule-failed': { severity: 'error', summary: 'a rule pack\'s code failed while reading a declaration' },
  'unreadable-file': { severity: 'error', summary: 'a file could not be read' },
  'binary-file': { severity: 'warning', summary: 'a .c file or Makefile that is binary' },
};

export function finding(code: string, file: string, line: number, message: string, severity?: Severity): Finding {
  return { file, line, severity: severity ?? FINDING_CODES[code]?.severity ?? 'warning', code, message };
}

export const findings = {
  slotDynamic: (file: string, line: number, name: string) =>
    finding('syscall-slot-dynamic', file, line,
      `MOD_SYSCALL("${name}", -1, ...) lets the LKM loader pick a free slot; module(9)'s syscall_establish() only fills a fixed ` +
        `slot. Pick the number from syscalls.master (convert --syscall-slot ${name}=NUMBER) or keep patching sysent[] by hand.`),
  slotUnknown: (file: string, line: number, slot: string) =>
    finding('syscall-slot-unknown', file, line,
      `the syscall slot ${slot} is a macro lkm2mod could not resolve from the module's files and local headers; check its value.`),
  twoRegistrations: (file: string, line: number, what: string[], how = 'through hand-built descriptors and lkmdispatch()') =>
    finding('two-registrations', file, line,
      `this module registers ${what.length} things (${what.join(', ')}) ${how}; ` +
        'the converted modcmd must attach them in the same order and detach in reverse, undoing the first if the second fails.'),
  handlerUsesLkmtp: (file: string, line: number, handler: string, text: string) =>
    finding('handler-uses-lkmtp', file, line,
      `${handler}() uses its struct lkm_table (${text}); module(9)'s modcmd has no lkm_table, so this use must be rewritten by hand.`),
  offsetRead: (file: string, line: number, text: string, kind: string) =>
    finding('offset-read', file, line,
      `reads what the LKM loader assigned (${text}); module(9) has no _module descriptor: ` +
        (kind === 'dev'
          ? 'the majors are the variables the converted module passes to devsw_attach(), so this code must read those.'
          : kind === 'syscall'
            ? 'the slot is the fixed number in the converted module\'s syscall_package, so this code must use that.'
            : 'rewrite this use by hand.')),
  conditionalDeclaration: (file: string, line: number, what: string, conditions: string[]) =>
    finding('conditional-registration', file, line,
      `${what} is compiled only when ${conditions.join(' && ')}; the converted MODULE() and modcmd must stay under the same condition.`),
  alternativeDeclaration: (file: string, line: number, what: string, otherLine: number) =>
    finding('conditional-registration', file, line,
      `${what} and the one at line ${otherLine} are alternatives of one #if: the module registers differently by configuration. ` +
        'Convert each branch, or pick one and say so.'),
  entryNotFound: (file: string, line: number, files: string[]) =>
    finding('entry-not-found', file, line,
      `no function in ${files.join(', ')} calls DISPATCH, LKM_DISPATCH or lkmdispatch(), or looks like an LKM entry ` +
        '(struct lkm_table *, int cmd, int ver); if it lives in another file, add that file to SRCS; otherwise convert by hand.'),
  entryViaMacro: (file: string, line: number, macro: string, name: string) =>
    finding('entry-via-macro', file, line,
      `the entry function is named through the macro ${macro}, read as ${name}; the converted code names the modcmd directly.`),
  entryWithoutDispatch: (file: string, line: number, name: string) =>
    finding('entry-without-dispatch', file, line,
      `${name}() is the entry but does not use DISPATCH: it handles LKM_E_LOAD/LKM_E_UNLOAD itself. Review the converted ` +
        'modcmd against it, case by case.'),
  entryDispatchesByHand: (file: string, line: number, name: string, handlers: string[]) =>
    finding('entry-dispatches-by-hand', file, line,
      `${name}() calls lkmdispatch() itself instead of DISPATCH; ` +
        (handlers.length
          ? `its handlers were read from its LKM_E_* cases (${handlers.join(', ')}). `
          : 'no handler functions were found in its LKM_E_* cases. ') +
        'Review the converted modcmd against its order of work.'),
  severalEntries: (file: string, line: number, names: string[]) =>
    finding('several-entries', file, line,
      `several functions dispatch (${names.join(', ')}); lkm2mod took the first as the entry. modload(8) -e names the one used.`),
  handlerNotFound: (file: string, line: number, role: string, name: string) =>
    finding('handler-not-found', file, line,
      `DISPATCH names ${name} as the ${role} handler, but no file of the module defines it; add its source to SRCS, ` +
        'or convert by hand (its work would otherwise be lost).'),
  dispatchArgs: (file: string, line: number, macro: string, n: number) =>
    finding('dispatch-args', file, line,
      `${macro} has ${n} arguments where (lkmtp, cmd, ver, load, unload, stat) are expected; lkm2mod cannot tell the handlers apart.`),
  declarationArgs: (file: string, line: number, macro: string, n: number, expected: string) =>
    finding('declaration-args', file, line,
      `${macro} has ${n} argument${n === 1 ? '' : 's'}; it takes ${expected}. Check the declaration against sys/lkm.h.`),
  formUnknown: (file: string, line: number, macro: string, params: string[], where: string, known: string) =>
    finding('declaration-form-unknown', file, line,
      `${where} defines ${macro}(${params.join(', ')}), a form lkm2mod does not know (it knows ${known}), so it cannot tell ` +
        'what each argument registers. Convert this registration by hand, or write a rule pack for the form (lkm2mod rules docs).'),
  formNotInTree: (file: string, line: number, macro: string, header: string, release: string | null, known: string) =>
    finding('declaration-not-in-tree', file, line,
      `${header}${release ? ` (${release})` : ''} does not define ${macro}, so this tree could not build the LKM as it is; ` +
        `lkm2mod reads it in the form of the releases that have it (${known}). Check that the module belongs to this tree.`),
  unknownKind: (file: string, line: number, variable: string) =>
    finding('unknown-kind', file, line,
      `cannot tell what ${variable} registers (no LM_ type in its initialiser); treated as misc — check it.`),
  missingSource: (file: string, line: number, src: string, generatedBy: string | null) =>
    generatedBy
      ? finding('missing-source', file, line,
          `SRCS names ${src}, which the build generates (${generatedBy}); lkm2mod reads only sources that exist, ` +
            'so generate it first if it holds the module glue.', 'note')
      : finding('missing-source', file, line,
          `SRCS names ${src}, which the tree lacks (not in the Makefile's directory nor its .PATH); ` +
            'restore it, or drop it from SRCS.'),
  oldModDev: (file: string, line: number, devtype: string) =>
    finding('old-mod-dev', file, line,
      `the historic four-argument MOD_DEV(name, ${devtype}, slot, devsw) (before the 2002 devsw rework); the converted ` +
        `module attaches only the ${devtype === 'LM_DT_BLOCK' ? 'block' : 'character'} switch. Check the switch matches today's struct.`),
  sysentPatched: (file: string, line: number, text: string) =>
    finding('sysent-patched', file, line,
      `writes the system call table by hand (${text}); module(9) installs system calls with syscall_establish() on ` +
        'sys_nomodule slots: keep this by hand under kernconfig_lock, or move it to a syscall_package.'),
  parseErrors: (file: string, count: number, lines: number[], severity: Severity) =>
    finding('parse-errors', file, lines[0] ?? 1,
      `tree-sitter could not parse ${count} place${count === 1 ? '' : 's'} in this file (line${lines.length === 1 ? '' : 's'} ` +
        `${lines.join(', ')}); discovery worked from what parsed — check the entry and handlers reported for it.`, severity),
  unbalanced: (file: string, line: number, message: string) =>
    finding('preprocessor-unbalanced', file, line, `${message}; conditions reported for this file may be wrong.`),
  nameDiffers: (file: string, line: number, name: string, kmod: string) =>
    finding('name-differs-from-kmod', file, line,
      `the LKM is declared as "${name}" but the Makefile builds KMOD=${kmod}; the module(9) name must be one of them (modload looks for the KMOD).`),
  glueNotInSrcs: (file: string, line: number, kmod: string, glue: string[], declared: string) =>
    finding('glue-not-in-srcs', file, line,
      `SRCS omits ${glue.join(', ')}, beside this Makefile, which declares the LKM (${declared}): make builds ${kmod} without ` +
        `its declaration and entry, so modload could not load it. lkm2mod takes ${glue.length > 1 ? 'them' : 'it'} as part of ${kmod} ` +
        'and the converted Makefile lists it in SRCS; check that it belongs there.'),
  severalHandlerSets: (file: string, line: number, role: string, first: string, second: string, fn: string) =>
    finding('several-handler-sets', file, line,
      `${fn}() dispatches its registration with ${second} as the ${role} handler, but an earlier registration's DISPATCH ` +
        `named ${first}; the converted modcmd calls one ${role} handler (${first}). Call ${second} from it by hand where it belongs.`),
  noMakefile: (file: string, line: number, files: string[]) =>
    finding('no-makefile', file, line,
      `no Makefile builds this module; its files were taken as ${files.join(', ')}. Write a Makefile if it needs more.`),
  modcmdNotFound: (file: string, line: number, name: string, files: string[], missing: string[]) =>
    finding('modcmd-not-found', file, line,
      `MODULE() declares ${name}, whose modinfo points at ${name}_modcmd(), but no file of the module defines it ` +
        `(${files.join(', ')}${missing.length ? `; SRCS also names ${missing.join(', ')}, which the tree lacks` : ''}): ` +
        'the module will not link. Define it, or add the source that does to SRCS.'),
  modinfoNotRead: (file: string, line: number, kmod: string, files: string[]) =>
    finding('modinfo-not-read', file, line,
      `KMOD=${kmod} is built with bsd.kmodule.mk, as a module(9) module, but none of its sources ` +
        `(${files.length ? files.join(', ') : 'none exists'}) has a MODULE(MODULE_CLASS_..., name, required) line lkm2mod can read ` +
        '(one a macro writes, or one under #if 0). It is not an LKM, so nothing converts it; validate cannot check it either.'),
  noDeclaration: (file: string, line: number, kmod: string, files: string[], generated: string[]) =>
    finding('no-declaration', file, line,
      `KMOD=${kmod} builds ${files.length ? files.join(', ') : 'no source that exists'}, but none declares an LKM ` +
        '(no MOD_* macro, no struct lkm_* descriptor); ' +
        (generated.length
          ? `its glue is probably ${generated.join(', ')}, which the build generates: run make ${generated.join(' ')} in its directory and scan again.`
          : 'if its glue is generated, generate it and scan again; otherwise this is not an LKM.')),
};
