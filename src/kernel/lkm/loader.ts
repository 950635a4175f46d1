/**
 * The old LKM loader: a model of kern_lkm.c (NetBSD 4.x) driven as modload(8), modunload(8)
 * and modstat(8) drive /dev/lkm. LMRESERV gives the module a table entry and the lowest free
 * id; the object is linked against everything in ksyms (modload linked against /dev/ksyms);
 * LMREADY calls the entry function with LKM_E_LOAD, whose DISPATCH has the kernel wire the
 * module in (lkmdispatch) before the module's own load handler runs. LMUNLOAD reports any
 * failure of the entry as EBUSY, losing the real error, as the kernel did.
 */
import {
  type Callable,
  type Value,
  asNumber,
  deref,
  field,
  int,
  pointerTo,
  readCString,
  readField,
  ScalarCell,
  StructCell,
} from '../machine/memory.ts';
import type { ModuleObject, SymbolValue } from '../object.ts';
import { constant, newStruct } from '../abi.ts';
import { ECRASH, errnoName, KernelError } from '../errno.ts';
import { crashMessage, isCrash, stopped } from '../crash.ts';
import { kobjLoad, type Kobj } from '../kobj.ts';
import { type Descriptor, lkmDispatch, type LkmState } from './dispatch.ts';
import type { Kernel } from '../kernel.ts';
import path from 'node:path';

export interface LkmLoadOptions {
  /** modload -e: the entry function. */
  entry?: string;
  /** The module's file name without `.o`, which modload derives `<name>_lkmentry` from. */
  name?: string;
  /** LMFORCE: skip the version checks that can be skipped. */
  force?: boolean;
}

export interface Lkm {
  id: number;
  /** lkm_name once the entry ran, the file name before. */
  name: string;
  table: StructCell;
  kobj: Kobj;
  entry: Callable;
  /** The ksyms provider its symbols are under. */
  provider: string | null;
  state: LkmState;
}

export interface LkmStat {
  id: number;
  name: string;
  /** MODTYPE_NAMES: SYSCALL, VFS, DEV … */
  type: string;
  /** lkm_offset: syscall slot, packed majors, or -1. */
  offset: number;
  /** In kilobytes, as LMSTAT reports it. */
  size: number;
  ver: number;
}

const TYPE_NAMES = ['SYSCALL', 'VFS', 'DEV', 'STRMOD', 'EXEC', 'COMPAT', 'MISC', 'DRV'];

export class LkmLoader {
  readonly list: Lkm[] = [];

  constructor(private readonly k: Kernel) {}

  /** LMRESERV, load, LMREADY. */
  load(object: ModuleObject, opts: LkmLoadOptions = {}): Lkm {
    this.k.lock.assertHeld('lkmopen');
    this.k.authorizeModule('modload');
    const fileName = opts.name ?? path.basename(object.origin).replace(/\.[ko]+$/, '');
    const kobj = kobjLoad(object);
    this.link(kobj, fileName);
    const entry = this.entryPoint(kobj, fileName, opts.entry);

    const table = newStruct('lkm_table');
    const id = this.freeId();
    setInt(table, 'id', id);
    setInt(table, 'forced', opts.force ? 1 : 0);
    set(table, 'entry', { k: 'fn', fn: entry });
    const lkm: Lkm = { id, name: fileName, table, kobj, entry, provider: null, state: { skipped: new Set() } };
    const drop = (): void => {
      const i = this.list.indexOf(lkm);
      if (i >= 0) this.list.splice(i, 1);
    };
    this.list.push(lkm);
    this.k.journal.record(drop);

    let err: number;
    try {
      err = this.callEntry(lkm, 'LKM_E_LOAD');
    } catch (e) {
      drop();
      throw e;
    }
    if (err !== 0) {
      drop();
      throw new KernelError(err, `${lkm.name}: ${entry.name}(LKM_E_LOAD) failed: ${errnoName(err)}`);
    }
    lkm.name = this.descriptorName(lkm) ?? fileName;
    lkm.provider = this.registerSymbols(lkm);
    setInt(table, 'refcnt', 1);
    return lkm;
  }

  /** LMUNLOAD by id or name. */
  unload(which: string | number): void {
    this.k.lock.assertHeld('lkmioctl');
    this.k.authorizeModule('modunload');
    const lkm = this.lookup(which);
    const err = this.callEntry(lkm, 'LKM_E_UNLOAD');
    if (err !== 0) {
      throw KernelError.of('EBUSY', `${lkm.name}: ${lkm.entry.name}(LKM_E_UNLOAD) failed with ${errnoName(err)}; LMUNLOAD reports EBUSY`);
    }
    const at = this.list.indexOf(lkm);
    this.list.splice(at, 1);
    this.k.journal.record(() => this.list.splice(at, 0, lkm));
    if (lkm.provider) this.k.ksyms.unregister(lkm.provider);
  }

