/**
 * The old entry function (`xxx_lkmentry(lkmtp, cmd, ver)` with its DISPATCH): where it is,
 * which handlers its DISPATCH names, and the work it did before dispatching (vfs entry
 * functions build their vnode-op vectors there), which moves to the start of MODULE_CMD_INIT.
 * The function itself, its prototypes and a local macro that only named it are deleted.
 */
import { walk, type SyntaxNode } from '../source/cparse.ts';
import type { CSource } from './csource.ts';
import { macroCallAt } from './descriptor.ts';
import { conditionalHeads } from '../discover/conditional-balance.ts';
import { findFunction, functionName } from './handlers.ts';
import type { ModuleJob } from './job.ts';

export interface EntryInfo {
  src: CSource;
  node: SyntaxNode;
  /** The name the definition declares (a macro name when written `LKMENTRY(foo)(...)`). */
  declaredName: string | null;
  /**
   * What the definition spans in the text, its conditional heads included (`#if ... int
   * foo_lkmentry(lkmtp, cmd, ver) #else int xxxinit(lkmtp, cmd, ver) #endif`, which tree-sitter
   * reads as starting at the last head).
   */
  start: number;
  end: number;
  /** Every name its heads declare: the entry's prototypes go under each. */
  names: string[];
  /** Statements (and their comments) the entry ran before dispatching. */
  prelude: SyntaxNode[];
  /** Statements before dispatching that looked at cmd or lkmtp: dispatch logic modcmd replaces. */
  dropped: SyntaxNode[];
  /** No DISPATCH/LKM_DISPATCH: the entry called lkmdispatch() itself. */
  handwritten: boolean;
  /** DISPATCH's load, unload, stat arguments. */
  handlerArgs: [string, string, string] | null;
}

const DISPATCH_RE = /\b(LKM_DISPATCH|DISPATCH|lkmdispatch)\b/;

export function readEntry(job: ModuleJob): EntryInfo | null {
  const e = job.plan.entry;
  if (!e) return null;
  const src = job.source(e.file);
  let node: SyntaxNode | null = src.nodeAt(e.start, e.end);
  while (node && node.type !== 'function_definition') node = node.parent;
  if (!node) node = findFunction(job.files, e.name, e.file)?.node ?? null;
  if (!node) return null;
  const handlerArgs = dispatchHandlers(src, node);
  const handwritten = handlerArgs === null;
  const { kept, dropped } = prelude(node, handwritten);
  const declaredName = functionName(node);
  const { start, end, names } = conditionalHeads(src.text, node.startIndex, node.endIndex, node.childForFieldName('body')?.startIndex ?? node.endIndex);
  if (declaredName && !names.includes(declaredName)) names.unshift(declaredName);
  return { src, node, declaredName, start, end, names, prelude: kept, dropped, handwritten, handlerArgs };
}


function dispatchHandlers(src: CSource, fn: SyntaxNode): [string, string, string] | null {
  for (const macro of ['LKM_DISPATCH', 'DISPATCH']) {
    const call = macroCallAt(src.text, macro, fn.startIndex);
    if (call && call.end <= fn.endIndex + 1 && call.args.length === 6) {
      return [call.args[3].text, call.args[4].text, call.args[5].text];
    }
  }
  return null;
}

