/**
 * Types from declarations: specifiers (base types, qualifiers, storage class, attributes),
 * declarators (pointers, arrays, functions, parenthesised), struct/union/enum definitions
 * (nested and anonymous), typedefs, parameter lists (prototype and K&R), type names in casts.
 *
 * Kernel headers and modules are full of names tree-sitter takes for types without knowing them;
 * an unknown type name becomes an int-sized placeholder and a warning, never a failure: only
 * code that is run can be wrong.
 *
 * Long because: specifiers, declarators and struct bodies recurse into one another through one
 * TypeBuilder.
 */
import type { CType, Member } from '../machine/memory.ts';
import type { SyntaxNode } from '../../source/cparse.ts';
import {
  ANON_PREFIX,
  arrayOf,
  BOOL,
  CHAR,
  INT,
  intType,
  ptr,
  VOID,
  type DataModel,
  type FuncType,
  type StructType,
} from './ctypes.ts';
import { constValue, NotConstant } from './const-eval.ts';
import { Scope } from './scope.ts';

export type Storage = 'static' | 'extern' | 'typedef' | 'auto' | 'register' | undefined;

export interface Specifiers {
  type: CType;
  isConst: boolean;
  storage: Storage;
  inline: boolean;
  /** `__attribute__((__section__("...")))` */
  section?: string;
}

export interface Declared {
  name: string | undefined;
  type: CType;
  /** The object itself is const (rodata), not just what it points to. */
  isConst: boolean;
  /** Parameter names of the outermost function declarator (function definitions use them). */
  paramNames?: (string | undefined)[];
  /** K&R identifier list `f(a, b)` without types. */
  krParams?: boolean;
  node: SyntaxNode | null;
}

export interface TypeContext {
  dm: DataModel;
  warn(node: SyntaxNode, message: string): void;
}

const PRIMITIVES: Record<string, (dm: DataModel) => CType> = {
  void: () => VOID,
  char: () => CHAR,
  short: () => intType('short', 2, false),
  int: () => INT,
  long: (dm) => intType('long', dm.lp64 ? 8 : 4, false),
  float: () => intType('float', 4, false),
  double: () => intType('double', 8, false),
  _Bool: () => BOOL,
  bool: () => BOOL,
  size_t: (dm) => intType('unsigned long', dm.lp64 ? 8 : 4, true),
  ssize_t: (dm) => intType('long', dm.lp64 ? 8 : 4, false),
  ptrdiff_t: (dm) => intType('long', dm.lp64 ? 8 : 4, false),
  intptr_t: (dm) => intType('long', dm.lp64 ? 8 : 4, false),
  uintptr_t: (dm) => intType('unsigned long', dm.lp64 ? 8 : 4, true),
  int8_t: () => intType('signed char', 1, false),
  uint8_t: () => intType('unsigned char', 1, true),
  int16_t: () => intType('short', 2, false),
  uint16_t: () => intType('unsigned short', 2, true),
  int32_t: () => INT,
  uint32_t: () => intType('unsigned int', 4, true),
  int64_t: () => intType('long long', 8, false),
  uint64_t: () => intType('unsigned long long', 8, true),
  __builtin_va_list: () => ptr(VOID),
};

export class TypeBuilder {
  constructor(
    readonly ctx: TypeContext,
    readonly fileScope: Scope,
  ) {}

  /** Specifiers of a declaration-like node (declaration, field_declaration, parameter_declaration, function_definition, type_definition). */
  specifiers(node: SyntaxNode, scope: Scope): Specifiers {
    let storage: Storage;
    let isConst = false;
    let inline = false;
    let section: string | undefined;
    for (const c of node.namedChildren) {
      if (c.type === 'storage_class_specifier') {
        const t = c.text;
        if (t === 'inline' || t === '__inline' || t === '__inline__') inline = true;
        else if (t === 'static' || t === 'extern' || t === 'auto' || t === 'register') storage = t;
      } else if (c.type === 'type_qualifier') {
        if (c.text === 'const' || c.text === '__const') isConst = true;
      } else if (c.type === 'attribute_specifier') {
        section = sectionAttribute(c) ?? section;
      }
    }
    if (node.type === 'type_definition') storage = 'typedef';
    const typeNode = node.childForFieldName('type');
    let type: CType = INT; // implicit int (K&R)
    if (typeNode) {
      const b = this.baseType(typeNode, scope);
      type = b.type;
      isConst ||= b.isConst;
    }
    return { type, isConst, storage, inline, section };
  }

