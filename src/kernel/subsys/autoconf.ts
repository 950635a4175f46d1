/**
 * Autoconfiguration (subr_autoconf.c): cfdrivers with their cfattach attachments, cfdata tables,
 * and the device tree they produce. The kernel's own buses — mainbus0 and an isa0 below it —
 * are there from boot; registering a cfdata table with scannow set makes every bus look for
 * the new entries that name it as parent, so a module's driver is matched and attached and a
 * device instance appears, and detaching the table detaches it again.
 *
 * Long because: cfdrivers, cfattach, cfdata and the device tree are one registry; attach and
 * detach walk all four.
 */
import {
  ArrayCell,
  type Callable,
  type Cell,
  type CType,
  type Value,
  allocate,
  asNumber,
  cString,
  deref,
  elementsFrom,
  field,
  int,
  load,
  NULL_PTR,
  pointerTo,
  readCString,
  readField,
  ScalarCell,
  StructCell,
} from '../machine/memory.ts';
import { constant, newStruct, structType } from '../abi.ts';
import { errno } from '../errno.ts';
import { asStruct } from '../kfuncs/args.ts';
import type { Kernel } from '../kernel.ts';
import { bytes } from './kmem.ts';
import { isaAttachArgs } from './isa.ts';

export interface CfDriver {
  cd: StructCell;
  name: string;
  attachments: StructCell[];
  /** Interface attributes its devices carry (what children attach to). */
  iattrs: string[];
}

export interface Device {
  cell: StructCell;
  xname: string;
  unit: number;
  driver: CfDriver;
  ca: StructCell;
  cf: StructCell | null;
  parent: Device | null;
  /** dv_private: the driver's softc, ca_devsize bytes. */
  softc: Value;
}

interface CfTable {
  /** The first entry: the identity the caller passes to config_cfdata_detach. */
  head: Cell;
  entries: StructCell[];
}

export class Autoconf {
  readonly drivers: CfDriver[] = [];
  readonly tables: CfTable[] = [];
  readonly devices: Device[] = [];

  constructor(private readonly k: Kernel) {
    this.bootBuses();
  }

  /** mainbus0 at the root, isa0 on it: what a module's ISA driver attaches to. */
  private bootBuses(): void {
    const mainbus = this.kernelDriver('mainbus', ['mainbus']);
    const isa = this.kernelDriver('isa', ['isa']);
    const root = this.instantiate(mainbus, mainbus.attachments[0]!, null, null, 0);
    this.instantiate(isa, isa.attachments[0]!, null, root, 0);
  }

  private kernelDriver(name: string, iattrs: string[]): CfDriver {
    const cd = this.k.builtinObject(`${name}_cd`, () => newStruct('cfdriver'));
    setMember(cd, 'cd_name', pointerTo(cString(name), 0));
    setMember(cd, 'cd_class', int(constant('DV_BUS')));
    const ca = this.k.builtinObject(`${name}_ca`, () => newStruct('cfattach'));
    setMember(ca, 'ca_name', pointerTo(cString(name), 0));
    const d: CfDriver = { cd, name, attachments: [ca], iattrs };
    this.drivers.push(d);
    return d;
  }

  driver(name: string): CfDriver | undefined {
    return this.drivers.find((d) => d.name === name);
  }

  // ---- cfdriver ------------------------------------------------------------------------------

  /** config_cfdriver_attach: EEXIST for a name already registered. */
  cfdriverAttach(cd: StructCell): number {
    const name = str(cd, 'cd_name');
    if (this.driver(name)) return errno('EEXIST');
    const d: CfDriver = { cd, name, attachments: [], iattrs: iattrNames(cd) };
    this.drivers.push(d);
    this.k.journal.record(() => this.drivers.splice(this.drivers.indexOf(d), 1));
    return 0;
  }

  /** config_cfdriver_detach: EBUSY with devices or attachments left. */
  cfdriverDetach(cd: StructCell): number {
    const d = this.drivers.find((x) => x.cd === cd);
    if (!d) return errno('ENOENT');
    if (this.devices.some((dev) => dev.driver === d)) return errno('EBUSY');
    if (d.attachments.length) return errno('EBUSY');
    const at = this.drivers.indexOf(d);
    this.drivers.splice(at, 1);
    this.k.journal.record(() => this.drivers.splice(at, 0, d));
    return 0;
  }

  // ---- cfattach ------------------------------------------------------------------------------

