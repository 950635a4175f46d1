/**
 * The module set: the migration's decisions for a whole tree, before any source is edited.
 * One LKM at a time cannot see them; they are what makes modules work together:
 *   - each module named as the kernel looks it up (module-names.ts);
 *   - sources several LKMs compile moved into one shared module the others require (as LKMs
 *     each carried a copy; two modules defining one global symbol cannot both be loaded);
 *   - an exec-format LKM of an emulation either kept apart or folded into the emulation's
 *     module (NetBSD folded them; the default keeps them apart, the plan offers the merge);
 *   - kernel code only the modules' own options build (ufs for ffs, lfs, mfs, ext2fs) put into
 *     one of them or a module of its own, which the others require (module-set-kernel.ts);
 *   - the syscall slots of LKMs that let the old loader choose;
 *   - the machine whose paths (${MACHINE}) the tree is read for, and the machine of each module
 *     that is one port's code (module-machine.ts).
 * `lkm2mod plan` writes it out (plan-file.ts), the user edits it, `--plan` feeds it back.
 */
import { listed } from '../source/listing.ts';
import path from 'node:path';
import { DEFAULT_MACHINE, parseMachine } from '../source/make-env.ts';
import { definedEmulation, kernelName, readTextFile, type LookupKind, type ReadText } from './module-names.ts';
import { kernelCode, type KernelCode } from './module-set-kernel.ts';
import { isIdentifier, MAXMODNAME } from './names.ts';
import { moduleMachine, type ModuleMachine } from './module-machine.ts';
import type { LkmKind, ModulePlan, ScanResult } from '../discover/plan.ts';

export interface PlannedModule {
  /** The LKM's directory (absolute): what a plan line names the LKM by. */
  dir: string;
  /** The LKM's name as declared. */
  lkm: string;
  kind: LkmKind;
  /** The module(9) name. */
  name: string;
  lookup: LookupKind;
  /** The LKM's name, when the module's differs. */
  renamedFrom?: string;
  /** Why this name (for a rename: what asks for it). */
  reason: string;
  /** The plan file line that decided it, when it came from a plan. */
  line?: number;
  /** The port it is for, when it is one port's code (the tree's machine otherwise). */
  machine?: ModuleMachine;
}

export interface SharedModule {
  name: string;
  /** The sources it holds (absolute), in the order the LKMs' SRCS name them. */
  sources: string[];
  /** The modules that built them and now require it. */
  users: string[];
  reason: string;
  line?: number;
  /** Kernel code the users call (module-set-kernel.ts), not sources their LKMs built. */
  kernelCode?: boolean;
}

export interface Merge {
  /** The exec-format module folded in. */
  from: string;
  /** The emulation's module that takes it. */
  into: string;
  reason: string;
  line?: number;
}

export interface SlotDecision {
  module: string;
  /** null: not decided (the plan asks the user). */
  slot: number | null;
  reason: string;
  line?: number;
}

export interface ModuleSet {
  machine: string | null;
  modules: PlannedModule[];
  shared: SharedModule[];
  /** Merges to make. */
  merges: Merge[];
  /** Merges lkm2mod sees but does not make unless the plan says so. */
  possibleMerges: Merge[];
  slots: SlotDecision[];
  /** Kernel code the modules use that no kernel without their options has, and where it goes. */
  kernel: KernelCode[];
}

export type { KernelCode };

export interface InferOptions {
  read?: ReadText;
  /** `--syscall-slot` answers already given. */
  syscallSlots?: ReadonlyMap<string, number>;
  /** The machine the tree was read for, as `--machine` spells it. */
  machine?: string | null;
}

