/**
 * One module's conversion while it is under way: what the rules asked for (registrations,
 * declarations, includes, class), the findings so far, and the RuleContext each rule call sees.
 * convert.ts drives the steps; this file only holds the state and answers the rules.
 */
import { walk, type SyntaxNode } from '../source/cparse.ts';
import type { CSource, SourceCache } from './csource.ts';
import { readDescriptor, type DescriptorSite } from './descriptor.ts';
import { expandedInitializer } from './macro-initializer.ts';
import { markerComment } from './modinfo.ts';
import type { Declaration, Finding, ModulePlan, Severity } from '../discover/plan.ts';
import type {
  Definition,
  FindingInput,
  ModuleClass,
  PreludeStatement,
  Registration,
  RuleContext,
} from '../discover/rule-api.ts';
import { functionName } from './handlers.ts';
import type { Emulation } from './emulations.ts';
import { KernelHeaders } from './kernel-headers.ts';
import { notForNetbsd } from './netbsd-branch.ts';

type Assigned = Partial<Record<'lkm_offset' | 'lkm_cdevmaj' | 'lkm_bdevmaj', string>>;

/** One node of the entry's prelude: a statement, a comment or a declaration it needs. */
interface PreludeItem {
  node: SyntaxNode;
  /** For statements, what the rules see. */
  statement: PreludeStatement | null;
  taken: boolean;
}

/** Which class wins when two registrations disagree: mount autoloads VFS modules by class. */
const CLASS_RANK: ModuleClass[] = ['VFS', 'EXEC', 'DRIVER', 'SECMODEL', 'MISC'];

export class ModuleJob {
  readonly findings: Finding[] = [];
  readonly registrations: Registration[] = [];
  readonly declarations: string[] = [];
  readonly includes = new Set<string>();
  readonly uses = new Set<string>();
  readonly notes: string[] = [];
  readonly descriptors: Array<{ decl: Declaration; site: DescriptorSite; src: CSource }> = [];
  private readonly classes: ModuleClass[] = [];
  private readonly assigned: Assigned = {};
  private readonly dropRequests: string[] = [];
  private readonly markedLines = new Set<string>();
  private preludeItems: PreludeItem[] = [];
  /**
   * Kernel code the plan builds into this module (`kernel ffs ufs/ufs/*.c`): not the LKM's own
   * files, so rules leave it alone, but code of the module's now, which steps that follow the
   * module's calls (init-release) read and may add to.
   */
  hosted: CSource[] = [];
  /** Headers of the tree the module's sources include: prototypes of its handlers may live there. */
  headers: CSource[] = [];
  /** The kernel tree's `sys` directory around the module, null outside a tree. */
  sysDir: string | null = null;
  private kh: KernelHeaders | undefined;

  /** What the kernel's headers say (struct layouts, prototypes); set once `headers` and `sysDir` are. */
  get kernelHeaders(): KernelHeaders {
    this.kh ??= new KernelHeaders(this.sysDir, this.headers);
    return this.kh;
  }
  /**
   * The emulation module this exec format is folded into (a plan's merge): its modcmd becomes
   * a helper that module's modcmd calls, and it declares no MODULE() of its own.
   */
  helperOf?: string;
  /** Ranges the conversion replaces wholesale (entry function, descriptors): no rule edits inside. */
  private readonly dead: Array<{ file: string; start: number; end: number }> = [];

  constructor(
    readonly plan: ModulePlan,
    readonly name: string,
    readonly files: CSource[],
    readonly cache: SourceCache,
    private readonly emulations: ReadonlyMap<string, Emulation>,
    readonly syscallSlots: ReadonlyMap<string, number>,
  ) {}

  get origin(): string {
    return `convert ${this.name}`;
  }

  get moduleClass(): ModuleClass {
    for (const c of CLASS_RANK) if (this.classes.includes(c)) return c;
    return 'MISC';
  }

  /** A class the module takes besides its rules' (a merged exec format makes it EXEC). */
  addClass(c: ModuleClass): void {
    this.classes.push(c);
  }

  markDead(file: string, start: number, end: number): void {
    this.dead.push({ file, start, end });
  }

  isDead(file: string, offset: number): boolean {
    return this.dead.some((d) => d.file === file && d.start <= offset && offset < d.end);
  }

