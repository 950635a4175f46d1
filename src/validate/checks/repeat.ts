/**
 * Repeat: load and unload the module many times (100 by default) in one kernel. Nothing may
 * grow: not a table, not ksyms, not the memory modules allocate, not the model's own memory.
 * The first cycle is the reference (it may warm caches a module legitimately keeps, as NetBSD
 * keeps a devsw major once assigned); every later cycle must end where the first one did.
 */
import { Outcome, skipped } from '../outcome.ts';
import { footprint, growth } from '../footprint.ts';
import { withUndoHint } from '../leftovers.ts';
import { changes, describe, Rig } from '../rig.ts';
import { modcmdSite, type Subject } from '../subject.ts';
import type { CheckResult } from '../result.ts';

export async function repeat(s: Subject): Promise<CheckResult> {
  const cycles = s.settings.repeat;
  if (cycles < 2) return skipped('repeat', `--repeat ${cycles}: nothing to compare`);
  const o = new Outcome('repeat');
  const rig = new Rig(s.catalog, { machine: s.spec.machine });
  const err = await rig.loadRequisites(s.required);
  if (err) return skipped('repeat', `cannot set up: ${err}`);
  // The log would grow by design; what is measured is everything else.
  rig.k.calls.enabled = false;

  const before = rig.snap();
  let first: { snap: ReturnType<Rig['snap']>; mem: ReturnType<typeof footprint> } | null = null;
  const started = performance.now();
  for (let i = 1; i <= cycles; i++) {
    const l = await rig.load(s.object);
    if (l.error) {
      if (i === 1) return skipped('repeat', 'the module does not load; see lifecycle');
      o.fail(`cycle ${i}: load failed after ${i - 1} good cycle(s): ${describe(l)}`);
      return o.done();
    }
    const u = await rig.unload(s.infoName);
    if (u.error) {
      if (i === 1) return skipped('repeat', 'the module does not unload; see lifecycle');
      o.fail(`cycle ${i}: unload failed after ${i - 1} good cycle(s): ${describe(u)}`, modcmdSite(s));
      return o.done();
    }
    if (i === 1) first = { snap: rig.snap(), mem: footprint(rig.k) };
  }
  const ms = performance.now() - started;
  const last = rig.snap();
  const grew = changes(first!.snap, last);
  for (const line of grew) o.fail(`after ${cycles} cycles, compared with after 1: ${withUndoHint(line)}`, modcmdSite(s));
  const mem = growth(first!.mem, footprint(rig.k));
  for (const line of mem) o.fail(`the simulated kernel's memory grew over ${cycles - 1} cycles: ${line}`);
  if (grew.length === 0) {
    const atBoot = changes(before, last);
    if (atBoot.length) o.note(`the first cycle left ${atBoot.length} change(s), later cycles none (see lifecycle)`);
  }
  o.note(`${cycles} load/unload cycles in ${Math.round(ms)} ms (${Math.round((cycles * 1000) / ms)}/s)${o.ok ? '; nothing grew' : ''}`);
  return o.done();
}
