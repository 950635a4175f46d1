/**
 * One loaded copy of a module object (ModuleImage). Making it allocates the module's data and
 * stores every constant initialiser; address constants stay unrelocated (null) until the two
 * relocation stages bind them — local symbols and string literals first, so the modinfo record
 * becomes readable, then the external ones through the kernel's resolver.
 */
import {
  ArrayCell,
  Cell,
  ScalarCell,
  allocate,
  cString,
  type Callable,
  type Value,
} from '../machine/memory.ts';
import { memberCell } from '../machine/cells.ts';
import type { ModuleImage, SourceSite, SymbolValue } from '../object.ts';
import { CRuntimeError } from './errors.ts';
import { ModuleFunction } from './interp/execute.ts';
import { StepBudget, type Runtime } from './interp/runtime.ts';
import type { LinkedObject } from './link.ts';
import type { DataModel } from '../machine/layout.ts';
import type { AddressConstant, InitOp } from './static-init.ts';

interface PendingReloc {
  cell: ScalarCell;
  address: AddressConstant;
  ptrType: import('../machine/memory.ts').CType;
  site: SourceSite;
  local: boolean;
}

type Binding = Cell | Callable;

export class Image implements ModuleImage, Runtime {
  readonly budget: StepBudget;
  /** Definitions of this image: objects' cells and functions' callables. */
  private readonly own = new Map<string, Binding>();
  /** What code may use: filled by the relocation stages. */
  private readonly bound = new Map<string, Binding>();
  private readonly strings = new Map<number, ArrayCell>();
  private readonly pending: PendingReloc[] = [];
  private stage: 0 | 1 | 2 = 0;

  constructor(
    private readonly obj: LinkedObject,
    readonly provider: string,
    stepLimit: number,
    readonly dm: DataModel,
  ) {
    this.budget = new StepBudget(stepLimit);
    for (const [key, d] of obj.definitions) {
      if (!obj.symbols.has(key)) continue;
      if (d.kind === 'func') {
        if (d.code) this.own.set(key, new ModuleFunction(d.code, this));
        continue;
      }
      const cell = allocate(d.type);
      this.own.set(key, cell);
      const plan = obj.plans.get(key);
      if (plan) for (const op of plan.ops) this.apply(cell, op);
    }
  }

  private apply(root: Cell, op: InitOp): void {
    const cell = walk(root, op.path);
    if ('value' in op) {
      (cell as ScalarCell).value = op.value;
    } else if ('chars' in op) {
      if (cell instanceof ArrayCell) {
        const n = Math.min(op.chars.length, cell.items.length);
        for (let i = 0; i < n; i++) (cell.items[i] as ScalarCell).value = { k: 'int', n: op.chars[i] };
      }
    } else if (cell instanceof ScalarCell) {
      // An unrelocated address reads as null, as an unrelocated REL entry reads its addend.
      // String literals and statics are section-relative: bound in stage 1. The rest in stage 2.
      const sym = op.address.symbol;
      const local = op.address.string !== undefined || (sym !== undefined && this.obj.definitions.get(sym)?.binding === 'local');
      this.pending.push({ cell, address: op.address, ptrType: op.ptrType, site: op.site, local });
    }
  }

  relocateLocal(): void {
    if (this.stage !== 0) return;
    for (const [key, b] of this.own) if (this.obj.definitions.get(key)!.binding === 'local') this.bound.set(key, b);
    for (const r of this.pending) if (r.local) r.cell.value = this.addressValue(r, (s) => this.bound.get(s));
    this.stage = 1;
  }

  linkSet(name: 'modules'): Cell[] {
    if (name !== 'modules') return [];
    return this.obj.sections.link_set_modules.map((k) => this.own.get(k) as Cell).filter((c): c is Cell => c instanceof Cell);
  }

  relocateExternal(resolve: (symbol: string) => SymbolValue | undefined): string[] {
    if (this.stage === 0) throw new Error('relocateExternal before relocateLocal: kobj applies local relocations first');
    if (this.stage === 2) return [];
    const found = new Map<string, Binding>();
    const missing: string[] = [];
    for (const name of this.obj.undefined) {
      const v = resolve(name);
      if (!v) missing.push(name);
      else found.set(name, 'fn' in v ? v.fn : v.cell);
    }
    if (missing.length > 0) return missing.sort();
    for (const [k, b] of this.own) this.bound.set(k, b);
    for (const [k, b] of found) this.bound.set(k, b);
    for (const r of this.pending) if (!r.local) r.cell.value = this.addressValue(r, (s) => this.bound.get(s));
    this.stage = 2;
    return [];
  }

  globals(): Map<string, SymbolValue> {
    const out = new Map<string, SymbolValue>();
    for (const [key, b] of this.own) {
      const d = this.obj.definitions.get(key)!;
      if (d.binding === 'global') out.set(key, toSymbolValue(b));
    }
    return out;
  }

  lookup(symbol: string): SymbolValue | undefined {
    let b = this.own.get(symbol);
    if (!b) {
      // A static by its C name, when no other file of the module has one of that name.
      const matches = [...this.obj.definitions.entries()].filter(([k, d]) => d.name === symbol && this.own.has(k));
      if (matches.length === 1) b = this.own.get(matches[0][0]);
    }
    return b ? toSymbolValue(b) : undefined;
  }

  // Runtime

  symbol(name: string, site: SourceSite): Binding {
    const b = this.bound.get(name);
    if (b) return b;
    throw new CRuntimeError(site, this.stage === 2 ? `${name} is not defined` : `${name} used before the module was relocated`);
  }

  stringCell(id: number, bytes: number[]): ArrayCell {
    let c = this.strings.get(id);
    if (!c) {
      c = cString(String.fromCharCode(...bytes.slice(0, -1)));
      this.strings.set(id, c);
    }
    return c;
  }

  private addressValue(r: PendingReloc, find: (s: string) => Binding | undefined): Value {
    const a = r.address;
    let root: Binding | undefined;
    if (a.string) root = this.stringCell(a.string.id, a.string.bytes);
    else root = find(a.symbol!);
    if (!root) throw new CRuntimeError(r.site, `relocation against ${a.symbol} could not be resolved`);
    if (!(root instanceof Cell)) return { k: 'fn', fn: root };
    const target = walk(root, a.path);
    return { k: 'ptr', target, index: a.element ? a.index : 0, type: r.ptrType };
  }
}

function walk(root: Cell, path: (string | number)[]): Cell {
  let c = root;
  for (const k of path) {
    if (typeof k === 'number') {
      if (!(c instanceof ArrayCell) || !c.items[k]) throw new Error(`initialiser path index ${k} is outside its array`);
      c = c.items[k];
    } else c = memberCell(c, k);
  }
  return c;
}

function toSymbolValue(b: Binding): SymbolValue {
  return b instanceof Cell ? { cell: b } : { fn: b };
}
