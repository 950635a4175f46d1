/**
 * Fault injection: every kernel call INIT makes is failed in turn, with each errno NetBSD lets
 * it return (the kernel function's own list: vfs_attach EEXIST, devsw_attach EEXIST or ENOMEM,
 * malloc NULL under M_NOWAIT …). Each time INIT must fail and leave the kernel exactly as it
 * was. FINI likewise: when a detach fails, FINI must fail, the module must stay loaded with the
 * kernel unchanged, and a later unload must still work.
 *
 * A module that carries on past a failed call is judged by what it ends up with: registered
 * without its file system or device is a failure (it would serve nothing it claims to); doing
 * without a sysctl node or a cache is the module's choice and only a warning.
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
  fn: string;
  /** Which call of `fn` this is, counting every call of it during the operation (Faults counts so). */
  nth: number;
  /** Which of the module's own calls of `fn` this is, for the message. */
  ordinal: number;
  errnos: ErrnoName[];
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
      this.rig = new Rig(this.s.catalog);
      const err = await this.rig.loadRequisites(this.s.required);
      if (err) throw new Error(err);
      this.base = this.rig.snap();
      this.dirty = false;
    }
    return this.rig;
  }

  /** Whether the kernel is back at the base state; if not, the next scenario reboots. */
  settle(): string[] {
    const left = changes(this.base, this.rig.snap());
    if (left.length) this.dirty = true;
    return left;
  }
}

export async function faults(s: Subject): Promise<CheckResult> {
  const o = new Outcome('faults');
  const bench = new Bench(s);
  const name = s.infoName;
  let rig: Rig;
  try {
    rig = await bench.clean();
  } catch (err) {
    return skipped('faults', `cannot inject faults: ${(err as Error).message}`);
  }

  // The calls INIT and FINI make when nothing fails.
  let mark = rig.k.calls.mark();
  const load = await rig.load(s.object);
  if (load.error) return skipped('faults', 'the module does not load; see lifecycle');
  const initPoints = points(rig, rig.k.calls.since(mark), name);
  const loaded = rig.snap();
  mark = rig.k.calls.mark();
  const unload = await rig.unload(name);
  if (unload.error) return skipped('faults', 'the module does not unload; see lifecycle');
  const finiPoints = points(rig, rig.k.calls.since(mark), name);
  bench.settle();

  let injected = 0;
  for (const p of initPoints) {
    for (const e of p.errnos) {
      injected++;
      rig = await bench.clean();
      rig.k.faults.failNth(p.fn, p.nth, errno(e));
      const r = await rig.load(s.object);
      const fired = rig.k.faults.fired.length > 0;
      rig.k.faults.clear();
      const label = `INIT: ${p.fn}() failing with ${e}${where(s, p)}`;
      const sites = siteOf(s, p);
      if (!fired) {
        o.note(`${label}: the call was not made again (INIT takes another path each time?)`);
        await unloadIfLoaded(rig, name);
      } else if (r.error === ECRASH) {
        o.fail(`${label}: INIT crashed instead of returning an error: ${r.message}`, [...sites, ...sitesIn(r.message)]);
      } else if (r.error) {
        for (const line of changes(bench.base, rig.snap())) {
          o.fail(`${label}: INIT returned ${r.errno} but left behind: ${withUndoHint(line)}`, sites);
        }
      } else {
        // INIT ignored the failure and the module is loaded: with or without what it registers?
        const lacking = changes(loaded, rig.snap()).filter(isRegistrationLine);
        if (lacking.length) {
          o.fail(`${label}: INIT returned 0 although the call failed, so the module is loaded without: ${lacking.join('; ')} — return the error`, sites);
        } else {
          o.warn(`${label}: INIT carried on without it and returned 0`, sites);
        }
        const u = await rig.unload(name);
        if (u.error) o.fail(`${label}: after that the module does not unload: ${describe(u)}`, sites);
      }
      for (const line of bench.settle()) {
        if (r.error === 0) o.fail(`${label}: after INIT carried on and the module was unloaded, left behind: ${withUndoHint(line)}`, sites);
      }
    }
  }

  for (const p of finiPoints) {
    for (const e of p.errnos) {
      injected++;
      rig = await bench.clean();
      const l = await rig.load(s.object);
      if (l.error) {
        o.fail(`FINI: cannot load the module again to test it: ${describe(l)}`);
        return o.done();
      }
      const before = rig.snap();
      rig.k.faults.failNth(p.fn, p.nth, errno(e));
      const r = await rig.unload(name);
      const fired = rig.k.faults.fired.length > 0;
      rig.k.faults.clear();
      const label = `FINI: ${p.fn}() failing with ${e}${where(s, p)}`;
      const sites = siteOf(s, p);
      if (!fired) {
        o.note(`${label}: the call was not made again`);
        await unloadIfLoaded(rig, name);
        bench.settle();
        continue;
      }
      if (r.error === ECRASH) {
        o.fail(`${label}: FINI crashed instead of returning an error: ${r.message}`, [...sites, ...sitesIn(r.message)]);
      } else if (r.error) {
        for (const line of changes(before, rig.snap())) {
          o.fail(`${label}: FINI returned ${r.errno} but changed the kernel; a failed FINI must leave the module as it was: ${withUndoHint(line)}`, sites);
        }
        const again = await rig.unload(name);
        if (again.error) o.fail(`${label}: after the failed FINI the module does not unload any more: ${describe(again)}`, sites);
      } else {
        const left = changes(bench.base, rig.snap());
        if (left.length === 0) o.warn(`${label}: FINI carried on without it and returned 0`, sites);
        for (const line of left) {
          o.fail(`${label}: FINI returned 0 although the call failed; the module is gone but left behind: ${withUndoHint(line)} — return the error and keep the module loaded`, sites);
        }
      }
      bench.settle();
    }
  }

  const calls = (ps: Point[]) => new Set(ps.map((p) => `${p.fn}#${p.nth}`)).size;
  o.note(
    `${injected} fault(s) injected: ${calls(initPoints)} call(s) of INIT, ${calls(finiPoints)} of FINI` +
      (injected === 0 ? ' (the module makes no kernel call that can fail)' : ''),
  );
  if (o.ok && injected > 0) o.note('every failure unwound: the kernel was left as it was each time');
  return o.done();
}

/** The failable calls the module made, in order, with the errnos each may fail with. */
function points(rig: Rig, records: CallRecord[], module: string): Point[] {
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
    if (errnos.length) out.push({ fn: r.name, nth, ordinal, errnos });
  }
  return out;
}

function siteOf(s: Subject, p: Point): CheckSite[] {
  const sites = referenceSites(s.object, p.fn);
  if (sites.length === 1) return sites;
  if (sites.length >= p.ordinal) return [sites[p.ordinal - 1]!];
  return modcmdSite(s);
}

/** ` (the 2nd call, at file:line)` */
function where(s: Subject, p: Point): string {
  const sites = referenceSites(s.object, p.fn);
  const nth = p.ordinal > 1 || sites.length > 1 ? `call ${p.ordinal}` : '';
  const at = sites.length === 1 ? `${sites[0]!.file}:${sites[0]!.line}` : '';
  const parts = [nth, at].filter(Boolean);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

async function unloadIfLoaded(rig: Rig, name: string): Promise<void> {
  if (rig.k.modules.lookup(name)) await rig.unload(name);
}
