/**
 * Statements and calls. Control flow returns a completion code; `goto` and `switch` jump by
 * re-entering the statement that contains the label in "seek" mode, which walks straight down
 * to the label and runs from there — so jumps into loops and blocks, Duff's-device style, work.
 */
import { ScalarCell, ZERO, allocate, type Callable, type Cell, type Value } from '../../machine/memory.ts';
import { copyInto } from '../../machine/cells.ts';
import type { FunctionCode, Stmt } from '../ast.ts';
import type { SourceSite } from '../../object.ts';
import { CRuntimeError, formatSite } from '../errors.ts';
import { convert, truth } from './arith.ts';
import { initialize, value, type Frame } from './evaluate.ts';
import { MAX_CALL_DEPTH, type Runtime } from './runtime.ts';

const NORMAL = 0;
const BREAK = 1;
const CONTINUE = 2;
const RETURN = 3;
const GOTO = 4;
type Completion = 0 | 1 | 2 | 3 | 4;

interface RunFrame extends Frame {
  ret: Value;
  target: string | null;
  code: FunctionCode;
}

function step(s: Stmt, f: RunFrame): void {
  const b = f.rt.budget;
  if (++b.used > b.limit) {
    throw new CRuntimeError(s.site, `step limit of ${b.limit} reached in ${f.code.name}(): a loop that does not end?`);
  }
}

function contains(s: Stmt, label: string): boolean {
  return (s.s === 'label' && s.name === label) || (s.labels?.has(label) ?? false);
}

/** Run `s`; with `seek` set, jump to that label inside `s` first. */
function exec(s: Stmt, f: RunFrame, seek: string | null): Completion {
  if (seek === null) step(s, f);
  switch (s.s) {
    case 'expr':
      value(s.e, f);
      return NORMAL;
    case 'decl': {
      if (s.init) {
        const cell = f.cells[s.slot];
        if (cell instanceof ScalarCell && s.init.items.length === 1 && s.init.items[0].path.length === 0 && !s.init.items[0].chars) {
          cell.value = convert(value(s.init.items[0].expr, f), cell.type);
        } else initialize(cell, s.init, f);
      }
      return NORMAL;
    }
    case 'block':
      return block(s.body, f, seek);
    case 'if':
      if (seek !== null) {
        if (contains(s.then, seek)) return exec(s.then, f, seek);
        return s.else ? exec(s.else, f, seek) : NORMAL;
      }
      if (truth(value(s.c, f))) return exec(s.then, f, null);
      return s.else ? exec(s.else, f, null) : NORMAL;
    case 'while':
    case 'do':
    case 'for':
      return loop(s, f, seek);
    case 'switch': {
      if (seek !== null) return afterSwitch(exec(s.body, f, seek), f);
      const v = value(s.e, f);
      if (v.k !== 'int') throw new CRuntimeError(s.site, 'switch on a value that is not an integer');
      const n = (convert(v, s.valueType) as { n: number }).n;
      const key = s.cases.get(n) ?? s.dflt;
      if (key === null) return NORMAL;
      return afterSwitch(exec(s.body, f, key), f);
    }
    case 'label':
      return exec(s.body, f, seek === s.name ? null : seek);
    case 'break':
      return BREAK;
    case 'continue':
      return CONTINUE;
    case 'return':
      f.ret = s.e ? value(s.e, f) : ZERO;
      return RETURN;
    case 'goto':
      f.target = s.label;
      return GOTO;
    case 'nop':
      return NORMAL;
    case 'error':
      throw new CRuntimeError(s.site, s.message);
  }
}

/** The statements of a statement expression; control may not leave it. */
export function runStatements(body: Stmt[], f: Frame, site: SourceSite): void {
  const c = block(body, f as RunFrame, null);
  if (c !== NORMAL) throw new CRuntimeError(site, 'break, continue, return or goto out of a statement expression');
}

