/**
 * Expressions from tree-sitter nodes to the interpreter's form, with static types. Anything that
 * cannot be typed or run becomes an `error` expression carrying its site and reason.
 *
 * Long because: one lowering per C expression kind, in one switch, sharing the typing rules.
 */
import type { CType } from '../machine/memory.ts';
import { parseC, walk, type SyntaxNode } from '../../source/cparse.ts';
import { int } from '../machine/memory.ts';
import type { BinaryOp, Expr, Initializer, Stmt } from './ast.ts';
import {
  arrayOf,
  BOOL,
  CHAR,
  commonType,
  findMember,
  INT,
  intType,
  offsetOf,
  type DataModel,
  isFloating,
  isInteger,
  pointee,
  promote,
  ptr,
  ptrdiffType,
  sizeOf,
  sizeType,
  typeName,
  VOID,
  type IntType,
} from './ctypes.ts';
import { constValue, NotConstant, typedefNamed } from './const-eval.ts';
import type { LowerContext } from './lower-context.ts';
import { lowerInitializer } from './lower-init.ts';
import { charLiteralValue, parseIntegerLiteral } from './pp/if-expr.ts';
import type { Scope } from './scope.ts';

/** What running an asm statement says: the validation failure names its file:line. */
export const ASM_MESSAGE = 'inline assembly needs machine code: the simulated kernel cannot run it (reached at run time)';

const BINARY_OPS = new Set(['+', '-', '*', '/', '%', '<<', '>>', '&', '|', '^', '==', '!=', '<', '>', '<=', '>=']);
const COMPARISONS = new Set(['==', '!=', '<', '>', '<=', '>=']);

export class ExprLowerer {
  /** Lowers the compound statement of a statement expression (set inside a function body). */
  statements?: (compound: SyntaxNode) => { body: Stmt[]; result: Expr | null };

  constructor(
    readonly ctx: LowerContext,
    public scope: Scope,
  ) {}

  private err(node: SyntaxNode, message: string, type: CType = INT): Expr {
    return { op: 'error', message, type, site: this.ctx.site(node) };
  }

