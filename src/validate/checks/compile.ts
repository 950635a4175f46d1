/**
 * Compile (--cc): the converted sources through a real C compiler, `cc -fsyntax-only -nostdinc`
 * with the include set-up of the simulated kernel's compiler — a real tree's own headers with
 * machine/ and its CPU family linked, config(8)'s headers synthesised, the bundled headers for
 * what the tree lacks — as a kernel module build would see them (-D_KERNEL -D_MODULE, the
 * module's CPPFLAGS, -m32 for a 32-bit machine). The simulated kernel's compiler is lenient where a real one
 * is not — an undeclared function, a type mismatch — so this is the check that the code would
 * build. Skipped, saying so, when the machine has no C compiler.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { configHeaders } from '../../kernel/cc/pp/config-headers.ts';
import { findKernelTree, machineLinks, searchPath } from '../../kernel/cc/pp/include-path.ts';
import { machineFamilies } from '../../kernel/cc/pp/machine-line.ts';
import { archInfo, DEFAULT_ARCH } from '../../kernel/cc/pp/predefines.ts';
import { Outcome, skipped } from '../outcome.ts';
import type { CheckResult } from '../result.ts';
import type { ModuleSpec } from '../spec.ts';

/** The compiler: $CC, else the first of cc, gcc, clang on PATH; null when there is none. */
export function findCompiler(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = env.CC ? [env.CC] : ['cc', 'gcc', 'clang'];
  for (const c of candidates) {
    if (c.includes('/')) {
      if (isExecutable(c)) return c;
      continue;
    }
    for (const dir of (env.PATH ?? '').split(path.delimiter)) {
      if (dir && isExecutable(path.join(dir, c))) return path.join(dir, c);
    }
  }
  return null;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export interface Diagnostic {
  file: string;
  line: number;
  severity: 'error' | 'warning';
  message: string;
}

/** `file:line:col: error: message` lines of gcc and clang. */
export function parseDiagnostics(output: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const m of output.matchAll(/^(.+?):(\d+):(?:\d+:)? (fatal error|error|warning): (.*)$/gm)) {
    out.push({ file: m[1]!, line: Number(m[2]), severity: m[3] === 'warning' ? 'warning' : 'error', message: m[4]! });
  }
  return out;
}

/**
 * The include set-up a kernel build gives the module, as compiler flags: the search path of the
 * simulated kernel's compiler (the module's folders and CPPFLAGS -I, $S, the machine/ and CPU
 * family links, $S/arch, the bundled headers), the links made in a scratch folder as the build
 * makes them in its object directory, and there too the headers config(8) would have written.
 */
export interface CcSetup {
  args: string[];
  /** Headers config(8) writes that the sources include, synthesised (names, for the note). */
  generated: string[];
  /** The -m32/-m64 the machine needs, or why it is not passed. */
  dataModel: string;
  dispose(): void;
}

const HOST_SYSTEM_MACROS = ['linux', '__linux', '__linux__', '__gnu_linux__', 'unix', '__unix', '__unix__', '__APPLE__', '__FreeBSD__', '__OpenBSD__'];

/** The command line, so a user can run it by hand. */
export function ccArguments(spec: ModuleSpec, setup: { linkDir: string | null; machine: string; m32: boolean }): string[] {
  const md = spec.moduleDir;
  const moduleDirs = [...new Set([...md.sources.map((f) => path.dirname(f)), md.dir])];
  const S = findKernelTree(md.dir);
  // -ffreestanding as kernel builds use: printf and log are the kernel's, not libc's builtins.
  const args = ['-fsyntax-only', '-nostdinc', '-ffreestanding', '-D_KERNEL', '-D_MODULE'];
  // A real tree is 1990s-2000s C for gcc 2 to 4: GNU89 (old-style definitions, extern inline),
  // the port's name defined as its Makefile.<port> does.
  if (S) {
    // The machine's compiler targets its own system: what it predefines for that (linux, unix)
    // goes, and NetBSD's own name comes in, as NetBSD's compiler predefines it.
    args.push('-std=gnu89', ...HOST_SYSTEM_MACROS.map((m) => `-U${m}`), '-D__NetBSD__', '-D__ELF__');
    if (/^\w+$/.test(setup.machine)) args.push(`-D${setup.machine}`);
  }
  if (setup.m32) args.push('-m32');
  for (const [k, v] of Object.entries(md.defines)) args.push(v === '' || v === '1' ? `-D${k}` : `-D${k}=${v}`);
  for (const u of md.undefines) args.push(`-U${u}`);
  let linked = false;
  for (const d of searchPath({ moduleDirs, includeDirs: md.includeDirs, kernelTree: S, arch: setup.machine })) {
    if (d.generated || d.as) {
      if (setup.linkDir && !linked) args.push(`-I${setup.linkDir}`);
      linked = true;
    } else args.push(`-I${d.dir}`);
  }
  if (!S && setup.linkDir && !linked) args.push(`-I${setup.linkDir}`);
  return [...args, ...md.sources];
}

