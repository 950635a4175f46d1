/**
 * What a module registers, in terms that are the same whoever registers it: the old loader
 * wiring an LKM in, or the converted module calling the subsystems itself. Two views:
 *
 * - the tables: from two kernel snapshots, the entries that changed, with everything that
 *   names the loader rather than the module taken out (which module provides a function,
 *   sysent's argument counts — module(9) keeps syscalls.master's —, sysctl node numbers and
 *   owners, positions in the exec switch);
 * - the calls: the kernel functions the module's own code called, with its registration
 *   collapsed into one step, so "the old load handler ran after the kernel wired the module
 *   in" can be compared with "INIT called load() after vfs_attach"; calls a NetBSD 4 → 5 port
 *   renames or makes unnecessary are read as their counterpart (src/migrate/era-calls.ts).
 */
import type { CallRecord } from '../kernel/calls.ts';
import { constant } from '../kernel/abi.ts';
import { asNumber } from '../kernel/machine/memory.ts';
import type { KernelSnapshot, Section } from '../kernel/state.ts';
import { comparableCall } from '../migrate/era-calls.ts';

/** Tables both worlds have; `emul` is LKM-only (module(9) has no emulation registry). */
const COMPARED: readonly Section[] = ['sysent', 'vfs', 'vnodeops', 'bdevsw', 'cdevsw', 'execsw', 'cfdriver', 'cfdata', 'devices', 'sysctl', 'files'];

/** `sysent[210]` → `sys_uptime`, `vfs kernfs` → `&kernfs_vfsops` …, for entries that changed. */
export function tableChanges(before: KernelSnapshot, after: KernelSnapshot, sections: readonly Section[] = COMPARED): Map<string, string> {
  const out = new Map<string, string>();
  for (const sec of sections) {
    const a = before[sec] ?? {};
    const b = after[sec] ?? {};
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (a[key] === b[key]) continue;
      const label = sec === 'sysent' || sec === 'bdevsw' || sec === 'cdevsw' ? `${sec}[${key}]` : `${sec} ${normalise(key)}`;
      out.set(label, b[key] === undefined ? 'removed' : describeEntry(sec, b[key]!));
    }
  }
  return out;
}

/**
 * A device switch entry as tableChanges() describes it, split: the name it is known by and the
 * code (`(d_open iplopen)`).
 */
export function devswParts(value: string): { name: string; code: string } {
  const code = / \(d_open [^)]*\)$/.exec(value)?.[0] ?? '';
  return { name: value.slice(0, value.length - code.length), code };
}

/** The emulations an LKM registered (MOD_COMPAT), which a module(9) module cannot. */
export function emulChanges(before: KernelSnapshot, after: KernelSnapshot): string[] {
  return [...tableChanges(before, after, ['emul']).keys()].map((k) => k.replace(/^emul /, ''));
}

function describeEntry(sec: Section, desc: string): string {
  if (sec === 'sysent') return normalise(desc.replace(/\s*\(narg.*$/, ''));
  if (sec === 'sysctl') return normalise(desc.replace(/^#\d+, /, ''));
  if (sec === 'execsw') return normalise(desc.replace(/position \d+, /, ''));
  if (sec === 'vfs') return normalise(desc.replace(/refcount \d+, /, ''));
  if (sec === 'bdevsw' || sec === 'cdevsw') {
    // `md: &md_cdevsw@md (d_open mdopen@md)`: the device's name and code, not which copy of the
    // switch holds them (the four-argument MOD_DEV copied it into the static table).
    // The name may hold colons itself (an LKM named "IP Filter: v3.3.8"): the last ": " ends it.
    const m = /^(.*): [^:(]*(\(.*\))?$/.exec(desc);
    if (m) return normalise(`${m[1]}${m[2] ? ` ${m[2]}` : ''}`);
  }
  return normalise(desc);
}

/** Drop what names the loader or the load rather than the module. */
function normalise(s: string): string {
  return s
    .replace(/@[A-Za-z0-9_.'-]+/g, '')
    .replace(/,? created by [^,)]+/g, '')
    .replace(/ by [A-Za-z0-9_'-]+$/g, '');
}

/** Kernel functions that register a module with a subsystem, and those that take it out. */
const REGISTER = new Set([
  'syscall_establish', 'vfs_attach', 'devsw_attach', 'exec_add', 'emul_register',
  'config_cfdriver_attach', 'config_cfattach_attach', 'config_cfdata_attach', 'config_init_component',
]);
const UNREGISTER = new Set([
  'syscall_disestablish', 'vfs_detach', 'devsw_detach', 'exec_remove', 'emul_unregister',
  'config_cfdriver_detach', 'config_cfattach_detach', 'config_cfdata_detach', 'config_fini_component',
]);
/** LKM plumbing that has no counterpart in a module and says nothing about its work. */
const LKM_ONLY = new Set(['lkmexists', 'lkm_nofunc']);

export const REGISTRATION = '[registration]';

/**
 * The module's calls as steps: function names, with the registration (the old loader's
 * lkmdispatch, or the subsystem calls a module makes) as one REGISTRATION step. `wires` says
 * whether the LKM's lkmdispatch registers anything at all (not for MISC and STRMOD, and for
 * COMPAT nothing a module(9) module can do).
 */
export function callSteps(records: readonly CallRecord[], side: 'lkm' | 'module', wires: boolean): string[] {
  const steps: string[] = [];
  const push = (s: string) => {
    if (s === REGISTRATION && steps.at(-1) === REGISTRATION) return;
    steps.push(s);
  };
  for (const r of records) {
    if (side === 'lkm') {
      if (LKM_ONLY.has(r.name)) continue;
      if (r.name === 'lkmdispatch') {
        const cmd = r.args[1] ? asNumber(r.args[1]) : -1;
        if (wires && (cmd === constant('LKM_E_LOAD') || cmd === constant('LKM_E_UNLOAD'))) push(REGISTRATION);
        continue;
      }
    } else if (REGISTER.has(r.name) || UNREGISTER.has(r.name)) {
      push(REGISTRATION);
      continue;
    }
    const step = comparableCall(r.name);
    if (step !== null) push(step);
  }
  return steps;
}

/** `vfs_opv_init_explicit, [registration], sysctl_createv ×3` */
export function formatSteps(steps: readonly string[]): string {
  if (steps.length === 0) return '(no kernel calls)';
  const out: string[] = [];
  for (let i = 0; i < steps.length; ) {
    let j = i;
    while (j < steps.length && steps[j] === steps[i]) j++;
    out.push(j - i > 1 ? `${steps[i]} ×${j - i}` : steps[i]!);
    i = j;
  }
  return out.join(', ');
}
