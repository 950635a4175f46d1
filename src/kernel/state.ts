/**
 * The kernel's state as data: every table a module can change, the module list with its
 * reference counts, ksyms, and what modules left allocated. Two snapshots compare equal exactly
 * when nothing a module could have done is different, which is how validation proves a load
 * that failed, or a load and unload, left the kernel as it found it.
 *
 * A snapshot is plain JSON: sections of key → description, descriptions in C's words.
 */
import { asNumber, readCString, readField, StructCell } from './machine/memory.ts';
import { KERNEL } from './ksyms.ts';
import { emulOf, makecmdsOf, prioOf } from './subsys/exec.ts';
import { fnName, Symbolizer } from './names.ts';
import { constant } from './abi.ts';
import type { Kernel } from './kernel.ts';

export const SECTIONS = [
  'modules',
  'lkms',
  'ksyms',
  'sysent',
  'vfs',
  'vnodeops',
  'bdevsw',
  'cdevsw',
  'execsw',
  'emul',
  'cfdriver',
  'cfdata',
  'devices',
  'sysctl',
  'files',
  'memory',
  'sync',
  'lockdebug',
] as const;

export type Section = (typeof SECTIONS)[number];

export type KernelSnapshot = Record<Section, Record<string, string>>;

export function snapshot(k: Kernel): KernelSnapshot {
  const names = new Symbolizer(k);
  const STAR = constant('FSTATE_STAR');
  const s = Object.fromEntries(SECTIONS.map((x) => [x, {}])) as KernelSnapshot;

  for (const m of k.modstat()) {
    s.modules[m.name] = `${m.class}, ${m.source}, refcount ${m.refcnt}${m.required.length ? `, requires ${m.required.join(',')}` : ''}`;
  }
  for (const l of k.lkm.list) {
    const st = k.lkm.describe(l);
    s.lkms[st.name] = `id ${st.id}, ${st.type}, offset ${st.offset}`;
  }
  for (const p of k.ksyms.providers()) {
    s.ksyms[p] = [...k.ksyms.symbolsOf(p)].sort().join(' ');
  }
  for (let i = 0; i < k.syscalls.size; i++) {
    const v = k.syscalls.view(i);
    s.sysent[String(i)] = `${v.call ? fnName(v.call) : 'NULL'} (narg ${v.narg}, argsize ${v.argsize}, flags ${v.flags})`;
  }
  for (const e of k.vfs.entries()) s.vfs[e.name] = `refcount ${e.refcount}, ${names.cell(e.ops)}`;
  for (const d of k.vfs.vectorOwners()) {
    s.vnodeops[names.cell(d)] = `vector at ${names.value(readField(d, 'opv_desc_vector_p'))}`;
  }
  for (const sw of ['block', 'char'] as const) {
    const sec = sw === 'block' ? s.bdevsw : s.cdevsw;
    for (const { major, devsw } of k.devsw.occupied(sw)) {
      const name = k.devsw.nameOf(sw, major);
      sec[String(major)] = `${name ?? '?'}: ${names.cell(devsw)}${describeDevsw(devsw, names)}`;
    }
  }
  k.exec.sorted().forEach((e, i) => {
    const emul = emulOf(e);
    const label = `${names.value(makecmdsOf(e))}/${emul instanceof StructCell ? readCString(readField(emul, 'e_name')) : 'NULL'}`;
    s.execsw[label] = `position ${i}, prio ${prioOf(e)}, ${names.cell(e)}`;
  });
  for (const e of k.emuls.entries()) s.emul[e.name] = `${names.cell(e.emul)}${e.ro ? ', built in' : ''}`;
  for (const d of k.autoconf.drivers) {
    s.cfdriver[d.name] = `${names.cell(d.cd)}; attachments: ${d.attachments.map((a) => readCString(readField(a, 'ca_name'))).join(',') || '-'}`;
  }
  for (const t of k.autoconf.tables) {
    s.cfdata[names.cell(t.head)] = t.entries.map((e) => `${readCString(readField(e, 'cf_name'))}${asNumber(readField(e, 'cf_fstate')) === STAR ? '*' : asNumber(readField(e, 'cf_unit'))}`).join(',');
  }
  for (const d of k.autoconf.devices) {
    s.devices[d.xname] = `at ${d.parent?.xname ?? 'root'}, driver ${d.driver.name}, attachment ${readCString(readField(d.ca, 'ca_name'))}`;
  }
  for (const { path, node } of k.sysctl.walk()) s.sysctl[path] = `#${node.num}, type ${node.type}${node.owner ? `, created by ${node.owner}` : ''}`;
  // The root file system's nodes (a /dev node a module made) and vnode references and locks held.
  for (const { path, node } of k.rootfs.walk()) {
    const key = s.files[path] === undefined ? path : `${path} #${Object.keys(s.files).length}`;
    s.files[key] = k.rootfs.describe(node);
  }
  const mem = new Map<string, { n: number; bytes: number }>();
  for (const a of k.kmem.allocations()) {
    const key = `${a.allocator} ${a.kind}${a.owner ? ` by ${a.owner}` : ''}`;
    const m = mem.get(key) ?? { n: 0, bytes: 0 };
    m.n++;
    m.bytes += a.size;
    mem.set(key, m);
  }
  for (const [key, m] of mem) s.memory[key] = `${m.n} block(s), ${m.bytes} bytes`;
  for (const p of k.kmem.poolList()) s.memory[`pool ${p.name}`] = `item size ${p.size}, ${p.out} out${p.owner ? `, created by ${p.owner}` : ''}`;
  // A held mutex or a pending callout is live kernel state (a callout into unloaded code fires
  // anyway); an idle one that was never destroyed is only what LOCKDEBUG would still track —
  // and NetBSD 4 code had no callout_destroy to call — so it has a section of its own.
  const count = (sec: Record<string, string>, key: string): void => {
    sec[key] = String(Number(sec[key] ?? 0) + 1);
  };
  for (const o of k.sync.list()) {
    const by = o.owner ? ` by ${o.owner}` : '';
    if (o.busy) count(s.sync, o.kind === 'mutex' ? `mutex held${by}` : `callout pending (${o.func ? fnName(o.func) : '?'})${by}`);
    else count(s.lockdebug, `${o.kind} initialised${by}`);
  }
  return s;
}

