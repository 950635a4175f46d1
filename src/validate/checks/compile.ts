/**
 * Compile (--cc): the converted sources through a real C compiler, `cc -fsyntax-only -nostdinc`
 * against the bundled kernel headers, as a kernel module build would see them (-D_KERNEL
 * -D_MODULE, the module's CPPFLAGS). The simulated kernel's compiler is lenient where a real one
 * is not — an undeclared function, a type mismatch — so this is the check that the code would
 * build. Skipped, saying so, when the machine has no C compiler.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUNDLED_INCLUDE, findKernelTree } from '../../kernel/cc/pp/include-path.ts';
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

/** The command line, so a user can run it by hand. */
export function ccArguments(spec: ModuleSpec, machineDir: string | null): string[] {
  const md = spec.moduleDir;
  const dirs = [...new Set([...md.sources.map((f) => path.dirname(f)), md.dir, ...md.includeDirs])];
  const S = findKernelTree(md.dir);
  // -ffreestanding as kernel builds use: printf and log are the kernel's, not libc's builtins.
  const args = ['-fsyntax-only', '-nostdinc', '-ffreestanding', '-D_KERNEL', '-D_MODULE'];
  for (const [k, v] of Object.entries(md.defines)) args.push(v === '' || v === '1' ? `-D${k}` : `-D${k}=${v}`);
  for (const u of md.undefines) args.push(`-U${u}`);
  for (const d of dirs) args.push(`-I${d}`);
  if (S) args.push(`-I${S}`);
  if (machineDir) args.push(`-I${machineDir}`);
  args.push(`-I${BUNDLED_INCLUDE}`, ...md.sources);
  return args;
}

export async function compileCheck(spec: ModuleSpec, enabled: boolean, display: (text: string) => string): Promise<CheckResult> {
  if (!enabled) return skipped('compile', 'not run: pass --cc to check the sources with a C compiler');
  const cc = findCompiler();
  if (!cc) return skipped('compile', 'no C compiler on this machine (looked for $CC, cc, gcc, clang); install one to run --cc');
  const o = new Outcome('compile');
  const machine = machineLink(spec);
  try {
    const args = ccArguments(spec, machine?.dir ?? null);
    const { code, output } = await run(cc, args);
    const diags = parseDiagnostics(output);
    const errors = diags.filter((d) => d.severity === 'error');
    for (const d of errors) o.fail(`${d.file}:${d.line}: ${d.message}`, [{ file: d.file, line: d.line }]);
    const warnings = diags.filter((d) => d.severity === 'warning');
    // Warnings are facts, not failures: a kernel tree built with -Werror says otherwise itself.
    for (const d of warnings) o.note(`${d.file}:${d.line}: warning: ${d.message}`);
    if (code !== 0 && errors.length === 0) o.fail(`${path.basename(cc)} failed (exit ${code}): ${output.trim().split('\n').slice(0, 5).join(' / ') || 'no output'}`);
    if (o.ok) o.note(`${spec.moduleDir.sources.length} source(s) pass ${path.basename(cc)} -fsyntax-only${warnings.length ? ` with ${warnings.length} warning(s)` : ''}`);
    o.note(`command: ${display([path.basename(cc), ...args].join(' '))}`);
  } finally {
    machine?.dispose();
  }
  return o.done();
}

/**
 * `<machine/x.h>` from the kernel tree's arch/<arch>/include, as the kernel build's `machine`
 * symlink provides it; null when the tree has none (the bundled machine/ headers serve).
 */
function machineLink(spec: ModuleSpec): { dir: string; dispose(): void } | null {
  const S = findKernelTree(spec.moduleDir.dir);
  const arch = S ? path.join(S, 'arch', 'amd64', 'include') : null;
  if (!arch || !fs.existsSync(arch)) return null;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-machine-'));
  fs.symlinkSync(arch, path.join(dir, 'machine'));
  return { dir, dispose: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

function run(cmd: string, args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof (err as NodeJS.ErrnoException).code === 'number' ? Number((err as NodeJS.ErrnoException).code) : 1) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}
