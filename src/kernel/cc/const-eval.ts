/**
 * Integer constant expressions in declarations (array sizes, enum values, bit-field widths,
 * case labels): literals, enum constants, sizeof, casts, arithmetic, the conditional operator.
 */
import type { CType } from '../machine/memory.ts';
import type { SyntaxNode } from '../../source/cparse.ts';
import { charLiteralValue, parseIntegerLiteral } from './pp/if-expr.ts';
import { CHAR, INT, arrayOf, findMember, offsetOf, pointee, sizeOf, type DataModel } from './ctypes.ts';
import type { Scope } from './scope.ts';

export class NotConstant extends Error {}

interface Builder {
  ctx: { dm: DataModel };
  typeName(node: SyntaxNode, scope: Scope): CType;
}

/** The value of a constant expression node (BigInt, so 64-bit values stay exact). */
export function constValue(node: SyntaxNode, scope: Scope, b: Builder): bigint {
  switch (node.type) {
    case 'number_literal': {
      // tree-sitter folds a leading minus into the literal: `-3`
      const neg = node.text.startsWith('-');
      const lit = parseIntegerLiteral(node.text.replace(/^[-+]/, ''));
      if (!lit) throw new NotConstant(`'${node.text}' is not an integer`);
      return neg ? -lit.value : lit.value;
    }
    case 'char_literal':
      return BigInt(charLiteralValue(node.text));
    case 'true':
      return 1n;
    case 'false':
      return 0n;
    case 'parenthesized_expression':
      return constValue(node.namedChildren[0], scope, b);
    case 'identifier': {
      const o = scope.lookup(node.text);
      if (o?.kind === 'enum') return BigInt(o.value);
      throw new NotConstant(`${node.text} is not a constant`);
    }
    case 'unary_expression': {
      const v = constValue(node.childForFieldName('argument')!, scope, b);
      switch (node.childForFieldName('operator')?.text ?? node.children[0].text) {
        case '-': return -v;
        case '+': return v;
        case '~': return ~v;
        case '!': return v === 0n ? 1n : 0n;
      }
      break;
    }
    case 'binary_expression': {
      const op = node.childForFieldName('operator')!.text;
      const castTo = typedefNamed(node.childForFieldName('left')!, scope);
      if (castTo && (op === '-' || op === '+') && node.childForFieldName('left')!.type === 'parenthesized_expression') {
        // `(dev_t)-1`: a cast of a negation, not a subtraction.
        const r = constValue(node.childForFieldName('right')!, scope, b);
        const v = op === '-' ? -r : r;
        if (castTo.kind === 'int' && castTo.size <= 8) return castTo.unsigned ? BigInt.asUintN(castTo.size * 8, v) : BigInt.asIntN(castTo.size * 8, v);
        return v;
      }
      const l = constValue(node.childForFieldName('left')!, scope, b);
      if (op === '&&' && l === 0n) return 0n;
      if (op === '||' && l !== 0n) return 1n;
      const r = constValue(node.childForFieldName('right')!, scope, b);
      return binary(op, l, r);
    }
    case 'conditional_expression': {
      const c = constValue(node.childForFieldName('condition')!, scope, b);
      return constValue(node.childForFieldName(c !== 0n ? 'consequence' : 'alternative')!, scope, b);
    }
    case 'call_expression': {
      // `(dev_t)(-1)`, read by tree-sitter as a call.
      const fn = node.childForFieldName('function')!;
      const args = node.childForFieldName('arguments')?.namedChildren ?? [];
      const t = fn.type === 'parenthesized_expression' ? typedefNamed(fn, scope) : undefined;
      if (t && args.length === 1) {
        const v = constValue(args[0], scope, b);
        if (t.kind === 'int' && t.size <= 8) return t.unsigned ? BigInt.asUintN(t.size * 8, v) : BigInt.asIntN(t.size * 8, v);
        return v;
      }
      break;
    }
    case 'cast_expression': {
      const t = b.typeName(node.childForFieldName('type')!, scope);
      const v = constValue(node.childForFieldName('value')!, scope, b);
      if (t.kind === 'int' && t.size <= 8) return t.unsigned ? BigInt.asUintN(t.size * 8, v) : BigInt.asIntN(t.size * 8, v);
      return v;
    }
    case 'sizeof_expression': {
      const typeNode = node.childForFieldName('type');
      const valueNode = node.childForFieldName('value');
      const named = valueNode && typedefNamed(valueNode, scope);
      const t = typeNode ? b.typeName(typeNode, scope) : (named ?? staticType(valueNode!, scope, b));
      return BigInt(sizeOf(t, b.ctx.dm));
    }
    case 'alignof_expression':
      return BigInt(b.ctx.dm.lp64 ? 8 : 4);
    case 'offsetof_expression': {
      const t = b.typeName(node.childForFieldName('type')!, scope);
      const m = node.childForFieldName('member')?.text ?? '';
      const off = t.kind === 'struct' ? offsetOf(t, m, b.ctx.dm) : undefined;
      if (off === undefined) throw new NotConstant(`offsetof: ${m} is not a member of this type`);
      return BigInt(off);
    }
  }
  throw new NotConstant(`${node.type.replace(/_/g, ' ')} '${node.text.slice(0, 40)}' is not constant`);
}