/** What lkm2mod infers for a tree: the default plan. */
export function inferModuleSet(scan: ScanResult, opts: InferOptions = {}): ModuleSet {
  const read = opts.read ?? readTextFile;
  const plans = convertible(scan);
  const treeMachine = scan.machine?.machine ?? null;
  const modules: PlannedModule[] = plans.map((p) => {
    const n = kernelName(p, p.name, read);
    const machine = moduleMachine(p, treeMachine);
    return {
      dir: p.dir,
      lkm: p.name,
      kind: p.kind,
      name: n.name,
      lookup: n.lookup,
      ...(n.renamedFrom !== undefined ? { renamedFrom: n.renamedFrom } : {}),
      reason: n.why ?? (n.renamedFrom !== undefined && n.reason ? n.reason : nameReason(n.lookup, n.name)),
      ...(machine ? { machine } : {}),
    };
  });
  uniqueNames(modules);
  const byDir = new Map(plans.map((p, i) => [p.dir, modules[i]!]));
  const shared = sharedSources(plans, byDir);
  const taken = new Set([...modules.map((m) => m.name), ...shared.map((s) => s.name)]);
  const machine = opts.machine ?? machineSpec(scan);
  return {
    machine,
    modules,
    shared,
    merges: [],
    possibleMerges: emulationMerges(plans, byDir, read),
    slots: slotDecisions(plans, byDir, opts.syscallSlots ?? new Map()),
    kernel: kernelCode(plans, byDir, read, (machine ?? DEFAULT_MACHINE.machine).split(':')[0]!, taken),
  };
}

/** `i386`, or `evbarm:armeb` when the architecture is not the port's usual one. */
function machineSpec(scan: ScanResult): string | null {
  const m = scan.machine;
  if (!m) return null;
  const usual = parseMachine(m.machine);
  return 'error' in usual || usual.arch !== m.arch ? `${m.machine}:${m.arch}` : m.machine;
}

/** LKMs with a declaration: what convert turns into modules. */
export function convertible(scan: ScanResult): ModulePlan[] {
  return [...scan.modules].filter((p) => p.declaration).sort((a, b) => a.dir.localeCompare(b.dir));
}

function nameReason(lookup: LookupKind, name: string): string {
  switch (lookup) {
    case 'file system type':
      return `mount -t ${name} autoloads it by this file system type name`;
    case 'emulation':
      return `the emulation's module, as module(9) names it`;
    case 'exec format':
      return `exec formats are modules named exec_<format>`;
    case 'cfdriver':
      return `autoconf loads a driver module by its cfdriver name`;
    default:
      return 'the LKM\'s name';
  }
}

/** Two LKMs that would get one name: the later one keeps its LKM name instead, and says so. */
function uniqueNames(modules: PlannedModule[]): void {
  const seen = new Set<string>();
  for (const m of modules) {
    if (seen.has(m.name) && m.lookup !== 'lkm name' && isIdentifier(m.lkm) && !seen.has(m.lkm)) {
      m.reason = `${m.name} (its ${m.lookup}) is taken by another module of the tree, so it keeps its LKM name`;
      m.name = m.lkm;
      m.lookup = 'lkm name';
      delete m.renamedFrom;
    }
    seen.add(m.name);
  }
}

/**
 * Every source built by more than one LKM of the tree, grouped by folder: one shared module per
 * folder, named for the role its files share (`layer_*.c` used by file systems → `layerfs`),
 * else for the folder (`compat/common` → `compat`).
 */
