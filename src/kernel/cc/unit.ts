/**
 * One translation unit: preprocessed, parsed, its file-scope declarations collected (phase 1),
 * then its function bodies and initialisers lowered (phase 2, once the linker has decided the
 * symbol names of every unit's statics).
 */
import type { CType } from '../machine/memory.ts';
import { parseC, type SyntaxNode } from '../../source/cparse.ts';
import type { SectionName, SourceSite } from '../object.ts';
import type { FunctionCode, Initializer } from './ast.ts';
import { type DataModel, type FuncType } from './ctypes.ts';
import { TypeBuilder } from './declarations.ts';
import { CompileError, type CompileWarning } from './errors.ts';
import { declareTopLevel } from './file-scope.ts';
import type { LowerContext } from './lower-context.ts';
import { ExprLowerer } from './lower-expr.ts';
import { initializerLength, lowerInitializer } from './lower-init.ts';
import { FunctionLowerer } from './lower-stmt.ts';
import { prepareForParse } from './pre-parse.ts';
import { pruneUnusedHeaderDeclarations } from './header-prune.ts';
import type { PreprocessResult } from './pp/preprocess.ts';
import { Scope, type GlobalRef } from './scope.ts';

/** A file-scope object or function the unit defines. */
export interface Definition {
  ref: GlobalRef;
  binding: 'global' | 'local';
  kind: 'func' | 'object';
  isConst: boolean;
  inline: boolean;
  section?: string;
  site: SourceSite;
  unit: Unit;
  /** Functions: the definition node; objects: the initialiser node (null: tentative). */
  node: SyntaxNode | null;
  paramNames?: (string | undefined)[];
  kr?: boolean;
  code?: FunctionCode;
  init?: Initializer | null;
  /** The function's body has a parse error (a construct tree-sitter could not read). */
  syntaxError?: SourceSite;
  /** Functions it calls directly by name (for deciding which functions a load runs). */
  calls: Set<GlobalRef>;
}

export interface Reference {
  owner: Definition | null;
  target: GlobalRef;
  site: SourceSite;
}

export class Unit {
  readonly scope = new Scope();
  readonly types: TypeBuilder;
  readonly definitions: Definition[] = [];
  /** Every file-scope declaration by name (the GlobalRef all uses share). */
  readonly declared = new Map<string, GlobalRef>();
  /** Names declared `static` somewhere in this unit. */
  private readonly staticNames = new Set<string>();
  readonly references: Reference[] = [];
  readonly warnings: CompileWarning[] = [];
  private readonly siteCache: (SourceSite | undefined)[] = [];
  private owner: Definition | null = null;
  /** Function prototypes not read yet, by name: most header prototypes are never used. */
  private readonly pendingPrototypes = new Map<string, SyntaxNode>();
  private readonly root: SyntaxNode;
  private strings: { next: number };

  constructor(
    readonly file: string,
    readonly pp: PreprocessResult,
    readonly dm: DataModel,
    strings: { next: number },
  ) {
    this.strings = strings;
    this.types = new TypeBuilder({ dm, warn: (n, m) => this.warn(n, m) }, this.scope);
    const own = pp.map.files.indexOf(file);
    const text = pruneUnusedHeaderDeclarations(pp.text, (line) => pp.map.fileOf[line] === own);
    this.root = parseC(prepareForParse(text)).rootNode;
    for (const w of pp.warnings) this.warnings.push(w);
    this.scope.lazy = (name) => this.readPrototype(name);
  }

  /** Whether the unit declares `name` at file scope (read or pending). */
  declares(name: string): boolean {
    return this.declared.has(name) || this.pendingPrototypes.has(name);
  }

  private readPrototype(name: string): GlobalRef | undefined {
    const node = this.pendingPrototypes.get(name);
    if (!node) return undefined;
    for (const [n, d] of this.pendingPrototypes) if (d === node) this.pendingPrototypes.delete(n);
    this.declaration(node);
    return this.declared.get(name);
  }

  /**
   * The names a declaration declares if it is only function prototypes (no initialiser, no
   * typedef, no struct body): those can wait until something uses them.
   */
  private prototypeNames(node: SyntaxNode): string[] | undefined {
    if (node.type !== 'declaration') return undefined;
    const type = node.childForFieldName('type');
    if (type && (type.type === 'struct_specifier' || type.type === 'union_specifier' || type.type === 'enum_specifier') && type.childForFieldName('body')) return undefined;
    const names: string[] = [];
    for (const d of node.childrenForFieldName('declarator')) {
      let n: SyntaxNode | null = d;
      while (n && (n.type === 'pointer_declarator' || n.type === 'attributed_declarator')) n = n.childForFieldName('declarator');
      if (!n || n.type !== 'function_declarator') return undefined;
      const id = n.childForFieldName('declarator');
      if (!id || id.type !== 'identifier') return undefined;
      names.push(id.text);
    }
    return names.length > 0 ? names : undefined;
  }