  baseType(node: SyntaxNode, scope: Scope): { type: CType; isConst: boolean } {
    switch (node.type) {
      case 'primitive_type': {
        const name = node.text;
        const td = scope.lookup(name);
        if (td?.kind === 'typedef') return { type: td.type, isConst: td.isConst };
        const p = PRIMITIVES[name];
        if (p) return { type: p(this.ctx.dm), isConst: false };
        this.ctx.warn(node, `unknown type ${name}, taken as int`);
        return { type: INT, isConst: false };
      }
      case 'sized_type_specifier':
        return { type: this.sizedType(node, scope), isConst: false };
      case 'type_identifier': {
        const td = scope.lookup(node.text);
        if (td?.kind === 'typedef') return { type: td.type, isConst: td.isConst };
        const p = PRIMITIVES[node.text];
        if (p) return { type: p(this.ctx.dm), isConst: false };
        this.ctx.warn(node, `unknown type name ${node.text}, taken as int`);
        return { type: intType(node.text, 4, false), isConst: false };
      }
      case 'struct_specifier':
      case 'union_specifier':
        return { type: this.structType(node, scope), isConst: false };
      case 'enum_specifier':
        this.enumType(node, scope);
        return { type: INT, isConst: false };
      case 'macro_type_specifier': {
        // GCC's typeof (also spelled __typeof__): of a type, or of an object named here.
        const td = node.childForFieldName('type');
        if (node.childForFieldName('name')?.text === 'typeof' && td) {
          const only = td.namedChildren.length === 1 ? td.namedChildren[0]! : undefined;
          const o = only?.type === 'type_identifier' || only?.type === 'identifier' ? scope.lookup(only.text) : undefined;
          if (o && (o.kind === 'local' || o.kind === 'global')) return { type: o.type, isConst: false };
          return { type: this.typeName(td, scope), isConst: false };
        }
        this.ctx.warn(node, `unknown type macro ${node.text}, taken as int`);
        return { type: INT, isConst: false };
      }
      default:
        this.ctx.warn(node, `unsupported type ${node.type}, taken as int`);
        return { type: INT, isConst: false };
    }
  }

  private sizedType(node: SyntaxNode, scope: Scope): CType {
    let unsigned = false;
    let longs = 0;
    let short = false;
    let base = 'int';
    for (const c of node.children) {
      const t = c.type === 'primitive_type' || c.type === 'type_identifier' ? 'base' : c.text;
      if (t === 'unsigned') unsigned = true;
      else if (t === 'long') longs++;
      else if (t === 'short') short = true;
      else if (t === 'base') base = c.text;
    }
    void scope;
    const dm = this.ctx.dm;
    if (base === 'char') return intType(unsigned ? 'unsigned char' : 'signed char', 1, unsigned);
    if (base === 'double') return intType(longs ? 'long double' : 'double', longs ? 16 : 8, false);
    if (short) return intType(unsigned ? 'unsigned short' : 'short', 2, unsigned);
    if (longs >= 2) return intType(unsigned ? 'unsigned long long' : 'long long', 8, unsigned);
    if (longs === 1) return intType(unsigned ? 'unsigned long' : 'long', dm.lp64 ? 8 : 4, unsigned);
    return intType(unsigned ? 'unsigned int' : 'int', 4, unsigned);
  }

