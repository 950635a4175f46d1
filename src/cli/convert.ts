/**
 * `lkm2mod convert [paths...]`: preview (a patch on stdout), `--write`, `--out DIR`, `--check`,
 * `--json`, `--sarif FILE`. Paths in the patch are relative to the tree root: the current
 * directory when every path is inside it (so `git apply` and `patch -p1` work from there), else
 * the paths' common ancestor.
 */
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { EXIT_PENDING, EXIT_USAGE, UserError } from './errors.ts';
import { applyChanges } from '../migrate/apply.ts';
import { convertPlans, type ConversionSet, type ModuleConversion } from '../migrate/convert.ts';
import { discover } from '../migrate/discover.ts';
import { builtinRules } from '../migrate/builtin-rules.ts';
import { findingCodes } from '../migrate/finding-codes.ts';
import { loadRulePacks } from '../rules/pack.ts';
import type { Finding } from '../migrate/plan.ts';
import { colorizePatch, renderPatch, type FileChange } from '../report/diff.ts';
import { sarifLog, writeSarif } from '../report/sarif.ts';
import { treeRoot } from '../source/tree-root.ts';

interface ConvertFlags {
  write?: boolean;
  out?: string;
  check?: boolean;
  json?: boolean;
  sarif?: string;
  kernelSrc: string[];
  syscallSlot: string[];
  rules: string[];
}

const collect = (v: string, acc: string[]) => [...acc, v];

export function registerConvert(program: Command): void {
  program
    .command('convert')
    .description('convert every LKM under the paths to a module(9) module; preview as a patch unless --write or --out')
    .argument('[paths...]', 'kernel trees, LKM folders or files', ['.'])
    .option('--write', 'apply the conversion in place (atomic; refuses to overwrite files)')
    .option('--out <dir>', 'write a converted copy of the paths to DIR (new or empty), leaving them as they are')
    .option('--check', 'exit 1 when anything would change, 0 when nothing would')
    .option('--json', 'print per-module results as JSON instead of the patch')
    .option('--sarif <file>', 'also write the findings as SARIF 2.1.0 to FILE')
    .option('--kernel-src <dir>', 'index another kernel tree for required-module inference (repeatable)', collect, [])
    .option('--rules <dir>', 'load the rule pack in DIR (every *.ts in it): its rules convert the shapes they declare (repeatable)', collect, [])
    .addOption(
      new Option('--syscall-slot <name=number>', 'the syscall number for a module whose MOD_SYSCALL asked for slot -1 (repeatable)')
        .argParser(collect)
        .default([]),
    )
    .action(async (paths: string[], flags: ConvertFlags) => {
      process.exitCode = await runConvert(paths, flags);
    });
}

async function runConvert(paths: string[], flags: ConvertFlags): Promise<number> {
  if (flags.write && flags.out) throw new UserError('--write and --out exclude each other: change the tree, or write a copy');
  const slots = parseSlots(flags.syscallSlot);
  for (const k of flags.kernelSrc) {
    if (!existsSync(k) || !statSync(k).isDirectory()) throw new UserError(`--kernel-src ${k}: no such directory`);
  }
  const missing = paths.filter((p) => !existsSync(p));
  if (missing.length) throw new UserError(`${missing.join(', ')}: no such file or directory`);
  const cwd = process.cwd();
  const abs = paths.map((p) => path.resolve(p));
  const root = treeRoot(abs, cwd);
  const rel = (p: string) => path.relative(cwd, p) || '.';
  const packs = await loadRulePacks(flags.rules, rel);

  const scan = await discover(abs, { rules: packs.rules });
  const set = await convertPlans(scan, { root, kernelSrc: flags.kernelSrc, syscallSlots: slots, rules: packs.rules });
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
    const patch = renderPatch(set.changes, root);
    process.stdout.write(process.stdout.isTTY ? colorizePatch(patch) : patch);
    printFindings(set, rel);
  } else {
    printFindings(set, rel);
  }

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
  if (flags.check && set.changes.length > 0) return EXIT_PENDING;
  return 0;
}

/** `--syscall-slot NAME=NUMBER`, repeated: the answers for slot -1 syscalls, by module name. */
export function parseSlots(specs: string[]): Map<string, number> {
  const slots = new Map<string, number>();
  for (const s of specs) {
    const m = /^([^=\s]+)=(\d+)$/.exec(s.trim());
    if (!m) throw new UserError(`--syscall-slot ${s}: expected NAME=NUMBER, e.g. --syscall-slot procinfo=211`, EXIT_USAGE);
    slots.set(m[1], Number(m[2]));
  }
  return slots;
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
    findings: allFindings(set)
      .filter((f) => !moduleFindings.has(f))
      .map(finding),
    changes: set.changes.length,
  };
}