  /** All of `node` is in replaced text: one that only starts there (an ERROR node) holds live code too. */
  isDeadNode(file: string, node: { startIndex: number; endIndex: number }): boolean {
    return this.dead.some((d) => d.file === file && d.start <= node.startIndex && node.endIndex <= d.end);
  }

  source(file: string): CSource {
    const own = this.files.find((f) => f.path === file);
    return own ?? this.cache.get(file);
  }

  finding(f: FindingInput): void {
    this.findings.push({ ...f });
  }

  /** An XXX lkm2mod comment above the line holding `offset`, and the finding that goes with it. */
  marker(file: string, offset: number, code: string, severity: Severity, message: string): void {
    const src = this.source(file);
    const line = src.line(offset);
    this.finding({ file, line, severity, code, message });
    // Above the statement or declaration holding the offset, not inside it.
    const anchor = anchorOf(src, offset);
    const at = src.lineStartOf(anchor);
    const key = `${file}:${src.line(at)}`;
    if (this.markedLines.has(key)) return;
    // A comment line cannot go inside a macro continuation or text another edit replaces.
    const prev = src.text.slice(src.lineStartOf(Math.max(0, at - 1)), Math.max(0, at - 1));
    const deadStart = this.dead.some((d) => d.file === file && d.start === at);
    if (prev.endsWith('\\') || src.edits.touches(at, at + 1) || (this.isDead(file, at) && !deadStart)) return;
    this.markedLines.add(key);
    src.edits.insert(at, markerComment(src.indentAt(anchor), message) + '\n', `${this.origin}: marker ${code}`);
  }

  /**
   * The definition of an identifier; an `extern` declaration only when nothing defines it. A
   * definition in a branch NetBSD never compiles (`#ifdef __FreeBSD__`, in code shared between
   * the BSDs) is taken only when there is no other.
   */
  definition(identifier: string, files: readonly CSource[] = this.files): Definition | null {
    let externOnly: Definition | null = null;
    let foreign: Definition | null = null;
    for (const src of files) {
      if (!src.text.includes(identifier)) continue;
      let found: SyntaxNode | null = null;
      walk(src.root, (n) => {
        if (found) return false;
        if (n.type === 'function_definition') {
          if (functionName(n) === identifier) {
            if (!notForNetbsd(src, n)) found = n;
            else foreign ??= { file: src, node: n, initializer: null };
          }
          return false;
        }
        if (n.type === 'declaration' && declares(n, identifier)) {
          if (isExtern(n)) externOnly ??= { file: src, node: n, initializer: null };
          else if (!notForNetbsd(src, n)) found = n;
          else foreign ??= this.defined(src, n, identifier);
          return false;
        }
        return true;
      });
      if (found) return this.defined(src, found, identifier);
    }
    return foreign ?? externOnly;
  }

  private defined(src: CSource, node: SyntaxNode, identifier: string): Definition {
    const value = node.type === 'declaration' ? valueOf(node, identifier) : null;
    const init = value?.type === 'initializer_list' ? value : null;
    const expanded = init ? null : expandedInitializer(value, [src.text, ...this.files.filter((f) => f !== src).map((f) => f.text)]);
    return { file: src, node, initializer: init, expanded };
  }

  /** The entry's prelude, in order: statements, the comments above them, declarations they use. */
  setPrelude(src: CSource, nodes: readonly SyntaxNode[]): void {
    this.preludeItems = nodes.map((node, i) => {
      if (node.type === 'comment' || node.type === 'declaration') return { node, statement: null, taken: false };
      let first = i;
      while (first > 0 && nodes[first - 1].type === 'comment' && nodes[first - 1].endIndex <= node.startIndex) first--;
      const start = nodes[first].startIndex;
      const expr = node.type === 'expression_statement' ? node.namedChildren[0] : null;
      const call =
        expr?.type === 'call_expression'
          ? {
              callee: expr.childForFieldName('function')?.text ?? '',
              args: (expr.childForFieldName('arguments')?.namedChildren ?? []).filter((a) => a.type !== 'comment').map((a) => a.text),
            }
          : null;
      const statement: PreludeStatement = { text: src.text.slice(start, node.endIndex), file: src.path, line: src.line(node.startIndex), call };
      return { node, statement, taken: false };
    });
  }

  prelude(): PreludeStatement[] {
    return this.preludeItems.filter((p) => p.statement && !p.taken).map((p) => p.statement!);
  }