  lower(node: SyntaxNode): Expr {
    const site = this.ctx.site(node);
    switch (node.type) {
      case 'parenthesized_expression': {
        const inner = node.namedChildren.find((c) => c.type !== 'comment');
        if (!inner) return this.err(node, 'empty parentheses');
        if (inner.type === 'compound_statement') {
          if (!this.statements) return this.err(node, 'a statement expression ({ ... }) outside a function');
          const { body, result } = this.statements(inner);
          return { op: 'stmts', body, result, type: result?.type ?? VOID, site };
        }
        return this.lower(inner);
      }
      case 'number_literal':
        return this.number(node);
      case 'char_literal':
        return { op: 'const', value: int(charLiteralValue(node.text)), type: INT, site };
      case 'true':
        return { op: 'const', value: int(1), type: BOOL, site };
      case 'false':
        return { op: 'const', value: int(0), type: BOOL, site };
      case 'null':
        return { op: 'const', value: int(0), type: ptr(VOID), site };
      case 'string_literal':
      case 'concatenated_string':
        return this.string(node);
      case 'identifier':
        return this.identifier(node);
      case 'unary_expression':
        return this.unary(node);
      case 'pointer_expression':
        return this.pointerExpr(node);
      case 'binary_expression':
        return this.binary(node);
      case 'assignment_expression':
        return this.assignment(node);
      case 'update_expression': {
        const lv = this.lower(node.childForFieldName('argument')!);
        const prefix = node.children[0].type === '++' || node.children[0].type === '--';
        const opTok = node.children.find((c) => c.type === '++' || c.type === '--')!;
        if (!isLvalue(lv)) return this.err(node, `${opTok.type} needs an lvalue`);
        return { op: 'incdec', prefix, delta: opTok.type === '++' ? 1 : -1, lvalue: lv, type: lv.type, site };
      }
      case 'conditional_expression': {
        const c = this.lower(node.childForFieldName('condition')!);
        const aNode = node.childForFieldName('consequence');
        const a = aNode ? this.lower(aNode) : c; // GNU `x ?: y`
        const b = this.lower(node.childForFieldName('alternative')!);
        return { op: 'cond', c, a, b, type: conditionalType(a.type, b.type), site };
      }
      case 'comma_expression': {
        const l = this.lower(node.childForFieldName('left')!);
        const r = this.lower(node.childForFieldName('right')!);
        return { op: 'comma', l, r, type: r.type, site };
      }
      case 'call_expression':
        return this.call(node);
      case 'field_expression':
        return this.field(node);
      case 'subscript_expression': {
        const base = this.lower(node.childForFieldName('argument')!);
        const index = this.lower(node.childForFieldName('index')!);
        // `i[a]` is `a[i]`
        const [b, i] = pointee(base.type) || !pointee(index.type) ? [base, index] : [index, base];
        const t = pointee(b.type);
        if (!t) return this.err(node, `subscripted value is not an array or pointer (${typeName(b.type)})`);
        return { op: 'index', base: b, index: i, type: t, site };
      }
      case 'cast_expression': {
        const type = this.ctx.types.typeName(node.childForFieldName('type')!, this.scope);
        const valueNode = node.childForFieldName('value')!;
        if (valueNode.type === 'initializer_list') return this.compound(node, type, valueNode);
        const e = this.lower(valueNode);
        return { op: 'cast', e, type, site };
      }
      case 'compound_literal_expression': {
        const type = this.ctx.types.typeName(node.childForFieldName('type')!, this.scope);
        return this.compound(node, type, node.childForFieldName('value')!);
      }
      case 'sizeof_expression': {
        const typeNode = node.childForFieldName('type');
        const valueNode = node.childForFieldName('value');
        const named = valueNode && typedefNamed(valueNode, this.scope);
        const t = typeNode ? this.ctx.types.typeName(typeNode, this.scope) : (named ?? this.lower(valueNode!).type);
        const n = sizeOf(t, this.ctx.dm);
        return { op: 'const', value: int(n), type: sizeType(this.ctx.dm), site };
      }
      case 'alignof_expression':
        return { op: 'const', value: int(this.ctx.dm.lp64 ? 8 : 4), type: sizeType(this.ctx.dm), site };
      case 'offsetof_expression':
        try {
          return { op: 'const', value: int(Number(constValue(node, this.scope, this.ctx.types))), type: sizeType(this.ctx.dm), site };
        } catch (e) {
          if (!(e instanceof NotConstant)) throw e;
          return this.err(node, e.message);
        }
      case 'gnu_asm_expression':
        return this.err(node, ASM_MESSAGE);
      case 'initializer_list':
        return this.err(node, 'a brace-enclosed list is only valid as an initialiser');
      case 'ERROR':
        return this.err(node, `cannot parse '${clip(node.text)}' (a macro the compiler does not know?)`);
      default:
        return this.err(node, `unsupported expression ${node.type.replace(/_/g, ' ')} '${clip(node.text)}'`);
    }
  }

  private number(node: SyntaxNode): Expr {
    const site = this.ctx.site(node);
    const text = node.text;
    const neg = text.startsWith('-');
    const lit = parseIntegerLiteral(text.replace(/^[-+]/, ''));
    if (!lit) return this.err(node, `floating-point constant ${text} (the simulated kernel has no FPU)`, intType('double', 8, false));
    // C99 6.4.4.1: the first type of int, long, long long (unsigned for hex/octal) that holds it.
    const decimal = !/^0[xXbB0-7]/.test(text.replace(/^[-+]/, '')) || text.replace(/^[-+]/, '') === '0';
    const v = lit.value;
    const dm = this.ctx.dm;
    const candidates: IntType[] = [];
    const longSize = dm.lp64 ? 8 : 4;
    const add = (name: string, size: number, unsigned: boolean) => candidates.push(intType(name, size, unsigned));
    if (lit.long === 0) {
      if (!lit.unsigned) add('int', 4, false);
      if (lit.unsigned || !decimal) add('unsigned int', 4, true);
    }
    if (lit.long <= 1) {
      if (!lit.unsigned) add('long', longSize, false);
      if (lit.unsigned || !decimal) add('unsigned long', longSize, true);
    }
    if (!lit.unsigned) add('long long', 8, false);
    add('unsigned long long', 8, true);
    const t = candidates.find((c) => v <= (c.unsigned ? (1n << BigInt(c.size * 8)) - 1n : (1n << BigInt(c.size * 8 - 1)) - 1n))!;
    let n = neg ? -v : v;
    if (t.size === 8) n = BigInt.asIntN(64, n);
    return { op: 'const', value: int(Number(n)), type: t, site };
  }