  /** config_cfattach_attach: ESRCH without the driver, EEXIST for a duplicate ca_name. */
  cfattachAttach(driverName: string, ca: StructCell): number {
    const d = this.driver(driverName);
    if (!d) return errno('ESRCH');
    const name = str(ca, 'ca_name');
    if (d.attachments.some((a) => str(a, 'ca_name') === name)) return errno('EEXIST');
    d.attachments.push(ca);
    this.k.journal.record(() => d.attachments.splice(d.attachments.indexOf(ca), 1));
    return 0;
  }

  /** config_cfattach_detach: ESRCH without the driver, EBUSY while a device uses it. */
  cfattachDetach(driverName: string, ca: StructCell): number {
    const d = this.driver(driverName);
    if (!d) return errno('ESRCH');
    if (this.devices.some((dev) => dev.ca === ca)) return errno('EBUSY');
    const at = d.attachments.indexOf(ca);
    if (at < 0) return errno('ENOENT');
    d.attachments.splice(at, 1);
    this.k.journal.record(() => d.attachments.splice(at, 0, ca));
    return 0;
  }

  // ---- cfdata --------------------------------------------------------------------------------

  /** config_cfdata_attach: always 0; with scannow, every bus rescans for the new entries. */
  cfdataAttach(cf: Value, scannow: boolean): number {
    const head = deref(cf);
    if (!head) return 0;
    const table: CfTable = { head, entries: cfdataEntries(cf) };
    this.tables.push(table);
    this.k.journal.record(() => this.tables.splice(this.tables.indexOf(table), 1));
    if (scannow) this.rescan(table);
    return 0;
  }

  /**
   * config_cfdata_detach: detach every device configured from the table (the first failure is
   * returned and the table stays), then forget the table. EINVAL for a table never attached.
   */
  cfdataDetach(cf: Value): number {
    const head = deref(cf);
    const table = this.tables.find((t) => t.head === head);
    if (!table) return errno('EINVAL');
    for (const dev of [...this.devices].reverse()) {
      if (dev.cf && table.entries.includes(dev.cf)) {
        const err = this.detach(dev, 0);
        if (err) return err;
      }
    }
    const at = this.tables.indexOf(table);
    this.tables.splice(at, 1);
    this.k.journal.record(() => this.tables.splice(at, 0, table));
    return 0;
  }

  // ---- config_init_component / config_fini_component -----------------------------------------

  /** All or nothing: cfdrivers, then their attachments, then the cfdata table. */
  initComponent(cfdrivers: Value, cfattachinit: Value, cf: Value): number {
    const cds = pointerList(cfdrivers, 'cfdriver');
    const done: (() => void)[] = [];
    const undo = (): void => {
      for (const u of done.reverse()) u();
    };
    for (const cd of cds) {
      const err = this.cfdriverAttach(cd);
      if (err) return undo(), err;
      done.push(() => this.cfdriverDetach(cd));
    }
    for (const { driver, ca } of attachInits(cfattachinit)) {
      const err = this.cfattachAttach(driver, ca);
      if (err) return undo(), err;
      done.push(() => this.cfattachDetach(driver, ca));
    }
    return this.cfdataAttach(cf, true);
  }

  /** The reverse; a failure re-attaches what was already detached. */
  finiComponent(cfdrivers: Value, cfattachinit: Value, cf: Value): number {
    let err = this.cfdataDetach(cf);
    if (err) return err;
    const redo: (() => void)[] = [() => this.cfdataAttach(cf, false)];
    const fail = (e: number): number => {
      for (const r of redo.reverse()) r();
      return e;
    };
    for (const { driver, ca } of attachInits(cfattachinit)) {
      err = this.cfattachDetach(driver, ca);
      if (err) return fail(err);
      redo.push(() => this.cfattachAttach(driver, ca));
    }
    for (const cd of pointerList(cfdrivers, 'cfdriver')) {
      err = this.cfdriverDetach(cd);
      if (err) return fail(err);
      redo.push(() => this.cfdriverAttach(cd));
    }
    return 0;
  }

  // ---- devices -------------------------------------------------------------------------------

