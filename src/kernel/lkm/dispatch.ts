/**
 * lkmdispatch (kern_lkm.c 1.88): the kernel's half of an LKM's DISPATCH. On LKM_E_LOAD it
 * checks versions, then wires the module into the table its type names; on LKM_E_UNLOAD it
 * unwires it; LKM_E_STAT does nothing per type.
 */
import {
  type Cell,
  type Value,
  asNumber,
  deref,
  field,
  int,
  load,
  NULL_PTR,
  readCString,
  readField,
  ScalarCell,
  StructCell,
} from '../machine/memory.ts';
import { constant } from '../abi.ts';
import { copyInto } from '../machine/cells.ts';
import { errno } from '../errno.ts';
import { asStruct } from '../kfuncs/args.ts';
import { attachInits, pointerList } from '../subsys/autoconf.ts';
import { signed } from './loader.ts';
import type { Kernel } from '../kernel.ts';

/** What the kernel keeps per LKM beside its table entry. */
export interface LkmState {
  /** LM_DRV: drivers and attachments that were already present at load, left alone at unload. */
  skipped: Set<Cell>;
}

const LM = ['LM_SYSCALL', 'LM_VFS', 'LM_DEV', 'LM_STRMOD', 'LM_EXEC', 'LM_COMPAT', 'LM_MISC', 'LM_DRV'] as const;
type LmType = (typeof LM)[number];

/** The descriptor: the whole struct (lkm_syscall …) and the lkm_any header it begins with. */
export interface Descriptor {
  outer: StructCell;
  any: StructCell;
}

export function lkmDispatch(k: Kernel, table: StructCell, d: Descriptor, cmd: number, state: LkmState): number {
  const { any } = d;
  const load = cmd === constant('LKM_E_LOAD');
  const unload = cmd === constant('LKM_E_UNLOAD');
  if (load) {
    const err = checkver(k, table, any);
    if (err) return err;
  }
  const typeValue = asNumber(readField(any, 'lkm_type'));
  const type = LM.find((t) => constant(t) === typeValue);
  if (!type) return errno('ENXIO');
  if (load) {
    if (k.lkm.exists(table)) return errno('EEXIST');
    return LOADERS[type](k, d.outer, any, state);
  }
  if (unload) return UNLOADERS[type](k, d.outer, any, state);
  return 0;
}

/** _lkm_checkver: LKM_VERSION always; the release and the kernel options unless forced. */
function checkver(k: Kernel, table: StructCell, any: StructCell): number {
  const name = readCString(readField(any, 'lkm_name')) ?? '?';
  const fail = (what: string): number => {
    k.printf(`LKM '${name}': ${what}`);
    return errno('EPROGMISMATCH');
  };
  // NetBSD 1.x descriptors carry only lkm_ver; the release and options came with 1.5's lkm_any.
  const modver = any.fields.has('lkm_modver') ? 'lkm_modver' : 'lkm_ver';
  if (asNumber(readField(any, modver)) !== k.lkmVersion) return fail('LKM interface version mismatch');
  if (table.fields.has('forced') && asNumber(readField(table, 'forced')) !== 0) return 0;
  if (any.fields.has('lkm_sysver') && asNumber(readField(any, 'lkm_sysver')) !== k.version) return fail('kernel version mismatch');
  if (any.fields.has('lkm_envver') && (readCString(readField(any, 'lkm_envver')) ?? '') !== '') return fail('kernel environment mismatch (options differ)');
  return 0;
}

/** (kernel, the whole descriptor, its lkm_any header, per-LKM state) */
type Handler = (k: Kernel, o: StructCell, any: StructCell, state: LkmState) => number;

/** The switch's pointer in struct lkm_exec: lkm_execsw, or NetBSD 1.x's lkm_exec. */
function execswField(o: StructCell): string {
  return o.fields.has('lkm_execsw') ? 'lkm_execsw' : 'lkm_exec';
}

function value(o: StructCell, name: string): Value {
  return load(field(o, name));
}

function setOffset(any: StructCell, n: number): void {
  (field(any, 'lkm_offset') as ScalarCell).value = int(n);
}

