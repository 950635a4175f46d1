/**
 * Fault injection: every kernel call INIT makes is failed in turn, with each errno NetBSD lets
 * it return (the kernel function's own list: vfs_attach EEXIST, devsw_attach EEXIST or ENOMEM,
 * malloc NULL under M_NOWAIT …). Each time INIT must fail and leave the kernel exactly as it
 * was. FINI likewise: when a detach fails, FINI must fail, the module must stay loaded with the
 * kernel unchanged, and a later unload must still work.
 *
 * A module that carries on past a failed call is judged by what it ends up with: registered
 * without its file system or device is a failure (it would serve nothing it claims to); doing
 * without a sysctl node or a cache is the module's choice and only a warning. What a plain
 * load and unload leave behind is lifecycle's finding and is not repeated here.
 */
import { ECRASH, errno, type ErrnoName } from '../../kernel/errno.ts';
import type { CallRecord } from '../../kernel/calls.ts';
import type { KernelSnapshot } from '../../kernel/state.ts';
import { isRegistrationLine, withUndoHint } from '../leftovers.ts';
import { Outcome, sitesIn, skipped } from '../outcome.ts';
import { changes, describe, Rig } from '../rig.ts';
import { modcmdSite, referenceSites, type Subject } from '../subject.ts';
import type { CheckResult, CheckSite } from '../result.ts';

/** One kernel call of INIT or FINI that can fail. */
interface Point {
  cmd: 'INIT' | 'FINI';
  fn: string;
  /** Which call of `fn` this is, counting every call of it during the operation (Faults counts so). */
  nth: number;
  /** Which of the module's own calls of `fn` this is, for the message. */
  ordinal: number;
  errnos: ErrnoName[];
}

/** What one injection showed, as the text after "<call> failing with <errno>: ". */
interface Verdict {
  failures: string[];
  warnings: string[];
  notes: string[];
  /** Extra sites (a crash's file:line). */
  sites: CheckSite[];
}

/** A kernel with the module's requisites loaded: the state the module is loaded into. */
class Bench {
  rig!: Rig;
  base!: KernelSnapshot;
  private dirty = true;

  constructor(private readonly s: Subject) {}

  /** A clean kernel, rebooted when the last scenario left something behind. */
  async clean(): Promise<Rig> {
    if (this.dirty) {
      this.rig = new Rig(this.s.catalog, { machine: this.s.spec.machine });
      const err = await this.rig.loadRequisites(this.s.required);
      if (err) throw new Error(err);
      this.base = this.rig.snap();
      this.dirty = false;
    }
    return this.rig;
  }

  /** What differs from the base state; anything does, the next scenario reboots. */
  settle(): string[] {
    const left = changes(this.base, this.rig.snap());
    if (left.length) this.dirty = true;
    return left;
  }
}

export async function faults(s: Subject): Promise<CheckResult> {
  const o = new Outcome('faults');
  const bench = new Bench(s);
  let rig: Rig;
  try {
    rig = await bench.clean();
  } catch (err) {
    return skipped('faults', `cannot inject faults: ${(err as Error).message}`);
  }

  // The calls INIT and FINI make when nothing fails, and what a plain cycle leaves (lifecycle's).
  let mark = rig.k.calls.mark();
  const load = await rig.load(s.object);
  if (load.error) return skipped('faults', 'the module does not load; see lifecycle');
  const init = points('INIT', rig, rig.k.calls.since(mark), s.infoName);
  const loaded = rig.snap();
  mark = rig.k.calls.mark();
  const unload = await rig.unload(s.infoName);
  if (unload.error) return skipped('faults', 'the module does not unload; see lifecycle');
  const fini = points('FINI', rig, rig.k.calls.since(mark), s.infoName);
  const cycleLeaves = new Set(bench.settle());
  const env: Env = { s, bench, loaded, cycleLeaves };

  let injected = 0;
  for (const p of [...init, ...fini]) {
    const verdicts: [ErrnoName, Verdict][] = [];
    for (const e of p.errnos) {
      injected++;
      verdicts.push([e, p.cmd === 'INIT' ? await failInit(env, p, e) : await failFini(env, p, e)]);
    }
    report(o, s, p, verdicts);
  }

  const count = (ps: Point[]) => ps.length;
  o.note(
    `${injected} fault(s) injected into ${count(init)} call(s) of INIT and ${count(fini)} of FINI` +
      (injected === 0 ? ' (the module makes no kernel call that can fail)' : ''),
  );
  if (o.ok && injected > 0) o.note('every failure unwound: the kernel was left as it was each time');
  return o.done();
}

interface Env {
  s: Subject;
  bench: Bench;
  /** The kernel with the module loaded normally. */
  loaded: KernelSnapshot;
  /** What a normal load and unload leave behind (reported by lifecycle). */
  cycleLeaves: Set<string>;
}