  private string(node: SyntaxNode): Expr {
    const parts = node.type === 'concatenated_string' ? node.namedChildren.filter((c) => c.type === 'string_literal') : [node];
    const bytes: number[] = [];
    for (const p of parts) bytes.push(...decodeString(p.text));
    bytes.push(0);
    return { op: 'str', id: this.ctx.nextStringId(), bytes, type: arrayOf(CHAR, bytes.length), site: this.ctx.site(node) };
  }

  private identifier(node: SyntaxNode): Expr {
    const site = this.ctx.site(node);
    const name = node.text;
    const o = this.scope.lookup(name);
    if (o?.kind === 'local') return { op: 'local', slot: o.slot, type: o.type, site };
    if (o?.kind === 'global') {
      this.ctx.reference(o, site);
      return { op: 'global', symbol: o.symbol, type: o.type, site };
    }
    if (o?.kind === 'enum') return { op: 'const', value: int(o.value), type: INT, site };
    if (o?.kind === 'typedef') return this.err(node, `${name} is a type, used as a value`);
    if (name === '__func__' || name === '__FUNCTION__') return this.err(node, '__func__ is not supported');
    // C89: calling an undeclared function declares it `extern int name()`.
    if (node.parent?.type === 'call_expression' && node.parent.childForFieldName('function')?.id === node.id) {
      const ref = this.ctx.implicitFunction(name, site);
      this.ctx.reference(ref, site);
      return { op: 'global', symbol: ref.symbol, type: ref.type, site };
    }
    return this.err(node, `${name} is not declared`);
  }

  private unary(node: SyntaxNode): Expr {
    const site = this.ctx.site(node);
    const o = node.childForFieldName('operator')?.text ?? node.children[0].text;
    const e = this.lower(node.childForFieldName('argument')!);
    if (isFloating(e.type)) return this.err(node, 'floating-point arithmetic is not supported');
    if (o === '!') return { op: 'unary', o: '!', e, type: INT, site };
    if (!isInteger(e.type)) return this.err(node, `unary ${o} on ${typeName(e.type)}`);
    return { op: 'unary', o: o as '-' | '~' | '+', e, type: promote(e.type), site };
  }

  private pointerExpr(node: SyntaxNode): Expr {
    const site = this.ctx.site(node);
    const o = node.childForFieldName('operator')?.text ?? node.children[0].text;
    const arg = this.lower(node.childForFieldName('argument')!);
    if (o === '&') {
      // `&((struct foo *)0)->member`: offsetof written out, a constant.
      const off = nullOffset(arg, this.ctx.dm);
      if (off !== undefined) return { op: 'const', value: int(off), type: ptr(arg.type), site };
      if (arg.op === 'global' && arg.type.kind === 'func') return { op: 'addr', lvalue: arg, type: ptr(arg.type), site };
      if (!isLvalue(arg)) return this.err(node, `cannot take the address of '${clip(node.text)}'`);
      return { op: 'addr', lvalue: arg, type: ptr(arg.type), site };
    }
    if (arg.type.kind === 'func') return arg; // *f is f
    const t = pointee(arg.type);
    if (!t) return this.err(node, `dereference of a non-pointer (${typeName(arg.type)})`);
    if (t.kind === 'func') return { op: 'cast', e: arg, type: arg.type, site }; // (*fp)(...) calls fp
    return { op: 'deref', ptr: arg, type: t, site };
  }

