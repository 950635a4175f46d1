/**
 * The old load/unload/stat handlers: their bodies are kept, their parameter lists lose what
 * module(9) no longer passes. `int load(struct lkm_table *lkmtp, int cmd)` becomes
 * `load(void)`, or `load(modcmd_t cmd)` when the body switches on cmd (one handler serving
 * load and unload, with LKM_E_* turned into MODULE_CMD_*). A handler that still reads lkmtp
 * after the rules rewrote what they could keeps it, with an XXX marker: nothing in module(9)
 * can fill it in.
 *
 * Prototypes and other calls of the handler are rewritten to match; K&R definitions become
 * prototypes only because their parameter list changes anyway.
 */
import { sideEffectFree } from '../source/c-effects.ts';
import { walk, type SyntaxNode } from '../source/cparse.ts';
import type { CSource } from './csource.ts';
import type { ModuleJob } from './job.ts';
import { dropOffsetBookkeeping } from './offset-bookkeeping.ts';
import { replaceSlotSearches } from './slot-search.ts';
import { oneLine } from '../source/quote.ts';

export type HandlerRole = 'load' | 'unload' | 'stat';

export interface ConvertedHandler {
  name: string;
  /** The call modcmd makes for each role it serves: `load()`, `memwatch_handle(MODULE_CMD_INIT)`. */
  calls: Partial<Record<HandlerRole, string>>;
  file: string;
  isStatic: boolean;
}

const ROLE_CMD: Record<HandlerRole, string> = {
  load: 'MODULE_CMD_INIT',
  unload: 'MODULE_CMD_FINI',
  stat: 'MODULE_CMD_STAT',
};

interface Param {
  name: string;
  /** Index in the old list: 0 is the lkm_table, 1 is cmd. */
  index: number;
}

/** Find the function definition of `name` in the module's files, preferring `preferFile`. */
export function findFunction(files: CSource[], name: string, preferFile?: string): { src: CSource; node: SyntaxNode } | null {
  const ordered = preferFile ? [...files].sort((a, b) => Number(b.path === preferFile) - Number(a.path === preferFile)) : files;
  for (const src of ordered) {
    if (!src.text.includes(name)) continue;
    for (const node of src.root.namedChildren) {
      const fn = node.type === 'function_definition' ? node : node.descendantsOfType('function_definition')[0];
      if (fn && functionName(fn) === name) return { src, node: fn };
    }
    // Definitions inside #ifdef blocks are not direct children of the root.
    for (const fn of src.root.descendantsOfType('function_definition')) {
      if (functionName(fn) === name) return { src, node: fn };
    }
  }
  return null;
}

/** The name a function_definition or declaration declares (through pointer/paren declarators). */
export function functionName(node: SyntaxNode): string | null {
  const fd = functionDeclarator(node);
  let d: SyntaxNode | null = fd?.childForFieldName('declarator') ?? null;
  while (d && d.type !== 'identifier') {
    if (d.type === 'function_declarator' || d.type === 'pointer_declarator' || d.type === 'parenthesized_declarator') {
      d = d.childForFieldName('declarator') ?? d.namedChildren[0] ?? null;
    } else return null;
  }
  return d?.text ?? null;
}

export function functionDeclarator(node: SyntaxNode): SyntaxNode | null {
  let d: SyntaxNode | null = node.childForFieldName('declarator');
  while (d && d.type !== 'function_declarator') {
    d = d.childForFieldName('declarator') ?? null;
  }
  // `int LKMENTRY(foo)(a, b)`: the outer declarator carries the parameters.
  return d;
}

/** K&R parameter declarations: the `declaration` children between the declarator and the body. */
function knrDeclarations(fn: SyntaxNode): SyntaxNode[] {
  return fn.namedChildren.filter((c) => c.type === 'declaration');
}

