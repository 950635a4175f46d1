/**
 * Names for what the kernel's tables point at, so states and call logs read like C:
 * `&kernfs_vfsops@kernfs`, `sys_uptime@uptime`, `"kernfs"`. A function is its name and the
 * module that defines it; an object is the symbol it is (or an element or member of), found by
 * looking through the kernel's data and every loaded module's definitions, statics included.
 */
import { ArrayCell, type Callable, type Cell, type CType, readCString, ScalarCell, StructCell, type Value } from './machine/memory.ts';
import { KERNEL } from './ksyms.ts';
import type { Kernel } from './kernel.ts';

export function fnName(fn: Callable): string {
  return fn.provider === KERNEL ? fn.name : `${fn.name}@${fn.provider}`;
}

export class Symbolizer {
  private readonly names = new Map<Cell, string>();

  constructor(k: Kernel) {
    for (const [name, cell] of k.data.symbols) this.add(cell, name);
    for (const [name, cell] of k.objects) this.add(cell, name);
    const images: { provider: string; object: { defined: Map<string, unknown> }; image: { lookup(s: string): unknown } }[] = [];
    for (const m of k.modules.list) if (m.kobj) images.push({ provider: m.info.name, ...m.kobj });
    for (const l of k.lkm.list) images.push({ provider: l.name, ...l.kobj });
    for (const { provider, object, image } of images) {
      for (const name of object.defined.keys()) {
        const v = image.lookup(name) as { cell?: Cell } | undefined;
        if (v?.cell) this.add(v.cell, `${name}@${provider}`);
      }
    }
  }

  private add(cell: Cell, name: string): void {
    if (!this.names.has(cell)) this.names.set(cell, name);
    // Elements and members one level down, so &sw[1] and &sc.sc_dev have names too.
    if (cell instanceof ArrayCell) cell.items.forEach((c, i) => this.names.has(c) || this.names.set(c, `${name}[${i}]`));
    else if (cell instanceof StructCell) for (const [m, c] of cell.fields) if (!this.names.has(c)) this.names.set(c, `${name}.${m}`);
  }

  /** `&name`, `&name[3]`, or a description of an object the kernel cannot name. */
  cell(cell: Cell, index = 0): string {
    if (cell instanceof ArrayCell) {
      const base = this.names.get(cell);
      if (base) return index === 0 ? `&${base}[0]` : `&${base}[${index}]`;
      const el = cell.items[index];
      if (el && this.names.has(el)) return `&${this.names.get(el)}`;
    }
    const n = this.names.get(cell);
    if (n) return `&${n}`;
    const t = cell.type;
    return t.kind === 'struct' ? `<struct ${t.tag}>` : t.kind === 'array' ? '<array>' : '<object>';
  }

  value(v: Value): string {
    switch (v.k) {
      case 'int':
        return String(v.n);
      case 'fn':
        return fnName(v.fn);
      case 'agg':
        return this.cell(v.cell);
      case 'ptr': {
        if (v.target === null) return 'NULL';
        if (v.target instanceof ArrayCell && v.target.items[0] instanceof ScalarCell) {
          const t = (v.target.type as Extract<CType, { kind: 'array' }>).of;
          if (t.kind === 'int' && t.size === 1 && !this.names.has(v.target)) {
            const s = readCString(v);
            if (s !== null) return JSON.stringify(s);
          }
        }
        return this.cell(v.target, v.index);
      }
    }
  }
}
