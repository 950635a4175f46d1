/**
 * The rule API: what a conversion rule is and what it may ask of the converter.
 *
 * The built-in rules in rules/ (one per LKM kind) and users' rule packs use exactly this API.
 * A rule never writes files and never sees another rule's output: it reads the ModulePlan and
 * the parsed sources, and answers with byte-range edits, registrations for the modcmd the
 * converter writes, declarations, and findings. That keeps rules small, composable (a module
 * that registers two things is converted by two rules), and checkable (overlapping edits from
 * two rules are a reported conflict, not a silent mix).
 *
 * Two scopes:
 * - `module` rules convert one registration (one MOD_* declaration or hand-built descriptor)
 *   of one module;
 * - `tree` rules run once per conversion after every module rule, over the whole tree, for
 *   rewrites tied to no single module (call sites in other code that reach a converted module).
 */
import type { Declaration, Finding, LkmKind, ModulePlan, Severity } from './plan.ts';
import type { Tree, SyntaxNode } from '../source/cparse.ts';
import type { EditSet } from '../source/edits.ts';

export type { Declaration, Finding, LkmKind, ModulePlan, Severity, SyntaxNode, Tree, EditSet };

/** sys/module.h modclass_t, without the MODULE_CLASS_ prefix. */
export type ModuleClass = 'MISC' | 'VFS' | 'DRIVER' | 'EXEC' | 'SECMODEL';

export interface RuleMeta {
  /** Stable id, kebab-case: `lkm-vfs`, `acme-vendor-module`. */
  id: string;
  /** The LKM kind a module rule converts; `tree` for tree rules. */
  kind: LkmKind | 'tree';
  /** One sentence for `rules list`. */
  summary: string;
  /** Markdown for the rule reference: what it matches, what it writes, what it reports. */
  docs: string;
  /** The module(9)-era kernel interfaces the rule's output calls (`vfs_attach`, …). */
  emits: string[];
  /** Finding codes the rule can report, each with a one-line explanation. */
  findings?: Record<string, string>;
}

/**
 * One registration with a kernel subsystem, as the generated modcmd performs it. INIT runs
 * every `attach` in order (undoing the earlier ones when a later one fails), then the old load
 * handler; FINI runs the old unload handler, then every `detach` in reverse order.
 */
export interface Registration {
  /** C expression yielding 0 or an errno: `vfs_attach(&kernfs_vfsops)`. */
  attach: string;
  /** C expression or statement undoing `attach`; its result is ignored. */
  detach: string;
  /** `detach` returns void in the target kernel (devsw_detach in NetBSD 5): never fails. */
  detachIsVoid?: boolean;
  /** Only when built as a loadable module: wrapped in `#ifdef _MODULE` (autoconf drivers). */
  modularOnly?: boolean;
  /** An XXX lkm2mod note the generator writes above the attach call. */
  note?: string;
  /**
   * `attach` is statements that cannot fail (vnode-op vector set-up), run as written with no
   * result to test: one after another, each continuation line indented as in a function body.
   */
  attachIsVoid?: boolean;
  /**
   * Made after the old load handler ran and undone before the old unload handler runs: for a
   * registration that publishes what the handlers set up, as an LKM that patched sysent[] at
   * the end of its load handler did (and NetBSD's aio module does with syscall_establish).
   */
  afterLoad?: boolean;
  /**
   * Functions of the module the kernel runs inside `attach` (a file system's vfs_init) whose
   * work it does not undo inside `detach` (the vfsops has no vfs_done): the converter releases
   * what they acquire after a successful detach (src/migrate/init-release.ts).
   */
  attachRuns?: string[];
  /**
   * Set by the converter: run after `detach` succeeded, in FINI and on INIT's error path, to
   * release what `attachRuns` acquired. `comment` is the one line saying why.
   */
  release?: { statement: string; comment: string };
}