  takePrelude(statement: PreludeStatement): void {
    const at = this.preludeItems.findIndex((p) => p.statement === statement);
    if (at < 0) return;
    this.preludeItems[at].taken = true;
    // Its comments go with it.
    for (let i = at - 1; i >= 0 && this.preludeItems[i].node.type === 'comment'; i--) this.preludeItems[i].taken = true;
  }

  /**
   * What INIT runs first, as written: the prelude no rule took (nothing when only comments
   * would be left), and the declarations it still uses, which go to the top of the modcmd (a
   * declaration cannot follow a case label).
   */
  preludeText(): { locals: string[]; statements: string[] } {
    const left = this.preludeItems.filter((p) => !p.taken);
    while (left.length && left[left.length - 1].node.type === 'comment') left.pop();
    const statements = left.filter((p) => p.statement);
    if (!statements.length) return { locals: [], statements: [] };
    const uses = (name: string) => statements.some((p) => p.node.descendantsOfType('identifier').some((id) => id.text === name));
    const isDecl = (p: PreludeItem) => p.node.type === 'declaration';
    return {
      locals: left.filter((p) => isDecl(p) && p.node.descendantsOfType('identifier').some((id) => uses(id.text))).map((p) => p.node.text),
      statements: left.filter((p) => !isDecl(p)).map((p) => p.node.text),
    };
  }

  requestDrop(identifier: string): void {
    this.dropRequests.push(identifier);
  }

  /**
   * Delete the tables the conversion replaced, once every other edit is known: a table is
   * dropped only when nothing outside replaced text still refers to it. Repeated, because
   * dropping one table can leave the tables it pointed to unused.
   */
  dropUnused(): void {
    const pending = new Set(this.dropRequests);
    for (let changed = true; changed; ) {
      changed = false;
      for (const id of pending) {
        const def = this.definition(id);
        if (!def || isExtern(def.node)) {
          pending.delete(id);
          continue;
        }
        const live = this.files.some((src) =>
          src.identifiers(id).some((n) => !src.edits.covers(n.startIndex, n.endIndex) && !within(n, def.node)),
        );
        if (live) continue;
        if (def.file.edits.touches(def.node.startIndex, def.node.endIndex)) {
          pending.delete(id);
          continue;
        }
        def.file.removeNode(def.node, `${this.origin}: unused table ${id}`, { withComment: true });
        pending.delete(id);
        changed = true;
      }
    }
  }

  /** Apply the rewrites of `_module.lkm_offset` and friends the rules asked for. */
  rewriteAssigned(): void {
    const a = this.assigned;
    if (!a.lkm_offset && !a.lkm_cdevmaj && !a.lkm_bdevmaj) return;
    for (const src of this.files) {
      if (!/lkm_(offset|cdevmaj|bdevmaj)/.test(src.text)) continue;
      walk(src.root, (n) => {
        if (this.isDeadNode(src.path, n)) return false;
        if (n.type !== 'field_expression') return true;
        if (this.isDead(src.path, n.startIndex)) return false;
        const field = n.childForFieldName('field')?.text as keyof Assigned | undefined;
        if (!field || !(field in FIELDS)) return true;
        // A store into the descriptor is no read: it goes with the handler's bookkeeping, or stays flagged.
        const p = n.parent;
        if (p?.type === 'update_expression' || (p?.type === 'assignment_expression' && p.childForFieldName('left')?.id === n.id)) return false;
        let target: SyntaxNode = n;
        let value = a[field];
        // LKM_CHAR_MAJOR(_module.lkm_offset): the packed majors unpacked by hand.
        const call = n.parent?.parent;
        if (field === 'lkm_offset' && call?.type === 'call_expression' && n.parent?.type === 'argument_list') {
          const macro = call.childForFieldName('function')?.text;
          if (macro === 'LKM_CHAR_MAJOR' && a.lkm_cdevmaj) [target, value] = [call, a.lkm_cdevmaj];
          if (macro === 'LKM_BLOCK_MAJOR' && a.lkm_bdevmaj) [target, value] = [call, a.lkm_bdevmaj];
        }
        if (!value || src.edits.covers(target.startIndex, target.endIndex)) return false;
        const operand = /^[\w.]+$/.test(value) ? value : `(${value})`;
        // lkm_offset was a u_long: keep the type, so printf formats and arithmetic still agree.
        const cast = field === 'lkm_offset' && target === n && n.parent?.type !== 'cast_expression';
        const text = cast ? `((u_long)${operand})` : operand;
        src.edits.replace(target.startIndex, target.endIndex, text, `${this.origin}: ${field} read`);
        return false;
      });
    }
  }

