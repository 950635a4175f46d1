/**
 * Lifecycle: what modload, modstat and modunload do to the module. Load it into a fresh kernel
 * (module_load: stage 1, the requisites, stage 2, INIT), look at it as modstat(8) would, call
 * MODULE_CMD_STAT, unload it and its requisites, and compare the kernel with its state at boot:
 * every table, ksyms, the module list and refcounts must be back where they were.
 */
import { errno, errnoName } from '../../kernel/errno.ts';
import { Outcome } from '../outcome.ts';
import { withUndoHint } from '../leftovers.ts';
import { changes, describe, Rig } from '../rig.ts';
import { modcmdSite, type Subject } from '../subject.ts';
import type { CheckResult, Unmodelled } from '../result.ts';

/** Lines of a load's effect shown in a passing check's details. */
const SHOWN = 12;

/**
 * mount(2) asks module_autoload for a file system's type name (mount_get_vfsops): a module that
 * registers a file system is found only if it bears that name. Each type it registered is
 * mounted in a fresh kernel that has not loaded it.
 */
async function autoloadsByType(s: Subject, o: Outcome, name: string, fstypes: string[]): Promise<void> {
  for (const fstype of fstypes) {
    if (fstype !== name) {
      o.warn(`it registers file system type ${fstype} but is named ${name}: mount -t ${fstype} autoloads module "${fstype}", so this one is never autoloaded; name it ${fstype}`, modcmdSite(s));
      continue;
    }
    const fresh = new Rig(s.catalog, { machine: s.spec.machine });
    const m = await fresh.k.mount(fstype);
    if (m.error) {
      o.fail(`mount -t ${fstype} in a kernel without ${name} loaded did not autoload it: ${describe(m)}`, modcmdSite(s));
      continue;
    }
    o.note(`mount -t ${fstype}: autoloaded ${name} (module_autoload "${fstype}", class VFS)`);
    await fresh.k.unmount(fstype);
  }
}

export async function lifecycle(s: Subject): Promise<CheckResult> {
  const o = new Outcome('lifecycle');
  const rig = new Rig(s.catalog, { machine: s.spec.machine });
  const boot = rig.snap();
  const name = s.infoName;
  const bootTypes = new Set(rig.k.vfs.entries().map((e) => e.name));

  const printed = rig.k.console.length;
  const load = await rig.load(s.object);
  if (load.error) {
    o.fail(`load failed: ${describe(load)}${said(rig.k.console.slice(printed))}`);
    for (const line of changes(boot, rig.snap())) o.fail(`the failed load left behind: ${line}`);
    return o.done();
  }
  if (s.spec.name !== name) {
    o.warn(
      `MODULE() names the module \`${name}' but it is built as ${s.spec.name} (KMOD); module_load and other modules' ` +
        `required lists find it by its file name, and a requisite whose modinfo names another module fails with ENOENT`,
      modcmdSite(s),
    );
  }
  const loaded = rig.snap();
  // The types the module registers itself, not its requisites (lfs on top of ffs registers lfs).
  const theirs = new Set<string>();
  if (s.required.length) {
    const reqs = new Rig(s.catalog);
    if ((await reqs.loadRequisites(s.required)) === null) for (const e of reqs.k.vfs.entries()) theirs.add(e.name);
  }
  const fstypes = rig.k.vfs.entries().map((e) => e.name).filter((n) => !bootTypes.has(n) && !theirs.has(n));
  const effect = changes(boot, loaded, ['ksyms', 'modules']);
  o.note(
    `load: ok${s.required.length ? ` (requisites loaded first: ${s.required.join(', ')})` : ''}; ` +
      `${effect.length ? `${effect.length} change(s) to the kernel` : 'no change to any kernel table'}`,
  );
  for (const line of effect.slice(0, SHOWN)) o.note(`  ${line}`);
  if (effect.length > SHOWN) o.note(`  … and ${effect.length - SHOWN} more`);

  for (const req of s.required) {
    const r = rig.k.modules.lookup(req);
    if (!r) o.fail(`requisite ${req} is not in the module list after the load`);
    else if (r.refcnt < 1) o.fail(`requisite ${req} has refcount ${r.refcnt} while ${name} depends on it`);
  }
  const stat = rig.k.modstat().find((m) => m.name === name);
  if (stat) {
    o.note(`modstat: ${stat.name} ${stat.class} ${stat.source} refs ${stat.refcnt} requires ${stat.required.join(',') || '-'}`);
  }

  const st = await rig.modcmd(name, 'MODULE_CMD_STAT');
  if (st.error === 0 || st.error === errno('ENOTTY')) {
    o.note(`MODULE_CMD_STAT: ${st.error === 0 ? 'ok' : 'ENOTTY (not implemented, as module(9) allows)'}`);
  } else {
    o.fail(`MODULE_CMD_STAT failed: ${st.message || errnoName(st.error)}`, modcmdSite(s));
  }
  for (const line of changes(loaded, rig.snap())) o.fail(`MODULE_CMD_STAT changed the kernel: ${line}`, modcmdSite(s));

  const before = rig.k.console.length;
  const unload = await rig.unload(name);
  if (unload.error) {
    o.fail(`unload failed: ${describe(unload)}${said(rig.k.console.slice(before))}`, modcmdSite(s));
    return o.done();
  }
  o.note('unload: ok');
  // The requisites this load brought in, dependents first (the order of the module list).
  const brought = rig.k.modules.list.filter((m) => !(m.info.name in boot.modules)).map((m) => m.info.name);
  for (const req of brought) {
    const r = await rig.unload(req);
    if (r.error) o.fail(`requisite ${req} does not unload after ${name} is gone: ${describe(r)} (was a reference not dropped?)`);
  }
  const left = changes(boot, rig.snap());
  if (left.length === 0) o.note('the kernel after unload is as it was before the load');
  for (const line of left) o.fail(`left behind after unload: ${withUndoHint(line)}`, modcmdSite(s));
  await autoloadsByType(s, o, name, fstypes);
  return { ...o.done(), unmodelled: unmodelled(rig, s) };
}

/** What the module's code called that the kernel only stands in for; where the tree has it. */
function unmodelled(rig: Rig, s: Subject): Unmodelled {
  const tree = s.catalog.treeSymbols();
  const functions = rig.k.unmodelled.by(s.infoName).map((f) => {
    const t = f.where.startsWith('declared in') ? tree(f.name) : undefined;
    return t ? { ...f, where: `${t.file}:${t.line}` } : f;
  });
  const variables = rig.k.unmodelled.variablesOf(s.infoName);
  return { calls: functions.reduce((n, f) => n + f.calls, 0), functions, ...(variables.length ? { variables } : {}) };
}

/** What the module printed while failing, which often says why: ` (console: "…")`. */
function said(lines: string[]): string {
  const shown = lines.slice(-3).map((l) => `"${l}"`);
  return shown.length ? ` (console: ${shown.join(', ')})` : '';
}