/** A source file of the module, parsed, with the edits the conversion makes to it. */
export interface SourceFile {
  readonly path: string;
  readonly text: string;
  readonly tree: Tree;
  readonly edits: EditSet;
  /** 1-based line of a string index. */
  line(offset: number): number;
  /** Index of the first character of the line holding `offset`. */
  lineStartOf(offset: number): number;
  /** The indentation (tabs and spaces) of the line holding `offset`. */
  indentAt(offset: number): string;
  /** Run a tree-sitter query over the file: every match's captures by name. */
  query(pattern: string): Array<Record<string, SyntaxNode>>;
  /**
   * Remove a node, together with its whole lines when nothing else stands on them (and one of
   * two blank lines around it); `withComment` also removes the comment right above it.
   */
  removeNode(node: SyntaxNode, origin: string, opts?: { withComment?: boolean }): void;
  /** Replace a node's text. */
  replaceNode(node: SyntaxNode, text: string, origin: string): void;
  /** Remove [start, end), as whole lines when nothing else stands on them (see removeNode). */
  removeRange(start: number, end: number, origin: string): void;
}

/**
 * A statement the old entry function ran before dispatching (for an entry that dispatched by
 * hand, a plain call of its load case). INIT runs these first, unless a rule takes them.
 */
export interface PreludeStatement {
  /** As written, with the comments right above it; lines after the first keep their indentation. */
  readonly text: string;
  readonly file: string;
  readonly line: number;
  /** The call, when the statement is one plain function call: callee and arguments as written. */
  readonly call: { callee: string; args: string[] } | null;
}

/** A top-level definition found in the module's sources. */
export interface Definition {
  file: SourceFile;
  /** The whole declaration or function_definition node. */
  node: SyntaxNode;
  /** The initializer_list of a variable, if it has one. */
  initializer: SyntaxNode | null;
  /**
   * When the variable is initialised by a local macro (`= SYSENT(2, sys_foo)`), the list it
   * expands to: to read members from, never to edit (its nodes are not in the file).
   */
  expanded?: SyntaxNode | null;
}

export interface FindingInput {
  file: string;
  line: number;
  severity: Severity;
  code: string;
  message: string;
}

export interface RuleContext {
  readonly plan: ModulePlan;
  /** The registration this rule call converts. */
  readonly declaration: Declaration;
  /** The module's C identifier (MODULE()'s name). */
  readonly name: string;
  /** The user's answers to `--syscall-slot NAME=NUMBER`, by module name. */
  readonly syscallSlots: ReadonlyMap<string, number>;
  /**
   * The descriptor's fields by lkm.h member name (`lkm_vfsops`, `lkm_cdev`, …), as written,
   * whether it came from a MOD_* macro or a hand-built `struct lkm_*` initialiser.
   */
  readonly fields: ReadonlyMap<string, string>;
  /** The module's sources, parsed and editable. */
  files(): SourceFile[];
  /** The entry's prelude (see PreludeStatement) that no rule has taken yet. */
  prelude(): readonly PreludeStatement[];
  /**
   * Take a prelude statement out of INIT's opening: because the module(9) kernel does that
   * work itself (say why with a finding), or because the rule registers it, with its undo.
   */
  takePrelude(statement: PreludeStatement): void;
  source(file: string): SourceFile;
  /** The top-level definition of an identifier in the module's sources. */
  definition(identifier: string): Definition | null;
  /**
   * The members of `struct tag`, in order, as the kernel the module compiles against defines
   * it in `header` (`structMembers('vfsops', 'sys/mount.h')`): the tree's headers, else the
   * simulated kernel's. Null when no header defines it.
   */
  structMembers(tag: string, header: string): string[] | null;
  /**
   * The `struct emul` whose e_name is `emulName` in the trees converted or indexed: its symbol,
   * and an extern declaration of it that matches its definition.
   */
  emulation(emulName: string): { symbol: string; declaration: string } | null;
  /** The module class; when two rules disagree the converter picks (VFS > EXEC > DRIVER > MISC). */
  setClass(c: ModuleClass): void;
  register(r: Registration): void;
  /** C text placed right after MODULE() (tables, major variables), one item per call. */
  declare(text: string): void;
  /** A header the module now needs (`sys/syscallvar.h`), added after `<sys/module.h>`. */
  include(header: string): void;
  /**
   * Replace reads of what the old kernel assigned at load (`_module.lkm_offset`,
   * `lkm_cdevmaj`, `lkm_bdevmaj`, through any expression) with C expressions.
   */
  rewriteAssigned(replacements: Partial<Record<'lkm_offset' | 'lkm_cdevmaj' | 'lkm_bdevmaj', string>>): void;
  /** Delete a top-level table the conversion no longer needs, if nothing else refers to it. */
  dropIfUnused(identifier: string): void;
  /** A symbol the converted code now refers to (for the `required` inference). */
  uses(symbol: string): void;
  /** Insert a `XXX lkm2mod:` comment above the line holding `offset`, and report it. */
  marker(file: string, offset: number, code: string, severity: Severity, message: string): void;
  finding(f: FindingInput): void;
}

