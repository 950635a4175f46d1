/**
 * Function bodies to the interpreter's statements: block scopes and frame slots, declarations
 * with initialisers, control flow with labels (goto targets and switch cases), K&R parameters.
 */
import type { CType } from '../machine/memory.ts';
import type { SyntaxNode } from '../../source/cparse.ts';
import type { SourceSite } from '../object.ts';
import type { Expr, FunctionCode, Stmt } from './ast.ts';
import { constValue, NotConstant } from './const-eval.ts';
import { adjustParam } from './declarations.ts';
import { INT, type FuncType } from './ctypes.ts';
import type { LowerContext } from './lower-context.ts';
import { ASM_MESSAGE, ExprLowerer } from './lower-expr.ts';
import { lowerInitializer } from './lower-init.ts';
import { Scope } from './scope.ts';

interface SwitchCtx {
  cases: Map<number, string>;
  dflt: string | null;
}

export class FunctionLowerer {
  private readonly slots: { name: string; type: CType }[] = [];
  private readonly lx: ExprLowerer;
  private readonly switches: SwitchCtx[] = [];
  private labelCounter = 0;
  private nodes = 0;

  constructor(
    private readonly ctx: LowerContext,
    fileScope: Scope,
    private readonly name: string,
  ) {
    this.lx = new ExprLowerer(ctx, new Scope(fileScope));
    this.lx.statements = (n) => this.statementExpression(n);
  }

  /** `({ a; b; e; })`: the statements in a scope of their own, the last expression the value. */
  private statementExpression(n: SyntaxNode): { body: Stmt[]; result: Expr | null } {
    const saved = this.lx.scope;
    this.lx.scope = new Scope(saved);
    const children = n.namedChildren.filter((c) => c.type !== 'comment');
    const last = children[children.length - 1];
    const tail = last?.type === 'expression_statement' ? last.namedChildren.find((c) => c.type !== 'comment') : undefined;
    const body: Stmt[] = [];
    for (const c of tail ? children.slice(0, -1) : children) body.push(...this.statements(c));
    const result = tail ? this.expr(tail) : null;
    this.lx.scope = saved;
    return { body, result };
  }

  /** Lower a function_definition whose declarator has been resolved to `type` and parameter names. */
  lower(def: SyntaxNode, symbol: string, type: FuncType, paramNames: (string | undefined)[], kr: boolean): FunctionCode {
    const scope = this.lx.scope;
    // K&R: `f(a, b) int a; char *b; { ... }` — the declarations between declarator and body.
    const krTypes = new Map<string, CType>();
    if (kr) {
      for (const d of def.namedChildren) {
        if (d.type !== 'declaration') continue;
        const spec = this.ctx.types.specifiers(d, scope);
        for (const dn of d.childrenForFieldName('declarator')) {
          const decl = this.ctx.types.declarator(spec.type, spec.isConst, dn, scope);
          if (decl.name) krTypes.set(decl.name, adjustParam(decl.type));
        }
      }
    }
    const paramTypes: CType[] = [];
    paramNames.forEach((pn, i) => {
      const t = kr ? (krTypes.get(pn ?? '') ?? INT) : (type.params?.[i] ?? INT);
      paramTypes.push(t);
      const slot = this.slots.length;
      this.slots.push({ name: pn ?? `<param ${i + 1}>`, type: t });
      if (pn) scope.declare(pn, { kind: 'local', slot, name: pn, type: t });
    });
    const fnType: FuncType = kr ? { kind: 'func', ret: type.ret, params: paramTypes, variadic: false } : type;
    const bodyNode = def.childForFieldName('body')!;
    const body = this.block(bodyNode, false);
    return {
      name: this.name,
      symbol,
      type: fnType,
      slots: this.slots,
      nparams: paramNames.length,
      body,
      site: this.ctx.site(def),
      size: this.nodes * 4,
    };
  }

  private site(n: SyntaxNode): SourceSite {
    return this.ctx.site(n);
  }

  private expr(n: SyntaxNode): Expr {
    return this.lx.lower(n);
  }

  private withLabels(s: Stmt, children: (Stmt | null)[]): Stmt {
    let labels: Set<string> | undefined;
    for (const c of children) {
      if (!c) continue;
      if (c.s === 'label') (labels ??= new Set()).add(c.name);
      if (c.labels) for (const l of c.labels) (labels ??= new Set()).add(l);
    }
    if (labels) s.labels = labels;
    return s;
  }

