/**
 * Kernel code only the modules' options build: a source conf/files lists under options the
 * tree's LKMs stand for (`file ufs/ufs/ufs_vnops.c ffs | lfs | mfs | ext2fs`) is in no kernel
 * configured without them — and a kernel that loads those file systems as modules is — yet the
 * modules call into it. As LKMs they were loaded into a kernel that had the code; as modules
 * the code must be in a module. Such sources, when a module uses them, are planned either into
 * one of the modules that is a natural base for them (its option is in the condition of every
 * one, and the other users already need its own code) or into a new module named for their
 * folder, which the users require. The plan file shows the choice (`kernel NAME SOURCE...`).
 */
import { listed } from '../source/listing.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { CSource } from './csource.ts';
import { maskCode } from '../discover/text.ts';
import { holds, kernelSources, readConfFiles, type ConfFile } from './kernel-conf.ts';
import type { PlannedModule } from './module-set.ts';
import type { ReadText } from './module-names.ts';
import { isIdentifier, MAXMODNAME } from './names.ts';
import type { ModulePlan } from '../discover/plan.ts';
import { fileSymbols } from './file-symbols.ts';

export interface KernelCode {
  /** The module that holds the sources: one of the set's modules, or a new module of this name. */
  into: string;
  /** The sources (absolute), in conf/files order. */
  sources: string[];
  /** The modules whose code uses them. */
  users: string[];
  reason: string;
  line?: number;
}

const PROTOTYPE = /^(?:extern\s+)?[A-Za-z_][\w \t*]*?\b\w+\s*\((?:[^()]|\((?:[^()]|\([^()]*\))*\))*\)\s*;/gm;

/** At most this many other options in one condition are tried both ways (2^n evaluations). */
const MAX_FREE_OPTIONS = 8;

export function kernelCode(plans: ModulePlan[], byDir: Map<string, PlannedModule>, read: ReadText, machine: string, taken: Set<string>): KernelCode[] {
  const bySys = new Map<string, ModulePlan[]>();
  for (const p of plans) {
    const sys = sysDirOf(p.dir);
    if (sys) bySys.set(sys, [...(bySys.get(sys) ?? []), p]);
  }
  const out: KernelCode[] = [];
  for (const [sys, group] of bySys) {
    const conf = readConfFiles(sys, machine);
    if (conf) out.push(...inTree(sys, conf, group, byDir, read, taken));
  }
  return out;
}