  structType(node: SyntaxNode, scope: Scope): StructType {
    const union = node.type === 'union_specifier';
    const nameNode = node.childForFieldName('name');
    const body = node.childForFieldName('body');
    const tag = nameNode?.text;
    let t: StructType | undefined;
    if (tag) {
      const existing = body ? scope.tagHere(tag) : scope.tag(tag);
      if (existing && existing.kind === 'struct') t = existing;
      if (t && body && t.members !== null) {
        // A second definition of the same tag: keep the first (headers included twice).
        if (t.members.length > 0 || body.namedChildCount === 0) return t;
      }
      if (!t) {
        t = { kind: 'struct', tag, union, members: null };
        scope.declareTag(tag, t);
      }
    } else {
      t = { kind: 'struct', tag: '', union, members: null };
    }
    if (body) {
      if (scope === this.fileScope && !declaresNames(body)) deferMembers(t, () => this.members(body, scope));
      else t.members = this.members(body, scope);
    }
    return t;
  }

  private members(body: SyntaxNode, scope: Scope): Member[] {
    const members: Member[] = [];
    let anon = 0;
    for (const f of body.namedChildren) {
      if (f.type !== 'field_declaration') continue;
      const spec = this.specifiers(f, scope);
      const declarators = f.childrenForFieldName('declarator');
      const bitfield = f.namedChildren.find((c) => c.type === 'bitfield_clause');
      // `int :32;` — an unnamed bit-field (padding): tree-sitter reads a MISSING name there.
      if (declarators.length === 0 || (bitfield && declarators.length === 1 && declarators[0]!.isMissing)) {
        if (spec.type.kind === 'struct') members.push({ name: `${ANON_PREFIX}${anon++}`, type: spec.type });
        else if (bitfield) members.push({ name: `${ANON_PREFIX}${anon++}`, type: spec.type, bits: this.bitWidth(bitfield, scope) });
        continue;
      }
      for (const d of declarators) {
        const decl = this.declarator(spec.type, spec.isConst, d, scope);
        if (!decl.name) continue;
        const m: Member = { name: decl.name, type: decl.type };
        if (bitfield && declarators.length === 1) m.bits = this.bitWidth(bitfield, scope);
        members.push(m);
      }
    }
    return members;
  }

  private bitWidth(clause: SyntaxNode, scope: Scope): number {
    const e = clause.namedChildren[0];
    try {
      return e ? Number(constValue(e, scope, this)) : 0;
    } catch (err) {
      if (err instanceof NotConstant) this.ctx.warn(clause, `bit-field width is not a constant: ${err.message}`);
      else throw err;
      return 0;
    }
  }

  enumType(node: SyntaxNode, scope: Scope): void {
    const nameNode = node.childForFieldName('name');
    if (nameNode && !scope.tag(nameNode.text)) scope.declareTag(nameNode.text, { kind: 'enum', tag: nameNode.text });
    const body = node.childForFieldName('body');
    if (!body) return;
    let next = 0;
    for (const e of body.namedChildren) {
      if (e.type !== 'enumerator') continue;
      const name = e.childForFieldName('name')!.text;
      const v = e.childForFieldName('value');
      if (v) {
        try {
          next = Number(constValue(v, scope, this));
        } catch (err) {
          if (!(err instanceof NotConstant)) throw err;
          this.ctx.warn(v, `value of ${name} is not a constant (${err.message}); taken as ${next}`);
        }
      }
      scope.declare(name, { kind: 'enum', value: next });
      next++;
    }
  }