  /**
   * A bus looks for children: every entry of the table whose parent spec names an interface
   * attribute a device carries is matched (ca_match) and, if it matches, attached.
   */
  private rescan(table: CfTable): void {
    for (const cf of table.entries) {
      for (const parent of [...this.devices]) {
        if (!parentMatches(cf, parent)) continue;
        const fstate = asNumber(readField(cf, 'cf_fstate'));
        if (fstate === constant('FSTATE_FOUND') || fstate === constant('FSTATE_DSTAR') || fstate === constant('FSTATE_DNOTFOUND')) continue;
        const d = this.driver(str(cf, 'cf_name'));
        const ca = d?.attachments.find((a) => str(a, 'ca_name') === str(cf, 'cf_atname'));
        if (!d || !ca) continue;
        const match = fnMember(ca, 'ca_match');
        const aux = parent.driver.name === 'isa' ? isaAttachArgs(cf) : NULL_PTR;
        if (match && asNumber(match.invoke([pointerTo(parent.cell), pointerTo(cf), aux])) <= 0) continue;
        this.attach(d, ca, cf, parent, aux);
      }
    }
    // Drivers with children of their own rescan too (ca_rescan).
    for (const dev of [...this.devices]) {
      const rescan = fnMember(dev.ca, 'ca_rescan');
      if (rescan) rescan.invoke([pointerTo(dev.cell), NULL_PTR, NULL_PTR]);
    }
  }

  /** config_attach_pseudo: a device with no parent and no match. */
  attachPseudo(cf: StructCell): Device | null {
    const d = this.driver(str(cf, 'cf_name'));
    const ca = d?.attachments.find((a) => str(a, 'ca_name') === str(cf, 'cf_atname'));
    if (!d || !ca) return null;
    return this.attach(d, ca, cf, null, NULL_PTR);
  }

  /** config_attach: instantiate the device and run the driver's attach. */
  private attach(d: CfDriver, ca: StructCell, cf: StructCell, parent: Device | null, aux: Value): Device {
    const fstate = asNumber(readField(cf, 'cf_fstate'));
    const star = fstate === constant('FSTATE_STAR');
    const unit = star ? this.freeUnit(d) : asNumber(readField(cf, 'cf_unit'));
    const dev = this.instantiate(d, ca, cf, parent, unit);
    if (!star) this.setFstate(cf, constant('FSTATE_FOUND'));
    this.k.printf(`${dev.xname} at ${parent ? parent.xname : 'root'}`);
    const attach = fnMember(ca, 'ca_attach');
    if (attach) attach.invoke([parent ? pointerTo(parent.cell) : NULL_PTR, pointerTo(dev.cell), aux]);
    return dev;
  }

  private instantiate(d: CfDriver, ca: StructCell, cf: StructCell | null, parent: Device | null, unit: number): Device {
    const cell = newStruct('device');
    const xname = `${d.name}${unit}`;
    setMember(cell, 'dv_class', readField(d.cd, 'cd_class'));
    setMember(cell, 'dv_unit', int(unit));
    setMember(cell, 'dv_cfdriver', pointerTo(d.cd));
    setMember(cell, 'dv_cfattach', pointerTo(ca));
    if (cf) setMember(cell, 'dv_cfdata', pointerTo(cf));
    if (parent) setMember(cell, 'dv_parent', pointerTo(parent.cell));
    const name = field(cell, 'dv_xname');
    if (name instanceof ArrayCell) {
      [...xname].slice(0, name.items.length - 1).forEach((ch, i) => ((name.items[i] as ScalarCell).value = int(ch.charCodeAt(0))));
    }
    const size = asNumber(readField(ca, 'ca_devsize'));
    const softc = size > 0 ? softcBytes(size) : NULL_PTR;
    setMember(cell, 'dv_private', softc);
    const dev: Device = { cell, xname, unit, driver: d, ca, cf, parent, softc };
    this.devices.push(dev);
    this.setDevs(d, unit, pointerTo(cell));
    this.k.journal.record(() => this.devices.splice(this.devices.indexOf(dev), 1));
    return dev;
  }

  /** config_detach: EOPNOTSUPP without ca_detach; the driver's error keeps the device. */
  detach(dev: Device, flags: number): number {
    for (const child of this.devices.filter((c) => c.parent === dev)) {
      const err = this.detach(child, flags);
      if (err) return err;
    }
    const detach = fnMember(dev.ca, 'ca_detach');
    if (!detach) return errno('EOPNOTSUPP');
    const err = asNumber(detach.invoke([pointerTo(dev.cell), int(flags)]));
    if (err) return err;
    const at = this.devices.indexOf(dev);
    this.devices.splice(at, 1);
    this.k.journal.record(() => this.devices.splice(at, 0, dev));
    this.setDevs(dev.driver, dev.unit, NULL_PTR);
    if (dev.cf && asNumber(readField(dev.cf, 'cf_fstate')) === constant('FSTATE_FOUND')) {
      this.setFstate(dev.cf, constant('FSTATE_NOTFOUND'));
    }
    this.k.printf(`${dev.xname} detached`);
    return 0;
  }