function inTree(sys: string, conf: ConfFile[], plans: ModulePlan[], byDir: Map<string, PlannedModule>, read: ReadText, taken: Set<string>): KernelCode[] {
  const lkmFiles = new Set(plans.flatMap((p) => p.files));
  const { off, lkmOptions, files } = kernelSources(conf, lkmFiles);
  const options = optionsOf(conf, plans, lkmOptions);
  const name = (p: ModulePlan) => byDir.get(p.dir)!.name;

  // Sources no kernel without the modules' options builds, with the modules that enable them.
  const candidates: Array<{ file: string; expr: string[]; enablers: ModulePlan[] }> = [];
  for (const c of conf) {
    if (!off.has(c.file) || lkmFiles.has(c.file) || !c.file.endsWith('.c') || candidates.some((x) => x.file === c.file)) continue;
    const enablers = plans.filter((p) => enables(c.expr, options.get(p)!, lkmOptions));
    if (enablers.length && existsSync(c.file)) candidates.push({ file: c.file, expr: c.expr, enablers });
  }
  if (candidates.length === 0) return [];

  // What each candidate defines; a module uses it when its code, as the module build compiles
  // it (options of conf/files that its Makefile does not define are off), names one of those.
  const offOption = (defined: Set<string>) => (word: string) => confOptions(conf).has(word.toLowerCase()) && !lkmOptions.has(word.toLowerCase()) && !defined.has(word);
  const globals = new Map<string, string>();
  for (const c of candidates) {
    const text = read(c.file);
    if (text === null) continue;
    for (const g of fileSymbols(new CSource(c.file, text)).globals) if (!globals.has(g)) globals.set(g, c.file);
  }
  if (globals.size === 0) return [];
  const words = new RegExp(`\\b(?:${[...globals.keys()].join('|')})\\b`, 'g');
  const names = (text: string, defined: Set<string>): Set<string> => {
    const found = new Set<string>();
    // A prototype at file scope (`int wc_quota(int);`) declares, it does not use.
    const code = maskCode(liveCode(text, offOption(defined))).replace(PROTOTYPE, '');
    for (const m of code.matchAll(words)) found.add(m[0]);
    return found;
  };
  // A variable is the candidate's only when the module and the kernel do not define it too
  // (`u_long ihash;` in procfs and ufs, `struct nchstats nchstats;` in vfs_cache.c and ufs).
  const variables = new Set([...globals].filter(([g, f]) => !new RegExp(`^${g}\\s*\\(`, 'm').test(read(f) ?? '')).map(([g]) => g));
  const definesIn = (text: string, among: Set<string>): Set<string> => {
    const out = new Set<string>();
    if (among.size === 0) return out;
    const re = new RegExp(`^(?!extern\\b)[A-Za-z_][^;(=#]*?[\\s*](${[...among].join('|')})\\s*(?:\\[[^\\]]*\\]\\s*)*[;=,]`, 'gm');
    for (const m of maskCode(text).matchAll(re)) out.add(m[1]!);
    return out;
  };
  let kernelVars: Set<string> | null = null;
  const kernelDefined = (asked: Set<string>): Set<string> => {
    if (!kernelVars) {
      kernelVars = new Set();
      for (const f of files) {
        const text = f.endsWith('.c') ? read(f) : null;
        if (text !== null && [...variables].some((v) => text.includes(v))) for (const d of definesIn(text, variables)) kernelVars.add(d);
      }
    }
    return new Set([...asked].filter((a) => kernelVars!.has(a)));
  };
  const usedBy = new Map<string, Set<ModulePlan>>();
  const use = (file: string, by: Iterable<ModulePlan>) => usedBy.set(file, new Set([...(usedBy.get(file) ?? []), ...by]));
  for (const p of plans) {
    const defined = definedFlags(p, read);
    const found = new Set<string>();
    const own = new Set<string>();
    for (const f of p.files) {
      if (!f.endsWith('.c')) continue;
      const text = read(f);
      if (text === null) continue;
      const here = names(text, defined);
      for (const n of here) found.add(n);
      for (const d of definesIn(text, new Set([...here].filter((n) => variables.has(n))))) own.add(d);
    }
    const shared = kernelDefined(new Set([...found].filter((n) => variables.has(n) && !own.has(n))));
    for (const n of found) if (!own.has(n) && !shared.has(n)) use(globals.get(n)!, [p]);
  }
  // What the code taken in uses in turn comes with it, for the same modules.
  const queue = [...usedBy.keys()];
  while (queue.length) {
    const file = queue.shift()!;
    const text = read(file);
    if (text === null) continue;
    const found = names(text, new Set());
    const shared = kernelDefined(new Set([...found].filter((n) => variables.has(n))));
    for (const n of found) {
      const next = globals.get(n)!;
      if (next === file || shared.has(n)) continue;
      const had = usedBy.get(next)?.size ?? 0;
      use(next, usedBy.get(file)!);
      if (usedBy.get(next)!.size !== had) queue.push(next);
    }
  }
  const used = candidates.filter((c) => usedBy.has(c.file));

  // Sources whose enabling modules overlap go together: they are one body of code.
  const groups: Array<typeof used> = [];
  for (const c of used) {
    const joined = groups.filter((g) => g.some((x) => x.enablers.some((e) => c.enablers.includes(e))));
    const merged = [...joined.flat(), c];
    for (const g of joined) groups.splice(groups.indexOf(g), 1);
    groups.push(merged);
  }

  const out: KernelCode[] = [];
  for (const g of groups) {
    const sources = g.map((c) => c.file);
    const users = plans.filter((p) => g.some((c) => usedBy.get(c.file)!.has(p)));
    const everywhere = plans.filter((p) => g.every((c) => c.enablers.includes(p)) && users.includes(p));
    const shown = listed(sources.map((f) => path.basename(f)), 6);
    const conds = [...new Set(g.map((c) => c.expr.join(' ').replace(/\( /g, '(').replace(/ \)/g, ')')))];
    const why = `conf/files builds ${shown} only under ${listed(conds.map((x) => `"${x}"`), 6)}, options the tree's LKMs stand for: a kernel that loads them as modules is configured without those options and has none of this code, which ${listed(users.map(name), 6)} ${users.length === 1 ? 'uses' : 'use'}`;
    const base = naturalBase(everywhere, users, options, conf, lkmOptions, name);
    if (base) {
      out.push({ into: name(base.plan), sources, users: users.map(name), reason: `${why}. It goes into ${name(base.plan)}: ${base.why}. A kernel line naming a new module instead (kernel ${folderName(sys, sources, taken)} …) keeps it apart, required by its users` });
      continue;
    }
    const into = folderName(sys, sources, taken);
    taken.add(into);
    out.push({ into, sources, users: users.map(name), reason: `${why}. No one of them is a natural base for it (its option in every condition, the others already needing its own code), so it is a module of its own that they require; name one of them on this line to put it there instead` });
  }
  return out;
}

