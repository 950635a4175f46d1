/**
 * Release at FINI what INIT acquired.
 *
 * An LKM's load path could acquire kernel resources that nothing gave back at unload: a file
 * system's vfs_init (run by the kernel at attach) made its pool and hash tables, and before
 * NetBSD 1.5 struct vfsops had no vfs_done to undo them, so every modunload leaked them. A load
 * handler could do the same. NetBSD's own module(9) conversions added the missing undo
 * (cd9660_done: cd9660_ihashdone and pool_destroy); this step does it for the module:
 *
 *  - from the INIT roots (the functions a registration's attach runs, the old load handler) it
 *    follows direct calls into the module's own functions, in source order, and reads each
 *    acquisition whose release is known: `pool_init(&G, …)`, `G = hashinit(…)`,
 *    `G = malloc(…, TYPE, …)`, `G = kmem_alloc(SIZE, …)`, `G = pool_cache_init(…)`,
 *    `malloc_type_attach(M)`, G a global the module defines;
 *  - for each function that acquires, a `<name>_done()` is written right after it, in the same
 *    file (so statics are in reach and an `#ifdef` around an acquisition is repeated around its
 *    release), releasing in reverse order and calling the helpers' own done functions;
 *  - the modcmd calls it once the detach has succeeded (a refused unload keeps everything),
 *    and after the undo of a failed INIT; a finding names each resource and where it was made.
 *
 * What cannot be paired with confidence (in a loop, under a run-time condition, kept in a
 * local or a structure, freed or replaced elsewhere, a function reached twice) is a marker and
 * a finding saying what to free, never a guess. What the unload path already releases is left
 * alone.
 */
import { walk, type SyntaxNode } from '../source/cparse.ts';
import type { CSource } from './csource.ts';
import { PreprocessorConditions, type CondFrame } from '../discover/conditions.ts';
import { maskCode } from '../discover/text.ts';
import { functionName } from './handlers.ts';
import type { ModuleJob } from './job.ts';
import { handlerPath, handlerRegions, lifecyclePaths, onPath, type CodeRegion } from './lifecycle-paths.ts';
import { addressee } from './rule-helpers.ts';
import { CallMacros } from './call-macros.ts';
import { notForNetbsd } from './netbsd-branch.ts';
import { Generator, directive } from './init-release-write.ts';
import { oneLine } from '../source/quote.ts';
import { RELEASES, assigned, callArgs, constantSize, declaredIn, enclosingName, flatten, position, prose, prune, releaseCall, statementOf, statementText, storedIn, where } from './init-release-syntax.ts';
export interface InitRoots {
  /** The old load handler, if any, and the unload handler (to tell the finding why). */
  load: string | null;
  unload: string | null;
}

export interface ReleaseStatement {
  statement: string;
  comment: string;
}

/** Calls that acquire, and how their result or argument names what they acquired. */
const BY_ADDRESS = new Set(['pool_init', 'malloc_type_attach']);
const BY_RESULT = new Set(['hashinit', 'malloc', 'kmem_alloc', 'kmem_zalloc', 'pool_cache_init']);

export interface Acquisition {
  kind: 'acquire';
  file: CSource;
  call: SyntaxNode;
  callee: string;
  /** The function it is written in. */
  fnName: string;
  /** The module's global that holds it; null when it is not held in one. */
  key: string | null;
  /** What it is, for messages: `the pool cd9660_node_pool`. */
  what: string;
  /** The release statement, when known. */
  release: string | null;
  /** Why it cannot be released by the generated code. */
  problem: string | null;
  /** #if conditions between its function and it, outermost first. */
  conds: string[];
  /** The unload path releases it already: nothing to add. */
  releasedOnUnload?: boolean;
}

interface CallStep {
  kind: 'call';
  callee: string;
  file: CSource;
  call: SyntaxNode;
  conds: string[];
  steps: Step[];
}

export type Step = Acquisition | CallStep;

export interface FunctionDef {
  file: CSource;
  node: SyntaxNode;
  name: string;
}