function copyMembers(dst: StructCell, src: StructCell): void {
  for (const [name, d] of dst.fields) {
    const s = src.fields.get(name);
    if (d instanceof ScalarCell && s instanceof ScalarCell) d.value = s.value;
  }
}

const LOADERS: Record<LmType, Handler> = {
  LM_SYSCALL(k, o, any) {
    const maxsys = constant('SYS_MAXSYSCALL');
    let slot = signed(readField(any, 'lkm_offset'));
    if (slot === -1) {
      for (let i = 0; i < maxsys; i++) {
        if (k.syscalls.handler(i) === k.syscalls.lkmnosys) {
          slot = i;
          break;
        }
      }
      if (slot < 0) return errno('ENFILE');
    } else if (slot < 0 || slot >= maxsys) {
      return errno('EINVAL');
    }
    const sysent = deref(value(o, 'lkm_sysent'));
    if (!(sysent instanceof StructCell)) return errno('EINVAL');
    const entry = k.syscalls.entry(slot);
    copyMembers(field(o, 'lkm_oldent') as StructCell, entry);
    copyMembers(entry, sysent);
    setOffset(any, slot);
    return 0;
  },
  LM_VFS(k, o, any) {
    const vfs = asStruct(deref(value(o, 'lkm_vfsops')), 'vfsops');
    if (!vfs) return errno('EINVAL');
    return k.vfs.attach(vfs);
  },
  LM_DEV(k, o, any) {
    if (o.fields.has('lkm_devtype')) return loadOldDev(k, o, any);
    const err = k.devsw.attach(
      readCString(readField(o, 'lkm_devname')),
      asStruct(deref(readField(o, 'lkm_bdev')), 'bdevsw'),
      field(o, 'lkm_bdevmaj'),
      asStruct(deref(readField(o, 'lkm_cdev')), 'cdevsw'),
      field(o, 'lkm_cdevmaj'),
    );
    if (err) return err;
    const b = asNumber(readField(o, 'lkm_bdevmaj'));
    const c = asNumber(readField(o, 'lkm_cdevmaj'));
    setOffset(any, (((b & 0xffff) << 16) | (c & 0xffff)) >>> 0);
    return 0;
  },
  LM_STRMOD: () => 0,
  LM_EXEC(k, o, any) {
    const esw = asStruct(deref(value(o, execswField(o))), 'execsw');
    if (!esw) return errno('EINVAL');
    // NetBSD 1.x's struct lkm_exec names no emulation.
    return k.exec.addByName(esw, o.fields.has('lkm_emul') ? readCString(value(o, 'lkm_emul')) : null);
  },
  LM_COMPAT(k, o, any) {
    const em = asStruct(deref(value(o, 'lkm_compat')), 'emul');
    if (!em) return errno('EINVAL');
    return k.emuls.register(em, false);
  },
  LM_MISC: () => 0,
  LM_DRV(k, o, any, state) {
    // drvlkm_load: an already-present driver or attachment is tolerated and left out of the
    // unload; any other error stops here, without undoing what was attached (as NetBSD did).
    for (const cd of pointerList(value(o, 'lkm_cd'), 'cfdriver')) {
      const err = k.autoconf.cfdriverAttach(cd);
      if (err === errno('EEXIST')) {
        k.printf(`driver ${readCString(readField(cd, 'cd_name'))} already present`);
        state.skipped.add(cd);
      } else if (err) return err;
    }
    for (const { driver, ca } of attachInits(value(o, 'lkm_cai'))) {
      const err = k.autoconf.cfattachAttach(driver, ca);
      if (err === errno('EEXIST')) {
        k.printf(`driver ${driver} attachment ${readCString(readField(ca, 'ca_name'))} already present`);
        state.skipped.add(ca);
      } else if (err) return err;
    }
    return k.autoconf.cfdataAttach(value(o, 'lkm_cf'), true);
  },
};

