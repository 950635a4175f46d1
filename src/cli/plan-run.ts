/**
 * The work of `lkm2mod plan`: discover, infer the module set (or check an edited plan against
 * the tree again), write it out.
 */
import { existsSync } from 'node:fs';
import { writeFile, rename } from 'node:fs/promises';
import path from 'node:path';
import { UserError } from '../source/errors.ts';
import { planAndMachine, parseSlots } from './options.ts';
import { discover } from '../discover/discover.ts';
import { inferModuleSet, type ModuleSet } from '../migrate/module-set.ts';
import { renderPlan } from '../migrate/plan-file.ts';
import { moduleSetFromPlan } from '../migrate/plan-load.ts';
import { loadRulePacks } from '../rules/pack.ts';

export interface PlanFlags {
  out?: string;
  kernelSrc: string[];
  syscallSlot: string[];
  rules: string[];
  machine?: string;
  plan?: string;
}

export async function runPlan(paths: string[], flags: PlanFlags): Promise<number> {
  const slots = parseSlots(flags.syscallSlot);
  const { plan, machine } = await planAndMachine(flags);
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length) throw new UserError(`${missing.join(', ')}: no such file or directory`);
  const cwd = process.cwd();
  const rel = (p: string) => path.relative(cwd, p) || '.';
  if (flags.out && existsSync(flags.out)) {
    throw new UserError(`--out ${flags.out}: exists; lkm2mod does not write over a plan you may have edited. Name a new file (and diff the two), or pass the edited one with --plan to check it against the tree.`);
  }
  const packs = await loadRulePacks(flags.rules, rel);
  const abs = paths.map((p) => path.resolve(p));
  const scan = await discover(abs, { rules: packs.rules, machine });
  const set = plan ? moduleSetFromPlan(plan, scan, slots) : inferModuleSet(scan, { syscallSlots: slots });
  const base = flags.out ? path.dirname(path.resolve(flags.out)) : cwd;
  const text = renderPlan(set, base, paths.join(' '));
  if (flags.out) {
    const out = path.resolve(flags.out);
    const tmp = `${out}.${process.pid}.tmp`;
    await writeFile(tmp, text, { flag: 'wx' });
    await rename(tmp, out);
  } else {
    process.stdout.write(text);
  }
  process.stderr.write(summary(set) + (flags.out ? `; written to ${rel(path.resolve(flags.out))}` : '') + '\n');
  return 0;
}

function summary(set: ModuleSet): string {
  const renamed = set.modules.filter((m) => m.renamedFrom !== undefined).length;
  const open = set.slots.filter((s) => s.slot === null).length;
  const offered = set.possibleMerges.filter((p) => !set.merges.some((m) => m.from === p.from)).length;
  return [
    `${set.modules.length} module${set.modules.length === 1 ? '' : 's'} (${renamed} renamed)`,
    `${set.shared.length} shared`,
    ...(set.kernel.length ? [`${set.kernel.reduce((n, k) => n + k.sources.length, 0)} kernel source(s) placed in ${new Set(set.kernel.map((k) => k.into)).size} module(s)`] : []),
    `${set.merges.length} merged${offered ? `, ${offered} merge${offered === 1 ? '' : 's'} offered` : ''}`,
    ...(set.modules.some((m) => m.machine) ? [`${set.modules.filter((m) => m.machine).length} for a machine of its own`] : []),
    ...(set.slots.length ? [`${set.slots.length} syscall slot${set.slots.length === 1 ? '' : 's'}${open ? ` (${open} undecided)` : ''}`] : []),
  ].join(', ');
}
