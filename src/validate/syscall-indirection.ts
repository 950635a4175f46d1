/**
 * The syscall-indirection check: code that reaches another module's syscall through the
 * syscall table (`sy_call(&sysent[SYS_x], l, uap, retval)`, what convert writes for a direct
 * call) really does, in the simulated kernel, for every such call site of the module:
 *
 *   1. provider absent, autoload off: the call gets ENOSYS from sys_nosys (SIGSYS posted);
 *   2. autoload on, slot in the autoload table (syscalls.master `MODULAR <module>`): the call
 *      autoloads the provider, gets ERESTART, and — restarted as the syscall return path would —
 *      reaches the provider's handler;
 *   3. provider loaded: the call reaches its handler (sys_nomodule is not involved, the slot
 *      holds the provider's function);
 *   4. provider unloaded: ENOSYS again.
 *
 * The calling function is run as the module has it, compiled and loaded: a syscall-shaped
 * function gets a native LWP, a zeroed argument block and a retval array; other parameters
 * zero (a local wrapper called directly). Which module provides each slot comes from the
 * syscalls.master of the tree the module sits in; the kernel is booted from it.
 */
import { readFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { parseC, walk, type SyntaxNode } from '../source/cparse.ts';
import { parseSyscallsMaster, syscallsMasterPath } from '../source/syscalls-master.ts';
import { Kernel } from '../kernel/kernel.ts';
import { constant } from '../kernel/abi.ts';
import { crashMessage, isCrash } from '../kernel/crash.ts';
import { errnoName } from '../kernel/errno.ts';
import { asNumber, int, NULL_PTR, pointerTo, type Callable, type Value } from '../kernel/machine/memory.ts';
import type { ModuleObject } from '../kernel/object.ts';
import type { ModuleSource } from '../kernel/source.ts';
import type { ModularSyscall } from '../kernel/subsys/syscall-autoload.ts';
import type { CheckResult, CheckSite } from './result.ts';

/** What the check needs of the module under validation (a subset of validate's Subject). */
export interface IndirectionSubject {
  spec: { name: string; moduleDir: { dir: string; sources: string[] } };
  object: ModuleObject;
  /** mi_name */
  infoName: string;
  catalog: { source(hidden?: ReadonlySet<string>): ModuleSource };
}

/** A `sy_call(&sysent[X], …)` in the module's sources. */
export interface IndirectCall extends CheckSite {
  /** The slot as written: `SYS_msgget`, or a number. */
  slot: string;
  /** The function the call is in, and its parameter declarations as written. */
  caller: string;
  params: string[];
}

const MAX_RESTARTS = 8;

export async function syscallIndirection(s: IndirectionSubject): Promise<CheckResult> {
  const started = performance.now();
  const details: string[] = [];
  const sites: CheckSite[] = [];
  let ok = true;
  const done = (skipped = false): CheckResult => ({
    name: 'syscall-indirection',
    ok,
    ...(skipped ? { skipped: true } : {}),
    details,
    ...(sites.length ? { sites } : {}),
    timeMs: Math.round(performance.now() - started),
  });
  const fail = (line: string, site?: CheckSite) => {
    ok = false;
    details.push(line);
    if (site) sites.push({ file: site.file, line: site.line });
  };

  const calls = s.spec.moduleDir.sources.filter((f) => f.endsWith('.c')).flatMap(findIndirectCalls);
  if (calls.length === 0) {
    details.push('no call through the syscall table (sy_call(&sysent[…])) in this module');
    return done(true);
  }
  const modular = modularSyscalls(s.spec.moduleDir.dir);
  const probe = Kernel.boot({ era: 'module', modularSyscalls: modular.calls });
  const numberOf = (slot: string): number | null => {
    if (/^\d+$/.test(slot)) return Number(slot);
    const name = slot.replace(/^SYS_/, '');
    const fromMaster = modular.numbers.get(name);
    if (fromMaster !== undefined) return fromMaster;
    for (const [code, n] of probe.syscalls.names) if (n === name) return code;
    return null;
  };
  details.push(modular.path ? `slots and modules from ${modular.path}` : 'no syscalls.master above the module: slots from the bundled <sys/syscall.h>, modules from the kernel\'s own autoload table');

  const seen = new Set<string>();
  for (const c of calls) {
    const key = `${c.caller}\0${c.slot}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const code = numberOf(c.slot);
    const at = `${c.file}:${c.line}`;
    if (code === null) {
      fail(`${at}: ${c.caller}() calls sysent[${c.slot}], a slot neither syscalls.master nor <sys/syscall.h> numbers`, c);
      continue;
    }
    const provider = probe.syscalls.autoload.get(code);
    if (!provider) {
      fail(`${at}: ${c.caller}() calls sysent[${c.slot}] (slot ${code}), which no module provides in this kernel: mark it MODULAR <module> in syscalls.master`, c);
      continue;
    }
    if (!s.object.defined.has(c.caller)) {
      details.push(`${at}: ${c.caller}() is not in the compiled module (not built for this architecture?); not run`);
      continue;
    }
    for (const problem of await scenario(s, c, code, provider, modular.calls, details)) fail(`${at}: ${problem}`, c);
  }
  return done();
}

/** Steps 1-4 for one call site; returns what went wrong. */
async function scenario(s: IndirectionSubject, c: IndirectCall, code: number, provider: string, modular: ModularSyscall[], details: string[]): Promise<string[]> {
  const problems: string[] = [];
  const k = Kernel.boot({ era: 'module', source: s.catalog.source(), modularSyscalls: modular });
  k.modules.autoloadEnabled = false;
  const loaded = await k.load(s.object);
  if (loaded.error) return [`${s.infoName} does not load (${loaded.errno}: ${loaded.message}); the call could not be run`];
  if (k.modules.lookup(provider)) {
    return [`loading ${s.infoName} loaded ${provider} too: it still requires the module it should reach only through sysent[${c.slot}]`];
  }
  const lwp = k.spawn();
  const what = `${c.caller}() → sysent[${c.slot}]`;

  const absent = await run(k, s, c, lwp.cell);
  if (absent.crash) return [`${what} crashed with ${provider} absent: ${absent.crash}`];
  if (absent.error !== constant('ENOSYS') || !absent.calls.includes('sys_nosys')) {
    problems.push(`${what} with ${provider} absent returned ${errnoName(absent.error)}, not ENOSYS from sys_nosys`);
  } else details.push(`${what}: ${provider} absent → ENOSYS (sys_nomodule, then sys_nosys)`);

  k.modules.autoloadEnabled = true;
  const auto = await run(k, s, c, lwp.cell);
  if (auto.crash) return [...problems, `${what} crashed while autoloading ${provider}: ${auto.crash}`];
  if (!k.modules.lookup(provider)) {
    problems.push(`${what}: sys_nomodule did not autoload ${provider} (returned ${errnoName(auto.error)}): ${k.console.at(-1) ?? ''}`.trim());
    const r = await k.load(provider);
    if (r.error) return [...problems, `${provider} does not load (${r.errno}: ${r.message})`];
  } else if (auto.restarts === 0 || !reached(k, auto, code, provider)) {
    problems.push(`${what}: ${provider} was autoloaded but the restarted call did not reach its handler`);
  } else details.push(`${what}: autoload on → ${provider} autoloaded, ERESTART, restarted call reached ${k.syscalls.handler(code)!.name}() (${errnoName(auto.error)})`);

  const present = await run(k, s, c, lwp.cell);
  if (present.crash) return [...problems, `${what} crashed with ${provider} loaded: ${present.crash}`];
  if (!reached(k, present, code, provider)) problems.push(`${what} with ${provider} loaded did not reach its handler (returned ${errnoName(present.error)})`);
  else details.push(`${what}: ${provider} loaded → reached ${k.syscalls.handler(code)!.name}() (${errnoName(present.error)})`);

  k.modules.autoloadEnabled = false;
  let after = k;
  const unloaded = await k.unload(provider);
  if (unloaded.error) {
    // The provider's own busy check may refuse because of what the calls above created (a
    // message queue): take the unload in a kernel where the module was loaded but not called.
    details.push(`${provider} refused to unload after the calls (${unloaded.errno}); the after-unload step runs in a fresh kernel`);
    after = Kernel.boot({ era: 'module', source: s.catalog.source(), modularSyscalls: modular });
    after.modules.autoloadEnabled = false;
    for (const step of [await after.load(s.object), await after.load(provider), await after.unload(provider)]) {
      if (step.error) return [...problems, `${provider} could not be loaded and unloaded (${step.errno}: ${step.message})`];
    }
  }
  const gone = await run(after, s, c, after.spawn().cell);
  if (gone.crash) return [...problems, `${what} crashed after ${provider} was unloaded: ${gone.crash}`];
  if (gone.error !== constant('ENOSYS')) problems.push(`${what} after ${provider} was unloaded returned ${errnoName(gone.error)}, not ENOSYS`);
  else details.push(`${what}: ${provider} unloaded → ENOSYS again`);
  return problems;
}

interface Run {
  error: number;
  restarts: number;
  /** Kernel functions called during the run, by name. */
  calls: string[];
  /** Callers of those kernel functions (module names). */
  callers: string[];
  crash?: string;
}

/** Call the function as the module's code, restarting on ERESTART as the syscall return path does. */
async function run(k: Kernel, s: IndirectionSubject, c: IndirectCall, lwp: Parameters<typeof pointerTo>[0]): Promise<Run> {
  return k.withLock(() =>
    k.lock.owned(() => {
      const mod = k.modules.lookup(s.infoName);
      const sym = mod?.kobj?.image.lookup(c.caller);
      if (!sym || !('fn' in sym)) return { error: -1, restarts: 0, calls: [], callers: [], crash: `${c.caller} is not a function of the loaded ${s.infoName}` };
      const fn: Callable = sym.fn;
      const mark = k.calls.mark();
      let restarts = 0;
      let error = 0;
      try {
        for (;;) {
          const args = argumentsFor(k, c.params, lwp);
          error = asNumber(k.journal.atomic(() => k.runAs(s.infoName, () => fn.invoke(args)), isCrash));
          if (error !== constant('ERESTART') || restarts >= MAX_RESTARTS) break;
          restarts++;
        }
      } catch (err) {
        if (!isCrash(err)) throw err;
        return { error: -1, restarts, calls: [], callers: [], crash: crashMessage(err) };
      }
      const log = k.calls.since(mark);
      return { error, restarts, calls: log.map((r) => r.name), callers: log.map((r) => r.caller ?? 'kernel') };
    }),
  );
}

/** The call reached the provider: no placeholder ran, and the slot holds the provider's function. */
function reached(k: Kernel, r: Run, code: number, provider: string): boolean {
  const last = r.calls.lastIndexOf('sys_nomodule');
  const tail = r.calls.slice(last + 1);
  return !tail.includes('sys_nosys') && !tail.includes('sys_nomodule') && k.syscalls.handler(code)?.provider === provider && (r.restarts > 0 || last === -1);
}

/** An LWP for `struct lwp *`, a retval array for `register_t *`, zeroed memory for other pointers, 0 otherwise. */
function argumentsFor(k: Kernel, params: string[], lwp: Parameters<typeof pointerTo>[0]): Value[] {
  return params.map((p) => {
    if (/\bstruct\s+lwp\s*\*/.test(p)) return pointerTo(lwp);
    if (/\bregister_t\s*\*/.test(p)) return pointerTo(k.data.newRetval(), 0);
    if (p.includes('*')) return k.kmem.alloc('kmem', 'kmem', 512);
    if (/^\s*void\s*$/.test(p)) return NULL_PTR;
    return int(0);
  }).filter((_, i) => !/^\s*void\s*$/.test(params[i]!));
}

/** Every `sy_call(&sysent[X], …)` in a source file, with the function it is in. */
export function findIndirectCalls(file: string): IndirectCall[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  if (!text.includes('sy_call')) return [];
  const out: IndirectCall[] = [];
  walk(parseC(text).rootNode, (n) => {
    if (n.type !== 'call_expression' || n.childForFieldName('function')?.text !== 'sy_call') return true;
    const first = n.childForFieldName('arguments')?.namedChildren[0];
    const m = first ? /^&\s*sysent\s*\[\s*(\w+)\s*\]$/.exec(first.text) : null;
    const fn = enclosing(n);
    if (m && fn) out.push({ file, line: n.startPosition.row + 1, slot: m[1]!, caller: fn.name, params: fn.params });
    return true;
  });
  return out;
}

function enclosing(n: SyntaxNode): { name: string; params: string[] } | null {
  for (let p = n.parent; p; p = p.parent) {
    if (p.type !== 'function_definition') continue;
    let d = p.childForFieldName('declarator');
    while (d && d.type !== 'function_declarator') d = d.childForFieldName('declarator');
    const name = d?.childForFieldName('declarator')?.text;
    const list = d?.childForFieldName('parameters')?.namedChildren ?? [];
    // K&R: `f(l, v, retval) struct lwp *l; void *v; register_t *retval; { … }`.
    const knr = new Map<string, string>();
    for (const decl of p.namedChildren.filter((c) => c.type === 'declaration')) {
      for (const id of decl.descendantsOfType('identifier')) knr.set(id.text, decl.text);
    }
    const params = list.flatMap((c) => (c.type === 'parameter_declaration' ? [c.text] : c.type === 'identifier' ? [knr.get(c.text) ?? `int ${c.text}`] : []));
    return name ? { name, params } : null;
  }
  return null;
}

/** The MODULAR entries of the syscalls.master above `dir`, and the SYS_ numbers it gives. */
function modularSyscalls(dir: string): { path: string | null; calls: ModularSyscall[]; numbers: Map<string, number> } {
  const p = syscallsMasterPath(dir, existsSync);
  if (!p) return { path: null, calls: [], numbers: new Map() };
  const master = parseSyscallsMaster(readFileSync(p, 'utf8'));
  const calls: ModularSyscall[] = [];
  const numbers = new Map<string, number>();
  for (const e of master.entries) {
    if (e.name && e.function) numbers.set(e.name, e.number);
    if (e.modular && !calls.some((c) => c.code === e.number)) calls.push({ code: e.number, module: e.modular });
  }
  return { path: p, calls, numbers };
}
