/**
 * What the module set changes in a conversion beyond one module at a time:
 *   - a merged exec format: its modcmd becomes a helper the emulation module's modcmd calls
 *     after the emulation is set up (and first on unload), its files join that module's folder
 *     and Makefile, its own Makefile goes;
 *   - a shared module: a new folder with a Makefile that reaches the shared sources through
 *     .PATH and a small `<name>_mod.c` holding its MODULE() record (the code stays where it is,
 *     a separate module file as reviewable as NetBSD's in-source one); the LKMs that built those
 *     sources stop building them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { FileChange } from '../source/patch.ts';
import type { ModuleJob } from './job.ts';
import type { Placement } from './layout.ts';
import { moduleDeclaration, modcmdName } from './modinfo.ts';
import type { KernelCode, SharedModule } from './module-set.ts';
import type { Finding, Module9, ModulePlan } from '../discover/plan.ts';

/** A module the conversion creates that was no LKM (a shared module). */
export interface CreatedModule extends Module9 {
  /** The modules that require it. */
  users: string[];
}

/** The emulation module `job` takes exec format `from`: registered after its own load work. */
export function mergedModuleParts(job: ModuleJob, from: string): void {
  const helper = modcmdName(from);
  const decl = job.plan.declaration!;
  job.finding({
    file: decl.file,
    line: decl.line,
    severity: 'note',
    code: 'module-merged',
    message: `${from} is folded into ${job.name}, as the plan says: ${job.name}_modcmd calls ${helper}() after its own INIT work and before its own FINI work, so its exec formats come and go with the emulation; ${from} has no MODULE() and no Makefile of its own.`,
  });
  job.declarations.push(`int\t${helper}(modcmd_t, void *);`);
  job.registrations.push({
    attach: `${helper}(MODULE_CMD_INIT, NULL)`,
    detach: `${helper}(MODULE_CMD_FINI, NULL)`,
    afterLoad: true,
  });
  job.addClass('EXEC');
}

/** Kernel code the plan puts into this module: its Makefile builds it (makefileForSet), and says why. */
export function hostedKernelCode(job: ModuleJob, kc: KernelCode): void {
  const decl = job.plan.declaration!;
  job.finding({
    file: decl.file,
    line: decl.line,
    severity: 'note',
    code: 'kernel-code',
    message: `${job.name} now builds ${kc.sources.map((f) => path.basename(f)).join(', ')} too: ${kc.reason}.`,
  });
}

/** A folded exec format's files go to the emulation module's folder; its Makefile goes. */
export function foldedPlacement(plan: ModulePlan, name: string, glue: string[], host: Placement): Placement {
  const moves = new Map<string, string>();
  if (host.moved) {
    for (const f of listFiles(plan.dir)) {
      if (f === plan.makefile) continue;
      const base = path.basename(f);
      const renamed = glue.includes(f) && /lkm/i.test(base) && base.endsWith('.c') ? `${name}_mod.c` : base;
      moves.set(f, path.join(host.dir, renamed));
    }
  }
  return { dir: host.dir, moved: host.moved, sysDir: host.sysDir, moves, leftBehind: [] };
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir)
      .sort()
      .map((e) => path.join(dir, e))
      .filter((f) => statSync(f).isFile());
  } catch {
    return [];
  }
}

/**
 * A module's rewritten Makefile made to fit the set: SRCS a shared module now holds go, the
 * sources of exec formats folded into it come in (with the .PATH they need).
 */
export function makefileForSet(
  text: string,
  plan: ModulePlan,
  ownFiles: string[],
  folded: Array<{ plan: ModulePlan; files: string[] }>,
  placement: Placement,
  moves: ReadonlyMap<string, string>,
): string {
  const dropped = plan.files.filter((f) => !ownFiles.includes(f)).map((f) => path.basename(f));
  let out = dropped.length ? dropSources(text, new Set(dropped)) : text;
  if (folded.length === 0) return out;
  const sources: string[] = [];
  const dirs: string[] = [];
  const have = new Set(plan.searchPath.map((d) => path.resolve(d)));
  have.add(plan.dir);
  for (const f of folded) {
    for (const file of f.files) {
      const now = moves.get(file) ?? file;
      sources.push(path.basename(now));
      const dir = path.dirname(now);
      if (dir !== placement.dir && !have.has(dir) && !dirs.includes(dir)) dirs.push(dir);
    }
  }
  const pathLines = dirs.map((d) => `.PATH:\t${makeDir(d, placement)}`);
  out = insertAfterLast(out, /^\s*\.PATH(\.\w+)?\s*:/, pathLines, /^\s*KMOD\s*[?:+]?=/);
  out = insertAfterLast(out, /^\s*SRCS\s*[+?:]?=/, [`SRCS+=\t${sources.join(' ')}`], /^\s*\.include\s+<bsd\.kmodule?\.mk>/);
  return out;
}