async function failInit(env: Env, p: Point, e: ErrnoName): Promise<Verdict> {
  const { s, bench } = env;
  const v: Verdict = { failures: [], warnings: [], notes: [], sites: [] };
  const rig = await bench.clean();
  rig.k.faults.failNth(p.fn, p.nth, errno(e));
  const r = await rig.load(s.object);
  const fired = rig.k.faults.fired.length > 0;
  rig.k.faults.clear();
  if (!fired) {
    v.notes.push('the call was not made this time (INIT took another path)');
  } else if (r.error === ECRASH) {
    v.failures.push(`INIT crashed instead of returning an error: ${r.message}`);
    v.sites.push(...sitesIn(r.message));
    for (const line of bench.settle()) v.failures.push(`the crashed INIT left behind: ${withUndoHint(line)}`);
    return v;
  } else if (r.error) {
    for (const line of bench.settle()) v.failures.push(`INIT returned ${r.errno === e ? 'the error' : r.errno} but left behind: ${withUndoHint(line)}`);
    return v;
  } else {
    // INIT ignored the failure and the module is loaded: with or without what it registers?
    const lacking = changes(env.loaded, rig.snap()).filter(isRegistrationLine);
    if (lacking.length) v.failures.push(`INIT returned 0 although the call failed, so the module is loaded without: ${lacking.join('; ')} — return the error`);
    else v.warnings.push('INIT carried on without it and returned 0');
  }
  if (rig.k.modules.lookup(s.infoName)) {
    const u = await rig.unload(s.infoName);
    if (u.error) v.failures.push(`after that the module does not unload: ${describe(u)}`);
  }
  for (const line of bench.settle()) {
    if (!env.cycleLeaves.has(line)) v.failures.push(`after INIT carried on and the module was unloaded, left behind: ${withUndoHint(line)}`);
  }
  return v;
}

async function failFini(env: Env, p: Point, e: ErrnoName): Promise<Verdict> {
  const { s, bench } = env;
  const v: Verdict = { failures: [], warnings: [], notes: [], sites: [] };
  const rig = await bench.clean();
  const l = await rig.load(s.object);
  if (l.error) {
    v.failures.push(`cannot load the module again to test its FINI: ${describe(l)}`);
    return v;
  }
  const before = rig.snap();
  rig.k.faults.failNth(p.fn, p.nth, errno(e));
  const r = await rig.unload(s.infoName);
  const fired = rig.k.faults.fired.length > 0;
  rig.k.faults.clear();
  if (!fired) {
    v.notes.push('the call was not made this time (FINI took another path)');
  } else if (r.error === ECRASH) {
    v.failures.push(`FINI crashed instead of returning an error: ${r.message}`);
    v.sites.push(...sitesIn(r.message));
  } else if (r.error) {
    for (const line of changes(before, rig.snap())) {
      v.failures.push(`FINI returned ${r.errno === e ? 'the error' : r.errno} but changed the kernel; a failed FINI must leave the module as it was: ${withUndoHint(line)}`);
    }
    const again = await rig.unload(s.infoName);
    if (again.error) v.failures.push(`after the failed FINI the module does not unload any more: ${describe(again)}`);
  } else {
    const left = changes(bench.base, rig.snap()).filter((line) => !env.cycleLeaves.has(line));
    if (left.length === 0) v.warnings.push('FINI carried on without it and returned 0');
    for (const line of left) {
      v.failures.push(`FINI returned 0 although the call failed; the module is gone but left behind: ${withUndoHint(line)} — return the error and keep the module loaded`);
    }
  }
  if (rig.k.modules.lookup(s.infoName)) await rig.unload(s.infoName);
  bench.settle();
  return v;
}

/** One line per distinct outcome: errnos that did the same are reported together. */
function report(o: Outcome, s: Subject, p: Point, verdicts: [ErrnoName, Verdict][]): void {
  const groups = new Map<string, { errnos: ErrnoName[]; v: Verdict }>();
  for (const [e, v] of verdicts) {
    const key = JSON.stringify([v.failures, v.warnings, v.notes]);
    const g = groups.get(key);
    if (g) g.errnos.push(e);
    else groups.set(key, { errnos: [e], v });
  }
  const sites = siteOf(s, p);
  for (const { errnos, v } of groups.values()) {
    const label = `${p.cmd}: ${p.fn}() failing with ${errnos.join(' or ')}${where(s, p)}`;
    for (const f of v.failures) o.fail(`${label}: ${f}`, [...sites, ...v.sites]);
    for (const w of v.warnings) o.warn(`${label}: ${w}`, sites);
    for (const n of v.notes) o.note(`${label}: ${n}`);
  }
}

/** The failable calls the module made, in order, with the errnos each may fail with. */
function points(cmd: 'INIT' | 'FINI', rig: Rig, records: CallRecord[], module: string): Point[] {
  const seen = new Map<string, number>();
  const own = new Map<string, number>();
  const out: Point[] = [];
  for (const r of records) {
    const nth = (seen.get(r.name) ?? 0) + 1;
    seen.set(r.name, nth);
    if (r.caller !== module || !rig.k.hasFunction(r.name)) continue;
    const ordinal = (own.get(r.name) ?? 0) + 1;
    own.set(r.name, ordinal);
    const errnos = rig.k.kfunc(r.name).failures(r.args);
    if (errnos.length) out.push({ cmd, fn: r.name, nth, ordinal, errnos });
  }
  return out;
}

/**
 * Where the call is in the source: the reference to the function, when the module has exactly
 * one, or the Nth when it has as many as the calls made; the modcmd otherwise.
 */
function siteOf(s: Subject, p: Point): CheckSite[] {
  const sites = referenceSites(s.object, p.fn);
  if (sites.length === 1) return sites;
  if (sites.length >= p.ordinal) return [sites[p.ordinal - 1]!];
  return modcmdSite(s);
}

/** ` (call 2, file:line)` */
function where(s: Subject, p: Point): string {
  const sites = referenceSites(s.object, p.fn);
  const nth = p.ordinal > 1 || sites.length > 1 ? `call ${p.ordinal}` : '';
  const at = sites.length === 1 ? `${sites[0]!.file}:${sites[0]!.line}` : '';
  const parts = [nth, at].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}
