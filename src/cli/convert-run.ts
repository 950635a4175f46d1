/**
 * The work of `lkm2mod convert`: discover, convert, then preview, write or report.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { EXIT_PENDING, UserError } from '../source/errors.ts';
import { planAndMachine, parseSlots } from './options.ts';
import { applyChanges } from '../migrate/apply.ts';
import { convertPlans, type ConversionSet, type ModuleConversion } from '../migrate/convert.ts';
import { discover } from '../discover/discover.ts';
import { builtinRules } from '../migrate/builtin-rules.ts';
import { findingCodes } from '../migrate/finding-codes.ts';
import { loadRulePacks } from '../rules/pack.ts';
import type { Finding, ScanResult } from '../discover/plan.ts';
import { colorizePatch, renderPatch, type FileChange } from '../source/patch.ts';
import { sarifLog, writeSarif } from '../report/sarif.ts';
import { commonRoot, treeRoot } from '../source/tree-root.ts';

export interface ConvertFlags {
  write?: boolean;
  out?: string;
  check?: boolean;
  json?: boolean;
  sarif?: string;
  kernelSrc: string[];
  syscallSlot: string[];
  rules: string[];
  machine?: string;
  plan?: string;
}

export async function runConvert(paths: string[], flags: ConvertFlags): Promise<number> {
  if (flags.write && flags.out) throw new UserError('--write and --out exclude each other: change the tree, or write a copy');
  const slots = parseSlots(flags.syscallSlot);
  const { plan, machine } = await planAndMachine(flags);
  for (const k of flags.kernelSrc) {
    if (!existsSync(k) || !statSync(k).isDirectory()) throw new UserError(`--kernel-src ${k}: no such directory`);
  }
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length) throw new UserError(`${missing.join(', ')}: no such file or directory`);
  const cwd = process.cwd();
  const abs = paths.map((p) => path.resolve(p));
  const rel = (p: string) => path.relative(cwd, p) || '.';
  const packs = await loadRulePacks(flags.rules, rel);

  const scan = await discover(abs, { rules: packs.rules, machine });
  const root = treeRoot(abs, cwd, scan.sysDirs);
  const set = await convertPlans(scan, { root, kernelSrc: flags.kernelSrc, syscallSlots: slots, rules: packs.rules, plan });
  // A pack that failed leaves its modules unconverted: nothing is printed or written then.
  packs.assertNoFailures(set, rel);

  if (flags.sarif) {
    const codes = findingCodes([...builtinRules, ...packs.rules]);
    await writeSarif(
      flags.sarif,
      sarifLog(
        { name: 'lkm2mod', version: '0.1.0', rules: codes },
        allFindings(set).map((f) => ({ ruleId: f.code, level: f.severity, message: f.message, file: f.file, line: f.line })),
        root,
      ),
    );
  }

  if (flags.json) {
    process.stdout.write(JSON.stringify(toJson(set, rel), null, 2) + '\n');
  } else if (!flags.write && !flags.out) {
    const patch = renderPatch(set.changes, root) + renderOutside(set.outside ?? [], root);
    process.stdout.write(process.stdout.isTTY ? colorizePatch(patch) : patch);
    printFindings(set, rel);
    if (set.changes.length && path.resolve(root) !== path.resolve(cwd)) {
      process.stderr.write(`patch paths are relative to the tree root ${rel(root)}: apply it there (git -C ${rel(root)} apply)\n`);
    }
  } else {
    printFindings(set, rel);
  }
  if (!flags.json) sayWhatIsLeftAlone(scan, abs, rel);

  if (flags.write || flags.out) {
    const out = flags.out ? path.resolve(flags.out) : undefined;
    await applyChanges(set.changes, { root, out, paths: abs });
    const where = out ? `into ${rel(out)}` : 'in place';
    if (!flags.json) {
      process.stdout.write(
        `converted ${set.modules.filter((m) => m.changes.length).length} module(s), ${set.changes.length} file(s) ${where}\n`,
      );
    }
  }
  if (flags.check && set.changes.length + (set.outside?.length ?? 0) > 0) return EXIT_PENDING;
  return 0;
}

/**
 * Modules already in module(9) form are left as they are; converting a converted tree is a
 * no-op, and the user is told so rather than left with an empty patch to wonder about.
 */