function binary(op: string, l: bigint, r: bigint): bigint {
  switch (op) {
    case '+': return l + r;
    case '-': return l - r;
    case '*': return l * r;
    case '/': if (r === 0n) throw new NotConstant('division by zero'); return l / r;
    case '%': if (r === 0n) throw new NotConstant('division by zero'); return l % r;
    case '<<': return l << r;
    case '>>': return l >> r;
    case '&': return l & r;
    case '|': return l | r;
    case '^': return l ^ r;
    case '==': return l === r ? 1n : 0n;
    case '!=': return l !== r ? 1n : 0n;
    case '<': return l < r ? 1n : 0n;
    case '>': return l > r ? 1n : 0n;
    case '<=': return l <= r ? 1n : 0n;
    case '>=': return l >= r ? 1n : 0n;
    case '&&': return l !== 0n && r !== 0n ? 1n : 0n;
    case '||': return l !== 0n || r !== 0n ? 1n : 0n;
  }
  throw new NotConstant(`operator ${op}`);
}

/**
 * `sizeof (register_t)`: tree-sitter cannot know register_t names a type and reads a
 * parenthesised identifier; the scope knows.
 */
export function typedefNamed(node: SyntaxNode, scope: Scope): CType | undefined {
  let n = node;
  while (n.type === 'parenthesized_expression' && n.namedChildCount === 1) n = n.namedChildren[0];
  if (n.type !== 'identifier') return undefined;
  const o = scope.lookup(n.text);
  return o?.kind === 'typedef' ? o.type : undefined;
}

/** The type of an expression that sizeof inspects (it is not evaluated). */
function staticType(node: SyntaxNode, scope: Scope, b: Builder): CType {
  switch (node.type) {
    case 'parenthesized_expression':
      return staticType(node.namedChildren[0], scope, b);
    case 'identifier': {
      const o = scope.lookup(node.text);
      if (o && (o.kind === 'global' || o.kind === 'local')) return o.type;
      if (o?.kind === 'enum') return INT;
      throw new NotConstant(`sizeof of unknown ${node.text}`);
    }
    case 'string_literal':
      return arrayOf(CHAR, node.text.length - 1);
    case 'subscript_expression': {
      const t = pointee(staticType(node.childForFieldName('argument')!, scope, b));
      if (t) return t;
      break;
    }
    case 'pointer_expression': {
      if (node.children[0].text === '*') {
        const t = pointee(staticType(node.childForFieldName('argument')!, scope, b));
        if (t) return t;
      }
      break;
    }
    case 'field_expression': {
      let t = staticType(node.childForFieldName('argument')!, scope, b);
      if (node.childForFieldName('operator')?.text === '->') t = pointee(t) ?? t;
      if (t.kind === 'struct') {
        const m = findMember(t, node.childForFieldName('field')!.text);
        if (m) return m.member.type;
      }
      break;
    }
    case 'cast_expression':
      return b.typeName(node.childForFieldName('type')!, scope);
    case 'number_literal':
    case 'char_literal':
      return INT;
  }
  throw new NotConstant(`sizeof of ${node.text.slice(0, 40)}`);
}