  private declaration(node: SyntaxNode): void {
    declareTopLevel(node, this.scope, this.types, ({ spec, decl, init }) => {
      const name = decl.name!;
      if (spec.storage === 'static') this.staticNames.add(name);
      const ref = this.ref(name, decl.type);
      if (decl.type.kind === 'func') return; // a prototype
      if (spec.storage === 'extern' && !init) return;
      if (init) {
        const n = initializerLength(ref.type, init, this.scope, this.types);
        if (n !== null && ref.type.kind === 'array') ref.type = { kind: 'array', of: ref.type.of, length: n };
      }
      this.defineObject(ref, spec.storage === 'static', decl.isConst || (spec.isConst && decl.type.kind !== 'ptr'), spec.section, init, node);
    });
  }

  site(node: SyntaxNode): SourceSite {
    const row = node.startPosition.row;
    let s = this.siteCache[row];
    if (!s) {
      const m = this.pp.map;
      s = m.fileOf[row] === undefined ? { file: this.file, line: row + 1 } : { file: m.files[m.fileOf[row]], line: m.lineOf[row] };
      this.siteCache[row] = s;
    }
    return s;
  }

  warn(node: SyntaxNode, message: string): void {
    this.warnings.push({ site: this.site(node), message });
  }

  private ref(name: string, type: CType): GlobalRef {
    let r = this.declared.get(name);
    if (!r) {
      r = { kind: 'global', symbol: name, name, type };
      this.declared.set(name, r);
    } else if (r.type.kind === 'array' && r.type.length === null && type.kind === 'array') r.type = type;
    else if (r.type.kind === 'func' && type.kind === 'func' && r.type.params === null) r.type = type;
    this.scope.declare(name, r);
    return r;
  }

  /** Phase 1: declarations at file scope. */
  collect(): void {
    for (const node of this.root.namedChildren) {
      switch (node.type) {
        case 'declaration': {
          const protos = this.prototypeNames(node);
          if (protos && !protos.some((n) => this.declares(n))) {
            if (node.children.some((c) => c.type === 'storage_class_specifier' && c.text === 'static')) for (const n of protos) this.staticNames.add(n);
            for (const n of protos) this.pendingPrototypes.set(n, node);
            break;
          }
          this.declaration(node);
          break;
        }
        case 'type_definition':
          this.declaration(node);
          break;
        case 'function_definition':
          this.collectFunction(node);
          break;
        case 'struct_specifier':
        case 'union_specifier':
        case 'enum_specifier':
          this.types.baseType(node, this.scope);
          break;
        case 'expression_statement':
          // A lone `;` after a macro that ends with its own (`MOD_MISC("x");`) is harmless.
          if (node.text.trim() === ';') break;
          if (node.namedChildren[0]?.type === 'gnu_asm_expression') {
            this.warn(node, 'file-scope asm ignored: assembly the simulated kernel cannot run or link');
            break;
          }
          this.warn(node, `ignored at file scope: '${clip(node.text)}' (a macro the compiler does not know?)`);
          break;
        case 'ERROR':
          this.warn(node, `ignored at file scope: '${clip(node.text)}' (a macro the compiler does not know?)`);
          break;
        case 'comment':
        case 'linkage_specification':
          break;
        default:
          if (node.text.trim() !== ';') this.warn(node, `ignored at file scope: ${node.type.replace(/_/g, ' ')}`);
      }
    }
  }

  private defineObject(ref: GlobalRef, isStatic: boolean, isConst: boolean, section: string | undefined, init: SyntaxNode | null, node: SyntaxNode): void {
    const existing = this.definitions.find((d) => d.ref === ref);
    if (existing) {
      if (existing.kind === 'func') throw new CompileError(this.site(node), `${ref.name} redeclared as an object (the function is at line ${existing.site.line})`);
      if (init && existing.node) throw new CompileError(this.site(node), `redefinition of ${ref.name} (first defined at ${existing.site.file}:${existing.site.line})`);
      if (init) {
        existing.node = init;
        existing.site = this.site(node);
      }
      existing.isConst ||= isConst;
      existing.section ??= section;
      return;
    }
    this.definitions.push({
      ref,
      binding: isStatic ? 'local' : 'global',
      kind: 'object',
      isConst,
      inline: false,
      section,
      site: this.site(node),
      unit: this,
      node: init,
      calls: new Set(),
    });
  }

  private collectFunction(node: SyntaxNode): void {
    const spec = this.types.specifiers(node, this.scope);
    const decl = this.types.declarator(spec.type, spec.isConst, node.childForFieldName('declarator'), this.scope);
    if (!decl.name || decl.type.kind !== 'func') {
      this.warn(node, `cannot read this function definition's name or parameters: '${clip(node.text.split('{')[0])}'`);
      return;
    }
    // GNU C's `extern inline` (gcc before -std=gnu99, NetBSD's kernel headers): an inline body
    // only, no symbol emitted; each unit that calls it runs its own copy, as a static inline.
    if (spec.storage === 'static' || (spec.storage === 'extern' && spec.inline)) this.staticNames.add(decl.name);
    const ref = this.ref(decl.name, decl.type);
    const prior = this.definitions.find((d) => d.ref === ref);
    if (prior) throw new CompileError(this.site(node), `redefinition of ${decl.name}() (first defined at ${prior.site.file}:${prior.site.line})`);
    let syntaxError: SourceSite | undefined;
    const body = node.childForFieldName('body');
    if (body?.hasError) {
      const bad = firstError(body);
      if (bad) syntaxError = this.site(bad);
    }
    this.definitions.push({
      ref,
      binding: 'global', // decided in finish(): a prior static declaration makes it local
      kind: 'func',
      isConst: true,
      inline: spec.inline,
      site: this.site(node),
      unit: this,
      node,
      paramNames: decl.paramNames ?? [],
      kr: decl.krParams,
      syntaxError,
      calls: new Set(),
    });
  }