  /** LMSTAT by id or name: the entry's LKM_E_STAT, then the table's numbers. */
  stat(which: string | number): LkmStat {
    this.k.lock.assertHeld('lkmioctl');
    const lkm = this.lookup(which);
    const err = this.callEntry(lkm, 'LKM_E_STAT');
    if (err !== 0) throw new KernelError(err, `${lkm.name}: ${lkm.entry.name}(LKM_E_STAT) failed: ${errnoName(err)}`);
    return this.describe(lkm);
  }

  /** modstat(8) without calling into the modules. */
  describe(lkm: Lkm): LkmStat {
    const any = this.descriptor(lkm.table)?.any ?? null;
    const type = any ? asNumber(readField(any, 'lkm_type')) : -1;
    return {
      id: lkm.id,
      name: lkm.name,
      type: TYPE_NAMES[type] ?? '?',
      offset: any ? signed(readField(any, 'lkm_offset')) : -1,
      size: Math.ceil(lkm.kobj.object.size / 1024),
      ver: this.k.lkmVersion,
    };
  }

  /** lkmexists: another fully loaded entry has the same lkm_name. */
  exists(table: StructCell): boolean {
    const any = this.descriptor(table)?.any ?? null;
    const name = any ? readCString(readField(any, 'lkm_name')) : null;
    if (name === null) return false;
    return this.list.some((l) => {
      if (l.table === table || asNumber(readField(l.table, 'refcnt')) === 0) return false;
      const other = this.descriptor(l.table)?.any;
      return other !== undefined && readCString(readField(other, 'lkm_name')) === name;
    });
  }

  /** lkmdispatch(lkmtp, cmd) */
  dispatch(table: StructCell, cmd: number): number {
    const lkm = this.list.find((l) => l.table === table);
    const desc = this.descriptor(table);
    if (!desc) return constant('ENXIO');
    return lkmDispatch(this.k, table, desc, cmd, lkm?.state ?? { skipped: new Set() });
  }

  /**
   * The descriptor lkmtp->private points at: the module's `_module` (or a hand-built struct
   * lkm_dev …) and the struct lkm_any it begins with.
   */
  descriptor(table: StructCell): Descriptor | null {
    const priv = field(table, 'private');
    if (!(priv instanceof StructCell)) return null;
    // A union: whichever member the module wrote through holds the pointer.
    for (const c of priv.fields.values()) {
      const v = c instanceof ScalarCell ? c.value : null;
      const target = v ? deref(v) : null;
      if (!(target instanceof StructCell)) continue;
      const any = lkmHeader(target);
      if (!any) continue;
      const outer = target !== any ? target : (this.outerOf(any, table) ?? any);
      return { outer, any };
    }
    return null;
  }

  /** A pointer narrowed to the header: find the module object whose first member it is. */
  private outerOf(any: StructCell, table: StructCell): StructCell | null {
    const lkm = this.list.find((l) => l.table === table);
    if (!lkm) return null;
    for (const name of lkm.kobj.object.defined.keys()) {
      const v = lkm.kobj.image.lookup(name);
      if (v && 'cell' in v && v.cell instanceof StructCell && v.cell.fields.values().next().value === any) return v.cell;
    }
    return null;
  }

  private lookup(which: string | number): Lkm {
    if (this.list.length === 0) throw KernelError.of('EINVAL', 'no LKMs are loaded');
    if (typeof which === 'number') {
      if (which < 0 || which > Math.max(...this.list.map((l) => l.id))) throw KernelError.of('EINVAL', `no LKM id ${which}`);
      const lkm = this.list.find((l) => l.id === which);
      if (!lkm) throw KernelError.of('ENOENT', `no LKM with id ${which}`);
      return lkm;
    }
    const lkm = this.list.find((l) => l.name === which);
    if (!lkm) throw KernelError.of('ENOENT', `no LKM named ${which}`);
    return lkm;
  }

  private freeId(): number {
    let id = 0;
    while (this.list.some((l) => l.id === id)) id++;
    return id;
  }