function sharedSources(plans: ModulePlan[], byDir: Map<string, PlannedModule>): SharedModule[] {
  const builtBy = new Map<string, ModulePlan[]>();
  for (const p of plans) {
    for (const f of new Set(p.files)) {
      if (!f.endsWith('.c') || isGlue(p, f)) continue;
      builtBy.set(f, [...(builtBy.get(f) ?? []), p]);
    }
  }
  const byFolder = new Map<string, string[]>();
  for (const [file, users] of builtBy) {
    if (users.length < 2) continue;
    const dir = path.dirname(file);
    byFolder.set(dir, [...(byFolder.get(dir) ?? []), file]);
  }
  const taken = new Set([...byDir.values()].map((m) => m.name));
  const out: SharedModule[] = [];
  for (const [dir, files] of [...byFolder].sort(([a], [b]) => a.localeCompare(b))) {
    const users = plans.filter((p) => files.some((f) => p.files.includes(f)));
    const order = users[0]!.files;
    files.sort((a, b) => order.indexOf(a) - order.indexOf(b) || a.localeCompare(b));
    let name = sharedName(dir, files, users);
    while (taken.has(name)) name = `${name}_common`;
    taken.add(name);
    const userNames = users.map((u) => byDir.get(u.dir)!.name);
    const shown = files.map((f) => path.basename(f));
    out.push({
      name,
      sources: files,
      users: userNames,
      reason: `${listed(shown, 5)} ${shown.length === 1 ? 'is' : 'are'} built by ${listed(userNames, 5)}; as modules they cannot each define the same symbols, so ${shown.length === 1 ? 'it moves' : 'they move'} into one module they require`,
    });
  }
  return out;
}

function sharedName(dir: string, files: string[], users: ModulePlan[]): string {
  const prefixes = new Set(files.map((f) => /^([a-z][a-z0-9]*)_/i.exec(path.basename(f))?.[1] ?? ''));
  const [prefix] = [...prefixes];
  if (prefixes.size === 1 && prefix && prefix.length >= 3) {
    const fs = users.every((u) => u.kind === 'vfs') && !/fs$/.test(prefix) ? 'fs' : '';
    return clip(prefix + fs);
  }
  const base = path.basename(dir);
  const folder = base === 'common' ? path.basename(path.dirname(dir)) : base;
  return clip(folder.replace(/[^A-Za-z0-9_]+/g, '_'));
}

function clip(name: string): string {
  return name.length < MAXMODNAME ? name : name.slice(0, MAXMODNAME - 1);
}

/** The LKM's own glue: a file in its own folder. */
function isGlue(p: ModulePlan, file: string): boolean {
  return path.dirname(file) === p.dir;
}

/**
 * An exec LKM whose execsw names an emulation another LKM of the tree defines: the two may
 * become one module (NetBSD's compat modules hold their exec formats).
 */
function emulationMerges(plans: ModulePlan[], byDir: Map<string, PlannedModule>, read: ReadText): Merge[] {
  const emulations = new Map<string, ModulePlan>();
  for (const p of plans) {
    if (p.kind !== 'compat' && p.kind !== 'exec') continue;
    const e = definedEmulation(p, p.files.map((f) => ({ text: read(f) ?? '' })));
    if (e && !emulations.has(e)) emulations.set(e, p);
  }
  const out: Merge[] = [];
  for (const p of plans) {
    const emul = p.tables.execsw?.emulName;
    const host = emul ? emulations.get(emul) : undefined;
    if (!emul || !host || host === p) continue;
    const from = byDir.get(p.dir)!.name;
    const into = byDir.get(host.dir)!.name;
    out.push({
      from,
      into,
      reason: `${from}'s execsw names the emulation "${emul}", which ${into} defines: one module holds both, its exec formats added after the emulation is set up (as NetBSD's compat modules do)`,
    });
  }
  return out;
}

function slotDecisions(plans: ModulePlan[], byDir: Map<string, PlannedModule>, given: ReadonlyMap<string, number>): SlotDecision[] {
  const out: SlotDecision[] = [];
  for (const p of plans) {
    const s = p.tables.sysent;
    if (!s || s.slot !== -1) continue;
    const name = byDir.get(p.dir)!.name;
    const slot = given.get(name) ?? given.get(p.name) ?? null;
    out.push({
      module: name,
      slot,
      reason:
        slot === null
          ? `MOD_SYSCALL asked the LKM loader for any free slot; module(9) needs a fixed one: pick a slot syscalls.master marks as a module syscall`
          : `given with --syscall-slot`,
    });
  }
  return out;
}

/** The planned module for an LKM directory. */
export function plannedFor(set: ModuleSet, dir: string): PlannedModule | undefined {
  return set.modules.find((m) => m.dir === dir);
}