const UNLOADERS: Record<LmType, Handler> = {
  LM_SYSCALL(k, o, any) {
    const slot = signed(readField(any, 'lkm_offset'));
    if (slot < 0 || slot >= k.syscalls.size) return 0;
    copyMembers(k.syscalls.entry(slot), field(o, 'lkm_oldent') as StructCell);
    return 0;
  },
  LM_VFS(k, o, any) {
    const vfs = asStruct(deref(value(o, 'lkm_vfsops')), 'vfsops');
    return vfs ? k.vfs.detach(vfs) : errno('EINVAL');
  },
  LM_DEV(k, o, any) {
    if (o.fields.has('lkm_devtype')) return unloadOldDev(k, o, any);
    k.devsw.detach(asStruct(deref(readField(o, 'lkm_bdev')), 'bdevsw'), asStruct(deref(readField(o, 'lkm_cdev')), 'cdevsw'));
    (field(o, 'lkm_bdevmaj') as ScalarCell).value = int(-1);
    (field(o, 'lkm_cdevmaj') as ScalarCell).value = int(-1);
    return 0;
  },
  LM_STRMOD: () => 0,
  LM_EXEC(k, o, any) {
    const esw = asStruct(deref(value(o, execswField(o))), 'execsw');
    return esw ? k.exec.removeOne(esw) : errno('EINVAL');
  },
  LM_COMPAT(k, o, any) {
    const em = asStruct(deref(value(o, 'lkm_compat')), 'emul');
    return em ? k.emuls.unregister(readCString(readField(em, 'e_name')) ?? '') : errno('EINVAL');
  },
  LM_MISC: () => 0,
  LM_DRV(k, o, any, state) {
    // drvlkm_unload: the cfdata first (detaching its devices), then attachments, then drivers.
    let first = k.autoconf.cfdataDetach(value(o, 'lkm_cf'));
    if (first) return first;
    for (const { driver, ca } of attachInits(value(o, 'lkm_cai'))) {
      if (state.skipped.has(ca)) continue;
      const err = k.autoconf.cfattachDetach(driver, ca);
      first ||= err;
    }
    for (const cd of pointerList(value(o, 'lkm_cd'), 'cfdriver')) {
      if (state.skipped.has(cd)) continue;
      const err = k.autoconf.cfdriverDetach(cd);
      first ||= err;
    }
    return first;
  },
};

/**
 * The four-argument MOD_DEV (kern_lkm.c 1.45): the driver's whole switch is copied into a slot
 * of the static bdevsw[]/cdevsw[]; the entry it replaces is kept in lkm_olddev.
 */
function loadOldDev(k: Kernel, o: StructCell, any: StructCell): number {
  const sw = asNumber(readField(o, 'lkm_devtype')) === constant('LM_DT_BLOCK') ? 'block' : 'char';
  const tag = sw === 'block' ? 'bdevsw' : 'cdevsw';
  const devsw = asStruct(deref(readField(field(o, 'lkm_dev'), 'anon')), tag) ?? asStruct(deref(readField(field(o, 'lkm_dev'), sw === 'block' ? 'bdev' : 'cdev')), tag);
  if (!devsw) return errno('EINVAL');
  const r = k.devsw.installStatic(sw, signed(readField(any, 'lkm_offset')), devsw, readCString(readField(any, 'lkm_name')) ?? '?');
  if (typeof r === 'number') return r;
  // lkm_olddev holds the old entry: a pointer (NetBSD 1.5 on), or the whole old switch (1.x).
  const old = field(field(o, 'lkm_olddev'), sw === 'block' ? 'bdev' : 'cdev');
  if (old instanceof StructCell) {
    if (r.previous instanceof StructCell) copyInto(old, r.previous);
  } else (old as ScalarCell).value = !(r.previous instanceof StructCell) && r.previous.k === 'ptr' ? r.previous : NULL_PTR;
  setOffset(any, r.major);
  return 0;
}

function unloadOldDev(k: Kernel, o: StructCell, any: StructCell): number {
  const sw = asNumber(readField(o, 'lkm_devtype')) === constant('LM_DT_BLOCK') ? 'block' : 'char';
  const major = signed(readField(any, 'lkm_offset'));
  if (major < 0) return 0;
  const old = field(field(o, 'lkm_olddev'), sw === 'block' ? 'bdev' : 'cdev');
  if (old instanceof StructCell) {
    k.devsw.restoreStatic(sw, major, old);
    return 0;
  }
  const previous = load(old);
  k.devsw.restoreStatic(sw, major, previous.k === 'ptr' ? previous : NULL_PTR);
  return 0;
}