/**
 * The module the code belongs with, if one: the only user whose option is in every source's
 * condition, or among several the one whose own sources the others' options build too (they
 * already need its code: conf/files builds ffs_*.c for `ffs | mfs`, so mfs needs ffs).
 */
function naturalBase(
  everywhere: ModulePlan[],
  users: ModulePlan[],
  options: Map<ModulePlan, Set<string>>,
  conf: ConfFile[],
  lkmOptions: Set<string>,
  name: (p: ModulePlan) => string,
): { plan: ModulePlan; why: string } | null {
  if (everywhere.length === 1) {
    const only = everywhere[0]!;
    return { plan: only, why: users.length === 1 ? 'it is the only module whose option builds it and the only one using it' : 'its option is the only one in the condition of every one of these sources' };
  }
  const needing = (base: ModulePlan) =>
    users.filter((u) => u !== base && conf.some((c) => base.files.includes(c.file) && enables(c.expr, options.get(u)!, lkmOptions)));
  const scored = everywhere.map((p) => ({ p, n: needing(p) })).sort((a, b) => b.n.length - a.n.length);
  const [best, second] = scored;
  if (!best || best.n.length === 0 || (second && second.n.length === best.n.length)) return null;
  const others = best.n.map((u) => options.get(u)!).flatMap((s) => [...s]);
  return {
    plan: best.p,
    why: `its option is in the condition of every one of these sources, and ${listed(best.n.map(name), 6)} already ${best.n.length === 1 ? 'needs' : 'need'} its code (conf/files builds its own sources for ${listed([...new Set(others)], 6)} too), so it is the base the others require`,
  };
}

/**
 * The options each LKM stands for: the options of conf/files lines listing its own sources
 * alone or in `|` lists; an option also on another LKM's line belongs to the LKM that has a
 * source listed under it alone (`mfs` is on ffs_alloc.c's `ffs | mfs` and mfs_vfsops.c's `mfs`).
 */
function optionsOf(conf: ConfFile[], plans: ModulePlan[], lkmOptions: Set<string>): Map<ModulePlan, Set<string>> {
  const alone = new Map<string, ModulePlan>();
  for (const c of conf) {
    if (c.expr.length !== 1) continue;
    const p = plans.find((x) => x.files.includes(c.file));
    if (p) alone.set(c.expr[0]!.toLowerCase(), p);
  }
  const out = new Map(plans.map((p) => [p, new Set<string>()]));
  for (const p of plans) {
    for (const c of conf) {
      if (!p.files.includes(c.file)) continue;
      for (const t of c.expr) {
        const o = t.toLowerCase();
        if (lkmOptions.has(o) && (alone.get(o) ?? p) === p) out.get(p)!.add(o);
      }
    }
  }
  return out;
}

/**
 * Whether a condition holds with the module's options on and the other LKMs' off, for some
 * setting of the other options in it (`(ffs & !softdep) | …` holds for ffs without softdep).
 */
function enables(expr: string[], own: Set<string>, lkmOptions: Set<string>): boolean {
  if (own.size === 0 || !expr.some((t) => own.has(t.toLowerCase()))) return false;
  const free = [...new Set(expr.filter((t) => /^\w+$/.test(t) && !own.has(t.toLowerCase()) && !lkmOptions.has(t.toLowerCase())))];
  if (free.length > MAX_FREE_OPTIONS) return holds(expr, (o) => own.has(o.toLowerCase()) || !lkmOptions.has(o.toLowerCase()));
  for (let bits = 0; bits < 1 << free.length; bits++) {
    const on = (o: string) => own.has(o.toLowerCase()) || (!lkmOptions.has(o.toLowerCase()) && (bits & (1 << free.indexOf(o))) !== 0);
    if (holds(expr, on)) return true;
  }
  return false;
}