function makeDir(d: string, placement: Placement): string {
  if (placement.sysDir) {
    const rel = path.relative(placement.sysDir, d);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return `\${S}/${rel.split(path.sep).join('/')}`;
  }
  const rel = path.relative(placement.dir, d).split(path.sep).join('/');
  return rel ? `\${.CURDIR}/${rel}` : '${.CURDIR}';
}

/** Insert lines after the last logical line matching `after`, else before the first matching `before`. */
function insertAfterLast(text: string, after: RegExp, lines: string[], before: RegExp): string {
  if (lines.length === 0) return text;
  const all = text.split('\n');
  let at = -1;
  for (let i = 0; i < all.length; i++) {
    if (after.test(all[i]!)) {
      let j = i;
      while (all[j]?.endsWith('\\') && j + 1 < all.length) j++;
      at = j + 1;
    }
  }
  if (at === -1) {
    const b = all.findIndex((l) => before.test(l));
    at = b === -1 ? all.length : b;
  }
  all.splice(at, 0, ...lines);
  return all.join('\n');
}

/** `SRCS+= a.c layer_subr.c` without the sources a shared module holds; a line left empty goes. */
export function dropSources(text: string, drop: ReadonlySet<string>): string {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!/^\s*SRCS\s*[+?:]?=/.test(lines[i]!)) {
      out.push(lines[i]!);
      continue;
    }
    const group = [lines[i]!];
    while (group.at(-1)!.endsWith('\\') && i + 1 < lines.length) group.push(lines[++i]!);
    let left = 0;
    const kept = group.map((g, k) => {
      const head = k === 0 ? /^\s*SRCS\s*[+?:]?=\s*/.exec(g)![0] : (/^\s*/.exec(g)![0]);
      const cont = g.endsWith('\\');
      const words = g.slice(head.length).replace(/\\$/, '').split(/\s+/).filter((w) => w && !drop.has(w));
      left += words.length;
      return head + words.join(' ') + (cont ? ' \\' : '');
    });
    if (left > 0) out.push(...kept.filter((k, n) => n === 0 || k.replace(/\\$/, '').trim() !== ''));
  }
  return out.join('\n');
}

/**
 * The folder, Makefile and MODULE() record of each shared module. It sits beside the
 * converted modules (sys/modules/<name> in a NetBSD tree, else next to its first user's folder).
 */
export function sharedModuleFiles(
  shared: SharedModule[],
  plans: ModulePlan[],
  converted: { modules: Array<{ name: string; dir: string; plan: ModulePlan }>; changes: FileChange[] },
  root: string,
): { modules: CreatedModule[]; changes: FileChange[]; findings: Finding[] } {
  const modules: CreatedModule[] = [];
  const changes: FileChange[] = [];
  const findings: Finding[] = [];
  for (const sh of shared) {
    const builders = plans.filter((p) => sh.sources.some((f) => p.files.includes(f)));
    // Kernel code no LKM built: its users are the modules that call it.
    const users = builders.length ? builders : converted.modules.filter((m) => sh.users.includes(m.name)).map((m) => m.plan);
    const first = users[0];
    if (!first) continue;
    const userDir = converted.modules.find((m) => m.plan === first)?.dir ?? first.dir;
    const sys = sysDirOf(first.dir);
    const dir = sys ? path.join(sys, 'modules', sh.name) : path.join(path.dirname(userDir), sh.name);
    if (existsSync(dir)) {
      findings.push({
        file: dir,
        line: 0,
        severity: 'error',
        code: 'module-dir-exists',
        message: `${path.relative(root, dir)} already exists, so shared module ${sh.name} was not written there; its users still require it. Move the directory away, or rename the shared module in the plan.`,
      });
      continue;
    }
    const modFile = path.join(dir, `${sh.name}_mod.c`);
    const makefile = path.join(dir, 'Makefile');
    const placement: Placement = { dir, moved: !!sys, sysDir: sys, moves: new Map(), leftBehind: [] };
    const srcDirs = [...new Set(sh.sources.map((f) => path.dirname(f)))];
    const modText = sharedModuleSource(sh, root);
    const mkText = sharedMakefile(sh, srcDirs.map((d) => makeDir(d, placement)), commonFlags(users), existsSync(path.join(path.dirname(dir), 'Makefile.inc')) || !!sys);
    changes.push({ path: modFile, before: null, after: modText }, { path: makefile, before: null, after: mkText });
    if (sys) {
      const subdir = path.join(sys, 'modules', 'Makefile');
      const cur = converted.changes.find((c) => c.path === subdir);
      if (cur && cur.after !== null && !new RegExp(`\\b${sh.name}\\b`).test(cur.after)) {
        cur.after = cur.after.replace(/^(\.include\s+<bsd\.subdir\.mk>)/m, `SUBDIR+=\t${sh.name}\n\n$1`).replace(/\n\n\nSUBDIR/, '\nSUBDIR');
      }
    }
    const line = modText.split('\n').findIndex((l) => l.startsWith('MODULE(')) + 1;
    modules.push({
      name: sh.name,
      moduleClass: 'MISC',
      required: [],
      dir,
      makefile,
      kmod: sh.name,
      files: [modFile, ...sh.sources],
      missingSources: [],
      modinfo: { file: modFile, start: 0, end: 0, line, args: ['MODULE_CLASS_MISC', sh.name, 'NULL'], conditions: [] },
      modcmd: { name: modcmdName(sh.name), file: modFile, line: line + 3 },
      findings: [],
      users: sh.users,
    });
    findings.push({
      file: modFile,
      line,
      severity: 'note',
      code: 'shared-module',
      message: `New module ${sh.name} holds ${sh.sources.map((f) => path.basename(f)).join(', ')}: ${sh.reason}.`,
    });
  }
  return { modules, changes, findings };
}