function paramNames(fn: SyntaxNode): string[] {
  const list = functionDeclarator(fn)?.childForFieldName('parameters');
  if (!list) return [];
  return list.namedChildren
    .filter((p) => p.type !== 'comment')
    .map((p) => {
      if (p.type === 'identifier') return p.text;
      const ids = p.descendantsOfType('identifier');
      return ids.length ? ids[ids.length - 1].text : '';
    });
}

/**
 * Rewrite one handler. Runs after the rules and the lkmexists clean-up have made their edits,
 * and drops the lkm_offset bookkeeping module(9) has no place for, so "still used" means used
 * in text nobody rewrote.
 */
export function convertHandler(
  job: ModuleJob,
  name: string,
  roles: HandlerRole[],
  preferFile: string,
  allHandlers: ReadonlySet<string> = new Set([name]),
): ConvertedHandler | null {
  const found = findFunction(job.files, name, preferFile);
  if (!found) {
    job.finding({
      file: preferFile,
      line: 1,
      severity: 'error',
      code: 'handler-not-found',
      message: `The ${roles.join('/')} handler ${name} is not defined in the module's sources; modcmd cannot call it. Add its definition to the module, or call the right function from ${job.name}_modcmd.`,
    });
    return null;
  }
  const { src, node: fn } = found;
  const body = fn.childForFieldName('body');
  const names = paramNames(fn);
  if (names[0] && body) dropOffsetBookkeeping(job, src, name, body, names[0]);
  // A slot search stood before the LKM loader installed the switch; only load can have one.
  if (body && roles.includes('load')) replaceSlotSearches(job, src, name, body);
  // Passing lkmtp or cmd on to another handler is not a use: that call loses them too.
  const live = (id: SyntaxNode) => !src.edits.covers(id.startIndex, id.endIndex) && !handlerArgument(id, allHandlers);
  const used = (p: string) => !!body && p !== '' && src.identifiers(p, body).some(live);
  const kept: Param[] = [];
  const lkmtp = names[0];
  const cmd = names[1];
  if (lkmtp && used(lkmtp)) {
    kept.push({ name: lkmtp, index: 0 });
    const use = src.identifiers(lkmtp, body!).find(live)!;
    job.marker(
      src.path,
      use.startIndex,
      'handler-uses-lkmtp',
      'error',
      `${name}() reads ${lkmtp}, the old struct lkm_table; module(9) passes nothing like it. Replace this use (the module's name is "${job.name}", its numbers are in the variables MODULE() declares) and drop the parameter.`,
    );
  }
  if (cmd && used(cmd)) kept.push({ name: cmd, index: 1 });
  const keepsCmd = kept.some((p) => p.index === 1);
  const changed = kept.length !== names.length;
  if (changed) {
    rewriteDefinition(src, fn, kept, keepsCmd, job.origin);
    rewritePrototypes(job, name, kept, keepsCmd);
    rewriteCalls(job, name, kept);
  }
  const calls: ConvertedHandler['calls'] = {};
  for (const role of roles) {
    const args = kept.map((p) => (p.index === 1 ? ROLE_CMD[role] : 'NULL'));
    calls[role] = `${name}(${args.join(', ')})`;
  }
  const isStatic = /^\s*static\b/.test(fn.text) || hasStaticPrototype(src, name);
  return { name, calls, file: src.path, isStatic };
}

function handlerArgument(id: SyntaxNode, handlers: ReadonlySet<string>): boolean {
  const call = id.parent?.type === 'argument_list' ? id.parent.parent : null;
  return call?.type === 'call_expression' && handlers.has(call.childForFieldName('function')?.text ?? '');
}

function newParamList(kept: Param[], keepsCmd: boolean, named: boolean): string {
  if (kept.length === 0) return '(void)';
  return (
    '(' +
    kept
      .map((p) => {
        if (p.index === 1 && keepsCmd) return named ? `modcmd_t ${p.name}` : 'modcmd_t';
        return named ? `struct lkm_table *${p.name}` : 'struct lkm_table *';
      })
      .join(', ') +
    ')'
  );
}