function describeDevsw(devsw: StructCell, names: Symbolizer): string {
  const open = devsw.fields.get('d_open');
  return open ? ` (d_open ${names.value(readField(devsw, 'd_open'))})` : '';
}

/**
 * What changed from `a` to `b`, one line per difference, e.g.
 * `sysent[210]: sys_lkmnosys (narg 0 …) -> sys_uptime@uptime (narg 1 …)`,
 * `vfs kernfs: added (refcount 0, &kernfs_vfsops@kernfs)`,
 * `ksyms kernfs: +3 symbols (kernfs_vfsops, …)`.
 * Empty when the states are the same. `ignore` leaves sections out of the comparison.
 */
export function diffSnapshots(a: KernelSnapshot, b: KernelSnapshot, ignore: readonly Section[] = []): string[] {
  const out: string[] = [];
  for (const sec of SECTIONS) {
    if (ignore.includes(sec)) continue;
    const x = a[sec] ?? {};
    const y = b[sec] ?? {};
    const keys = [...new Set([...Object.keys(x), ...Object.keys(y)])].sort(compareKeys);
    for (const key of keys) {
      const before = x[key];
      const after = y[key];
      if (before === after) continue;
      const label = sec === 'sysent' || sec === 'bdevsw' || sec === 'cdevsw' ? `${sec}[${key}]` : `${sec} ${key}`;
      if (sec === 'ksyms' && before !== undefined && after !== undefined) {
        out.push(`${label}: ${symbolChange(before, after)}`);
      } else if (before === undefined) {
        out.push(`${label}: added (${sec === 'ksyms' ? countOf(after!) : after})`);
      } else if (after === undefined) {
        out.push(`${label}: removed (was ${sec === 'ksyms' ? countOf(before) : before})`);
      } else {
        out.push(`${label}: ${before} -> ${after}`);
      }
    }
  }
  return out;
}

export function sameState(a: KernelSnapshot, b: KernelSnapshot, ignore: readonly Section[] = []): boolean {
  return diffSnapshots(a, b, ignore).length === 0;
}

function compareKeys(p: string, q: string): number {
  const [m, n] = [Number(p), Number(q)];
  if (Number.isInteger(m) && Number.isInteger(n)) return m - n;
  return p < q ? -1 : p > q ? 1 : 0;
}

function countOf(list: string): string {
  const names = list ? list.split(' ') : [];
  return names.length > 6 ? `${names.length} symbols` : `${names.length} symbol(s): ${names.join(', ')}`;
}

function symbolChange(before: string, after: string): string {
  const b = new Set(before.split(' ').filter(Boolean));
  const a = new Set(after.split(' ').filter(Boolean));
  const added = [...a].filter((s) => !b.has(s));
  const removed = [...b].filter((s) => !a.has(s));
  const parts: string[] = [];
  if (added.length) parts.push(`+${added.length} (${added.slice(0, 6).join(', ')}${added.length > 6 ? ', …' : ''})`);
  if (removed.length) parts.push(`-${removed.length} (${removed.slice(0, 6).join(', ')}${removed.length > 6 ? ', …' : ''})`);
  return parts.join(' ');
}