function prelude(fn: SyntaxNode, handwritten: boolean): { kept: SyntaxNode[]; dropped: SyntaxNode[] } {
  const body = fn.childForFieldName('body');
  if (!body) return { kept: [], dropped: [] };
  const kept: SyntaxNode[] = [];
  const decls: SyntaxNode[] = [];
  const dropped: SyntaxNode[] = [];
  const versionVars = new Set<string>();
  for (const child of body.namedChildren) {
    const text = child.text;
    if (DISPATCH_RE.test(text)) break;
    if (/\bMOD_[A-Z]+\s*\(/.test(text)) continue; // a declaration written in the entry: it is the registration
    if (handwritten && /\b(cmd|lkmtp)\b/.test(text)) break;
    if (child.type === 'if_statement' && /\bLKM_VERSION\b/.test(child.childForFieldName('condition')?.text ?? '')) continue;
    // `err = (ver == LKM_VERSION) ? 0 : EINVAL;`: the same check, kept in a variable, and the
    // `if (err) return err;` that acts on it: module_load checks the module's version itself.
    if (child.type === 'expression_statement' && /\bLKM_VERSION\b/.test(text) && child.descendantsOfType('call_expression').length === 0) {
      const a = child.namedChildren[0];
      const left = a?.type === 'assignment_expression' ? a.childForFieldName('left') : null;
      if (left?.type === 'identifier') versionVars.add(left.text);
      continue;
    }
    if (child.type === 'if_statement' && !child.childForFieldName('alternative') && usesAny(child.childForFieldName('condition')!, [...versionVars])) {
      const then = child.childForFieldName('consequence');
      const ret = then?.type === 'compound_statement' && then.namedChildren.length === 1 ? then.namedChildren[0] : then;
      if (ret?.type === 'return_statement') continue;
    }
    // Looking at the command or the lkm_table is dispatching, which modcmd's switch now does.
    if (child.type !== 'declaration' && child.type !== 'comment' && usesAny(child, ['cmd', 'lkmtp', 'ver'])) {
      dropped.push(child);
      continue;
    }
    if (child.type === 'declaration') {
      decls.push(child);
      continue;
    }
    kept.push(child);
  }
  while (kept.length && kept[kept.length - 1].type === 'comment') kept.pop();
  if (!kept.some((k) => k.type !== 'comment')) return { kept: [], dropped };
  const usedDecls = decls.filter((d) => {
    const names = d.descendantsOfType('identifier').map((i) => i.text);
    return kept.some((k) => names.some((n) => new RegExp(`\\b${n}\\b`).test(k.text)));
  });
  return { kept: [...usedDecls, ...kept], dropped };
}

function usesAny(node: SyntaxNode, names: string[]): boolean {
  let found = false;
  walk(node, (n) => {
    if (n.type === 'identifier' && names.includes(n.text)) found = true;
    return !found;
  });
  return found;
}

/** `int kernfs_lkmentry(struct lkm_table *, int, int);` and the like, in every module file. */
export function removeEntryPrototypes(job: ModuleJob, entry: EntryInfo): void {
  for (const name of entry.names) removePrototypes(job, name);
}

/** Every prototype of the function `name` in the module's files (not its definition). */
export function removePrototypes(job: ModuleJob, name: string): void {
  for (const src of job.files) {
    if (!src.text.includes(name)) continue;
    walk(src.root, (n) => {
      if (n.type === 'function_definition') return false;
      if (n.type === 'declaration') {
        if (functionName(n) === name && !src.edits.touches(n.startIndex, n.endIndex)) {
          src.removeNode(n, `${job.origin}: entry prototype`);
        }
        return false;
      }
      return true;
    });
  }
}

/** `#define LKMENTRY(n) n##_lkmentry`, once nothing uses it any more. */
export function removeEntryMacro(job: ModuleJob, entry: EntryInfo): void {
  const name = entry.declaredName;
  if (!name) return;
  for (const src of job.files) {
    for (const def of src.root.descendantsOfType(['preproc_function_def', 'preproc_def'])) {
      if (def.childForFieldName('name')?.text !== name) continue;
      const live = job.files.some((f) =>
        f.identifiers(name).some((id) => !f.edits.covers(id.startIndex, id.endIndex) && id.parent?.id !== def.id),
      );
      if (!live && !src.edits.touches(def.startIndex, def.endIndex)) src.removeNode(def, `${job.origin}: entry macro`);
    }
  }
}

/**
 * `#ifdef STREAMS / MOD_STRMOD("ptem"); / #else / MOD_MISC("ptem"); / #endif`: the condition
 * only chose how to declare the same module. module(9) wants exactly one modinfo whatever the
 * options, so the other branches go and the converted declaration stands unconditionally.
 * Returns the condition removed, or null when the conditional holds anything else.
 */
export function mergeAlternativeDeclarations(job: ModuleJob, src: CSource, start: number, end: number): string | null {
  let cond: SyntaxNode | null = src.nodeAt(start, end);
  while (cond && cond.type !== 'preproc_ifdef' && cond.type !== 'preproc_if') {
    if (cond.type === 'function_definition') return null;
    cond = cond.parent;
  }
  const alt = cond?.childForFieldName('alternative');
  if (!cond || !alt) return null;
  const isDecl = (n: SyntaxNode) => n.type === 'comment' || /^\s*MOD_[A-Z]+\s*\(/.test(n.text);
  const test = cond.childForFieldName('name') ?? cond.childForFieldName('condition');
  const primary = cond.namedChildren.filter((c) => c.id !== alt.id && c.id !== test?.id);
  if (!primary.every((c) => isDecl(c) || (c.startIndex >= start && c.endIndex <= end))) return null;
  for (let b: SyntaxNode | null = alt; b; b = b.childForFieldName('alternative')) {
    const own = b.childForFieldName('condition');
    const inner = b.childForFieldName('alternative');
    if (!b.namedChildren.filter((c) => c.id !== own?.id && c.id !== inner?.id).every(isDecl)) return null;
  }
  const firstLineEnd = src.text.indexOf('\n', cond.startIndex) + 1;
  src.edits.remove(cond.startIndex, firstLineEnd, `${job.origin}: declaration conditional`);
  const [altStart, altEnd] = src.wholeLines(alt.startIndex, cond.endIndex);
  src.edits.remove(altStart, altEnd, `${job.origin}: alternative declarations`);
  job.markDead(src.path, altStart, altEnd);
  return src.text.slice(cond.startIndex, firstLineEnd - 1).trim();
}

export interface HandwrittenParts {
  /** Module functions the entry called with lkmtp/cmd under each command: the handlers. */
  handlers: Partial<Record<'load' | 'unload' | 'stat', string>>;
  /** Other calls the load case made (vnode-op vector set-up and the like). */
  prelude: SyntaxNode[];
  /**
   * Work neither of those carries: a case's own code (`error = foo_init();`, `if (foo_busy())
   * return EBUSY;`) and code after lkmdispatch() that depends on its outcome. Listed so the
   * conversion names each statement instead of losing it with the function.
   */
  notCarried: { node: SyntaxNode; when: 'load' | 'unload' | 'stat' | 'after' }[];
}

const CASE_ROLE: Record<string, 'load' | 'unload' | 'stat'> = {
  LKM_E_LOAD: 'load',
  LKM_E_UNLOAD: 'unload',
  LKM_E_STAT: 'stat',
};

/**
 * An entry that dispatched by hand (`switch (cmd) { case LKM_E_LOAD: … lkmdispatch() … }`):
 * its per-command work is read from the switch, so that what it did besides registering is
 * carried into modcmd instead of vanishing with the function.
 */
export function handwrittenParts(
  entry: EntryInfo,
  moduleFunctions: ReadonlySet<string>,
  /** Functions that each hold a registration and its DISPATCH: called like lkmdispatch(). */
  dispatchers: ReadonlySet<string> = new Set(),
): HandwrittenParts {
  const out: HandwrittenParts = { handlers: {}, prelude: [], notCarried: [] };
  const body = entry.node.childForFieldName('body');
  if (!body) return out;
  const cases: { stmt: SyntaxNode; role: 'load' | 'unload' | 'stat' }[] = [];
  const switches: SyntaxNode[] = [];
  for (const sw of body.descendantsOfType('switch_statement')) {
    if (!/\bcmd\b/.test(sw.childForFieldName('condition')?.text ?? '')) continue;
    switches.push(sw);
    for (const c of sw.descendantsOfType('case_statement')) {
      const role = CASE_ROLE[c.childForFieldName('value')?.text ?? ''];
      if (!role) continue;
      for (const stmt of c.namedChildren.slice(1)) {
        cases.push({ stmt, role });
        walk(stmt, (n) => {
          if (n.type !== 'call_expression') return true;
          const callee = n.childForFieldName('function')?.text ?? '';
          const args = n.childForFieldName('arguments')?.text ?? '';
          if (callee === 'lkmdispatch' || callee === 'lkmexists' || dispatchers.has(callee)) return false;
          if (moduleFunctions.has(callee) && /\b(lkmtp|cmd)\b/.test(args)) out.handlers[role] ??= callee;
          return false;
        });
        const plainCall = stmt.type === 'expression_statement' && stmt.namedChildren[0]?.type === 'call_expression';
        if (role === 'load' && plainCall && !usesAny(stmt, ['lkmtp', 'cmd', 'error', 'lkmdispatch'])) out.prelude.push(stmt);
      }
    }
  }
  const handlers = new Set(Object.values(out.handlers));
  // lkm_nofunc() does nothing and returns 0: a case that only called it has nothing to carry.
  const carried = (stmt: SyntaxNode) =>
    out.prelude.includes(stmt) ||
    callees(stmt).every((c) => c === 'lkm_nofunc') ||
    callees(stmt).some((c) => c === 'lkmdispatch' || c === 'lkmexists' || handlers.has(c) || dispatchers.has(c));
  for (const { stmt, role } of cases) {
    if (!carried(stmt) && callees(stmt).length) out.notCarried.push({ node: stmt, when: role });
  }
  // After the switch: what the entry did with lkmdispatch()'s outcome (undo a failed load, clean up after an unload).
  const last = switches[switches.length - 1];
  for (const stmt of body.namedChildren) {
    if (!last || stmt.startIndex < last.endIndex || stmt.type === 'declaration' || stmt.type === 'comment') continue;
    if (!carried(stmt) && callees(stmt).length) out.notCarried.push({ node: stmt, when: 'after' });
  }
  return out;
}

/** Functions a statement calls, by name. */
function callees(stmt: SyntaxNode): string[] {
  return stmt.descendantsOfType('call_expression').map((c) => c.childForFieldName('function')?.text ?? '');
}