  setAssigned(r: Assigned): void {
    for (const k of Object.keys(r) as Array<keyof Assigned>) this.assigned[k] ??= r[k];
  }

  /** The RuleContext a rule call sees, for one registration. */
  contextFor(decl: Declaration): RuleContext | null {
    const src = this.source(decl.file);
    const site = readDescriptor(src, decl);
    if (!site) {
      this.finding({
        file: decl.file,
        line: decl.line,
        severity: 'error',
        code: 'declaration-unreadable',
        message: `Could not read the ${decl.macro} declaration here (unbalanced parentheses or braces?). Fix the declaration and run convert again.`,
      });
      return null;
    }
    // A registration in a function of its own (with its DISPATCH): the whole function is the
    // declaration, replaced by MODULE() or removed, never converted as code.
    if (decl.enclosing) Object.assign(site, { start: decl.enclosing.start, end: decl.enclosing.end });
    this.descriptors.push({ decl, site, src });
    this.markDead(src.path, site.start, site.end);
    return {
      plan: this.plan,
      declaration: decl,
      name: this.name,
      syscallSlots: this.syscallSlots,
      fields: site.fields,
      files: () => this.files,
      prelude: () => this.prelude(),
      takePrelude: (p) => this.takePrelude(p),
      source: (file) => this.source(file),
      definition: (id) => this.definition(id),
      structMembers: (tag, header) => this.kernelHeaders.structMembers(tag, header),
      emulation: (emulName) => this.emulations.get(emulName) ?? null,
      setClass: (c) => void this.classes.push(c),
      register: (r) => void this.registrations.push(r),
      declare: (text) => void this.declarations.push(text),
      include: (h) => void this.includes.add(h),
      rewriteAssigned: (r) => this.setAssigned(r),
      dropIfUnused: (id) => this.requestDrop(id),
      uses: (sym) => void this.uses.add(sym),
      marker: (file, offset, code, severity, message) => this.marker(file, offset, code, severity, message),
      finding: (f) => this.finding(f),
    };
  }
}

const FIELDS = { lkm_offset: 1, lkm_cdevmaj: 1, lkm_bdevmaj: 1 };

function within(n: SyntaxNode, outer: SyntaxNode): boolean {
  return outer.startIndex <= n.startIndex && n.endIndex <= outer.endIndex && declaresHere(n, outer);
}

/** The identifier is the declared name of `outer` (not a use inside its initializer). */
function declaresHere(id: SyntaxNode, outer: SyntaxNode): boolean {
  for (let p = id.parent; p && p.id !== outer.id; p = p.parent) {
    if (p.type === 'initializer_list' || p.type === 'argument_list' || p.type === 'compound_statement') return false;
  }
  return true;
}

/** Where a marker comment can stand: the start of the statement or declaration holding `offset`. */
function anchorOf(src: CSource, offset: number): number {
  let n: SyntaxNode | null = src.nodeAt(offset, offset + 1);
  while (n) {
    const p: SyntaxNode | null = n.parent;
    if (!p || p.type === 'translation_unit' || p.type === 'compound_statement' || p.type === 'case_statement' || /^preproc_(if|ifdef|else|elif)/.test(p.type)) {
      return n.startIndex;
    }
    n = p;
  }
  return offset;
}

function isExtern(decl: SyntaxNode): boolean {
  return decl.namedChildren.some((c) => c.type === 'storage_class_specifier' && c.text === 'extern');
}

function declares(decl: SyntaxNode, identifier: string): boolean {
  for (const d of decl.childrenForFieldName('declarator')) {
    let x: SyntaxNode | null = d;
    while (x && x.type !== 'identifier') x = x.childForFieldName('declarator') ?? null;
    if (x?.text === identifier) return true;
  }
  return false;
}

/** What `identifier` is initialised with in `decl`: an initializer_list, or any expression. */
function valueOf(decl: SyntaxNode, identifier: string): SyntaxNode | null {
  for (const d of decl.childrenForFieldName('declarator')) {
    if (d.type !== 'init_declarator') continue;
    let x: SyntaxNode | null = d.childForFieldName('declarator');
    while (x && x.type !== 'identifier') x = x.childForFieldName('declarator') ?? null;
    if (x?.text !== identifier) continue;
    return d.childForFieldName('value');
  }
  return null;
}

