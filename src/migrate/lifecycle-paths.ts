/**
 * Which code of a module runs when it is loaded and which when it is unloaded: the handlers
 * DISPATCH named (only their own command's arm when one handler serves both, switching on
 * cmd), the per-command arms of an entry that called lkmdispatch() itself, and every function
 * of the module those call, transitively.
 *
 * Only direct calls are followed. A function reached through a pointer (a sysctl handler, a
 * callout, a vnode operation) runs later, on some other path: a callout_stop() in a sysctl
 * handler is not the unload path stopping the callout.
 *
 * The porting rules ask "is this statement on the unload path and not on the load path", so
 * a path is a list of regions: whole function bodies, or the case arms of a switch.
 */
import { walk, type SyntaxNode } from '../source/cparse.ts';
import { functionName } from './handlers.ts';
import type { ModulePlan } from '../discover/plan.ts';
import type { SourceFile } from '../discover/rule-api.ts';

export interface CodeRegion {
  file: SourceFile;
  /** A function_definition, or the case_statement / if consequence of one command. */
  node: SyntaxNode;
  /** The function the region belongs to. */
  fn: SyntaxNode;
}

export interface LifecyclePaths {
  load: CodeRegion[];
  unload: CodeRegion[];
}

type Role = 'load' | 'unload';

const ROLE_CMD: Record<Role, string> = { load: 'LKM_E_LOAD', unload: 'LKM_E_UNLOAD' };

export function lifecyclePaths(plan: ModulePlan, files: readonly SourceFile[]): LifecyclePaths {
  const functions = functionIndex(files);
  return {
    load: closure(rootsOf(plan, functions, 'load'), functions),
    unload: closure(rootsOf(plan, functions, 'unload'), functions),
  };
}

/**
 * The code of handler `name` that runs for the role: the whole function, or only its arms for
 * the role's command when it serves several. Empty when the module does not define it.
 */
export function handlerRegions(files: readonly SourceFile[], name: string, role: Role): CodeRegion[] {
  const fn = functionIndex(files).get(name);
  return fn ? regionsOf(fn, role) : [];
}

/** The roles' regions of handler `name` and every module function they call, transitively. */
export function handlerPath(files: readonly SourceFile[], name: string, role: Role): CodeRegion[] {
  const functions = functionIndex(files);
  const fn = functions.get(name);
  return fn ? closure(regionsOf(fn, role), functions) : [];
}

function regionsOf(fn: FunctionDef, role: Role): CodeRegion[] {
  const arms = commandArms(fn.node, role);
  return arms.length ? arms.map((node) => ({ file: fn.file, node, fn: fn.node })) : [{ file: fn.file, node: fn.node, fn: fn.node }];
}

function rootsOf(plan: ModulePlan, functions: Map<string, FunctionDef>, role: Role): CodeRegion[] {
  const roots: CodeRegion[] = [];
  const handler = plan.handlers[role];
  const fn = handler && !handler.unresolved ? functions.get(handler.name) : undefined;
  if (fn) roots.push(...regionsOf(fn, role));
  // An entry that dispatched by hand did its per-command work in its own switch.
  const entry = plan.entry && !plan.entry.dispatch.some((d) => d.macro !== 'lkmdispatch') ? functions.get(plan.entry.name) : undefined;
  if (entry) roots.push(...commandArms(entry.node, role).map((node) => ({ file: entry.file, node, fn: entry.node })));
  return roots;
}

/** Whether [start, end) of `file` lies in one of the regions. */
export function onPath(regions: readonly CodeRegion[], file: SourceFile, start: number, end: number): boolean {
  return regions.some((r) => r.file.path === file.path && r.node.startIndex <= start && end <= r.node.endIndex);
}

interface FunctionDef {
  file: SourceFile;
  node: SyntaxNode;
}

function functionIndex(files: readonly SourceFile[]): Map<string, FunctionDef> {
  const out = new Map<string, FunctionDef>();
  for (const file of files) {
    for (const node of file.tree.rootNode.descendantsOfType('function_definition')) {
      const name = functionName(node);
      if (name && !out.has(name)) out.set(name, { file, node });
    }
  }
  return out;
}

/**
 * The arms of `switch (cmd)` (or `if (cmd == LKM_E_…)`) that handle the role's command, in a
 * function written to serve more than one command. Converted handlers keep their switch, with
 * LKM_E_* renamed: the original text is what is read here.
 */
function commandArms(fn: SyntaxNode, role: Role): SyntaxNode[] {
  const cmd = ROLE_CMD[role];
  const arms: SyntaxNode[] = [];
  walk(fn, (n) => {
    if (n.type === 'case_statement' && n.childForFieldName('value')?.text === cmd) {
      const sw = n.parent?.parent;
      if (sw?.type === 'switch_statement' && /\bcmd\b/.test(sw.childForFieldName('condition')?.text ?? '')) arms.push(n);
      return false;
    }
    if (n.type === 'if_statement') {
      const cond = n.childForFieldName('condition')?.text ?? '';
      const then = n.childForFieldName('consequence');
      if (then && new RegExp(`\\bcmd\\s*==\\s*${cmd}\\b|\\b${cmd}\\s*==\\s*cmd\\b`).test(cond)) {
        arms.push(then);
        return false;
      }
    }
    return true;
  });
  return arms;
}

function closure(roots: CodeRegion[], functions: Map<string, FunctionDef>): CodeRegion[] {
  const out = [...roots];
  const seen = new Set(roots.filter((r) => r.node === r.fn).map((r) => r.fn.id));
  for (let i = 0; i < out.length; i++) {
    walk(out[i].node, (n) => {
      if (n.type !== 'call_expression') return true;
      const callee = n.childForFieldName('function');
      const def = callee?.type === 'identifier' ? functions.get(callee.text) : undefined;
      if (def && !seen.has(def.node.id)) {
        seen.add(def.node.id);
        out.push({ file: def.file, node: def.node, fn: def.node });
      }
      return true;
    });
  }
  return out;
}