const confOptionCache = new WeakMap<ConfFile[], Set<string>>();

/** Every option a conf/files condition names (lower case). */
function confOptions(conf: ConfFile[]): Set<string> {
  let s = confOptionCache.get(conf);
  if (!s) {
    s = new Set(conf.flatMap((c) => c.expr.filter((t) => /^\w+$/.test(t)).map((t) => t.toLowerCase())));
    confOptionCache.set(conf, s);
  }
  return s;
}

/** `-DQUOTA` in the LKM's Makefile: the options its build turns on. */
function definedFlags(p: ModulePlan, read: ReadText): Set<string> {
  const text = p.makefile ? read(p.makefile) ?? '' : '';
  return new Set([...text.matchAll(/-D(\w+)/g)].map((m) => m[1]!));
}

/**
 * The text with the branches a build leaves out blanked: `#ifdef QUOTA` … `#endif` when QUOTA is
 * an option that is off (its #else branch stays). Any other condition is taken as live.
 */
export function liveCode(text: string, off: (option: string) => boolean): string {
  if (!text.includes('#')) return text;
  const lines = text.split('\n');
  // Per open #if: whether its current branch is dead, and whether its #else branch is.
  const stack: Array<{ dead: boolean; elseDead: boolean }> = [];
  let dead = 0;
  const enter = (b: { dead: boolean }, to: boolean) => {
    dead += Number(to) - Number(b.dead);
    b.dead = to;
  };
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const d = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/.exec(l);
    if (d) {
      const [, kw, rest] = d;
      if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') {
        const cond = kw === 'if' ? optionTest(rest!) : { names: [rest!.trim().split(/\s/)[0] ?? ''], negated: kw === 'ifndef' };
        const allOff = cond !== null && cond.names.length > 0 && cond.names.every(off);
        const b = { dead: false, elseDead: false };
        stack.push(b);
        if (allOff) {
          enter(b, !cond.negated);
          b.elseDead = cond.negated;
        }
      } else if (kw === 'elif') {
        if (stack.length) enter(stack.at(-1)!, false);
      } else if (kw === 'else') {
        const b = stack.at(-1);
        if (b) enter(b, b.elseDead);
      } else {
        const b = stack.pop();
        if (b) enter(b, false);
      }
      continue;
    }
    if (dead > 0) lines[i] = '';
  }
  return lines.join('\n');
}

/**
 * `defined(A) || defined(B)`, `A`, `!defined(A)`: the names and whether the test is negated;
 * null for anything else (a comparison), which is taken as live.
 */
function optionTest(cond: string): { names: string[]; negated: boolean } | null {
  const c = cond.replace(/\/\*.*?\*\//g, '').trim();
  if (/^\w+$/.test(c)) return { names: [c], negated: false };
  const not = /^!\s*defined\s*\(?\s*(\w+)\s*\)?$/.exec(c);
  if (not) return { names: [not[1]!], negated: true };
  const names = c.split(/\s*\|\|\s*/).map((p) => /^defined\s*\(?\s*(\w+)\s*\)?$/.exec(p)?.[1] ?? null);
  return names.every((n) => n !== null) ? { names: names as string[], negated: false } : null;
}

/** A new module's name: the folder the sources share (`ufs` for ufs/ufs and ufs/ffs). */
function folderName(sys: string, sources: string[], taken: Set<string>): string {
  const dirs = sources.map((f) => path.relative(sys, path.dirname(f)).split(path.sep));
  const common: string[] = [];
  for (let i = 0; dirs.every((d) => d[i] !== undefined && d[i] === dirs[0]![i]); i++) common.push(dirs[0]![i]!);
  let name = (common.at(-1) === 'common' ? common.at(-2) : common.at(-1)) ?? path.basename(path.dirname(sources[0]!));
  name = name.replace(/[^A-Za-z0-9_]+/g, '_');
  if (!isIdentifier(name)) name = `m_${name}`;
  if (name.length >= MAXMODNAME) name = name.slice(0, MAXMODNAME - 1);
  while (taken.has(name)) name = `${name}_common`;
  return name;
}

function sysDirOf(dir: string): string | null {
  const parts = dir.split(path.sep);
  const at = parts.lastIndexOf('lkm');
  return at > 0 ? parts.slice(0, at).join(path.sep) : null;
}