function rewriteDefinition(src: CSource, fn: SyntaxNode, kept: Param[], keepsCmd: boolean, origin: string): void {
  const params = functionDeclarator(fn)?.childForFieldName('parameters');
  if (!params) return;
  const knr = knrDeclarations(fn);
  const end = knr.length ? knr[knr.length - 1].endIndex : params.endIndex;
  src.edits.replace(params.startIndex, end, newParamList(kept, keepsCmd, true), `${origin}: handler parameters`);
}

/**
 * Prototypes of the handler anywhere in the module, and in the tree's headers it includes:
 * `static int load(struct lkm_table *, int);`.
 */
function rewritePrototypes(job: ModuleJob, name: string, kept: Param[], keepsCmd: boolean): void {
  for (const src of [...job.files, ...job.headers]) {
    if (!src.text.includes(name)) continue;
    walk(src.root, (n) => {
      if (n.type === 'function_definition') return false;
      if (n.type !== 'declaration') return true;
      if (functionName(n) !== name) return false;
      const params = functionDeclarator(n)?.childForFieldName('parameters');
      if (!params || src.edits.touches(params.startIndex, params.endIndex)) return false;
      const named = params.namedChildren.some((p) => p.childForFieldName('declarator')?.descendantsOfType('identifier').length);
      // `int load();` is an old-style declaration that says nothing about parameters: fine as is.
      if (params.namedChildren.length === 0) return false;
      src.edits.replace(params.startIndex, params.endIndex, newParamList(kept, keepsCmd, named), `${job.origin}: handler prototype`);
      return false;
    });
  }
}

/** Calls other than the DISPATCH that is going away (a load handler calling unload on failure). */
function rewriteCalls(job: ModuleJob, name: string, kept: Param[]): void {
  for (const src of job.files) {
    if (!src.text.includes(name)) continue;
    walk(src.root, (n) => {
      if (n.type !== 'call_expression') return true;
      const f = n.childForFieldName('function');
      const args = n.childForFieldName('arguments');
      if (f?.text !== name || !args || src.edits.covers(n.startIndex, n.endIndex)) return true;
      if (job.isDead(src.path, n.startIndex)) return true;
      const old = args.namedChildren.filter((a) => a.type !== 'comment');
      const text = '(' + kept.map((p) => old[p.index]?.text ?? (p.index === 1 ? 'cmd' : 'NULL')).join(', ') + ')';
      src.edits.replace(args.startIndex, args.endIndex, text, `${job.origin}: call of handler ${name}`);
      return true;
    });
  }
}

function hasStaticPrototype(src: CSource, name: string): boolean {
  return new RegExp(`^\\s*static\\b[^;{]*\\b${name}\\s*\\(`, 'm').test(src.text);
}

/**
 * `if (lkmexists(lkmtp)) return EEXIST;` goes: module(9) refuses a second module of the same
 * name itself (EEXIST). A `? :` on it becomes the branch it took for 0; inside any other
 * expression the call becomes 0, which it always is now (a note).
 */
export function removeLkmexists(job: ModuleJob): void {
  for (const src of job.files) {
    if (!src.text.includes('lkmexists')) continue;
    walk(src.root, (n) => {
      if (n.type !== 'call_expression' || n.childForFieldName('function')?.text !== 'lkmexists') return true;
      if (job.isDead(src.path, n.startIndex) || src.edits.covers(n.startIndex, n.endIndex)) return false;
      const ifStmt = enclosingIf(n);
      const choice = ifStmt ? null : choiceOnLkmexists(n);
      if (ifStmt && !ifStmt.childForFieldName('alternative') && conditionOnlyGuards(ifStmt, n)) {
        src.removeNode(ifStmt, `${job.origin}: lkmexists check`, { withComment: true });
      } else if (choice && !src.edits.touches(choice.node.startIndex, choice.node.endIndex)) {
        src.edits.replace(choice.node.startIndex, choice.node.endIndex, choice.text, `${job.origin}: lkmexists choice`);
        job.finding({
          file: src.path,
          line: src.line(n.startIndex),
          severity: 'note',
          code: 'lkmexists-in-expression',
          message: `${oneLine(choice.node.text, 60)} is now ${choice.text}, what it was whenever lkmexists() was 0: module(9) itself refuses a second module of the same name (EEXIST).`,
        });
      } else {
        src.edits.replace(n.startIndex, n.endIndex, '0', `${job.origin}: lkmexists call`);
        job.finding({
          file: src.path,
          line: src.line(n.startIndex),
          severity: 'note',
          code: 'lkmexists-in-expression',
          message: 'lkmexists() was part of a larger expression and is now 0, which it always is under module(9): module_load itself refuses a second module of the same name (EEXIST). The expression may be simplified.',
        });
      }
      return false;
    });
  }
}

