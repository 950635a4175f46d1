/**
 * The equivalence check's comparison of the kernel calls the LKM's handlers made with those the
 * converted INIT and FINI make, relative to the registration DISPATCH (or the attach) makes.
 */
import type { Outcome } from '../outcome.ts';
import { formatSteps, REGISTRATION } from '../registrations.ts';
import { modcmdSite, type Subject } from '../subject.ts';

/**
 * `loadsFirst`: the LKM's DISPATCH ran load() before wiring the module in (NetBSD 1.x), after
 * the entry's own set-up, which is these steps.
 */
export function compareCalls(
  o: Outcome,
  s: Subject,
  phase: 'load' | 'unload',
  lkm: string[],
  all: string[],
  wires: boolean,
  leaked: readonly string[] = [],
  loadsFirst: readonly string[] | null = null,
): void {
  const cmd = phase === 'load' ? 'INIT' : 'FINI';
  const sites = modcmdSite(s);
  const releases = leakReleases(minus(all, lkm), leaked);
  if (releases.length) o.note(`${cmd} also releases what the LKM left behind on every unload (its leak, which the conversion fixes): ${formatSteps(releases)}`);
  const mod = without(all, releases);
  const registers = wires && lkm.includes(REGISTRATION) && mod.includes(REGISTRATION);
  if (!registers) {
    // Nothing to order against (a MISC LKM): the calls themselves, in order.
    const a = lkm.filter((x) => x !== REGISTRATION);
    const b = mod.filter((x) => x !== REGISTRATION);
    if (equal(a, b)) o.note(`${cmd} makes the kernel calls the LKM's ${phase} made, in order: ${formatSteps(b)}`);
    else o.fail(`${cmd} does not repeat the LKM's ${phase}: the LKM called ${formatSteps(a)}; ${cmd} calls ${formatSteps(b)}`, sites);
    return;
  }
  // The handler's work: after the last registration on load, before the first on unload.
  const work = (steps: string[]) => (phase === 'load' ? steps.slice(steps.lastIndexOf(REGISTRATION) + 1) : steps.slice(0, steps.indexOf(REGISTRATION)));
  const beforeWiring = (steps: string[], setUp: readonly string[]) => steps.slice(startsWith(steps, setUp) ? setUp.length : 0, steps.indexOf(REGISTRATION));
  const handlerFirst = phase === 'load' && loadsFirst !== null;
  // Wiring itself calls back into the module (vfs_attach runs vfs_init), after a handler that
  // ran first there and before one that runs once attached here.
  const first = handlerFirst ? beforeWiring(lkm, loadsFirst) : [];
  const a = [...work(lkm), ...first];
  const b = work(mod);
  const when = phase === 'load' ? 'after the module is registered' : 'before it is unregistered';
  const as = first.length
    ? `as module(9) modules do (the tree's DISPATCH, NetBSD 1.x's, ran load() before lkmdispatch() wired the LKM in, so there its ${first.length} call(s) came first)`
    : 'as DISPATCH did';
  if (equal(a, b)) {
    o.note(`${cmd} makes the ${phase} handler's calls ${when}, ${as}: ${formatSteps(b)}`);
  } else {
    o.fail(`${cmd} does not make the LKM ${phase} handler's calls ${when}: the LKM called ${formatSteps(a)}${first.length ? ` (${formatSteps(first)} before it was wired in, as its DISPATCH ran load() first)` : ''}; ${cmd} calls ${formatSteps(b)}`, sites);
  }
  const lost = minus(lkm, mod);
  const added = minus(mod, lkm);
  if (lost.length) o.fail(`calls the LKM's ${phase} made that ${cmd} does not: ${formatSteps(lost)}`, sites);
  if (added.length) o.fail(`calls ${cmd} makes that the LKM's ${phase} did not: ${formatSteps(added)}`, sites);
}

/**
 * Of the calls FINI adds, the releases of what the LKM itself left behind on unload (its pools,
 * its allocations): one pool_destroy per pool left, one free per block left. Those are the
 * conversion fixing a leak, not a difference of behaviour; anything beyond stays added.
 */
function leakReleases(extra: string[], leaked: readonly string[]): string[] {
  let pools = leaked.filter((l) => /^memory pool .*: added/.test(l)).length;
  let blocks = 0;
  for (const l of leaked) {
    const m = /^memory (?!pool ).*: (?:added \((\d+) block|(\d+) block\(s\).* -> (\d+) block)/.exec(l);
    if (m) blocks += m[1] ? Number(m[1]) : Number(m[3]) - Number(m[2]);
  }
  const releases: string[] = [];
  for (const call of extra) {
    if (/^pool_(cache_)?destroy$/.test(call) && pools > 0) {
      pools--;
      releases.push(call);
    } else if (/^(free|hashdone|kmem_free)$/.test(call) && blocks > 0) {
      blocks--;
      releases.push(call);
    }
  }
  return releases;
}

/** `a` with each of `drop` taken out once, counting from the end (releases come last). */
function without(a: readonly string[], drop: readonly string[]): string[] {
  const out = [...a];
  for (const d of drop) {
    const at = out.lastIndexOf(d);
    if (at >= 0) out.splice(at, 1);
  }
  return out;
}

function equal(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

export function startsWith(a: readonly string[], prefix: readonly string[]): boolean {
  return prefix.length > 0 && prefix.every((x, i) => a[i] === x);
}

/** What `a` has that `b` lacks, counted (registration steps aside). */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const x of b) left.set(x, (left.get(x) ?? 0) + 1);
  const out: string[] = [];
  for (const x of a) {
    if (x === REGISTRATION) continue;
    const n = left.get(x) ?? 0;
    if (n > 0) left.set(x, n - 1);
    else out.push(x);
  }
  return out.sort();
}
