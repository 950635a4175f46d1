/**
 * The interpreter's program form: expressions and statements lowered from tree-sitter nodes,
 * with names resolved (frame slot, symbol, enum constant) and static types attached. A construct
 * the interpreter cannot run lowers to an `error` node that raises CRuntimeError with its site
 * when — and only when — it is reached.
 */
import type { CType, Value } from '../machine/memory.ts';
import type { SourceSite } from '../object.ts';

interface Node {
  site: SourceSite;
}

export type BinaryOp =
  | '+' | '-' | '*' | '/' | '%' | '<<' | '>>' | '&' | '|' | '^'
  | '==' | '!=' | '<' | '>' | '<=' | '>=';

export type Expr = Node & { type: CType } & (
  | { op: 'const'; value: Value }
  /** A string literal: an anonymous char array in the module's rodata. */
  | { op: 'str'; id: number; bytes: number[] }
  | { op: 'local'; slot: number }
  | { op: 'global'; symbol: string }
  /** `base.member` (arrow false) or `base->member`; path runs through anonymous members. */
  | { op: 'member'; base: Expr; path: string[]; arrow: boolean }
  | { op: 'index'; base: Expr; index: Expr }
  | { op: 'deref'; ptr: Expr }
  | { op: 'addr'; lvalue: Expr }
  | { op: 'unary'; o: '-' | '~' | '!' | '+'; e: Expr }
  /** `opType` is the type the operation is done in (after the usual conversions). */
  | { op: 'binary'; o: BinaryOp; l: Expr; r: Expr; opType: CType }
  | { op: 'logical'; o: '&&' | '||'; l: Expr; r: Expr }
  | { op: 'assign'; o: '=' | `${BinaryOp}=`; lvalue: Expr; r: Expr; opType: CType }
  | { op: 'incdec'; prefix: boolean; delta: 1 | -1; lvalue: Expr }
  | { op: 'cond'; c: Expr; a: Expr; b: Expr }
  | { op: 'comma'; l: Expr; r: Expr }
  | { op: 'call'; fn: Expr; args: Expr[]; fnType: CType | undefined }
  | { op: 'cast'; e: Expr }
  | { op: 'compound'; init: Initializer }
  /** GNU `({ ...; e; })`: the statements run, then `result` (null: the value is void). */
  | { op: 'stmts'; body: Stmt[]; result: Expr | null }
  /** `__builtin_va_start(ap, last)`: `ap` designates the call's arguments after the named ones. */
  | { op: 'va_start'; ap: Expr }
  /** `__builtin_va_arg(ap, T)`: the next variable argument as a T. */
  | { op: 'va_arg'; ap: Expr }
  | { op: 'error'; message: string }
);

/** What an initialiser stores: at `path` (member names and array indices) the value of `expr`. */
export interface InitItem {
  path: (string | number)[];
  /** The type of the object at path. */
  type: CType;
  expr: Expr;
  /** A string literal filling a char array. */
  chars?: number[];
}

export interface Initializer {
  type: CType;
  items: InitItem[];
}

export type Stmt = Node & { labels?: ReadonlySet<string> } & (
  | { s: 'expr'; e: Expr }
  | { s: 'decl'; slot: number; init: Initializer | null }
  | { s: 'block'; body: Stmt[] }
  | { s: 'if'; c: Expr; then: Stmt; else: Stmt | null }
  | { s: 'while'; c: Expr; body: Stmt }
  | { s: 'do'; body: Stmt; c: Expr }
  | { s: 'for'; init: Stmt | null; c: Expr | null; step: Expr | null; body: Stmt }
  /** `cases` maps each case value to its label key inside body; default to `dflt`. */
  | { s: 'switch'; e: Expr; body: Stmt; cases: Map<number, string>; dflt: string | null; valueType: CType }
  /** A label (goto target, or a case/default key) in front of a statement. */
  | { s: 'label'; name: string; body: Stmt }
  | { s: 'break' }
  | { s: 'continue' }
  | { s: 'return'; e: Expr | null }
  | { s: 'goto'; label: string }
  | { s: 'nop' }
  | { s: 'error'; message: string }
);

/** A function ready to run: its frame layout and body. */
export interface FunctionCode {
  name: string;
  symbol: string;
  type: Extract<CType, { kind: 'func' }>;
  /** Frame slots: parameters first (in order), then every local of every block. */
  slots: { name: string; type: CType }[];
  nparams: number;
  body: Stmt;
  site: SourceSite;
  /** Approximate size of the code (what the text section accounts for). */
  size: number;
}
