/**
 * The plan file: the module set (module-set.ts) as a text a kernel developer reads and edits
 * like a kernel config file — one decision per line, the reason in a comment above it:
 *
 *   machine i386
 *   module  null            sys/lkm/vfs/miscfs/nullfs
 *   machine mac68k for fd
 *   shared  layerfs         sys/miscfs/genfs/layer_subr.c sys/miscfs/genfs/layer_vnops.c
 *   kernel  ffs             sys/ufs/ufs/ufs_bmap.c sys/ufs/ufs/ufs_vnops.c
 *   merge   exec_linux_elf32 into compat_linux
 *   syscall procinfo        211
 *
 * `#` starts a comment; a merge lkm2mod offers but does not make is written commented out, so
 * taking it is deleting one `#`. Paths are relative to the plan file's directory. Reading a plan
 * checks it against the tree: a decision that no longer fits (an LKM gone, a name taken twice, a
 * source no LKM builds) is an error naming the plan line. No parser dependency: the format is
 * words on lines.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isIdentifier, MAXMODNAME } from './names.ts';
import { isPort } from './module-machine.ts';
import { kernelTreeOf, sysDirAbove } from '../source/make-env.ts';
import type { KernelCode, Merge, ModuleSet, PlannedModule, SharedModule, SlotDecision } from './module-set.ts';
import type { Finding } from '../discover/plan.ts';

/** The plan as text; `base` is the directory paths are written relative to. */
export function renderPlan(set: ModuleSet, base: string, title: string): string {
  const rel = (p: string) => path.relative(base, p).split(path.sep).join('/') || '.';
  const out: string[] = [
    `# lkm2mod plan for ${title}`,
    '#',
    '# The migration\'s decisions, one per line, each with its reason above it. Edit a line to',
    '# change a decision and run `lkm2mod convert --plan THIS-FILE` (validate, review and report',
    '# take --plan too). Paths are relative to the directory of this file.',
    '#',
    '#   machine NAME                 the machine ${MACHINE} paths in Makefiles are read for',
    '#   module  NAME  LKM-DIR        the module(9) name of the LKM in LKM-DIR',
    '#   machine NAME  for MODULE     the machine of one module that is one port\'s code; a module',
    '#                                without such a line is built for the tree\'s machine',
    '#   shared  NAME  SOURCE...      sources several LKMs built, as one module they require',
    '#   kernel  NAME  SOURCE...      kernel code only the modules\' options build, into module NAME',
    '#                                (one of the modules, or a new module of that name)',
    '#   merge   EXEC  into  EMUL     fold exec-format module EXEC into emulation module EMUL',
    '#   syscall NAME  SLOT           the fixed syscall slot of a module whose LKM took any (-1);',
    '#                                ? leaves it undecided',
    '',
  ];
  if (set.machine) out.push(`machine ${set.machine}`, '');
  else out.push('# No machine chosen: Makefile paths under ${MACHINE} cannot be followed. Uncomment and set:', '#machine i386', '');
  const width = Math.max(8, ...set.modules.map((m) => m.name.length), ...set.shared.map((s) => s.name.length));
  const pad = (s: string) => s.padEnd(width);
  out.push('# --- modules ---', '');
  for (const m of set.modules) out.push(...comment(`${m.name}: ${m.reason}${m.renamedFrom ? `; the LKM was "${m.renamedFrom}"` : ''}.`), `module  ${pad(m.name)} ${rel(m.dir)}`, '');
  const ported = set.modules.filter((m) => m.machine);
  if (ported.length) out.push('# --- machines ---', '');
  for (const m of ported) out.push(...comment(`${m.name}: ${m.machine!.reason}.`), `machine ${m.machine!.name} for ${m.name}`, '');
  if (set.shared.length) out.push('# --- shared modules ---', '');
  for (const s of set.shared) out.push(...comment(`${s.name}: ${s.reason}.`), `shared  ${pad(s.name)} ${s.sources.map(rel).join(' ')}`, '');
  if (set.kernel.length) out.push('# --- kernel code the modules use that no kernel without their options has ---', '');
  for (const k of set.kernel) out.push(...comment(`${k.into}: ${k.reason}.`), `kernel  ${pad(k.into)} ${k.sources.map(rel).join(' ')}`, '');
  const merges = [...set.merges.map((m) => ({ m, on: true })), ...set.possibleMerges.filter((p) => !set.merges.some((m) => m.from === p.from)).map((m) => ({ m, on: false }))];
  if (merges.length) out.push('# --- merges ---', '');
  for (const { m, on } of merges) {
    out.push(...comment(`${m.reason}.${on ? '' : ' Kept apart by default: delete the # to merge.'}`), `${on ? '' : '#'}merge   ${m.from} into ${m.into}`, '');
  }
  if (set.slots.length) out.push('# --- syscall slots ---', '');
  for (const s of set.slots) out.push(...comment(`${s.module}: ${s.reason}.`), `syscall ${pad(s.module)} ${s.slot ?? '?'}`, '');
  return out.join('\n').replace(/\n+$/, '\n');
}