  private binary(node: SyntaxNode): Expr {
    const site = this.ctx.site(node);
    const o = node.childForFieldName('operator')!.text;
    // `(dev_t)-1`: tree-sitter cannot know dev_t is a type and reads a subtraction.
    const castTo = typedefNamed(node.childForFieldName('left')!, this.scope);
    if (castTo && node.childForFieldName('left')!.type === 'parenthesized_expression' && (o === '-' || o === '+' || o === '*' || o === '&')) {
      const rightNode = node.childForFieldName('right')!;
      const operand = this.lower(rightNode);
      let e: Expr;
      if (o === '*') e = pointee(operand.type) ? { op: 'deref', ptr: operand, type: pointee(operand.type)!, site } : this.err(node, 'dereference of a non-pointer');
      else if (o === '&') e = { op: 'addr', lvalue: operand, type: ptr(operand.type), site };
      else e = { op: 'unary', o: o as '-' | '+', e: operand, type: promote(operand.type), site };
      return { op: 'cast', e, type: castTo, site };
    }
    const l = this.lower(node.childForFieldName('left')!);
    const r = this.lower(node.childForFieldName('right')!);
    if (o === '&&' || o === '||') return { op: 'logical', o, l, r, type: INT, site };
    if (!BINARY_OPS.has(o)) return this.err(node, `unknown operator ${o}`);
    return this.arith(node, o as BinaryOp, l, r);
  }

  /** The type an arithmetic operator works in and yields; pointer arithmetic keeps the pointer type. */
  arith(node: SyntaxNode, o: BinaryOp, l: Expr, r: Expr): Expr {
    const site = this.ctx.site(node);
    if (isFloating(l.type) || isFloating(r.type)) return this.err(node, 'floating-point arithmetic is not supported');
    const lp = pointee(l.type) !== undefined || l.type.kind === 'func';
    const rp = pointee(r.type) !== undefined || r.type.kind === 'func';
    if (COMPARISONS.has(o)) {
      const opType = lp || rp ? ptr(VOID) : commonType(asInt(l.type), asInt(r.type));
      return { op: 'binary', o, l, r, opType, type: INT, site };
    }
    if (lp && rp && o === '-') return { op: 'binary', o, l, r, opType: ptr(VOID), type: ptrdiffType(this.ctx.dm), site };
    if (lp && (o === '+' || o === '-')) return { op: 'binary', o, l, r, opType: decay(l.type), type: decay(l.type), site };
    if (rp && o === '+') return { op: 'binary', o, l: r, r: l, opType: decay(r.type), type: decay(r.type), site };
    if (lp || rp) {
      // Bit tricks on pointers (alignment masks) run on the integer view of the pointer.
      if (!isInteger(l.type) && !isInteger(r.type)) return this.err(node, `operator ${o} on two pointers`);
    }
    if (o === '<<' || o === '>>') {
      const t = promote(asInt(l.type));
      return { op: 'binary', o, l, r, opType: t, type: t, site };
    }
    const t = commonType(asInt(l.type), asInt(r.type));
    return { op: 'binary', o, l, r, opType: t, type: t, site };
  }

  private assignment(node: SyntaxNode): Expr {
    const site = this.ctx.site(node);
    const o = node.childForFieldName('operator')!.text;
    const lv = this.lower(node.childForFieldName('left')!);
    const r = this.lower(node.childForFieldName('right')!);
    if (!isLvalue(lv)) return this.err(node, `assignment to something that is not an lvalue: '${clip(node.childForFieldName('left')!.text)}'`);
    if (o === '=') return { op: 'assign', o: '=', lvalue: lv, r, opType: lv.type, type: lv.type, site };
    const bo = o.slice(0, -1) as BinaryOp;
    const shape = this.arith(node, bo, lv, r);
    if (shape.op === 'error') return shape;
    const opType = shape.op === 'binary' ? shape.opType : lv.type;
    return { op: 'assign', o: o as `${BinaryOp}=`, lvalue: lv, r, opType, type: lv.type, site };
  }

