/**
 * callout(9) across the LKM/module(9) divide. NetBSD 4 had `callout_init(c)` and
 * `callout_stop(c)` and nothing to end a callout's life: an LKM initialised its callout on load
 * and stopped it on unload, and that was correct. NetBSD 5.0 gave callout_init a flags argument
 * and added `callout_destroy(c)`, which every initialised callout must reach before its memory
 * goes away (LOCKDEBUG tracks it until then), and `callout_halt(c, interlock)`, which unlike
 * callout_stop waits for a handler already running on another CPU: callout(9) says to halt, not
 * stop, a callout about to be destroyed — on unload the handler's code is about to be unmapped.
 *
 * So, for each callout the load path initialises (matched by the argument's text):
 *  - `callout_init(c)` gets its flags: `callout_init(c, 0)`, the old behaviour;
 *  - where the unload path (and not the load path) stops it, `callout_stop(c);` becomes
 *    `callout_halt(c, NULL);` (or the mutex held there, which halt must be able to drop while it
 *    waits) followed by `callout_destroy(c);`;
 *  - where the function that initialised it then fails (an `if` that returns an errno, or the
 *    error it just tested), that error path destroys it before returning;
 *  - a callout the unload path never stops, or stops only in code load runs too, gets an
 *    `XXX lkm2mod` marker: that needs a person.
 * A module that already destroys its callout on unload is left alone (converting twice, or a
 * source already ported by hand).
 */
import { walk, type SyntaxNode } from '../source/cparse.ts';
import { functionName } from './handlers.ts';
import { onPath, type LifecyclePaths } from './lifecycle-paths.ts';
import type { FindingInput, Severity, SourceFile } from '../discover/rule-api.ts';

export interface CalloutPortContext {
  marker(file: string, offset: number, code: string, severity: Severity, message: string): void;
  finding(f: FindingInput): void;
}

const ORIGIN = 'netbsd4-to-5';

interface CalloutCall {
  file: SourceFile;
  call: SyntaxNode;
  name: string;
  args: SyntaxNode[];
  /** The callout argument, whitespace removed: `&memwatch_ch`. */
  key: string;
  /** The enclosing function_definition. */
  fn: SyntaxNode | null;
}

export function portCallouts(files: readonly SourceFile[], paths: LifecyclePaths, ctx: CalloutPortContext): void {
  const calls = files.flatMap(calloutCalls);
  for (const c of calls) if (c.name === 'callout_init' && c.args.length === 1) addInitFlags(c, ctx);

  const inits = calls.filter((c) => c.name === 'callout_init' && onPath(paths.load, c.file, c.call.startIndex, c.call.endIndex));
  for (const key of new Set(inits.map((c) => c.key))) {
    const same = calls.filter((c) => c.key === key);
    const unloadOnly = (c: CalloutCall) =>
      onPath(paths.unload, c.file, c.call.startIndex, c.call.endIndex) && !onPath(paths.load, c.file, c.call.startIndex, c.call.endIndex);
    const destroyed = same.some((c) => c.name === 'callout_destroy' && onPath(paths.unload, c.file, c.call.startIndex, c.call.endIndex));
    if (!destroyed) destroyOnUnload(key, same, unloadOnly, inits.find((c) => c.key === key)!, paths, ctx);
    for (const init of inits.filter((c) => c.key === key)) destroyOnError(init, same, ctx);
  }
}

/** Every call to a callout_* function in a file. */
function calloutCalls(file: SourceFile): CalloutCall[] {
  const out: CalloutCall[] = [];
  if (!file.text.includes('callout_')) return out;
  walk(file.tree.rootNode, (n) => {
    if (n.type !== 'call_expression') return true;
    const name = n.childForFieldName('function')?.text ?? '';
    if (!/^callout_\w+$/.test(name)) return true;
    const args = (n.childForFieldName('arguments')?.namedChildren ?? []).filter((a) => a.type !== 'comment');
    if (!args.length) return true;
    out.push({ file, call: n, name, args, key: args[0].text.replace(/\s+/g, ''), fn: enclosing(n, 'function_definition') });
    return true;
  });
  return out;
}

function addInitFlags(c: CalloutCall, ctx: CalloutPortContext): void {
  const at = c.args[0].endIndex;
  if (c.file.edits.touches(at - 1, at + 1)) return;
  c.file.edits.insert(at, ', 0', `${ORIGIN}: callout_init flags`);
  ctx.finding({
    file: c.file.path,
    line: c.file.line(c.call.startIndex),
    severity: 'note',
    code: 'callout-init-flags',
    message: `callout_init() takes flags since NetBSD 5.0: callout_init(${c.args[0].text}) became callout_init(${c.args[0].text}, 0), a callout that is not MP-safe, as before.`,
  });
}