export async function compileCheck(spec: ModuleSpec, enabled: boolean, display: (text: string) => string, machine = DEFAULT_ARCH): Promise<CheckResult> {
  if (!enabled) return skipped('compile', 'not run: pass --cc to check the sources with a C compiler');
  const cc = findCompiler();
  if (!cc) return skipped('compile', 'no C compiler on this machine (looked for $CC, cc, gcc, clang); install one to run --cc');
  const o = new Outcome('compile');
  const setup = await ccSetup(cc, spec, machine);
  try {
    const { args } = setup;
    const { code, output } = await run(cc, args);
    const diags = parseDiagnostics(output);
    const errors = diags.filter((d) => d.severity === 'error');
    for (const d of errors) o.fail(`${d.file}:${d.line}: ${d.message}`, [{ file: d.file, line: d.line }]);
    const warnings = diags.filter((d) => d.severity === 'warning');
    // Warnings are facts, not failures: a kernel tree built with -Werror says otherwise itself.
    for (const d of warnings) o.note(`${d.file}:${d.line}: warning: ${d.message}`);
    if (code !== 0 && errors.length === 0) o.fail(`${path.basename(cc)} failed (exit ${code}): ${output.trim().split('\n').slice(0, 5).join(' / ') || 'no output'}`);
    if (o.ok) o.note(`${spec.moduleDir.sources.length} source(s) pass ${path.basename(cc)} -fsyntax-only${warnings.length ? ` with ${warnings.length} warning(s)` : ''}`);
    if (setup.generated.length) o.note(`headers config(8) writes, synthesised for ${path.basename(cc)}: ${setup.generated.join(', ')}`);
    if (setup.dataModel) o.note(setup.dataModel);
    o.note(`command: ${display([path.basename(cc), ...args].join(' '))}`);
  } finally {
    setup.dispose();
  }
  return o.done();
}

/**
 * The scratch folder with the machine/ and family links, and the config(8) headers the sources
 * include: `cc -M -MG` lists the headers it cannot find without failing, and those config(8)
 * would have written are written. Outside a kernel tree the bundled headers serve alone.
 */
async function ccSetup(cc: string, spec: ModuleSpec, machine: string): Promise<CcSetup> {
  const S = findKernelTree(spec.moduleDir.dir);
  const info = archInfo(machine) ?? (S ? machineFamilies(S, machine).map(archInfo).find((i) => i !== undefined) : undefined);
  const wants32 = info ? !info.lp64 : false;
  const m32 = wants32 && (await supportsM32(cc));
  const dataModel = wants32 && !m32 ? `${path.basename(cc)} does not accept -m32: compiled with its own data model, not ${machine}'s ILP32 (sizes of long and pointers differ)` : '';
  if (!S) {
    const args = ccArguments(spec, { linkDir: null, machine, m32: false });
    return { args, generated: [], dataModel: '', dispose: () => {} };
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-cc-'));
  const dispose = () => fs.rmSync(dir, { recursive: true, force: true });
  try {
    for (const l of machineLinks(S, machine)) fs.symlinkSync(l.dir, path.join(dir, l.name));
    const args = ccArguments(spec, { linkDir: dir, machine, m32 });
    const config = configHeaders(S, machine);
    const deps = await run(cc, ['-M', '-MG', ...args.filter((a) => a !== '-fsyntax-only')]);
    const generated: string[] = [];
    for (const name of new Set(deps.output.replace(/\\\n/g, ' ').split(/\s+/))) {
      const h = config.header(name);
      if (!h || generated.includes(name)) continue;
      fs.writeFileSync(path.join(dir, name), h.text);
      generated.push(name);
    }
    return { args, generated: generated.sort(), dataModel, dispose };
  } catch (err) {
    dispose();
    throw err;
  }
}

let m32Support: Promise<boolean> | undefined;

/** Whether the compiler takes -m32 (for -fsyntax-only no 32-bit libraries are needed). */
function supportsM32(cc: string): Promise<boolean> {
  m32Support ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-m32-'));
    try {
      const f = path.join(dir, 'm.c');
      fs.writeFileSync(f, 'typedef int check[sizeof(long) == 4 ? 1 : -1];\n');
      return (await run(cc, ['-m32', '-fsyntax-only', '-nostdinc', f])).code === 0;
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  })();
  return m32Support;
}

function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}