  private call(node: SyntaxNode): Expr {
    const site = this.ctx.site(node);
    const fnNode = node.childForFieldName('function')!;
    const argNodes = node.childForFieldName('arguments')?.namedChildren.filter((c) => c.type !== 'comment') ?? [];
    // `(dev_t)(-1)`: a cast tree-sitter took for a call.
    const castTo = fnNode.type === 'parenthesized_expression' ? typedefNamed(fnNode, this.scope) : undefined;
    if (castTo && argNodes.length === 1) return { op: 'cast', e: this.lower(argNodes[0]), type: castTo, site };
    if (fnNode.type === 'identifier') {
      const builtin = this.builtin(node, fnNode.text, argNodes);
      if (builtin) return builtin;
    }
    const fn = this.lower(fnNode);
    const args = argNodes.map((a) => this.lower(a));
    let fnType: CType | undefined = fn.type.kind === 'func' ? fn.type : fn.type.kind === 'ptr' && fn.type.to.kind === 'func' ? fn.type.to : undefined;
    if (fn.op === 'error') return fn;
    if (!fnType) {
      if (fn.type.kind === 'ptr' && fn.type.to.kind === 'void') fnType = undefined;
      else return this.err(node, `called object is not a function (${typeName(fn.type)})`);
    }
    const ret = fnType && fnType.kind === 'func' ? fnType.ret : INT;
    return { op: 'call', fn, args, fnType, type: ret, site };
  }

  /** GCC builtins kernel code uses, lowered to what they mean. */
  private builtin(node: SyntaxNode, name: string, args: SyntaxNode[]): Expr | undefined {
    const site = this.ctx.site(node);
    switch (name) {
      case '__builtin_expect':
        return args[0] ? this.lower(args[0]) : undefined;
      case '__builtin_constant_p':
        try {
          if (args[0]) constValue(args[0], this.scope, this.ctx.types);
          return { op: 'const', value: int(1), type: INT, site };
        } catch (e) {
          if (!(e instanceof NotConstant)) throw e;
          return { op: 'const', value: int(0), type: INT, site };
        }
      case '__builtin_va_start':
      case '__builtin_stdarg_start': {
        const ap = args[0] && this.lower(args[0]);
        if (!ap || !isLvalue(ap)) return this.err(node, `${name} needs a va_list object`);
        return { op: 'va_start', ap, type: VOID, site };
      }
      case '__builtin_va_arg': {
        // tree-sitter reads the type argument as an expression or a type_descriptor.
        const ap = args[0] && this.lower(args[0]);
        const tn = args[1];
        if (!ap || !isLvalue(ap) || !tn) return this.err(node, '__builtin_va_arg needs a va_list object and a type');
        const type = tn.type === 'type_descriptor' ? this.ctx.types.typeName(tn, this.scope) : (typedefNamed(tn, this.scope) ?? this.typeFromText(tn));
        if (!type) return this.err(node, `__builtin_va_arg: cannot read the type '${clip(tn.text)}'`);
        return { op: 'va_arg', ap, type, site };
      }
      case '__builtin_va_end':
        return { op: 'const', value: int(0), type: VOID, site };
      case '__builtin_va_copy': {
        const d = args[0] && this.lower(args[0]);
        const s = args[1] && this.lower(args[1]);
        if (!d || !s || !isLvalue(d)) return this.err(node, '__builtin_va_copy needs two va_list objects');
        return { op: 'assign', o: '=', lvalue: d, r: s, opType: d.type, type: d.type, site };
      }
      case '__builtin_next_arg':
        return this.err(node, '__builtin_next_arg: old-style varargs address the stack, which the simulated kernel does not lay out');
    }
    // GCC expands these itself or calls the library function of the same name.
    const plain = /^__builtin_(memcpy|memmove|memset|memcmp|strlen|strcmp|strncmp|strcpy|strncpy|strcat|abs|labs|bzero|bcopy|bcmp|ffs|printf|alloca)$/.exec(name);
    if (plain) {
      const ref = this.scope.lookup(plain[1]!);
      const target = ref?.kind === 'global' ? ref : this.ctx.implicitFunction(plain[1]!, site);
      this.ctx.reference(target, site);
      const fn: Expr = { op: 'global', symbol: target.symbol, type: target.type, site };
      const fnType = target.type.kind === 'func' ? target.type : undefined;
      return { op: 'call', fn, args: args.map((a) => this.lower(a)), fnType, type: fnType?.ret ?? INT, site };
    }
    return undefined;
  }

  /**
   * A type written where tree-sitter expected an expression (`va_arg(ap, struct foo *)`): read
   * again as the operand of sizeof, where a type name parses as one.
   */
  private typeFromText(n: SyntaxNode): CType | undefined {
    const root = parseC(`int __t = sizeof(${n.text});`).rootNode;
    let found: SyntaxNode | undefined;
    walk(root, (c) => {
      if (found) return false;
      if (c.type === 'sizeof_expression') found = c.childForFieldName('type') ?? undefined;
    });
    return found && !found.hasError ? this.ctx.types.typeName(found, this.scope) : undefined;
  }