function destroyOnUnload(
  key: string,
  same: CalloutCall[],
  unloadOnly: (c: CalloutCall) => boolean,
  init: CalloutCall,
  paths: LifecyclePaths,
  ctx: CalloutPortContext,
): void {
  const arg = prose(init.args[0].text);
  const stops = same.filter((c) => (c.name === 'callout_stop' || c.name === 'callout_halt') && unloadOnly(c));
  for (const stop of stops) {
    const stmt = statementOf(stop.call);
    if (!stmt || stop.file.edits.touches(stmt.startIndex, stmt.endIndex)) {
      ctx.marker(stop.file.path, stop.call.startIndex, 'callout-destroy-by-hand', 'warning',
        `NetBSD 5 wants ${arg} halted with callout_halt() and destroyed with callout_destroy() here on unload; this use of ${stop.name}() is not a plain statement, so do it by hand.`);
      continue;
    }
    let halt = '';
    if (stop.name === 'callout_stop') {
      const interlock = heldMutex(stop);
      const call = `callout_halt(${stop.args[0].text}, ${interlock ?? 'NULL'})`;
      stop.file.edits.replace(stop.call.startIndex, stop.call.endIndex, call, `${ORIGIN}: callout_halt`);
      halt = `callout_stop() became callout_halt(${interlock ? `, with ${interlock} as the interlock it drops while waiting` : ''}), which waits for a handler still running on another CPU, and `;
    }
    if (!addStatement(stop.file, stmt, `callout_destroy(${stop.args[0].text});`, 'after')) {
      ctx.marker(stop.file.path, stmt.startIndex, 'callout-destroy-by-hand', 'warning',
        `Add callout_destroy(${stop.args[0].text}) after this statement: NetBSD 5 wants every initialised callout destroyed.`);
      continue;
    }
    ctx.finding({
      file: stop.file.path,
      line: stop.file.line(stop.call.startIndex),
      severity: 'note',
      code: 'callout-destroy-on-unload',
      message: `${fnName(stop.fn)}() stops ${arg} on unload, all NetBSD 4 could do; NetBSD 5 also wants it destroyed before the module goes: ${halt}callout_destroy() follows.`,
    });
  }
  if (stops.length) return;
  const shared = same.find((c) => (c.name === 'callout_stop' || c.name === 'callout_halt') && onPath(paths.unload, c.file, c.call.startIndex, c.call.endIndex));
  const at = shared ?? init;
  const stmt = statementOf(at.call);
  ctx.marker(at.file.path, stmt?.startIndex ?? at.call.startIndex, shared ? 'callout-destroy-by-hand' : 'callout-not-destroyed', 'warning',
    shared
      ? `${fnName(shared.fn)}() stops ${arg} but runs on load as well as on unload: on the unload path only, halt it with callout_halt() and destroy it with callout_destroy() (NetBSD 5).`
      : `${arg} is initialised on load and never stopped on unload: a pending callout would fire into the unloaded module. Halt it with callout_halt() and destroy it with callout_destroy() on the unload path.`);
}

/**
 * The error returns that follow a callout_init in the same block: `if (…) { …; return error; }`
 * where the condition tested the value returned, or the value is an errno constant.
 */
function destroyOnError(init: CalloutCall, same: CalloutCall[], ctx: CalloutPortContext): void {
  const block = enclosing(init.call, 'compound_statement');
  if (!init.fn || !block) return;
  const arg = init.args[0].text;
  const name = prose(arg);
  walk(block, (n) => {
    if (n.type !== 'return_statement' || n.startIndex < init.call.endIndex) return true;
    const guard = errorGuard(n, block);
    if (!guard) return false;
    const body = guard.childForFieldName('consequence')!;
    const already = same.some((c) => c.name === 'callout_destroy' && c.file === init.file && body.startIndex <= c.call.startIndex && c.call.endIndex <= body.endIndex);
    if (already || init.file.edits.touches(n.startIndex, n.endIndex)) return false;
    const scheduled = same.some(
      (c) => (c.name === 'callout_reset' || c.name === 'callout_schedule') && c.file === init.file && init.call.endIndex <= c.call.startIndex && c.call.startIndex < n.startIndex,
    );
    // Stopped already on the way out: that stop becomes the halt, and the destroy follows it.
    const stop = same.find((c) => c.name === 'callout_stop' && c.file === init.file && body.startIndex <= c.call.startIndex && c.call.endIndex <= n.startIndex);
    const stopStmt = stop ? statementOf(stop.call) : null;
    let placed: boolean;
    if (stop && stopStmt && !init.file.edits.touches(stopStmt.startIndex, stopStmt.endIndex)) {
      init.file.edits.replace(stop.call.startIndex, stop.call.endIndex, `callout_halt(${stop.args[0].text}, ${heldMutex(stop) ?? 'NULL'})`, `${ORIGIN}: callout_halt`);
      placed = addStatement(init.file, stopStmt, `callout_destroy(${arg});`, 'after');
    } else {
      const text = scheduled ? `callout_halt(${arg}, NULL);\n${init.file.indentAt(n.startIndex)}callout_destroy(${arg});` : `callout_destroy(${arg});`;
      placed = addStatement(init.file, n, text, 'before');
    }
    if (!placed) {
      ctx.marker(init.file.path, n.startIndex, 'callout-destroy-by-hand', 'warning',
        `This error return follows callout_init(${arg}): destroy ${name} before returning (callout_destroy(), NetBSD 5).`);
      return false;
    }
    ctx.finding({
      file: init.file.path,
      line: init.file.line(n.startIndex),
      severity: 'note',
      code: 'callout-destroy-on-error',
      message: `${fnName(init.fn)}() fails here after callout_init(${arg}): the error path now destroys ${name}${stop ? ', after the callout_stop() there, now callout_halt()' : scheduled ? ', halted first: it was scheduled' : ''}, or the failed load would leave an initialised callout behind (callout_destroy(), NetBSD 5).`,
    });
    return false;
  });
}