function comment(text: string): string[] {
  const words = text.split(/\s+/);
  const lines: string[] = [];
  let cur = '#';
  for (const w of words) {
    if (cur.length + 1 + w.length > 100 && cur !== '#') {
      lines.push(cur);
      cur = '#';
    }
    cur += ` ${w}`;
  }
  lines.push(cur);
  return lines;
}

/** One decision as read, with its line. */
interface PlanLine {
  line: number;
  words: string[];
}

/** The decisions a plan file holds, before they are checked against the tree. */
export interface PlanDecisions {
  file: string;
  machine: { name: string; line: number } | null;
  modules: Array<{ name: string; dir: string; line: number }>;
  /** `machine mac68k for fd`: one module's machine. */
  machines: Array<{ name: string; module: string; line: number }>;
  shared: Array<{ name: string; sources: string[]; line: number }>;
  kernel: Array<{ name: string; sources: string[]; line: number }>;
  merges: Array<{ from: string; into: string; line: number }>;
  slots: Array<{ module: string; slot: number | null; line: number }>;
}

/** Read a plan file's text; syntax errors are findings naming the line. */
export function parsePlan(text: string, file: string): { plan: PlanDecisions; errors: Finding[] } {
  const base = path.dirname(path.resolve(file));
  const plan: PlanDecisions = { file, machine: null, modules: [], machines: [], shared: [], kernel: [], merges: [], slots: [] };
  const errors: Finding[] = [];
  const err = (line: number, message: string) => errors.push({ file, line, severity: 'error', code: 'plan-syntax', message });
  const lines: PlanLine[] = text.split('\n').map((l, i) => ({ line: i + 1, words: l.replace(/#.*$/, '').trim().split(/\s+/).filter(Boolean) }));
  for (const { line, words } of lines) {
    if (words.length === 0) continue;
    const [kw, ...rest] = words;
    switch (kw) {
      case 'machine':
        if (rest.length === 3 && rest[1] === 'for') {
          const twice = plan.machines.find((m) => m.module === rest[2]);
          if (twice) err(line, `a second machine for ${rest[2]}; the first is line ${twice.line}. Keep one.`);
          else plan.machines.push({ name: rest[0]!, module: rest[2]!, line });
        } else if (rest.length !== 1) err(line, `machine takes one name (machine i386), or a name and a module (machine mac68k for fd), not "${rest.join(' ')}".`);
        else if (plan.machine) err(line, `a second machine line; the first is line ${plan.machine.line}. Keep one.`);
        else plan.machine = { name: rest[0]!, line };
        break;
      case 'module':
        if (rest.length !== 2) err(line, 'module takes a name and the LKM\'s directory: module null sys/lkm/vfs/miscfs/nullfs.');
        else plan.modules.push({ name: rest[0]!, dir: path.resolve(base, rest[1]!), line });
        break;
      case 'shared':
        if (rest.length < 2) err(line, 'shared takes a name and the sources it holds: shared layerfs sys/miscfs/genfs/layer_subr.c ...');
        else plan.shared.push({ name: rest[0]!, sources: rest.slice(1).map((s) => path.resolve(base, s)), line });
        break;
      case 'kernel':
        if (rest.length < 2) err(line, 'kernel takes the module that holds the code and its sources: kernel ffs sys/ufs/ufs/ufs_vnops.c ...');
        else plan.kernel.push({ name: rest[0]!, sources: rest.slice(1).map((s) => path.resolve(base, s)), line });
        break;
      case 'merge':
        if (rest.length !== 3 || rest[1] !== 'into') err(line, 'merge reads: merge EXEC-MODULE into EMULATION-MODULE.');
        else plan.merges.push({ from: rest[0]!, into: rest[2]!, line });
        break;
      case 'syscall': {
        const slot = rest[1] === '?' ? null : Number(rest[1]);
        if (rest.length !== 2 || (slot !== null && (!Number.isInteger(slot) || slot < 0))) err(line, 'syscall takes a module name and a slot number (or ?): syscall procinfo 211.');
        else plan.slots.push({ module: rest[0]!, slot, line });
        break;
      }
      default:
        err(line, `"${kw}" is not a plan decision; lines start with machine, module, shared, kernel, merge or syscall (# for a comment).`);
    }
  }
  return { plan, errors };
}

/**
 * The module set a plan decides, checked against what lkm2mod found in the tree now
 * (`inferred`). LKMs the plan does not mention (added since) keep lkm2mod's defaults; shared
 * modules, merges and slots are the plan's alone (deleting a line undoes a decision).
 * `builtBy` answers which LKM directories build a source.
 */
export function applyPlan(
  inferred: ModuleSet,
  plan: PlanDecisions,
  builtBy: (source: string) => string[],
): { set: ModuleSet; errors: Finding[] } {
  const errors: Finding[] = [];
  const stale = (line: number, message: string) =>
    errors.push({ file: plan.file, line, severity: 'error', code: 'plan-stale', message });
  const names = new Map<string, number>();
  const claim = (name: string, line: number): boolean => {
    if (!isIdentifier(name) || name.length >= MAXMODNAME) {
      stale(line, `${name} cannot be a module name: MODULE() needs a C identifier shorter than ${MAXMODNAME} characters.`);
      return false;
    }
    const first = names.get(name);
    if (first !== undefined) {
      stale(line, `the name ${name} is taken by line ${first}; module(9) refuses two modules of one name. Rename one.`);
      return false;
    }
    names.set(name, line);
    return true;
  };

  const modules: PlannedModule[] = [];
  const byDir = new Map<string, PlanDecisions['modules'][number]>();
  const known = new Set(inferred.modules.map((m) => m.dir));
  const shownDir = (d: string) => path.relative(process.cwd(), d) || '.';
  // Lines for LKMs outside the paths this command was given are not its business (a whole
  // tree's plan used on one folder); a folder that is gone, or holds no LKM now, is stale.
  const outOfScope = new Set<string>();
  for (const m of plan.modules) {
    const twice = byDir.get(m.dir);
    if (!known.has(m.dir) && existsSync(m.dir) && lkmHere(m.dir)) outOfScope.add(m.name);
    else if (!known.has(m.dir)) stale(m.line, `no LKM is in ${shownDir(m.dir)} any more (moved, renamed or converted?); fix or delete this line.`);
    else if (twice) stale(m.line, `${shownDir(m.dir)} is named on line ${twice.line} already; keep one line per LKM.`);
    else if (claim(m.name, m.line)) byDir.set(m.dir, m);
  }
  for (const m of inferred.modules) {
    const chosen = byDir.get(m.dir);
    if (!chosen) {
      // An LKM added since the plan was written keeps lkm2mod's name, unless the plan took it.
      const taken = names.get(m.name);
      if (taken !== undefined) stale(taken, `${m.name} is also lkm2mod's name for the LKM in ${shownDir(m.dir)}, which this plan does not mention; add a module line for it with another name.`);
      else names.set(m.name, 0);
      modules.push(m);
      continue;
    }
    modules.push(
      chosen.name === m.name
        ? { ...m, line: chosen.line }
        : {
            ...withoutRename(m),
            name: chosen.name,
            lookup: 'lkm name',
            ...(chosen.name !== m.lkm ? { renamedFrom: m.lkm } : {}),
            reason: `named so in the plan (line ${chosen.line}); lkm2mod would name it ${m.name}: ${m.reason}`,
            line: chosen.line,
          },
    );
  }
  // A module's machine is the plan's: deleting its line builds it for the tree's machine. An
  // LKM the plan does not mention keeps lkm2mod's inference.
  for (const [i, m] of modules.entries()) {
    if (!byDir.has(m.dir)) continue;
    const { machine: _inferred, ...rest } = m;
    modules[i] = rest;
  }
  for (const mm of plan.machines) {
    const at = modules.findIndex((m) => m.name === mm.module);
    if (at < 0) {
      if (!outOfScope.has(mm.module)) stale(mm.line, `${mm.module} is not a module of the tree (its name in a module line, or lkm2mod's default); fix or delete this line.`);
      continue;
    }
    const m = modules[at]!;
    const S = kernelTreeOf(m.dir) ?? sysDirAbove(m.dir);
    if (S && !isPort(S, mm.name)) {
      stale(mm.line, `${mm.name} is not a port of this tree (no arch/${mm.name}/include with a conf/Makefile.${mm.name} or std.${mm.name}); name one the tree has.`);
      continue;
    }
    const inferredOne = inferred.modules.find((x) => x.dir === m.dir)?.machine;
    modules[at] = { ...m, machine: { name: mm.name, reason: inferredOne?.name === mm.name ? inferredOne.reason : `chosen in the plan (line ${mm.line})`, line: mm.line } };
  }
  const moduleNames = new Map(modules.map((m) => [m.name, m]));
  const dirToName = new Map(modules.map((m) => [m.dir, m.name]));

  const shared: SharedModule[] = [];
  for (const s of plan.shared) {
    if (!claim(s.name, s.line)) continue;
    const users = new Set<string>();
    let ok = true;
    for (const src of s.sources) {
      const by = builtBy(src);
      if (by.length === 0) {
        stale(s.line, `no LKM of the tree builds ${path.basename(src)} (${src}); drop it from this line.`);
        ok = false;
      }
      for (const d of by) users.add(dirToName.get(d) ?? d);
    }
    if (!ok) continue;
    const inferredOne = inferred.shared.find((i) => i.name === s.name || i.sources.join() === s.sources.join());
    shared.push({
      name: s.name,
      sources: s.sources,
      users: [...users].sort(),
      reason: inferredOne?.reason ?? `the plan (line ${s.line}) moves these sources into one module their LKMs require`,
      line: s.line,
    });
  }

  const kernel: KernelCode[] = [];
  const placed = new Map<string, number>();
  for (const k of plan.kernel) {
    const into = moduleNames.get(k.name);
    // Into a module outside the paths this command was given: not its business.
    if (!into && outOfScope.has(k.name)) continue;
    if (!into && !claim(k.name, k.line)) continue;
    let ok = true;
    for (const src of k.sources) {
      const by = builtBy(src);
      const twice = placed.get(src);
      if (!existsSync(src)) stale(k.line, `${src} does not exist; drop it from this line.`);
      else if (by.length) stale(k.line, `${path.basename(src)} is built by the LKM in ${shownDir(by[0]!)}, not kernel code; drop it from this line (a shared line moves sources LKMs build).`);
      else if (twice !== undefined) stale(k.line, `${path.basename(src)} is placed by line ${twice} already; keep it on one line.`);
      else {
        placed.set(src, k.line);
        continue;
      }
      ok = false;
    }
    if (!ok) continue;
    const inferredOne = inferred.kernel.find((i) => k.sources.some((s) => i.sources.includes(s)));
    const users = [...new Set(inferred.kernel.filter((i) => k.sources.some((s) => i.sources.includes(s))).flatMap((i) => i.users))].filter((u) => u !== k.name);
    kernel.push({
      into: k.name,
      sources: k.sources,
      users: into ? users : users.sort(),
      reason:
        inferredOne && inferredOne.into === k.name && inferredOne.sources.join() === k.sources.join()
          ? inferredOne.reason
          : `the plan (line ${k.line}) puts these kernel sources into ${into ? `module ${k.name}` : `a module of their own, ${k.name}`}${inferredOne ? `; lkm2mod would put them into ${inferredOne.into}` : ''}`,
      line: k.line,
    });
  }

  const merges: Merge[] = [];
  const merged = new Set<string>();
  for (const m of plan.merges) {
    const from = moduleNames.get(m.from);
    const into = moduleNames.get(m.into);
    if (!from && !into && outOfScope.has(m.from) && outOfScope.has(m.into)) continue;
    if (!from || !into) {
      stale(m.line, `${!from ? m.from : m.into} is not a module of the tree (its name in a module line, or lkm2mod's default); fix or delete this merge.`);
      continue;
    }
    if (from.kind !== 'exec') {
      stale(m.line, `${m.from} is not an exec-format LKM (it is ${from.kind}); only exec formats fold into their emulation's module.`);
      continue;
    }
    if (into.kind !== 'compat' && into.lookup !== 'emulation') {
      stale(m.line, `${m.into} is not an emulation module; an exec format folds into the module that defines its emulation.`);
      continue;
    }
    if (merged.has(m.from) || merges.some((x) => x.from === m.into)) {
      stale(m.line, `${m.from} is merged twice, or ${m.into} is itself merged; each exec format folds into one emulation module.`);
      continue;
    }
    merged.add(m.from);
    const offered = inferred.possibleMerges.find((p) => p.from === m.from && p.into === m.into);
    merges.push({ from: m.from, into: m.into, reason: offered?.reason ?? `merged by the plan (line ${m.line})`, line: m.line });
  }

  const slots: SlotDecision[] = [];
  for (const s of plan.slots) {
    const mod = moduleNames.get(s.module);
    if (!mod && outOfScope.has(s.module)) continue;
    if (!mod) {
      stale(s.line, `${s.module} is not a module of the tree; fix or delete this line.`);
      continue;
    }
    slots.push({ module: s.module, slot: s.slot, reason: s.slot === null ? 'undecided in the plan' : `chosen in the plan (line ${s.line})`, line: s.line });
  }
  for (const s of inferred.slots) if (!slots.some((x) => x.module === s.module) && moduleNames.has(s.module)) slots.push(s);

  return {
    set: {
      machine: plan.machine?.name ?? inferred.machine,
      modules,
      shared,
      merges,
      possibleMerges: inferred.possibleMerges,
      slots,
      kernel,
    },
    errors,
  };
}

/** Whether a folder still holds an LKM: a Makefile building a KMOD with bsd.kmod.mk, or glue declaring one. */
function lkmHere(dir: string): boolean {
  try {
    return readdirSync(dir).some((f) => {
      if (f !== 'Makefile' && !f.endsWith('.c')) return false;
      const text = readFileSync(path.join(dir, f), 'utf8');
      return f === 'Makefile' ? /<bsd\.kmod\.mk>/.test(text) : /\bMOD_[A-Z]+\s*\(|\bDISPATCH\s*\(/.test(text);
    });
  } catch {
    return false;
  }
}

function withoutRename(m: PlannedModule): PlannedModule {
  const { renamedFrom: _dropped, ...rest } = m;
  return rest;
}