  /** ld -A /dev/ksyms: everything loaded is visible. Undefined symbols stop modload. */
  private link(kobj: Kobj, name: string): void {
    const notes = new Map<string, string>();
    const unresolved = kobj.image.relocateExternal((s): SymbolValue | undefined => {
      const v = this.k.ksyms.lookup(s)?.value;
      if (v) return v;
      const t = this.k.treeSymbol(s, name);
      if (typeof t === 'string') notes.set(s, t);
      return typeof t === 'object' ? t : undefined;
    });
    if (unresolved.length) {
      const where = (s: string): string => {
        const r = kobj.object.relocations.find((x) => x.symbol === s);
        return r ? `${r.site.file}:${r.site.line}: ` : '';
      };
      throw KernelError.of('ENOEXEC', `${name}: undefined symbols:\n  ${unresolved.map((s) => `${where(s)}undefined symbol \`${s}'${notes.has(s) ? ` (${notes.get(s)})` : ''}`).join('\n  ')}`);
    }
  }

  /** modload's choice of entry: -e, else `<name>_lkmentry`, else the historic `xxxinit`. */
  private entryPoint(kobj: Kobj, name: string, explicit?: string): Callable {
    const candidates = explicit ? [explicit] : [`${name}_lkmentry`, 'xxxinit'];
    for (const c of candidates) {
      const v = kobj.image.lookup(c);
      if (v && 'fn' in v) return v.fn;
    }
    const found = [...kobj.object.defined.values()].filter((d) => d.kind === 'func' && /(_lkmentry|init)$/.test(d.name)).map((d) => d.name);
    throw KernelError.of(
      'ENOEXEC',
      `${name}: no entry point: ${candidates.join(' or ')} is not defined` +
        (found.length ? ` (candidates: ${found.join(', ')}; name one with modload -e)` : ''),
    );
  }

  /** Call the entry (lkmtp, cmd, the kernel's LKM_VERSION); a crash is rolled back and reported as ECRASH. */
  private callEntry(lkm: Lkm, cmd: 'LKM_E_LOAD' | 'LKM_E_UNLOAD' | 'LKM_E_STAT'): number {
    try {
      const r = this.k.journal.atomic(
        () => this.k.runAs(lkm.name, () => lkm.entry.invoke([pointerTo(lkm.table), int(constant(cmd)), int(this.k.lkmVersion)])),
        isCrash,
      );
      return asNumber(r);
    } catch (err) {
      if (isCrash(err)) throw new KernelError(ECRASH, `${lkm.name}: ${cmd} ${stopped(err)}: ${crashMessage(err)}${this.k.standInNote(crashMessage(err))}`);
      throw err;
    }
  }

  private descriptorName(lkm: Lkm): string | null {
    const any = this.descriptor(lkm.table)?.any;
    return any ? readCString(readField(any, 'lkm_name')) : null;
  }

  /**
   * The symbol table goes in under the module's name. NetBSD kept LKM symbols for DDB and did
   * not mind duplicates; ksyms here has one provider per name, so a global another module
   * already defines stays with that module (and is reported on the console).
   */
  private registerSymbols(lkm: Lkm): string {
    let provider = lkm.name;
    while (this.k.ksyms.has(provider)) provider += "'";
    const mine = new Map<string, SymbolValue>();
    for (const [name, v] of lkm.kobj.image.globals()) {
      const prior = this.k.ksyms.lookup(name);
      if (prior) this.k.printf(`lkm ${lkm.name}: symbol ${name} is also defined by ${prior.provider}; ksyms keeps that one`);
      else mine.set(name, v);
    }
    this.k.ksyms.register(provider, mine);
    return provider;
  }
}

function set(cell: StructCell, member: string, v: Value): void {
  (field(cell, member) as ScalarCell).value = v;
}

function setInt(cell: StructCell, member: string, n: number): void {
  set(cell, member, int(n));
}

/**
 * The common header (lkm_type, lkm_name, lkm_offset …) of a descriptor: a `struct lkm_any` first
 * member as the bundled lkm.h has it, or the descriptor itself where the members are spelt out
 * at its start, as older lkm.h revisions did.
 */
export function lkmHeader(cell: StructCell): StructCell | null {
  let c: unknown = cell;
  while (c instanceof StructCell) {
    if (c.fields.has('lkm_type') && c.fields.has('lkm_offset')) return c;
    c = c.fields.values().next().value;
  }
  return null;
}

/** lkm_offset is a u_long holding -1 for "kernel picks": read it as the signed value. */
export function signed(v: Value): number {
  const n = asNumber(v);
  // A 64-bit all-ones does not survive a double: anything that close to 2^64 is -1.
  if (n >= 2 ** 63) return n >= 2 ** 64 - 4096 ? -1 : n - 2 ** 64;
  return n === 0xffffffff ? -1 : n; // a 32-bit u_long (i386)
}