function sharedModuleSource(sh: SharedModule, root: string): string {
  const where = [...new Set(sh.sources.map((f) => path.relative(root, path.dirname(f)).split(path.sep).join('/')))].join(', ');
  return [
    '/*\t$NetBSD$\t*/',
    '',
    '/*',
    ` * ${sh.name}: the code ${sh.users.join(', ')} share, as one module they require.`,
    ...(sh.kernelCode
      ? [
          ` * Written by lkm2mod: the sources in ${where} are built into a kernel only`,
          ' * for options these modules stand for; a kernel that loads them as modules has',
          ' * none of it. The code stays where it is; this file holds only the module\'s record.',
        ]
      : [
          ` * Written by lkm2mod: as LKMs each of them carried its own copy of the sources in`,
          ` * ${where}; as modules they would define the same symbols twice. The code stays`,
          ' * where it is; this file holds only the module\'s record.',
        ]),
    ' */',
    '',
    '#include <sys/param.h>',
    '#include <sys/errno.h>',
    '#include <sys/module.h>',
    '',
    moduleDeclaration(sh.name, 'MISC', []),
    '',
    'static int',
    `${modcmdName(sh.name)}(modcmd_t cmd, void *arg)`,
    '{',
    '',
    '\tswitch (cmd) {',
    '\tcase MODULE_CMD_INIT:',
    '\tcase MODULE_CMD_FINI:',
    '\t\treturn 0;',
    '',
    '\tdefault:',
    '\t\treturn ENOTTY;',
    '\t}',
    '}',
    '',
  ].join('\n');
}

function sharedMakefile(sh: SharedModule, pathDirs: string[], flags: string[], includeInc: boolean): string {
  return [
    `# ${sh.name}: ${sh.kernelCode ? 'kernel sources' : 'sources'} ${sh.users.join(', ')} ${sh.kernelCode ? 'use' : 'built'}, as one module they require (written by lkm2mod).`,
    '',
    ...(includeInc ? ['.include "../Makefile.inc"', ''] : []),
    ...pathDirs.map((d) => `.PATH:\t${d}`),
    '',
    ...(flags.length ? [...flags, ''] : []),
    `KMOD=\t${sh.name}`,
    `SRCS=\t${[`${sh.name}_mod.c`, ...sh.sources.map((f) => path.basename(f))].join(' ')}`,
    '',
    '.include <bsd.kmodule.mk>',
    '',
  ].join('\n');
}

/** CPPFLAGS lines every user's Makefile has (the shared sources were compiled with them). */
function commonFlags(users: ModulePlan[]): string[] {
  const sets = users.map((u) => {
    try {
      const text = u.makefile ? readFileSync(u.makefile, 'utf8') : '';
      return text
        .split('\n')
        .filter((l) => /^\s*CPPFLAGS\s*\+?=/.test(l) && !/-D_LKM\b/.test(l) && !/\\$/.test(l))
        .map((l) => l.trimEnd());
    } catch {
      return [];
    }
  });
  const [first = [], ...rest] = sets;
  return first.filter((l) => rest.every((s) => s.includes(l)));
}

function sysDirOf(dir: string): string | null {
  const parts = dir.split(path.sep);
  const at = parts.lastIndexOf('lkm');
  return at > 0 ? parts.slice(0, at).join(path.sep) : null;
}
