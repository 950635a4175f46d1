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
import path from 'node:path';
import { walk, type SyntaxNode } from '../source/cparse.ts';
import type { CSource } from './csource.ts';
import { PreprocessorConditions, type CondFrame } from '../discover/conditions.ts';
import { maskCode } from '../discover/text.ts';
import { functionName } from './handlers.ts';
import type { ModuleJob } from './job.ts';
import { handlerPath, handlerRegions, lifecyclePaths, onPath, type CodeRegion } from './lifecycle-paths.ts';
import { addressee } from './rule-helpers.ts';
import { CallMacros, type MacroCall } from './call-macros.ts';
import { notForNetbsd } from './netbsd-branch.ts';

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
/** Calls that release, with the argument that names what they release. */
const RELEASES = new Set(['free', 'pool_destroy', 'hashdone', 'kmem_free', 'malloc_type_detach', 'pool_cache_destroy', 'FREE']);

interface Acquisition {
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

type Step = Acquisition | CallStep;

interface FunctionDef {
  file: CSource;
  node: SyntaxNode;
  name: string;
}

/** A generated release function. */
interface DoneFn {
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
      if (!target) return { ...acq, problem: acq.problem ?? `its result is not stored in a variable (${oneLine(statementText(call))})` };
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

class Generator {
  private readonly dones = new Map<string, DoneFn | null>();
  private readonly names = new Set<string>();

  constructor(
    private readonly job: ModuleJob,
    private readonly functions: Map<string, FunctionDef>,
  ) {}

  /** The done function releasing what `fn` acquires (given its steps), or null for nothing. */
  doneFor(fn: string, steps: Step[]): DoneFn | null {
    if (this.dones.has(fn)) return this.dones.get(fn)!;
    const items: DoneFn['items'] = [];
    for (const s of [...steps].reverse()) {
      if (s.kind === 'acquire') {
        if (!s.problem && s.release) items.push({ conds: s.conds, text: s.release });
        continue;
      }
      const inner = this.doneFor(s.callee, s.steps);
      if (inner) items.push({ conds: s.conds, call: inner });
    }
    let done: DoneFn | null = null;
    const def = this.functions.get(fn);
    if (items.length === 1 && 'call' in items[0] && !items[0].conds.length) done = items[0].call;
    else if (items.length && def) done = { name: this.nameFor(fn), def, items, calledFrom: new Set() };
    this.dones.set(fn, done);
    if (done) for (const it of done.items) if ('call' in it) it.call.calledFrom.add(done.def.file.path);
    return done;
  }

  /** The done function that holds an acquisition's release. */
  doneHolding(acq: Acquisition): string | null {
    for (const d of this.dones.values()) {
      if (d && d.def.name === acq.fnName && d.items.some((i) => 'text' in i && i.text === acq.release)) return d.name;
    }
    return null;
  }

  /** Writes each done function after the function it undoes, and the prototypes the callers need. */
  write(moduleFile: CSource): void {
    const written = [...new Set([...this.dones.values()].filter((d): d is DoneFn => !!d))];
    for (const d of written) {
      const isStatic = isStaticDone(d);
      const protos = d.items.flatMap((i) => ('call' in i && (i.call.def.file !== d.def.file || i.call.def.node.startIndex > d.def.node.startIndex) ? [prototype(i.call, isStaticDone(i.call))] : []));
      const body = d.items.flatMap((i) => {
        const stmt = 'call' in i ? `${i.call.name}();` : i.text;
        return [...i.conds.map((c) => directive(c)), `\t${stmt}`, ...i.conds.map(() => '#endif')];
      });
      const text = [
        '',
        '',
        ...[...new Set(protos)],
        ...(protos.length ? [''] : []),
        `/* Frees what ${d.def.name}() set up: the LKM leaked it at every unload. */`,
        isStatic ? 'static void' : 'void',
        `${d.name}(void)`,
        '{',
        '',
        ...body,
        '}',
      ].join('\n');
      d.def.file.edits.insert(d.def.node.endIndex, text, `${this.job.origin}: release at FINI`);
      if (d.calledFrom.has(moduleFile.path)) this.job.declarations.push(prototype(d, isStatic));
    }
  }

