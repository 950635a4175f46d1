/**
 * The equivalence check's comparison of kernel tables: what the LKM set (sysent, devsw, vfs,
 * exec, sysctl …) against what the converted module sets, allowing for numbers the LKM left to
 * the kernel to choose and for the names a kernel of the LKM era did not have.
 */
import type { Outcome } from '../outcome.ts';
import { devswParts } from '../registrations.ts';
import { modcmdSite, type Subject } from '../subject.ts';

export function compareTables(o: Outcome, s: Subject, was: Map<string, string>, is: Map<string, string>): void {
  const sites = modcmdSite(s);
  const chosen = s.spec.lkm!.chosenByKernel;
  // Where the LKM let the kernel choose (slot or major -1), the same entry elsewhere is the
  // choice differing, not the module.
  const moved = new Set<string>();
  for (const table of ['sysent', 'bdevsw', 'cdevsw'] as const) {
    if (!chosen[table]) continue;
    const byValue = (m: Map<string, string>) => new Map([...m].filter(([k]) => k.startsWith(`${table}[`)).map(([k, v]) => [v, k]));
    const b = byValue(is);
    for (const [value, key] of byValue(was)) {
      const other = b.get(value);
      if (!other || other === key) continue;
      o.warn(
        table === 'sysent'
          ? `${value}: the old loader put it in ${key}, the first free LKM slot (MOD_SYSCALL asked for -1); the module establishes it in ${other}, the slot chosen for it (--syscall-slot)`
          : `${value}: the old loader put it in ${key} and devsw_attach in ${other}; the LKM asked for any major (-1), and the two kernels choose differently`,
      );
      moved.add(key).add(other);
    }
  }
  let same = 0;
  for (const [key, value] of was) {
    if (moved.has(key)) continue;
    const now = is.get(key);
    if (now === undefined) {
      o.fail(`${key}: the LKM set it to ${value}; the converted module leaves it alone — its registration was lost in the conversion`, sites);
    } else if (now !== value) {
      const renamed = renamedDevice(key, value, now);
      if (renamed) o.note(renamed);
      else o.fail(`${key}: the LKM set it to ${value}; the converted module sets it to ${now}`, sites);
    } else same++;
  }
  for (const [key, value] of is) {
    if (moved.has(key) || was.has(key)) continue;
    o.fail(`${key}: the converted module sets it to ${value}; the LKM did not touch it`, sites);
  }
  if (was.size === 0 && is.size === 0) o.note('neither changes a kernel table');
  else if (same) o.note(`the same ${same} table change(s): ${[...was.keys()].filter((k) => !moved.has(k) && is.get(k) === was.get(k)).join(', ')}`);
}

/**
 * A device switch entry that differs only in its name: a kernel of the LKM era has no names for
 * majors (devsw_attach() brought them), so the LKM side shows the LKM's own name, which convert
 * may have changed (module-renamed); the switch itself is what counts.
 */
function renamedDevice(key: string, was: string, is: string): string | null {
  if (!/^[bc]devsw\[/.test(key)) return null;
  const a = devswParts(was);
  const b = devswParts(is);
  if (a.code !== b.code || a.name === b.name) return null;
  return `${key}: the same switch${b.code}; the LKM-era kernel knew it by the LKM's name, ${a.name}, and devsw_attach() names it ${b.name}`;
}