export interface ModuleRule {
  scope: 'module';
  meta: RuleMeta;
  /**
   * A declaration written in a shape of its own (a vendor macro around MOD_* and DISPATCH), for
   * discovery to recognise; the declarations it finds are converted by this rule.
   */
  declares?: DeclarationShape;
  /**
   * Which registrations the rule converts. Default: those its `declares` found; for a rule
   * without `declares`, the MOD_* declarations and descriptors of `meta.kind`.
   */
  matches?(declaration: Declaration, plan: ModulePlan): boolean;
  convert(ctx: RuleContext): void;
}

/**
 * How discovery recognises a declaration sys/lkm.h does not name: `ACME_MODULE(acmewd,
 * acmewd_load, acmewd_unload);` where a vendor header defines ACME_MODULE as MOD_MISC plus an
 * entry function that DISPATCHes. The query runs over the C tree of every file holding one of
 * `words`; each match the rule reads becomes an LKM declaration, with the entry and handlers
 * the rule says the macro stands for.
 */
export interface DeclarationShape {
  /** Identifiers a file must contain for the query to run on it: discovery's cheap prefilter. */
  words: string[];
  /** A tree-sitter query over the tree-sitter-c tree; a capture named `declaration` spans the whole declaration. */
  query: string;
  /** What a match declares, or null when it is not a declaration after all. */
  read(match: ShapeMatch): DeclaredLkm | null;
}

export interface ShapeMatch {
  /** The match's captures, by name (without the `@`). */
  captures: Record<string, SyntaxNode>;
  /** The file, absolute. */
  file: string;
  /** The file's text as read. */
  text: string;
}

export interface DeclaredLkm {
  /** The module's name, as modload(8) knew it. */
  name: string;
  kind: LkmKind;
  /** The declaration's text span, replaced by MODULE() and the modcmd; default the `declaration` capture. A `;` after it goes too. */
  node?: SyntaxNode;
  /** How the declaration is named in reports; default the called macro's name. */
  macro?: string;
  /** The descriptor fields the macro fills, by sys/lkm.h member name, for `ctx.fields` (`lkm_vfsops`: `&acmefs_vfsops`). */
  fields?: Record<string, string>;
  /** The functions the macro's DISPATCH calls; absent or `lkm_nofunc` for none. */
  handlers?: { load?: string; unload?: string; stat?: string };
  /** The entry function the macro defines (`acmewd_lkmentry`), as modload(8) finds it. */
  entry?: string;
}

/** What a tree rule sees of a converted module. */
export interface ConvertedModule {
  plan: ModulePlan;
  name: string;
  moduleClass: ModuleClass;
  /** Top-level symbols the module's sources define (functions and variables). */
  defines: ReadonlySet<string>;
}

export interface TreeContext {
  readonly root: string;
  readonly modules: readonly ConvertedModule[];
  /** Every C file of the trees being converted (absolute paths). */
  readonly treeFiles: readonly string[];
  /** Any C file of the tree, parsed and editable (the same object module rules edited). */
  source(file: string): SourceFile;
  marker(file: string, offset: number, code: string, severity: Severity, message: string): void;
  finding(f: FindingInput): void;
}

export interface TreeRule {
  scope: 'tree';
  meta: RuleMeta;
  run(ctx: TreeContext): void;
}

export type Rule = ModuleRule | TreeRule;

/** Identity with the types checked: `export default defineRule({ scope: 'module', … })`. */
export function defineRule<R extends Rule>(rule: R): R {
  return rule;
}