/**
 * `(lkmexists(lkmtp) == 0) ? 0 : EEXIST`: a choice on lkmexists() alone (negated, or compared
 * with 0, any number of times) becomes the branch it took when lkmexists() was 0.
 */
function choiceOnLkmexists(call: SyntaxNode): { node: SyntaxNode; text: string } | null {
  let e = call;
  let exists = true; // the condition holds when another module of the name exists
  for (let p = e.parent; p; e = p, p = p.parent) {
    if (p.type === 'parenthesized_expression') continue;
    if (p.type === 'unary_expression' && p.childForFieldName('operator')?.text === '!') {
      exists = !exists;
      continue;
    }
    if (p.type === 'binary_expression') {
      const op = p.childForFieldName('operator')?.text;
      const other = p.childForFieldName('left')?.id === e.id ? p.childForFieldName('right') : p.childForFieldName('left');
      if ((op === '==' || op === '!=') && other?.text === '0') {
        if (op === '==') exists = !exists;
        continue;
      }
      return null;
    }
    if (p.type === 'conditional_expression' && p.childForFieldName('condition')?.id === e.id) {
      const branch = p.childForFieldName(exists ? 'alternative' : 'consequence');
      if (!branch) return null;
      const simple = /^(identifier|number_literal|parenthesized_expression|call_expression|field_expression|string_literal)$/.test(branch.type);
      return { node: p, text: simple ? branch.text : `(${branch.text})` };
    }
    return null;
  }
  return null;
}

function enclosingIf(n: SyntaxNode): SyntaxNode | null {
  let p = n.parent;
  while (p && p.type !== 'if_statement') {
    if (p.type === 'compound_statement' || p.type === 'function_definition' || p.type.endsWith('_statement')) return null;
    p = p.parent;
  }
  return p;
}

/**
 * The if's condition is the lkmexists call alone (or compared with 0), or an && chain of the
 * call and side-effect-free tests: without lkmexists it can never be true.
 */
function conditionOnlyGuards(ifStmt: SyntaxNode, call: SyntaxNode): boolean {
  const cond = ifStmt.childForFieldName('condition');
  if (!cond) return false;
  let e: SyntaxNode = cond;
  while (e.type === 'parenthesized_expression' && e.namedChildren.length === 1) e = e.namedChildren[0];
  if (e.id === call.id) return true;
  if (e.type === 'binary_expression') {
    const op = e.childForFieldName('operator')?.text;
    const left = e.childForFieldName('left');
    const right = e.childForFieldName('right');
    if (op === '!=' && ((left?.id === call.id && right?.text === '0') || (right?.id === call.id && left?.text === '0'))) return true;
    if (op === '&&') {
      const operands = flattenAnd(e);
      return operands.some((o) => o.id === call.id) && operands.every((o) => o.id === call.id || sideEffectFree(o));
    }
  }
  return false;
}

function flattenAnd(e: SyntaxNode): SyntaxNode[] {
  if (e.type === 'parenthesized_expression' && e.namedChildren.length === 1) return flattenAnd(e.namedChildren[0]);
  if (e.type === 'binary_expression' && e.childForFieldName('operator')?.text === '&&') {
    return [...flattenAnd(e.childForFieldName('left')!), ...flattenAnd(e.childForFieldName('right')!)];
  }
  return [e];
}