  /** Apply a declarator to a base type (inside-out), giving the declared name and type. */
  declarator(base: CType, baseConst: boolean, node: SyntaxNode | null, scope: Scope): Declared {
    let type = base;
    let isConst = baseConst;
    let paramNames: (string | undefined)[] | undefined;
    let krParams: boolean | undefined;
    let n: SyntaxNode | null = node;
    let outermostFunction = true;
    while (n) {
      switch (n.type) {
        case 'identifier':
        case 'field_identifier':
        case 'type_identifier':
        case 'primitive_type':
          return { name: n.text, type, isConst, paramNames, krParams, node };
        case 'init_declarator':
        case 'attributed_declarator':
        case 'parenthesized_declarator':
        case 'abstract_parenthesized_declarator':
          n = n.childForFieldName('declarator') ?? n.namedChildren.find((c) => c.type !== 'attribute_specifier' && c.type !== 'attribute_declaration') ?? null;
          continue;
        case 'pointer_declarator':
        case 'abstract_pointer_declarator': {
          type = ptr(type);
          // `T * const p`: the qualifier now applies to the pointer itself.
          isConst = n.namedChildren.some((c) => c.type === 'type_qualifier' && c.text === 'const');
          n = n.childForFieldName('declarator');
          continue;
        }
        case 'array_declarator':
        case 'abstract_array_declarator': {
          const sizeNode = n.childForFieldName('size');
          let length: number | null = null;
          if (sizeNode && sizeNode.text !== '*') {
            try {
              length = Number(constValue(sizeNode, scope, this));
            } catch (err) {
              if (!(err instanceof NotConstant)) throw err;
              this.ctx.warn(sizeNode, `array size is not a constant (${err.message})`);
            }
          }
          type = arrayOf(type, length);
          n = n.childForFieldName('declarator');
          continue;
        }
        case 'function_declarator':
        case 'abstract_function_declarator': {
          const params = this.parameters(n.childForFieldName('parameters'), scope);
          type = { kind: 'func', ret: type, params: params.types, variadic: params.variadic } satisfies FuncType;
          if (outermostFunction) {
            paramNames = params.names;
            krParams = params.kr;
          }
          outermostFunction = false;
          n = n.childForFieldName('declarator');
          continue;
        }
        default:
          // ERROR or a construct tree-sitter made of an unknown macro: no name.
          return { name: undefined, type, isConst, paramNames, krParams, node };
      }
    }
    return { name: undefined, type, isConst, paramNames, krParams, node };
  }

  /**
   * The type of a parameter list. Note the declarator above sees the outermost function
   * declarator LAST for `int (*f(void))(int)`; definitions only use simple `name(params)`.
   */
  parameters(list: SyntaxNode | null, scope: Scope): { types: CType[] | null; names: (string | undefined)[]; variadic: boolean; kr: boolean } {
    if (!list) return { types: null, names: [], variadic: false, kr: false };
    const types: CType[] = [];
    const names: (string | undefined)[] = [];
    let variadic = false;
    let kr = false;
    const paramScope = new Scope(scope);
    for (const p of list.namedChildren) {
      if (p.type === 'variadic_parameter') {
        variadic = true;
        continue;
      }
      if (p.type === 'identifier') {
        kr = true;
        names.push(p.text);
        types.push(INT);
        continue;
      }
      if (p.type !== 'parameter_declaration') continue;
      const spec = this.specifiers(p, paramScope);
      const d = this.declarator(spec.type, spec.isConst, p.childForFieldName('declarator'), paramScope);
      if (d.type.kind === 'void' && !d.name) continue; // (void)
      types.push(adjustParam(d.type));
      names.push(d.name);
    }
    if (list.text.replace(/\s/g, '') === '()') return { types: null, names: [], variadic: false, kr: false };
    return { types: kr ? null : types, names, variadic, kr };
  }

  /** A type name (cast, sizeof, compound literal). */
  typeName(node: SyntaxNode, scope: Scope): CType {
    const spec = this.specifiers(node, scope);
    return this.declarator(spec.type, spec.isConst, node.childForFieldName('declarator'), scope).type;
  }

  /** Handle a typedef, struct, union or enum declaration for its side effects on the scope. */
  typedef(node: SyntaxNode, scope: Scope): void {
    const spec = this.specifiers(node, scope);
    for (const d of node.childrenForFieldName('declarator')) {
      const decl = this.declarator(spec.type, spec.isConst, d, scope);
      if (decl.name) scope.declare(decl.name, { kind: 'typedef', type: decl.type, isConst: decl.isConst || spec.isConst });
    }
  }
}