/** A break ends the switch; continue and return go on to the enclosing statement. */
function afterSwitch(c: Completion, f: RunFrame): Completion {
  void f;
  return c === BREAK ? NORMAL : c;
}

function block(body: Stmt[], f: RunFrame, seek: string | null): Completion {
  let i = 0;
  let target = seek;
  for (;;) {
    if (target !== null) {
      i = body.findIndex((st) => contains(st, target!));
      if (i < 0) return NORMAL; // cannot happen: the caller checked
    }
    let c: Completion = NORMAL;
    for (; i < body.length; i++) {
      c = exec(body[i], f, target);
      target = null;
      if (c !== NORMAL) break;
    }
    if (c === GOTO && f.target !== null && body.some((st) => contains(st, f.target!))) {
      target = f.target;
      f.target = null;
      continue;
    }
    return c;
  }
}

function loop(s: Extract<Stmt, { s: 'while' | 'do' | 'for' }>, f: RunFrame, seek: string | null): Completion {
  let entering = seek;
  if (s.s === 'for' && s.init && entering === null) {
    const c = exec(s.init, f, null);
    if (c !== NORMAL) return c;
  }
  // while and for test before the body; do-while, and a jump into the body, do not.
  let test = s.s !== 'do' && entering === null;
  for (;;) {
    if (test) {
      if (s.c && !truth(value(s.c, f))) return NORMAL;
      step(s, f);
    }
    const c = exec(s.body, f, entering);
    entering = null;
    if (c === BREAK) return NORMAL;
    if (c === RETURN || c === GOTO) return c;
    if (s.s === 'for' && s.step) value(s.step, f);
    if (s.s === 'do') {
      if (!truth(value(s.c, f))) return NORMAL;
      step(s, f);
      test = false;
    } else test = true;
  }
}

/** Call a module function: a fresh frame, parameters converted to their types, the body run. */
export function callFunction(code: FunctionCode, args: Value[], rt: Runtime): Value {
  const budget = rt.budget;
  if (budget.depth >= MAX_CALL_DEPTH) throw new CRuntimeError(code.site, `call depth of ${MAX_CALL_DEPTH} exceeded in ${code.name}(): runaway recursion?`);
  const cells: Cell[] = new Array(code.slots.length);
  for (let i = 0; i < code.slots.length; i++) cells[i] = allocate(code.slots[i].type);
  for (let i = 0; i < code.nparams; i++) {
    const cell = cells[i];
    const a = args[i] ?? ZERO;
    if (cell instanceof ScalarCell) cell.value = convert(a, cell.type);
    else if (a.k === 'agg') initializeFromAgg(cell, a);
  }
  const f: RunFrame = { cells, rt, ret: ZERO, target: null, code };
  if (code.type.variadic) f.varargs = args.slice(code.nparams);
  const outermost = budget.depth === 0;
  if (outermost) budget.used = 0;
  budget.depth++;
  try {
    const c = exec(code.body, f, null);
    if (c === GOTO) throw new CRuntimeError(code.site, `goto ${f.target}: no such label in ${code.name}()`);
    if (c === BREAK || c === CONTINUE) throw new CRuntimeError(code.site, `break or continue outside a loop in ${code.name}()`);
    const rt2 = code.type.ret;
    return rt2.kind === 'void' ? ZERO : convert(f.ret, rt2);
  } finally {
    budget.depth--;
  }
}

function initializeFromAgg(cell: Cell, a: Extract<Value, { k: 'agg' }>): void {
  copyInto(cell, a.cell);
}

/** A module function as the kernel and other code call it. */
export class ModuleFunction implements Callable {
  constructor(
    readonly code: FunctionCode,
    private readonly rt: Runtime,
  ) {}
  get name(): string {
    return this.code.name;
  }
  get provider(): string {
    return this.rt.provider;
  }
  invoke(args: Value[]): Value {
    return callFunction(this.code, args, this.rt);
  }
  toString(): string {
    return `${this.code.name}() at ${formatSite(this.code.site)}`;
  }
}