  /** After phase 1: bindings follow every declaration of the name (C99 6.2.2). */
  settleBindings(): void {
    for (const d of this.definitions) if (this.staticNames.has(d.ref.name)) d.binding = 'local';
  }

  /** Phase 2: lower function bodies and initialisers. */
  lower(link: LinkHooks): void {
    const ctx = this.context(link);
    for (const d of [...this.definitions]) {
      this.owner = d;
      if (d.kind === 'func' && d.node) {
        const fl = new FunctionLowerer(ctx, this.scope, d.ref.name);
        d.code = fl.lower(d.node, d.ref.symbol, d.ref.type as FuncType, d.paramNames ?? [], !!d.kr);
      } else if (d.kind === 'object' && d.node && d.init === undefined) {
        this.lowerObjectInit(d, ctx);
      }
    }
    this.owner = null;
  }

  private lowerObjectInit(d: Definition, ctx: LowerContext): void {
    const lx = new ExprLowerer(ctx, this.scope);
    const init = lowerInitializer(lx, d.ref.type, d.node!);
    if (init.type !== d.ref.type) d.ref.type = init.type; // `T a[] = {...}` takes its size
    d.init = init;
  }

  private context(link: LinkHooks): LowerContext {
    const unit = this;
    return {
      dm: this.dm,
      types: this.types,
      site: (n) => this.site(n),
      warn: (n, m) => this.warn(n, m),
      reference: (ref, site) => {
        this.references.push({ owner: this.owner, target: ref, site });
      },
      implicitFunction: (name, site) => {
        let r = this.declared.get(name);
        if (!r) {
          r = { kind: 'global', symbol: name, name, type: { kind: 'func', ret: { kind: 'int', name: 'int', size: 4, unsigned: false }, params: null, variadic: false } };
          this.declared.set(name, r);
          this.scope.declare(name, r);
          this.warnings.push({ site, message: `implicit declaration of function ${name}` });
        }
        return r;
      },
      blockExtern: (name, type) => {
        const known = this.scope.lookup(name);
        const r = known?.kind === 'global' ? known : this.declared.get(name);
        if (r) return r;
        const n: GlobalRef = { kind: 'global', symbol: name, name, type };
        this.declared.set(name, n);
        return n;
      },
      staticLocal(name, type, isConst, init, scope, node) {
        const fn = unit.owner?.ref.name ?? 'file';
        const ref: GlobalRef = { kind: 'global', symbol: link.uniqueLocal(`${fn}.${name}`, unit), name, type };
        const d: Definition = {
          ref,
          binding: 'local',
          kind: 'object',
          isConst,
          inline: false,
          site: unit.site(node),
          unit,
          node: init,
          calls: new Set(),
        };
        unit.definitions.push(d);
        if (init) {
          const saved = unit.owner;
          unit.owner = d;
          const lx = new ExprLowerer(this, scope);
          const lowered = lowerInitializer(lx, type, init);
          if (lowered.type !== type) ref.type = lowered.type;
          d.init = lowered;
          unit.owner = saved;
        } else d.init = null;
        return ref;
      },
      nextStringId: () => this.strings.next++,
    };
  }

  /** Calls by name from each function body: the static call graph. */
  recordCalls(): void {
    for (const r of this.references) {
      if (r.owner?.kind === 'func' && r.target.type.kind === 'func') r.owner.calls.add(r.target);
    }
  }
}

export interface LinkHooks {
  /** A symbol name for a static local that no other local of the object has. */
  uniqueLocal(name: string, unit: Unit): string;
}

function firstError(n: SyntaxNode): SyntaxNode | undefined {
  if (n.type === 'ERROR' || n.isMissing) return n;
  for (const c of n.children) {
    if (c.hasError || c.isMissing) {
      const e = firstError(c);
      if (e) return e;
    }
  }
  return undefined;
}

function clip(s: string): string {
  const one = s.replace(/\s+/g, ' ').trim();
  return one.length > 60 ? one.slice(0, 57) + '...' : one;
}

export function sectionOf(d: Definition): SectionName {
  if (d.kind === 'func') return 'text';
  if (d.section === 'link_set_modules') return 'link_set_modules';
  if (d.isConst || d.section?.startsWith('link_set_')) return 'rodata';
  if (!d.init || d.init.items.length === 0) return 'bss';
  return 'data';
}