/** Parameters of array and function type are pointers (C99 6.7.5.3). */
export function adjustParam(t: CType): CType {
  if (t.kind === 'array') return ptr(t.of);
  if (t.kind === 'func') return ptr(t);
  return t;
}

function sectionAttribute(attr: SyntaxNode): string | undefined {
  const m = /__section__\s*\(\s*((?:"[^"]*"\s*)+)\)|section\s*\(\s*((?:"[^"]*"\s*)+)\)/.exec(attr.text);
  const lit = m?.[1] ?? m?.[2];
  if (!lit) return undefined;
  return [...lit.matchAll(/"([^"]*)"/g)].map((x) => x[1]).join('');
}

/**
 * A file-scope struct's members are built the first time anything reads them: a unit includes
 * hundreds of header structs and uses a few. Deferring changes nothing a program can see, since
 * the body's types name only what is declared before it (C needs no more) — unless the body
 * declares names itself, which declaresNames() keeps eager.
 */
/** File-scope structs whose members are still to be read from their unit's syntax tree. */
const pending = new WeakSet<StructType>();

function deferMembers(t: StructType, build: () => Member[]): void {
  let building = false;
  pending.add(t);
  Object.defineProperty(t, 'members', {
    configurable: true,
    enumerable: true,
    get(): Member[] | null {
      if (building) return null; // the struct's own body asks for it: incomplete there, as in C
      building = true;
      let members: Member[];
      try {
        members = build();
      } finally {
        building = false;
      }
      settle(t, members);
      return members;
    },
    set(v: Member[] | null) {
      settle(t, v);
    },
  });
}

/** The members as a plain property: the getter's closure holds the unit's whole syntax tree. */
function settle(t: StructType, members: Member[] | null): void {
  pending.delete(t);
  Object.defineProperty(t, 'members', { value: members, writable: true, configurable: true, enumerable: true });
}

/**
 * Builds the members of every struct still pending that a compiled object can reach from
 * `roots` (its definitions' types, its code, its initialisers). A pending struct keeps its
 * unit's syntax tree and preprocessed text alive for as long as the object lives — hundreds of
 * megabytes, mostly outside the V8 heap, for a module that includes the kernel's headers.
 * A struct whose members cannot be built stays pending: using it fails as it did before.
 */
export function buildReachableMembers(roots: unknown): void {
  const seen = new Set<object>();
  const stack: unknown[] = [roots];
  while (stack.length > 0) {
    const x = stack.pop();
    if (x === null || typeof x !== 'object' || seen.has(x)) continue;
    seen.add(x);
    if (pending.has(x as StructType)) {
      try {
        void (x as StructType).members;
      } catch {
        continue;
      }
    }
    if (x instanceof Map) {
      for (const [k, v] of x) stack.push(k, v);
    } else if (x instanceof Set || Array.isArray(x)) {
      for (const v of x) stack.push(v);
    } else {
      for (const v of Object.values(x)) stack.push(v);
    }
  }
}

/** `struct x {`, `union {`, `enum e {`: a specifier with a body (the preprocessor removed comments). */
const NESTED_DEFINITION = /\b(?:struct|union|enum)\b[^;{}]*\{/;

/** The body defines enumerators or a tagged struct/union, which C puts in the enclosing scope. */
function declaresNames(body: SyntaxNode): boolean {
  // Most bodies nest no definition at all: their text says so without walking the tree.
  if (!NESTED_DEFINITION.test(body.text)) return false;
  for (const n of body.descendantsOfType(['enum_specifier', 'struct_specifier', 'union_specifier'])) {
    if (!n.childForFieldName('body')) continue;
    if (n.type === 'enum_specifier' || n.childForFieldName('name')) return true;
  }
  return false;
}