/** A generated release function. */
export interface DoneFn {
  name: string;
  def: FunctionDef;
  /** Body items, in release order. */
  items: Array<{ conds: string[]; text: string } | { conds: string[]; call: DoneFn }>;
  /** Files that call it (the modcmd's included). */
  calledFrom: Set<string>;
}

export function releaseInitAcquisitions(job: ModuleJob, roots: InitRoots, moduleFile: CSource): ReleaseStatement | null {
  const files = job.files;
  // The kernel code the module now builds is its own: INIT is followed into it, and released there.
  const all = [...files, ...job.hosted];
  if (![...all, ...job.headers].some((f) => /\b(pool_init|hashinit|malloc|kmem_z?alloc|pool_cache_init|malloc_type_attach)\s*\(/.test(f.text))) return null;
  const functions = new Map<string, FunctionDef>();
  for (const file of all) {
    for (const node of file.root.descendantsOfType('function_definition')) {
      const name = functionName(node);
      if (name && !functions.has(name) && !job.isDead(file.path, node.startIndex) && !notForNetbsd(file, node)) functions.set(name, { file, node, name });
    }
  }
  const a = new Analysis(job, functions, all, new CallMacros([...all, ...job.headers]));
  const attachRoots = job.registrations.flatMap((r) => (r.attachRuns ?? []).map((fn) => ({ r, fn })));
  const rootRegions = new Map<string, CodeRegion[]>();
  for (const { fn } of attachRoots) rootRegions.set(fn, handlerRegions(files, fn, 'load'));
  if (roots.load) rootRegions.set(roots.load, handlerRegions(files, roots.load, 'load'));
  if (![...rootRegions.values()].some((r) => r.length)) return null;

  a.count([...rootRegions.values()].flat());
  const stepsOf = new Map<string, Step[]>();
  for (const [fn, regions] of rootRegions) stepsOf.set(fn, regions.flatMap((r) => a.steps(r, null, [fn])));
  const unload = [...lifecyclePaths(job.plan, all).unload, ...(roots.unload ? handlerPath(files, roots.unload, 'unload') : [])];
  a.checkElsewhere(unload, [...stepsOf.values()].flat());
  // What the unload path releases already is no concern of this step.
  for (const steps of stepsOf.values()) prune(steps);

  const gen = new Generator(job, functions);
  const why = (fn: string): string => {
    if (fn === roots.load) return roots.unload ? `${roots.unload}() never released it` : 'there was no unload handler to release it';
    const reg = attachRoots.find((x) => x.fn === fn)!.r;
    return `${reg.detach.replace(/\(.*$/, '')}() runs no undo of ${fn}()`;
  };
  let loadRelease: ReleaseStatement | null = null;
  const modcmd = `${job.name}_modcmd`;
  for (const [fn, steps] of stepsOf) {
    const done = gen.doneFor(fn, steps);
    const detach =
      fn !== roots.load
        ? attachRoots.find((x) => x.fn === fn)!.r.detach
        : roots.unload
          ? `${roots.unload}()`
          : job.registrations.length
            ? 'every detach'
            : null;
    a.report(steps, why(fn), (acq) => gen.doneHolding(acq), modcmd, detach);
    if (!done) continue;
    done.calledFrom.add(moduleFile.path);
    const release = { statement: `${done.name}();`, comment: `The LKM leaked what ${fn}() set up.` };
    if (fn === roots.load) loadRelease = release;
    for (const { r, fn: f } of attachRoots) if (f === fn) r.release = release;
  }
  gen.write(moduleFile);
  return loadRelease;
}

class Analysis {
  /** How many call sites on the INIT path reach each function. */
  private readonly reached = new Map<string, number>();
  private readonly conditions = new Map<string, PreprocessorConditions>();

  constructor(
    private readonly job: ModuleJob,
    private readonly functions: Map<string, FunctionDef>,
    /** The module's sources and the kernel code it hosts. */
    private readonly files: CSource[],
    private readonly macros: CallMacros,
  ) {}

  /** Count the call sites of each module function reachable from the roots. */
  count(roots: CodeRegion[]): void {
    const queue = roots.map((r) => r.node);
    for (const r of roots) this.reached.set(functionName(r.fn) ?? '', (this.reached.get(functionName(r.fn) ?? '') ?? 0) + 1);
    const seen = new Set<number>();
    while (queue.length) {
      const node = queue.shift()!;
      walk(node, (n) => {
        if (n.type !== 'call_expression') return true;
        const callee = n.childForFieldName('function');
        const def = callee?.type === 'identifier' ? this.functions.get(callee.text) : undefined;
        if (def) {
          this.reached.set(def.name, (this.reached.get(def.name) ?? 0) + 1);
          if (!seen.has(def.node.id)) {
            seen.add(def.node.id);
            queue.push(def.node);
          }
        }
        return true;
      });
    }
  }

  /** What a region acquires, in source order, following calls into the module's functions. */
  steps(region: CodeRegion, inherited: string | null, stack: string[]): Step[] {
    const file = region.file as CSource;
    const fnName = functionName(region.fn) ?? '?';
    const twice = (this.reached.get(fnName) ?? 0) > 1 ? `${fnName}() is called more than once on the load path` : null;
    const out: Step[] = [];
    walk(region.node, (n) => {
      if (n.type !== 'call_expression') return true;
      const callee = n.childForFieldName('function');
      if (callee?.type !== 'identifier') return true;
      const name = callee.text;
      if (this.job.isDead(file.path, n.startIndex)) return false;
      const conds = this.condsBetween(file, region.fn, n);
      if (conds === null) return false;
      const viaMacro = BY_ADDRESS.has(name) || BY_RESULT.has(name) || this.functions.has(name) ? null : this.macros.expand(name, callArgs(n), (c) => BY_ADDRESS.has(c) || BY_RESULT.has(c));
      if (BY_ADDRESS.has(name) || BY_RESULT.has(name) || viaMacro) {
        const problem = inherited ?? twice ?? position(n, region.node, region.fn) ?? (viaMacro && 'problem' in viaMacro ? viaMacro.problem : null);
        const acq = this.acquisition(file, n, viaMacro?.callee ?? name, fnName, region.fn, conds, problem, viaMacro && 'args' in viaMacro ? viaMacro.args : undefined);
        if (acq) out.push(acq);
        return false;
      }
      const def = this.functions.get(name);
      if (def && !stack.includes(name)) {
        const why = inherited ?? twice ?? position(n, region.node, region.fn, { made: `${fnName}() calls ${name}()`, making: `calling ${name}()` });
        const inner = this.steps({ file: def.file, node: def.node, fn: def.node }, why, [...stack, name]);
        if (inner.length) out.push({ kind: 'call', callee: name, file, call: n, conds, steps: inner });
      }
      return true;
    });
    return out;
  }

  /** What a call acquires; null for a local the same function releases (a scratch buffer). */
  private acquisition(file: CSource, call: SyntaxNode, callee: string, fnName: string, fn: SyntaxNode, conds: string[], problem: string | null, expanded?: string[]): Acquisition | null {
    const args = expanded ?? callArgs(call);
    const acq: Acquisition = { kind: 'acquire', file, call, callee, fnName, key: null, what: `what ${callee}() returns`, release: null, problem, conds };
    let key: string | null;
    if (BY_ADDRESS.has(callee)) {
      const arg = args[0] ?? '';
      key = callee === 'pool_init' ? (/^&\s*\w+$/.test(arg) ? addressee(arg) : null) : /^\w+$/.test(arg) ? arg : null;
      acq.what = callee === 'pool_init' ? `the pool ${prose(arg)}` : `the malloc type ${arg}`;
      if (!key) return { ...acq, problem: acq.problem ?? `${arg} is not a variable of the module's` };
    } else {
      const target = storedIn(call);
      if (!target) return { ...acq, problem: acq.problem ?? `its result is not stored in a variable (${oneLine(statementText(call), 60)})` };
      acq.what =
        callee === 'hashinit' ? `the hash table ${target}` : callee === 'pool_cache_init' ? `the pool cache ${target}` : callee === 'malloc' ? `${target} (malloc(), type ${args[1] ?? '?'})` : `${target} (${callee}(${args[0] ?? ''}))`;
      if (!/^\w+$/.test(target)) return { ...acq, problem: acq.problem ?? `it is stored in ${target}, not in a global variable` };
      key = target;
    }
    if (declaredIn(fn, key)) {
      if (file.identifiers(key, fn).some((id) => this.releaseCall(id))) return null;
      return { ...acq, problem: acq.problem ?? `it is kept in the local ${key}` };
    }
    if (!this.definesGlobal(key)) return { ...acq, problem: acq.problem ?? `${key} is not defined in the module's sources` };
    // Only a global of the module's is looked for elsewhere (released on unload, replaced).
    acq.key = key;
    const rel = this.releaseOf(callee, key, args);
    if ('problem' in rel) return { ...acq, problem: acq.problem ?? rel.problem };
    return { ...acq, release: rel.text };
  }

  /**
   * The module's sources define `key` at file scope: a declaration tree-sitter reads, or one
   * whose type is a macro (`LIST_HEAD(pfs_hashhead, pfsnode) *pfs_hashtbl;`), which it does not.
   */
  private definesGlobal(key: string): boolean {
    const def = this.job.definition(key, this.files);
    if (def) return !(def.node.type === 'declaration' && /^\s*extern\b/.test(def.node.text));
    const macroTyped = new RegExp(`^[ \\t]*(?:static[ \\t]+)?[A-Z_][A-Z0-9_]*[ \\t]*\\([^;{}()]*\\)[\\s*]*\\b${key}[ \\t]*(?:\\[[^\\]]*\\])?[ \\t]*;`, 'm');
    return this.files.some((f) => f.text.includes(key) && macroTyped.test(maskCode(f.text)));
  }

  private releaseOf(callee: string, key: string, args: string[]): { text: string } | { problem: string } {
    switch (callee) {
      case 'pool_init':
        return { text: `pool_destroy(&${key});` };
      case 'pool_cache_init':
        return { text: `pool_cache_destroy(${key});` };
      case 'malloc_type_attach':
        return { text: `malloc_type_detach(${key});` };
      case 'malloc':
        return args.length >= 2 ? { text: `free(${key}, ${args[1]});` } : { problem: 'its malloc type cannot be read' };
      case 'kmem_alloc':
      case 'kmem_zalloc':
        return args[0] && constantSize(args[0]) ? { text: `kmem_free(${key}, ${args[0]});` } : { problem: `its size (${args[0] ?? '?'}) may not be the same at unload` };
      case 'hashinit':
        return this.hashRelease(key, args);
    }
    return { problem: `lkm2mod knows no release for ${callee}()` };
  }

  /**
   * hashinit's undo in the kernel's own generation: `hashdone(tbl, type)` (NetBSD 1.5–4),
   * `hashdone(tbl, htype, mask)` (5.0 on), or `free(tbl, type)` where the kernel has no
   * hashdone (NetBSD 1.4 and before, whose hashinit is a malloc).
   */
  private hashRelease(key: string, args: string[]): { text: string } | { problem: string } {
    const params = this.job.kernelHeaders.prototypeParams('hashdone', 'sys/systm.h');
    const htype = /^HASH_\w+$/.test(args[1] ?? '');
    if (args.length === 4 && htype) {
      const mask = addressee(args[3] ?? '');
      if (params !== 3 || !mask || !/^&/.test(args[3].trim())) return { problem: `the kernel's hashdone() does not take this hashinit()'s (${args.join(', ')}) type and mask` };
      return { text: `hashdone(${key}, ${args[1]}, ${mask});` };
    }
    const type = args.length === 5 ? args[2] : args.length === 4 ? args[1] : null;
    if (!type) return { problem: `this hashinit() form (${args.length} arguments) is not one lkm2mod knows` };
    if (params === null) return { text: `free(${key}, ${type});` };
    if (params === 2) return { text: `hashdone(${key}, ${type});` };
    return { problem: `the kernel's hashdone() takes ${params} arguments, which this hashinit() (${args.join(', ')}) does not give` };
  }

  /**
   * Drops acquisitions the unload path already releases, and makes a problem of those released
   * or replaced anywhere else: whether they are still held at unload is not for lkm2mod to say.
   */
  checkElsewhere(unload: CodeRegion[], steps: Step[]): void {
    const all = flatten(steps);
    const keys = new Map<string, Acquisition[]>();
    for (const acq of all) if (acq.key) keys.set(acq.key, [...(keys.get(acq.key) ?? []), acq]);
    for (const [key, acqs] of keys) {
      if (acqs.length > 1) {
        for (const acq of acqs.slice(1)) acq.problem ??= `${key} is acquired twice on the load path (also at ${where(acqs[0].file, acqs[0].call)})`;
      }
      const uses = this.files.flatMap((src) =>
        src.identifiers(key)
          .filter((id) => !this.job.isDead(src.path, id.startIndex) && !acqs.some((a) => a.file === src && statementOf(a.call).id === statementOf(id).id))
          .map((id) => ({ src, id, release: this.releaseCall(id) })),
      );
      if (uses.some((u) => u.release && onPath(unload, u.src, u.release.startIndex, u.release.endIndex))) {
        for (const acq of acqs) acq.releasedOnUnload = true;
        continue;
      }
      for (const { src, id, release } of uses) {
        {
          if (release) {
            for (const acq of acqs) acq.problem ??= `${key} is also released by ${enclosingName(id)}() (${where(src, release)})`;
          } else if (assigned(id) && !BY_ADDRESS.has(acqs[0].callee)) {
            for (const acq of acqs) acq.problem ??= `${key} is also assigned in ${enclosingName(id)}() (${where(src, id)})`;
          }
        }
      }
    }
  }

  /** Findings: a note per released resource, a marker per one left to a person. */
  report(steps: Step[], why: string, doneOf: (acq: Acquisition) => string | null, modcmd: string, detach: string | null): void {
    const after = detach ? ` after ${detach} succeeded` : '';
    for (const acq of flatten(steps)) {
      const cond = acq.conds.length ? ` (under ${acq.conds.map(directive).join(', ')}, as where it is made)` : '';
      const done = acq.problem ? null : doneOf(acq);
      if (done) {
        this.job.finding({
          file: acq.file.path,
          line: acq.file.line(acq.call.startIndex),
          severity: 'note',
          code: 'init-released',
          message: `${acq.fnName}() acquires ${acq.what} here on load, and nothing released it at unload (${why}): a leak on every unload. ${done}() now releases it with ${acq.release!.replace(/;$/, '')}${cond}, called by ${modcmd}'s MODULE_CMD_FINI${after}.`,
        });
        continue;
      }
      const how = acq.release ? ` (${acq.release.replace(/;$/, '')})` : '';
      this.job.marker(acq.file.path, acq.call.startIndex, 'init-release-by-hand', 'warning',
        acq.key
          ? `${acq.fnName}() acquires ${acq.what} on load and nothing releases it at unload (${why}), but lkm2mod cannot release it safely: ${acq.problem ?? 'it is not paired'}. Release it${how} in ${modcmd}'s MODULE_CMD_FINI${after}.`
          : `${acq.fnName}() acquires ${acq.what} on load, and lkm2mod can neither see what releases it at unload nor release it safely itself: ${acq.problem ?? 'it is not paired'}. If nothing does, release it${how} in ${modcmd}'s MODULE_CMD_FINI${after}.`);
    }
  }

  /** The release call an identifier is the first argument of: `free(G, …)`, `pool_destroy(&G)`, or a macro making one. */
  private releaseCall(id: SyntaxNode): SyntaxNode | null {
    return releaseCall(id, (name, args) => this.macros.expand(name, args, (c) => RELEASES.has(c)));
  }

  /** The #if conditions between a function's start and a node; null when the node is never compiled. */
  private condsBetween(file: CSource, fn: SyntaxNode, node: SyntaxNode): string[] | null {
    let pc = this.conditions.get(file.path);
    if (!pc) {
      pc = new PreprocessorConditions(maskCode(file.text));
      this.conditions.set(file.path, pc);
    }
    const outer = new Set(pc.at(fn.startIndex).map((f: CondFrame) => `${f.group}:${f.branch}`));
    const inner = pc.at(node.startIndex);
    if (inner.some((f) => f.dead)) return null;
    return inner.filter((f) => !outer.has(`${f.group}:${f.branch}`) && !f.always).map((f) => f.condition);
  }
}
