/**
 * The simulated machine's ISA bus (isa0): what it hands a child's match and attach functions.
 * For each cfdata entry the bus builds `struct isa_attach_args` from the entry's locators
 * (port, size, iomem, iosiz, irq, drq in config(1)'s order), as isasearch() does. The I/O space
 * behind it is empty: bus_space reads return what nothing drives, so a driver that probes for
 * its chip finds none and attaches no device — a machine without that hardware.
 *
 * The bus's own structures (dev/isa/isavar.h, NetBSD 5) are taken from the bundled headers
 * when they carry that header, and otherwise laid out here, where the bus is.
 */
import {
  ArrayCell,
  allocate,
  asNumber,
  type CType,
  elementsFrom,
  field,
  int,
  NULL_PTR,
  pointerTo,
  readField,
  ScalarCell,
  type StructCell,
  type Value,
} from '../machine/memory.ts';
import { kernelTypes } from '../cc/kernel-types.ts';

const INT: CType = { kind: 'int', name: 'int', size: 4, unsigned: false };
const VOIDP: CType = { kind: 'ptr', to: { kind: 'void' } };

/** isavar.h's locator order. */
const LOC = { port: 0, size: 1, iomem: 2, iosiz: 3, irq: 4, drq: 5 } as const;

function struct(tag: string, members: [string, CType][]): CType & { kind: 'struct' } {
  try {
    return kernelTypes().struct(tag);
  } catch {
    return { kind: 'struct', tag, union: false, members: members.map(([name, type]) => ({ name, type })) };
  }
}

function types() {
  const io = struct('isa_io', [['ir_addr', INT], ['ir_size', INT]]);
  const iomem = struct('isa_iomem', [['ir_addr', INT], ['ir_size', INT]]);
  const irq = struct('isa_irq', [['ir_irq', INT]]);
  const drq = struct('isa_drq', [['ir_drq', INT]]);
  const ia = struct('isa_attach_args', [
    ['ia_iot', INT], ['ia_memt', INT], ['ia_ic', VOIDP],
    ['ia_io', { kind: 'ptr', to: io }], ['ia_nio', INT],
    ['ia_iomem', { kind: 'ptr', to: iomem }], ['ia_niomem', INT],
    ['ia_irq', { kind: 'ptr', to: irq }], ['ia_nirq', INT],
    ['ia_drq', { kind: 'ptr', to: drq }], ['ia_ndrq', INT],
    ['ia_aux', VOIDP],
  ]);
  return { io, iomem, irq, drq, ia };
}

/** The attach arguments for one cfdata entry under isa0. */
export function isaAttachArgs(cf: StructCell): Value {
  const t = types();
  const locs = elementsFrom(readField(cf, 'cf_loc')).map((c) => (c instanceof ScalarCell ? asNumber(c.value) : -1));
  const loc = (i: number): number => locs[i] ?? -1;
  const ia = allocate(t.ia) as StructCell;
  const one = (type: CType & { kind: 'struct' }, values: Record<string, number>): Value => {
    const cell = allocate(type) as StructCell;
    for (const [m, v] of Object.entries(values)) if (cell.fields.has(m)) set(cell, m, int(v));
    return pointerTo(new ArrayCell({ kind: 'array', of: type, length: 1 }, [cell]), 0);
  };
  const members: Record<string, Value> = {
    ia_io: one(t.io, { ir_addr: loc(LOC.port), ir_size: loc(LOC.size) }),
    ia_nio: int(1),
    ia_iomem: one(t.iomem, { ir_addr: loc(LOC.iomem), ir_size: loc(LOC.iosiz) }),
    ia_niomem: int(1),
    ia_irq: one(t.irq, { ir_irq: loc(LOC.irq) }),
    ia_nirq: int(1),
    ia_drq: one(t.drq, { ir_drq: loc(LOC.drq) }),
    ia_ndrq: int(1),
    ia_aux: NULL_PTR,
  };
  for (const [m, v] of Object.entries(members)) if (ia.fields.has(m)) set(ia, m, v);
  return pointerTo(ia);
}

function set(cell: StructCell, member: string, v: Value): void {
  const c = field(cell, member);
  if (c instanceof ScalarCell) c.value = v;
}
