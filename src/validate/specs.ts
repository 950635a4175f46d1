/**
 * From a conversion (and the module(9) modules already in the tree) to the list of modules to
 * validate: each converted LKM with its original, each module(9) module as it stands, and each
 * LKM convert could not convert — reported, never dropped.
 */
import path from 'node:path';
import { readModuleDir, type ModuleDir } from '../kernel/moddir.ts';
import type { ConversionSet, ModuleConversion } from '../migrate/convert.ts';
import type { Finding, Module9, ModulePlan, ScanResult } from '../discover/plan.ts';
import type { Overlay } from './overlay.ts';
import type { LkmOriginal, ModuleSpec } from './spec.ts';
import { moduleMachine } from '../migrate/module-machine.ts';

export function conversionSpecs(set: ConversionSet, scan: ScanResult, overlay: Overlay | null): ModuleSpec[] {
  const specs: ModuleSpec[] = [];
  const converted = new Set<ModulePlan>();
  for (const m of set.modules) {
    converted.add(m.plan);
    // A plan folded it into its emulation's module: validated there, with it.
    if (m.mergedInto) continue;
    const folded = set.modules.filter((f) => f.mergedInto === m.name).map((f) => ({ moduleDir: lkmDir(f.plan), ...(f.plan.entry ? { entry: f.plan.entry.name } : {}) }));
    const machine = set.moduleSet?.modules.find((pm) => pm.dir === m.plan.dir)?.machine?.name;
    specs.push({ ...convertedSpec(m, overlay, folded), ...(machine ? { machine } : {}) });
  }
  // LKMs discovery found and convert could not take (no declaration it could read). A set
  // that holds only some of the modules (review revalidates one) leaves the others alone.
  for (const plan of scan.modules) {
    if (converted.has(plan)) continue;
    const own = [...plan.findings, ...set.findings.filter((f) => belongsTo(f, plan))];
    if (!own.some((f) => f.code === 'no-declaration')) continue;
    const name = plan.kmod ?? plan.name;
    const machine = moduleMachine(plan, scan.machine?.machine ?? null)?.name;
    specs.push({
      ...(machine ? { machine } : {}),
      name,
      kind: plan.kind,
      input: 'lkm',
      dir: plan.dir,
      moduleDir: lkmDir(plan),
      related: [],
      notes: own.filter((f) => f.severity === 'error').map(findingLine),
      unconverted: true,
    });
  }
  return specs;
}

function convertedSpec(m: ModuleConversion, overlay: Overlay | null, folded: NonNullable<LkmOriginal['folded']> = []): ModuleSpec {
  const failed = m.changes.length === 0 && m.findings.some((f) => f.severity === 'error');
  const notes = m.findings.filter((f) => f.severity === 'error').map(findingLine);
  const lkmDirectory = lkmDir(m.plan);
  if (failed || !overlay) {
    return { name: m.name, kind: m.plan.kind, input: 'lkm', dir: m.dir, moduleDir: lkmDirectory, related: [], notes, unconverted: true };
  }
  const dir = overlay.toOverlay(m.dir);
  const sources = m.sources.filter((f) => f.endsWith('.c')).map((f) => overlay.toOverlay(f));
  const fromMakefile = readModuleDir(dir);
  const moduleDir: ModuleDir =
    fromMakefile && fromMakefile.sources.length
      ? { ...fromMakefile, name: m.name }
      : { dir, name: m.name, makefile: null, sources, missing: [], defines: {}, undefines: [], includeDirs: [], problems: [] };
  return {
    name: m.name,
    kind: m.plan.kind,
    input: 'lkm',
    dir: m.dir,
    moduleDir,
    related: m.required.map((r) => r.module),
    lkm: {
      moduleDir: lkmDirectory,
      ...(m.plan.entry ? { entry: m.plan.entry.name } : {}),
      chosenByKernel: {
        sysent: m.plan.tables.sysent?.slot === -1,
        bdevsw: m.plan.tables.devsw?.bmajor.trim() === '-1',
        cdevsw: m.plan.tables.devsw?.cmajor.trim() === '-1',
      },
      requires: m.required.map((r) => r.module),
      ...(folded.length ? { folded } : {}),
    },
    notes,
  };
}

/**
 * A module(9) module discovery found, as it stands. Its Makefile is read again for what the
 * compiler needs (CPPFLAGS); a directory without one is compiled from the sources discovery
 * took. Named by KMOD, the file module_load finds, else by its MODULE() name.
 */
export function module9Spec(m: Module9): ModuleSpec {
  const fromMakefile = m.makefile ? readModuleDir(m.dir) : null;
  const moduleDir: ModuleDir = fromMakefile ?? {
    dir: m.dir,
    name: m.name,
    makefile: null,
    sources: m.files,
    missing: m.missingSources,
    defines: {},
    undefines: [],
    includeDirs: [],
    problems: [],
  };
  const machine = moduleMachine({ dir: m.dir, files: [] }, null)?.name;
  return {
    ...(machine ? { machine } : {}),
    name: moduleDir.name,
    kind: m.moduleClass.toLowerCase(),
    input: 'module',
    dir: m.dir,
    moduleDir,
    related: m.required ?? [],
    notes: [],
  };
}

/** Two modules of one name: module_load would find only one of them. */
export function noteDuplicates(specs: ModuleSpec[]): void {
  const byName = new Map<string, ModuleSpec[]>();
  for (const s of specs) byName.set(s.name, [...(byName.get(s.name) ?? []), s]);
  for (const [name, group] of byName) {
    if (group.length < 2) continue;
    for (const s of group) {
      const others = group.filter((g) => g !== s).map((g) => g.dir);
      s.notes.push(`another module in the tree is also named ${name} (${others.join(', ')}); requisites named ${name} load ${group[0]!.dir}`);
    }
  }
}

/** The LKM as it is on disk: discovery's sources, the Makefile's flags. */
function lkmDir(plan: ModulePlan): ModuleDir {
  const md = readModuleDir(plan.dir);
  const base: ModuleDir = md ?? {
    dir: plan.dir,
    name: plan.kmod ?? plan.name,
    makefile: plan.makefile,
    sources: [],
    missing: [],
    defines: {},
    undefines: [],
    includeDirs: [],
    problems: [],
  };
  return { ...base, sources: plan.files.length ? plan.files : base.sources, missing: plan.missingSources };
}

function belongsTo(f: Finding, plan: ModulePlan): boolean {
  return f.file === plan.makefile || path.dirname(f.file) === plan.dir || plan.files.includes(f.file);
}

export function findingLine(f: Finding): string {
  return `${f.file}${f.line > 0 ? `:${f.line}` : ''}: ${f.severity}: ${f.message} [${f.code}]`;
}