  deviceOf(cell: Cell | null): Device | undefined {
    return this.devices.find((d) => d.cell === cell);
  }

  private freeUnit(d: CfDriver): number {
    let u = 0;
    while (this.devices.some((dev) => dev.driver === d && dev.unit === u)) u++;
    return u;
  }

  /** cd_devs[unit] and cd_ndevs, in the driver's own cfdriver. */
  private setDevs(d: CfDriver, unit: number, v: Value): void {
    const ndevsCell = field(d.cd, 'cd_ndevs') as ScalarCell;
    const devsCell = field(d.cd, 'cd_devs') as ScalarCell;
    const old = { n: ndevsCell.value, devs: devsCell.value };
    const n = Math.max(asNumber(ndevsCell.value), unit + 1);
    const prev = devsCell.value.k === 'ptr' && devsCell.value.target instanceof ArrayCell ? devsCell.value.target.items : [];
    const vp: CType = { kind: 'ptr', to: { kind: 'void' } };
    const items = Array.from({ length: n }, (_, i) => (i < prev.length ? prev[i]! : allocate(vp)));
    (items[unit] as ScalarCell).value = v;
    ndevsCell.value = int(n);
    devsCell.value = pointerTo(new ArrayCell({ kind: 'array', of: vp, length: n }, items), 0);
    this.k.journal.record(() => {
      ndevsCell.value = old.n;
      devsCell.value = old.devs;
    });
  }

  private setFstate(cf: StructCell, v: number): void {
    const c = field(cf, 'cf_fstate') as ScalarCell;
    const old = c.value;
    c.value = int(v);
    this.k.journal.record(() => (c.value = old));
  }
}

function parentMatches(cf: StructCell, parent: Device): boolean {
  const spec = deref(readField(cf, 'cf_pspec'));
  if (!(spec instanceof StructCell)) return false;
  const iattr = readCString(readField(spec, 'cfp_iattr'));
  const pname = readCString(readField(spec, 'cfp_parent'));
  const punit = asNumber(readField(spec, 'cfp_unit'));
  if (!iattr || !parent.driver.iattrs.includes(iattr)) return false;
  if (pname && pname !== parent.driver.name) return false;
  return punit === constant('DVUNIT_ANY') || pname === null || punit === parent.unit;
}

/** The entries of a cfdata table, up to the terminating entry with cf_name NULL. */
function cfdataEntries(cf: Value): StructCell[] {
  const out: StructCell[] = [];
  for (const c of elementsFrom(cf)) {
    const s = asStruct(c, 'cfdata');
    if (!s || readCString(readField(s, 'cf_name')) === null) break;
    out.push(s);
  }
  return out;
}

/** A NULL-terminated array of pointers to `struct <tag>`. */
export function pointerList(p: Value, tag: string): StructCell[] {
  const out: StructCell[] = [];
  for (const c of elementsFrom(p)) {
    const s = asStruct(deref(load(c)), tag);
    if (!s) break;
    out.push(s);
  }
  return out;
}

/** cfattachinit (or cfattachlkminit) entries: driver name and each attachment. */
export function attachInits(p: Value): { driver: string; ca: StructCell }[] {
  const out: { driver: string; ca: StructCell }[] = [];
  for (const c of elementsFrom(p)) {
    if (!(c instanceof StructCell)) break;
    const driver = readCString(readField(c, 'cfai_name'));
    if (driver === null) break;
    for (const ca of pointerList(readField(c, 'cfai_list'), 'cfattach')) out.push({ driver, ca });
  }
  return out;
}

function iattrNames(cd: StructCell): string[] {
  const out: string[] = [];
  for (const c of elementsFrom(readField(cd, 'cd_attrs'))) {
    const a = deref(load(c));
    if (!(a instanceof StructCell)) break;
    const n = readCString(readField(a, 'ci_name'));
    if (n) out.push(n);
  }
  return out;
}

function str(cell: StructCell, member: string): string {
  return readCString(readField(cell, member)) ?? '';
}

function fnMember(cell: StructCell, member: string): Callable | null {
  const v = readField(cell, member);
  return v.k === 'fn' ? v.fn : null;
}

function setMember(cell: StructCell, member: string, v: Value): void {
  const c = field(cell, member);
  if (c instanceof ScalarCell) c.value = v;
}

function softcBytes(n: number): Value {
  return pointerTo(bytes(n), 0);
}