  private field(node: SyntaxNode): Expr {
    const site = this.ctx.site(node);
    const base = this.lower(node.childForFieldName('argument')!);
    const arrow = node.childForFieldName('operator')?.text === '->';
    const name = node.childForFieldName('field')!.text;
    const st = arrow ? pointee(base.type) : base.type;
    if (base.op === 'error') return base;
    if (!st || st.kind !== 'struct') return this.err(node, `member ${name} of something that is not a struct (${typeName(base.type)})`);
    if (st.members === null) return this.err(node, `member ${name} of incomplete ${typeName(st)}`);
    const m = findMember(st, name);
    if (!m) return this.err(node, `${typeName(st)} has no member ${name}`);
    return { op: 'member', base, path: m.path, arrow, type: m.member.type, site };
  }

  private compound(node: SyntaxNode, type: CType, list: SyntaxNode): Expr {
    const init: Initializer = lowerInitializer(this, type, list);
    return { op: 'compound', init, type: init.type, site: this.ctx.site(node) };
  }
}

export function isLvalue(e: Expr): boolean {
  switch (e.op) {
    case 'local':
    case 'deref':
    case 'index':
    case 'str':
    case 'compound':
      return true;
    case 'global':
      return e.type.kind !== 'func';
    case 'member':
      return e.arrow || isLvalue(e.base) || e.base.op === 'call';
    default:
      return false;
  }
}

/** The offset `e` designates if it is a member chain over a null pointer constant cast to a struct pointer. */
function nullOffset(e: Expr, dm: DataModel): number | undefined {
  if (e.op !== 'member') return undefined;
  let base: number | undefined;
  let st: CType | undefined;
  if (e.arrow) {
    let p = e.base;
    while (p.op === 'cast' && p.e.op === 'cast') p = p.e;
    if (p.op !== 'cast' || p.e.op !== 'const' || p.e.value.k !== 'int' || p.e.value.n !== 0) return undefined;
    base = 0;
    st = pointee(p.type);
  } else {
    base = nullOffset(e.base, dm);
    st = e.base.type;
  }
  if (base === undefined || !st || st.kind !== 'struct') return undefined;
  let off = base;
  for (const name of e.path) {
    if (!st || st.kind !== 'struct') return undefined;
    const o = offsetOf(st, name, dm);
    if (o === undefined) return undefined;
    off += o;
    st = st.members?.find((m) => m.name === name)?.type;
  }
  return off;
}

function asInt(t: CType): IntType {
  if (t.kind === 'int') return t;
  return intType('long', 8, false); // a pointer used as an integer
}

function decay(t: CType): CType {
  if (t.kind === 'array') return ptr(t.of);
  if (t.kind === 'func') return ptr(t);
  return t;
}

function conditionalType(a: CType, b: CType): CType {
  if (isInteger(a) && isInteger(b)) return commonType(a, b);
  if (a.kind === 'ptr' && !(a.to.kind === 'void' && b.kind === 'ptr')) return a;
  if (b.kind === 'ptr' || b.kind === 'array' || b.kind === 'func') return decay(b);
  return decay(a);
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 60 ? one.slice(0, 57) + '...' : one;
}

/** Bytes of a string literal's body (escapes decoded; wide prefixes taken as narrow). */
export function decodeString(lit: string): number[] {
  const body = lit.replace(/^(u8|[LuU])?"/, '').replace(/"$/, '');
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c !== '\\') {
      out.push(body.charCodeAt(i) & 0xff);
      continue;
    }
    const e = body[++i];
    if (e === 'x') {
      const m = /^[0-9a-fA-F]+/.exec(body.slice(i + 1))![0];
      out.push(parseInt(m, 16) & 0xff);
      i += m.length;
    } else if (/[0-7]/.test(e)) {
      const m = /^[0-7]{1,3}/.exec(body.slice(i))![0];
      out.push(parseInt(m, 8) & 0xff);
      i += m.length - 1;
    } else out.push(charLiteralValue(`'\\${e}'`));
  }
  return out;
}