function sayWhatIsLeftAlone(scan: ScanResult, paths: string[], rel: (p: string) => string): void {
  const done = scan.module9 ?? [];
  const n = `${done.length} module(9) module${done.length === 1 ? '' : 's'}`;
  if (scan.modules.length === 0) {
    const what = done.length ? `${n} already converted` : `no LKM under ${paths.map(rel).join(', ')}`;
    process.stderr.write(`nothing to convert: ${what}\n`);
  } else if (done.length) {
    process.stderr.write(`left as they are: ${n} already converted (${done.map((m) => m.name).join(', ')})\n`);
  }
}

/**
 * Edits to files outside the tree root, after the tree's patch: every line starts with "#| ", so
 * `git apply` and `patch` pass over them, and a user who wants them extracts them on purpose.
 */
function renderOutside(outside: FileChange[], root: string): string {
  if (!outside.length) return '';
  const files = outside.map((c) => c.oldPath ?? c.path);
  const dirs = outside.flatMap((c) => [c.path, ...(c.oldPath ? [c.oldPath] : [])]).map(path.dirname);
  const dir = commonRoot(dirs, dirs[0]!);
  const lines = [
    `# lkm2mod: ${files.length} file(s) outside the tree root ${root} need an edit that lkm2mod did not make:`,
    ...files.map((f) => `#   ${f}`),
    '# To make it deliberately (only if those files are yours):',
    `#   sed -n 's/^#| //p' THIS.patch | patch -d ${dir} -p1`,
    ...renderPatch(outside, dir).replace(/\n$/, '').split('\n').map((l) => `#| ${l}`),
  ];
  return lines.join('\n') + '\n';
}

function allFindings(set: ConversionSet): Finding[] {
  const seen = new Set<string>();
  return set.findings.filter((f) => {
    const k = `${f.code}\0${f.file}\0${f.line}\0${f.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

function printFindings(set: ConversionSet, rel: (p: string) => string): void {
  for (const f of allFindings(set)) {
    process.stderr.write(`${rel(f.file)}:${f.line}: ${f.severity}: ${f.message} [${f.code}]\n`);
  }
}

function status(c: FileChange): 'added' | 'deleted' | 'renamed' | 'modified' {
  if (c.before === null) return 'added';
  if (c.after === null) return 'deleted';
  if (c.oldPath && c.oldPath !== c.path) return 'renamed';
  return 'modified';
}

function toJson(set: ConversionSet, rel: (p: string) => string) {
  const finding = (f: Finding) => ({ file: rel(f.file), line: f.line, severity: f.severity, code: f.code, message: f.message });
  const moduleFindings = new Set(set.modules.flatMap((m) => m.findings));
  return {
    modules: set.modules.map((m: ModuleConversion) => ({
      name: m.name,
      lkm: m.plan.name,
      ...(m.renamedFrom ? { renamedFrom: m.renamedFrom } : {}),
      ...(m.mergedInto ? { mergedInto: m.mergedInto } : {}),
      kind: m.plan.kind,
      class: m.moduleClass,
      from: rel(m.plan.dir),
      dir: rel(m.dir),
      required: m.required,
      sources: m.sources.map(rel),
      files: m.changes.map((c) => ({
        path: rel(c.path),
        ...(c.oldPath && c.oldPath !== c.path ? { from: rel(c.oldPath) } : {}),
        status: status(c),
      })),
      findings: m.findings.map(finding),
    })),
    ...(set.created?.length
      ? { created: set.created.map((c) => ({ name: c.name, class: c.moduleClass, dir: rel(c.dir), sources: c.files.map(rel), users: c.users })) }
      : {}),
    findings: allFindings(set)
      .filter((f) => !moduleFindings.has(f))
      .map(finding),
    changes: set.changes.length,
    outside: (set.outside ?? []).map((c) => ({ path: c.oldPath ?? c.path, hunk: set.findings.find((f) => f.code === 'outside-tree-root' && f.file === (c.oldPath ?? c.path))?.hunk ?? '' })),
  };
}