/** The if_statement whose consequence holds `ret`, when it is an error return (see destroyOnError). */
function errorGuard(ret: SyntaxNode, block: SyntaxNode): SyntaxNode | null {
  const value = ret.namedChildren.find((c) => c.type !== 'comment');
  if (!value || /^\(?\s*0\s*\)?$/.test(value.text)) return null;
  for (let p = ret.parent, child: SyntaxNode = ret; p && p.id !== block.id; child = p, p = p.parent) {
    if (p.type !== 'if_statement' || p.childForFieldName('consequence')?.id !== child.id) continue;
    const v = value.text.replace(/^\(\s*|\s*\)$/g, '');
    if (/^E[A-Z0-9]+$/.test(v)) return p;
    if (/^\w+$/.test(v) && new RegExp(`\\b${v}\\b`).test(p.childForFieldName('condition')?.text ?? '')) return p;
    return null;
  }
  return null;
}

/**
 * Put a statement before or after another, at its indentation. A lone statement under an `if`
 * gets the braces it now needs; any other shape is left to a person (false).
 */
function addStatement(file: SourceFile, stmt: SyntaxNode, text: string, where: 'before' | 'after'): boolean {
  const origin = `${ORIGIN}: callout_destroy`;
  const parent = stmt.parent;
  const indent = file.indentAt(stmt.startIndex);
  const onOwnLine = file.lineStartOf(stmt.startIndex) + indent.length === stmt.startIndex;
  if (!parent || !onOwnLine) return false;
  const put = () =>
    where === 'after'
      ? file.edits.insert(stmt.endIndex, `\n${indent}${text}`, origin)
      : file.edits.insert(stmt.startIndex, `${text}\n${indent}`, origin);
  if (parent.type === 'compound_statement' || parent.type === 'case_statement') {
    put();
    return true;
  }
  const cond = parent.childForFieldName('condition');
  if (parent.type === 'if_statement' && parent.childForFieldName('consequence')?.id === stmt.id && !parent.childForFieldName('alternative') && cond) {
    if (file.edits.touches(cond.endIndex - 1, stmt.endIndex + 1)) return false;
    file.edits.insert(cond.endIndex, ' {', origin);
    put();
    file.edits.insert(stmt.endIndex, `\n${file.indentAt(parent.startIndex)}}`, origin);
    return true;
  }
  return false;
}

/** `callout_stop(c);` or `(void)callout_stop(c);`: the statement that is only this call. */
function statementOf(call: SyntaxNode): SyntaxNode | null {
  let n = call.parent;
  if (n?.type === 'cast_expression') n = n.parent;
  return n?.type === 'expression_statement' ? n : null;
}

/** The mutex held where `c` is called: entered earlier in the same function and not yet exited. */
function heldMutex(c: CalloutCall): string | null {
  if (!c.fn) return null;
  const held: string[] = [];
  walk(c.fn, (n) => {
    if (n.startIndex >= c.call.startIndex) return false;
    if (n.type !== 'call_expression') return true;
    const name = n.childForFieldName('function')?.text;
    const lock = n.childForFieldName('arguments')?.namedChildren[0]?.text.replace(/\s+/g, '');
    if (!lock) return true;
    if (name === 'mutex_enter') held.push(lock);
    if (name === 'mutex_exit' && held.includes(lock)) held.splice(held.lastIndexOf(lock), 1);
    return true;
  });
  return held.at(-1) ?? null;
}

function enclosing(n: SyntaxNode, type: string): SyntaxNode | null {
  for (let p = n.parent; p; p = p.parent) if (p.type === type) return p;
  return null;
}

/** `&sc->sc_ch` → `sc->sc_ch`, for messages. */
function prose(arg: string): string {
  return arg.replace(/^&\s*/, '');
}

function fnName(fn: SyntaxNode | null): string {
  return (fn && functionName(fn)) ?? 'the function';
}