  /** `<fn minus init>done` or `<fn>_done`, not yet taken in the module or its headers. */
  private nameFor(fn: string): string {
    const base = /.init$/.test(fn) ? fn.replace(/init$/, 'done') : `${fn}_done`;
    const texts = [...this.job.files, ...this.job.headers].map((f) => f.text);
    const taken = (n: string) => this.names.has(n) || texts.some((t) => new RegExp(`\\b${n}\\b`).test(t));
    let name = base;
    for (let i = 2; taken(name); i++) name = `${base}${i}`;
    this.names.add(name);
    return name;
  }
}

/** Called only from its own file (by another done function, or by the modcmd written there): static. */
function isStaticDone(d: DoneFn): boolean {
  return [...d.calledFrom].every((f) => f === d.def.file.path);
}

function prototype(d: DoneFn, isStatic: boolean): string {
  return `${isStatic ? 'static ' : ''}void\t${d.name}(void);`;
}

/** `defined(X)` → `#ifdef X`, `!defined(X)` → `#ifndef X`, anything else `#if …`. */
function directive(cond: string): string {
  const d = /^defined\((\w+)\)$/.exec(cond);
  if (d) return `#ifdef ${d[1]}`;
  const n = /^!defined\((\w+)\)$/.exec(cond);
  if (n) return `#ifndef ${n[1]}`;
  return `#if ${cond}`;
}

/**
 * Why a call in a region does not run exactly once whenever the region runs: a loop, a branch,
 * an earlier return that may leave the function having succeeded.
 */
function position(node: SyntaxNode, region: SyntaxNode, fn: SyntaxNode, say = { made: 'it is made', making: 'making it' }): string | null {
  for (let child = node, p = node.parent; p && child.id !== region.id; child = p, p = p.parent) {
    if (p.type === 'for_statement' || p.type === 'while_statement' || p.type === 'do_statement') return `${say.made} in a loop`;
    if (p.type === 'if_statement' && child.id !== p.childForFieldName('condition')?.id) {
      const cond = (p.childForFieldName('condition')?.text ?? 'a condition').replace(/^\(\s*([\s\S]*?)\s*\)$/, '$1');
      return `${say.made} only when ${oneLine(cond)} ${p.childForFieldName('alternative')?.id === child.id ? 'is false' : 'holds'}`;
    }
    if (p.type === 'conditional_expression' && child.id !== p.childForFieldName('condition')?.id) return `${say.made} in one arm of a ?: expression`;
    if (p.type === 'binary_expression' && /^(&&|\|\|)$/.test(p.childForFieldName('operator')?.text ?? '') && child.id === p.childForFieldName('right')?.id) {
      return `${say.made} on one side of a && or ||`;
    }
    if (p.type === 'case_statement' && p.id !== region.id) return `${say.made} in one case of a switch`;
  }
  let early: SyntaxNode | null = null;
  walk(region, (n) => {
    if (early || n.startIndex >= node.startIndex) return false;
    if (n.type === 'return_statement' && n.endIndex <= node.startIndex) {
      if (onceGuard(n, fn, node)) return false;
      const value = n.namedChildren.find((c) => c.type !== 'comment');
      if (!value || /^\(?\s*0\s*\)?$/.test(value.text)) early = n;
      return false;
    }
    return true;
  });
  return early ? `${functionName(fn) ?? 'the function'}() can return before ${say.making}` : null;
}

/**
 * `static int done; if (done) return; done = 1;` at the top of the function (ufs_init, which
 * every ufs-based file system's vfs_init calls): the work after it runs once per module image,
 * so it is made once whenever the function runs first, and one release at FINI is right. The
 * flag stays set, which is harmless: after FINI the image is unloaded, and a load is a fresh
 * image with the flag clear.
 */
function onceGuard(ret: SyntaxNode, fn: SyntaxNode, acquisition: SyntaxNode): boolean {
  let stmt: SyntaxNode = ret;
  if (stmt.parent?.type === 'compound_statement' && stmt.parent.namedChildren.filter((c) => c.type !== 'comment').length === 1) stmt = stmt.parent;
  const guard = stmt.parent;
  if (guard?.type !== 'if_statement' || guard.childForFieldName('consequence')?.id !== stmt.id || guard.childForFieldName('alternative')) return false;
  const body = fn.childForFieldName('body');
  if (guard.parent?.id !== body?.id || !body) return false;
  const flag = /^\(\s*(\w+)\s*(?:!=\s*0\s*)?\)$/.exec(guard.childForFieldName('condition')?.text ?? '')?.[1];
  if (!flag) return false;
  const isStatic = (d: SyntaxNode) => d.type === 'declaration' && d.children.some((c) => c.type === 'storage_class_specifier' && c.text === 'static') && d.childrenForFieldName('declarator').some((x) => declaratorName(x) === flag);
  const local = body.namedChildren.find((c) => c.type === 'declaration' && c.childrenForFieldName('declarator').some((x) => declaratorName(x) === flag));
  const global = fn.parent?.namedChildren.find((c) => c.endIndex <= fn.startIndex && isStatic(c));
  if (local ? !isStatic(local) : !global) return false;
  // The flag is set before anything is made, in the function's own body, right after the guard.
  const after = body.namedChildren.filter((c) => c.type !== 'comment' && c.startIndex > guard.endIndex);
  const set = after[0];
  return !!set && set.endIndex <= acquisition.startIndex && new RegExp(`^${flag}\\s*=\\s*[1-9]\\d*\\s*;$|^${flag}\\s*\\+\\+\\s*;$`).test(set.text.trim());
}

/** `G = malloc(…)`, `G = (T *)malloc(…)`, `(G = malloc(…)) == NULL`: the left-hand side as written. */
function storedIn(call: SyntaxNode): string | null {
  let n: SyntaxNode = call;
  while (n.parent && (n.parent.type === 'cast_expression' || n.parent.type === 'parenthesized_expression')) n = n.parent;
  const p = n.parent;
  if (p?.type !== 'assignment_expression' || p.childForFieldName('right')?.id !== n.id) return null;
  if (p.childForFieldName('operator')?.text !== '=') return null;
  return p.childForFieldName('left')?.text.replace(/\s+/g, '') ?? null;
}

function statementText(call: SyntaxNode): string {
  let n: SyntaxNode = call;
  while (n.parent && n.type !== 'expression_statement' && n.type !== 'return_statement' && n.type !== 'declaration') n = n.parent;
  return n.text;
}

/** A size that means the same at unload as at load: literals, sizeof, upper-case macros. */
function constantSize(text: string): boolean {
  const stripped = text.replace(/\bsizeof\s*\([^()]*(\([^()]*\)[^()]*)*\)/g, '1').replace(/\bsizeof\s+\**\w+(->\w+|\.\w+)*/g, '1');
  return (stripped.match(/[A-Za-z_]\w*/g) ?? []).every((id) => /^[A-Z_][A-Z0-9_]*$/.test(id));
}

/** Whether `name` is a parameter or local of the function (K&R parameter declarations included). */
function declaredIn(fn: SyntaxNode, name: string): boolean {
  return fn.descendantsOfType(['declaration', 'parameter_declaration']).some((d) =>
    d.childrenForFieldName('declarator').some((decl) => declaratorName(decl) === name),
  );
}

/** The name a declarator declares: through `= init`, `*`, `[]`, parentheses; null for a prototype. */
function declaratorName(d: SyntaxNode | null): string | null {
  while (d && d.type !== 'identifier') {
    if (d.type === 'function_declarator') return null;
    d = d.childForFieldName('declarator') ?? (d.type === 'parenthesized_declarator' ? d.namedChildren[0] ?? null : null);
  }
  return d?.text ?? null;
}

/** The release call an identifier is the first argument of: `free(G, …)`, `pool_destroy(&G)`. */
function releaseCall(id: SyntaxNode, viaMacro?: (name: string, args: string[]) => MacroCall | null): SyntaxNode | null {
  let n: SyntaxNode = id;
  while (n.parent && (n.parent.type === 'pointer_expression' || n.parent.type === 'cast_expression' || n.parent.type === 'parenthesized_expression')) n = n.parent;
  const args = n.parent;
  if (args?.type !== 'argument_list' || args.namedChildren.filter((c) => c.type !== 'comment')[0]?.id !== n.id) return null;
  const call = args.parent;
  const name = call?.childForFieldName('function')?.text ?? '';
  if (!call) return null;
  if (RELEASES.has(name)) return call;
  // A macro whose first argument becomes the release's first argument: `HASHDONE(tbl, …)`.
  const m = viaMacro?.(name, callArgs(call));
  return m && 'args' in m && m.args[0]?.replace(/^&\s*/, '').replace(/\s+/g, '') === n.text.replace(/^&\s*/, '').replace(/\s+/g, '') ? call : null;
}

function callArgs(call: SyntaxNode): string[] {
  return (call.childForFieldName('arguments')?.namedChildren ?? []).filter((c) => c.type !== 'comment').map((c) => c.text.trim());
}

function assigned(id: SyntaxNode): boolean {
  const p = id.parent;
  return p?.type === 'assignment_expression' && p.childForFieldName('left')?.id === id.id;
}

/** The statement (or top-level declaration) a node is part of. */
function statementOf(n: SyntaxNode): SyntaxNode {
  while (n.parent && !/^(compound_statement|translation_unit|case_statement|preproc_\w+)$/.test(n.parent.type)) n = n.parent;
  return n;
}

function enclosingName(n: SyntaxNode): string {
  for (let p = n.parent; p; p = p.parent) if (p.type === 'function_definition') return functionName(p) ?? '?';
  return 'a declaration';
}

function flatten(steps: Step[]): Acquisition[] {
  return steps.flatMap((s) => (s.kind === 'acquire' ? [s] : flatten(s.steps)));
}

/** Removes acquisitions whose release was found on the unload path, and calls left empty. */
function prune(steps: Step[]): void {
  for (let i = steps.length - 1; i >= 0; i--) {
    const s = steps[i];
    if (s.kind === 'acquire') {
      if (s.releasedOnUnload) steps.splice(i, 1);
    } else {
      prune(s.steps);
      if (!s.steps.length) steps.splice(i, 1);
    }
  }
}

function where(file: CSource, n: SyntaxNode): string {
  return `${path.basename(file.path)}:${file.line(n.startIndex)}`;
}

function prose(arg: string): string {
  return arg.replace(/^&\s*/, '');
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 60 ? `${t.slice(0, 57)}...` : t;
}