  private block(n: SyntaxNode, newScope = true): Stmt {
    const saved = this.lx.scope;
    if (newScope) this.lx.scope = new Scope(saved);
    const body: Stmt[] = [];
    for (const c of n.namedChildren) {
      if (c.type === 'comment') continue;
      body.push(...this.statements(c));
    }
    this.lx.scope = saved;
    return this.withLabels({ s: 'block', body, site: this.site(n) }, body);
  }

  /** One statement node; declarations may give several statements. */
  private statements(n: SyntaxNode): Stmt[] {
    if (n.type === 'declaration') return this.declaration(n);
    if (n.type === 'type_definition') {
      this.ctx.types.typedef(n, this.lx.scope);
      return [];
    }
    if (n.type === 'struct_specifier' || n.type === 'union_specifier' || n.type === 'enum_specifier') {
      this.ctx.types.baseType(n, this.lx.scope);
      return [];
    }
    return [this.statement(n)];
  }

  private statement(n: SyntaxNode): Stmt {
    this.nodes++;
    const site = this.site(n);
    switch (n.type) {
      case 'compound_statement':
        return this.block(n);
      case 'expression_statement': {
        const e = n.namedChildren.find((c) => c.type !== 'comment');
        return e ? { s: 'expr', e: this.expr(e), site } : { s: 'nop', site };
      }
      case 'if_statement': {
        const c = this.expr(n.childForFieldName('condition')!);
        const then = this.statement(n.childForFieldName('consequence')!);
        const alt = n.childForFieldName('alternative');
        const elseStmt = alt ? this.statement(alt.type === 'else_clause' ? alt.namedChildren[0] : alt) : null;
        return this.withLabels({ s: 'if', c, then, else: elseStmt, site }, [then, elseStmt]);
      }
      case 'while_statement': {
        const c = this.expr(n.childForFieldName('condition')!);
        const body = this.statement(n.childForFieldName('body')!);
        return this.withLabels({ s: 'while', c, body, site }, [body]);
      }
      case 'do_statement': {
        const body = this.statement(n.childForFieldName('body')!);
        const c = this.expr(n.childForFieldName('condition')!);
        return this.withLabels({ s: 'do', body, c, site }, [body]);
      }
      case 'for_statement': {
        const saved = this.lx.scope;
        this.lx.scope = new Scope(saved);
        const initNode = n.childForFieldName('initializer');
        let init: Stmt | null = null;
        if (initNode) {
          const parts = initNode.type === 'declaration' ? this.declaration(initNode) : [{ s: 'expr', e: this.expr(initNode), site } as Stmt];
          init = parts.length === 1 ? parts[0] : { s: 'block', body: parts, site };
        }
        const cNode = n.childForFieldName('condition');
        const stepNode = n.childForFieldName('update');
        const c = cNode ? this.expr(cNode) : null;
        const step = stepNode ? this.expr(stepNode) : null;
        const body = this.statement(n.childForFieldName('body')!);
        this.lx.scope = saved;
        return this.withLabels({ s: 'for', init, c, step, body, site }, [body]);
      }
      case 'switch_statement': {
        const e = this.expr(n.childForFieldName('condition')!);
        const sw: SwitchCtx = { cases: new Map(), dflt: null };
        this.switches.push(sw);
        const body = this.statement(n.childForFieldName('body')!);
        this.switches.pop();
        const s: Stmt = { s: 'switch', e, body, cases: sw.cases, dflt: sw.dflt, valueType: e.type, site };
        // Case labels belong to this switch; only goto labels are visible outside it.
        const labels = new Set([...(body.labels ?? [])].filter((l) => !l.startsWith('#')));
        if (labels.size > 0) s.labels = labels;
        return s;
      }
      case 'case_statement':
        return this.caseStatement(n);
      case 'labeled_statement': {
        const label = n.childForFieldName('label')!.text;
        const inner = n.namedChildren.filter((c) => c.type !== 'statement_identifier' && c.type !== 'comment');
        const stmts = inner.flatMap((c) => this.statements(c));
        const body: Stmt = stmts.length === 1 ? stmts[0] : this.withLabels({ s: 'block', body: stmts, site }, stmts);
        return this.withLabels({ s: 'label', name: label, body, site }, [body]);
      }
      case 'break_statement':
        return { s: 'break', site };
      case 'continue_statement':
        return { s: 'continue', site };
      case 'return_statement': {
        const e = n.namedChildren.find((c) => c.type !== 'comment');
        return { s: 'return', e: e ? this.expr(e) : null, site };
      }
      case 'goto_statement':
        return { s: 'goto', label: n.childForFieldName('label')!.text, site };
      case 'attributed_statement': {
        const inner = n.namedChildren.find((c) => c.type !== 'attribute_declaration');
        return inner ? this.statement(inner) : { s: 'nop', site };
      }
      case 'gnu_asm_expression':
      case 'asm_statement':
        return { s: 'error', message: ASM_MESSAGE, site };
      case 'ERROR':
        return { s: 'error', message: `cannot parse '${clip(n.text)}' (a macro the compiler does not know?)`, site };
      case 'declaration':
      case 'type_definition': {
        const parts = this.statements(n);
        return parts.length === 1 ? parts[0] : { s: 'block', body: parts, site };
      }
      default:
        if (n.type.endsWith('_expression') || n.type === 'identifier') return { s: 'expr', e: this.expr(n), site };
        return { s: 'error', message: `unsupported statement ${n.type.replace(/_/g, ' ')} '${clip(n.text)}'`, site };
    }
  }

  private caseStatement(n: SyntaxNode): Stmt {
    const site = this.site(n);
    const sw = this.switches[this.switches.length - 1];
    const valueNode = n.childForFieldName('value');
    const key = `#case${this.labelCounter++}`;
    const body = n.namedChildren.filter((c) => c.id !== valueNode?.id && c.type !== 'comment').flatMap((c) => this.statements(c));
    const inner = this.withLabels({ s: 'block', body, site }, body);
    if (!sw) return { s: 'error', message: 'case label outside a switch', site };
    if (valueNode) {
      try {
        const v = Number(constValue(valueNode, this.lx.scope, this.ctx.types));
        if (sw.cases.has(v)) return { s: 'error', message: `duplicate case value ${v}`, site };
        sw.cases.set(v, key);
      } catch (e) {
        if (!(e instanceof NotConstant)) throw e;
        return { s: 'error', message: `case label is not a constant: ${e.message}`, site };
      }
    } else sw.dflt = key;
    // Statements after the label are not a block of their own: they share the switch body's scope.
    return this.withLabels({ s: 'label', name: key, body: inner, site }, [inner]);
  }

  private declaration(n: SyntaxNode): Stmt[] {
    const scope = this.lx.scope;
    const spec = this.ctx.types.specifiers(n, scope);
    if (spec.storage === 'typedef') {
      this.ctx.types.typedef(n, scope);
      return [];
    }
    const out: Stmt[] = [];
    for (const d of n.childrenForFieldName('declarator')) {
      const decl = this.ctx.types.declarator(spec.type, spec.isConst, d, scope);
      if (!decl.name) {
        out.push({ s: 'error', message: `cannot understand the declaration '${clip(d.text)}'`, site: this.site(d) });
        continue;
      }
      const initNode = d.type === 'init_declarator' ? d.childForFieldName('value') : null;
      if (decl.type.kind === 'func' || spec.storage === 'extern') {
        // A block-scope declaration of something defined elsewhere.
        scope.declare(decl.name, this.ctx.blockExtern(decl.name, decl.type, this.site(d)));
        continue;
      }
      if (spec.storage === 'static') {
        const g = this.ctx.staticLocal(decl.name, decl.type, decl.isConst, initNode, scope, d);
        scope.declare(decl.name, g);
        continue;
      }
      const slot = this.slots.length;
      let type: CType = decl.type;
      // The initialiser is in the scope of the new name (`int x = sizeof x;`).
      this.slots.push({ name: decl.name, type });
      scope.declare(decl.name, { kind: 'local', slot, name: decl.name, type });
      let init = null;
      if (initNode) {
        init = lowerInitializer(this.lx, type, initNode);
        if (init.type !== type) {
          type = init.type;
          this.slots[slot].type = type;
          scope.declare(decl.name, { kind: 'local', slot, name: decl.name, type });
        }
      }
      out.push({ s: 'decl', slot, init, site: this.site(d) });
    }
    return out;
  }
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ');
  return one.length > 60 ? one.slice(0, 57) + '...' : one;
}
