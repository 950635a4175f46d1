/**
 * The last step of a conversion: edits become file changes, laid out where the modules now live
 * (sys/lkm → sys/modules), with each module's findings merged with what scan said.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { renderPatch, type FileChange } from '../source/patch.ts';
import { commonRoot, contains } from '../source/tree-root.ts';
import { readSource } from '../source/text-encoding.ts';
import { parseMakefile } from '../source/makefile.ts';
import type { Machine } from '../source/make-env.ts';
import { SourceCache } from './csource.ts';
import { movedInclude, placeModule, type Placement } from './layout.ts';
import { dropSubdir, modulesMakefileInc, modulesSubdirMakefile, rewriteMakefile } from './makefile-gen.ts';
import { moduleName } from './names.ts';
import { foldedPlacement, makefileForSet } from './module-set-convert.ts';
import type { Finding, ModulePlan } from '../discover/plan.ts';
import type { Prepared } from './prepare.ts';
import type { ConversionSet, ModuleConversion } from './convert.ts';

export function assemble(
  cache: SourceCache,
  plans: ModulePlan[],
  prepared: Map<ModulePlan, Prepared>,
  failed: Map<ModulePlan, Finding[]>,
  treeFindings: Finding[],
  root: string,
  scanMachine: Machine,
  /** Kernel sources a module now builds too (module-set-kernel.ts). */
  hostedSources: (module: string) => string[],
): ConversionSet {
  const placements = new Map<ModulePlan, Placement>();
  const moves = new Map<string, string>();
  const changes = new Map<string, FileChange>();
  const perModule = new Map<ModulePlan, Set<string>>();
  const touch = (plan: ModulePlan, key: string) => perModule.get(plan)!.add(key);

  // Emulation modules are placed before the exec formats folded into them, which go with them.
  const hostOf = (p: Prepared) => [...prepared].find(([, q]) => q.job.name === p.job.helperOf);
  const ordered = [...prepared].sort(([, a], [, b]) => Number(!!a.job.helperOf) - Number(!!b.job.helperOf));
  for (const [plan, p] of ordered) {
    perModule.set(plan, new Set());
    const glue = p.job.descriptors.map((d) => d.src.path);
    const host = p.job.helperOf ? hostOf(p) : undefined;
    if (host && placements.has(host[0])) {
      const placement = foldedPlacement(plan, p.job.name, glue, placements.get(host[0])!);
      placements.set(plan, placement);
      for (const [from, to] of placement.moves) moves.set(from, to);
      continue;
    }
    let placement = placeModule(plan.dir, p.job.name, plan.makefile, glue);
    if (placement.moved && !contains(root, placement.dir)) {
      // Nothing is written outside the root: a module whose NetBSD place is outside it stays put.
      p.job.finding({
        file: plan.makefile ?? plan.dir,
        line: 1,
        severity: 'note',
        code: 'layout-outside-root',
        message: `${p.job.name} was converted in place: its NetBSD place, ${placement.dir}, is outside the tree root ${root}, where lkm2mod never writes. Convert from the kernel tree to get the NetBSD layout.`,
      });
      placement = { ...placement, dir: plan.dir, moved: false, moves: new Map(), leftBehind: [] };
    }
    const target = placement.moved ? placement.dir : null;
    if (target && existsSync(target)) {
      p.job.finding({
        file: plan.makefile ?? plan.dir,
        line: 1,
        severity: 'error',
        code: 'module-dir-exists',
        message: `${path.relative(root, target)} already exists, so ${p.job.name} was converted in place in ${path.relative(root, plan.dir)} instead of moving there. Move the existing directory away and convert again to get the NetBSD layout.`,
      });
      placements.set(plan, { ...placement, dir: plan.dir, moved: false, moves: new Map() });
      continue;
    }
    placements.set(plan, placement);
    for (const [from, to] of placement.moves) moves.set(from, to);
    for (const left of placement.leftBehind) {
      p.job.finding({
        file: left,
        line: 1,
        severity: 'warning',
        code: 'left-behind',
        message: `${path.basename(left)} is a directory in the old LKM folder; it was not moved to ${path.relative(root, placement.dir)}. Move what the module needs by hand.`,
      });
    }
  }

  // Relative includes in files that move must still find their headers.
  for (const [plan, placement] of placements) {
    if (!placement.moved) continue;
    for (const [from, to] of placement.moves) {
      if (!from.endsWith('.c') && !from.endsWith('.h')) continue;
      const src = cache.get(from);
      for (const m of src.text.matchAll(/^[ \t]*#[ \t]*include[ \t]*"([^"]+)"/gm)) {
        const spec = m[1];
        const fixed = movedInclude(spec, path.dirname(from), path.dirname(to), moves);
        if (!fixed) continue;
        const at = m.index! + m[0].lastIndexOf(spec);
        if (!src.edits.touches(at, at + spec.length)) src.edits.replace(at, at + spec.length, fixed, `convert ${plan.name}: include path`);
      }
    }
  }

  for (const src of cache.all()) {
    const to = moves.get(src.path);
    if (src.edits.size === 0 && !to) continue;
    const after = src.edits.apply();
    if (!to && after === src.text) continue;
    changes.set(to ?? src.path, {
      path: to ?? src.path,
      ...(to ? { oldPath: src.path } : {}),
      before: src.text,
      after,
      ...(src.encoding === 'utf8' ? {} : { encoding: src.encoding }),
    });
  }
  for (const [plan, placement] of placements) {
    const p = prepared.get(plan)!;
    for (const [from, to] of placement.moves) {
      if (changes.has(to) || from === plan.makefile) continue;
      const { text, encoding } = readSource(from);
      changes.set(to, { path: to, oldPath: from, before: text, after: text, ...(encoding === 'utf8' ? {} : { encoding }) });
    }
    for (const file of p.job.files) touch(plan, moves.get(file.path) ?? file.path);
    for (const to of placement.moves.values()) touch(plan, to);
    if (plan.makefile && p.job.helperOf) {
      // Its sources are built by the emulation module's Makefile now.
      changes.set(plan.makefile, { path: plan.makefile, before: readFileSync(plan.makefile, 'utf8'), after: null });
      touch(plan, plan.makefile);
    } else if (plan.makefile) {
      const before = readFileSync(plan.makefile, 'utf8');
      const renamedSources = new Map<string, string>();
      for (const [from, to] of placement.moves) {
        if (path.basename(from) !== path.basename(to)) renamedSources.set(path.basename(from), path.basename(to));
      }
      const rewritten = rewriteMakefile(before, {
        moved: placement.moved,
        kmod: plan.kmod && plan.kmod !== p.job.name ? p.job.name : undefined,
        renamedSources,
        searchPath: plan.searchPath,
        oldDir: plan.dir,
        newDir: placement.dir,
        sysDir: placement.sysDir,
        addSources: (plan.unlistedSources ?? []).map((f) => path.basename(moves.get(f) ?? f)),
        vars: parseMakefile(plan.makefile, { text: before, machine: scanMachine }).vars,
      });
      const folded = [...prepared].filter(([, q]) => q.job.helperOf === p.job.name).map(([fp, q]) => ({ plan: fp, files: q.job.files.map((f) => f.path) }));
      const kernelSources = hostedSources(p.job.name);
      if (kernelSources.length) folded.push({ plan, files: kernelSources });
      const after = makefileForSet(rewritten, plan, p.job.files.map((f) => f.path), folded, placement, moves);
      if (plan.kmod && plan.kmod !== p.job.name) {
        p.job.finding({
          file: plan.makefile,
          line: 1,
          severity: 'note',
          code: 'kmod-renamed',
          message: `KMOD was ${plan.kmod}; module(9) finds a module as <name>/<name>.kmod by its MODULE() name, so KMOD is now ${p.job.name}.`,
        });
      }
      const to = placement.moved ? path.join(placement.dir, 'Makefile') : plan.makefile;
      if (placement.moved || after !== before) {
        changes.set(to, { path: to, ...(placement.moved ? { oldPath: plan.makefile } : {}), before, after });
        touch(plan, to);
      }
    }
  }

  // sys/modules/{Makefile,Makefile.inc}, and the SUBDIR lists of the old sys/lkm/<kind> folders.
  const bySys = new Map<string, string[]>();
  for (const [plan, placement] of placements) {
    if (!placement.moved || !placement.sysDir) continue;
    const job = prepared.get(plan)!.job;
    if (!job.helperOf) bySys.set(placement.sysDir, [...(bySys.get(placement.sysDir) ?? []), job.name]);
    const kindMakefile = path.join(path.dirname(plan.dir), 'Makefile');
    if (existsSync(kindMakefile) && !moves.has(kindMakefile)) {
      const cur = changes.get(kindMakefile);
      const before = cur?.before ?? readFileSync(kindMakefile, 'utf8');
      const after = dropSubdir(cur?.after ?? before, path.basename(plan.dir));
      if (after !== before) changes.set(kindMakefile, { path: kindMakefile, before, after });
    }
  }
  for (const [sysDir, names] of bySys) {
    const inc = path.join(sysDir, 'modules', 'Makefile.inc');
    if (!existsSync(inc)) {
      const lkmInc = path.join(sysDir, 'lkm', 'Makefile.inc');
      changes.set(inc, { path: inc, before: null, after: modulesMakefileInc(existsSync(lkmInc) ? readFileSync(lkmInc, 'utf8') : null) });
    }
    const subdir = path.join(sysDir, 'modules', 'Makefile');
    const before = existsSync(subdir) ? readFileSync(subdir, 'utf8') : null;
    const after = modulesSubdirMakefile(before, names);
    if (after !== before) changes.set(subdir, { path: subdir, before, after });
  }

  const sorted = [...changes.values()].sort((a, b) => a.path.localeCompare(b.path));
  const inRoot = (c: FileChange) => contains(root, c.path) && (!c.oldPath || contains(root, c.oldPath));
  const all = sorted.filter(inRoot);
  const outside = sorted.filter((c) => !inRoot(c));
  for (const c of outside) {
    const plan = [...perModule].find(([, keys]) => keys.has(c.path))?.[0];
    const f = outsideFinding(c, root);
    if (plan && prepared.get(plan)) prepared.get(plan)!.job.finding(f);
    else treeFindings.push(f);
  }
  const modules: ModuleConversion[] = [];
  const allFindings: Finding[] = [];
  for (const plan of plans) {
    const p = prepared.get(plan);
    const fail = failed.get(plan);
    if (!p && !fail) continue;
    const own = mergeFindings(plan.findings, [...(p?.job.findings ?? []), ...(fail ?? [])]);
    allFindings.push(...own);
    if (!p) {
      modules.push({
        plan,
        name: moduleName(plan.name, plan.kmod).name,
        moduleClass: 'MISC',
        required: [],
        dir: plan.dir,
        sources: plan.files,
        changes: [],
        findings: own,
      });
      continue;
    }
    const placement = placements.get(plan)!;
    const keys = perModule.get(plan)!;
    const folded = [...prepared.values()].filter((q) => q.job.helperOf === p.job.name).flatMap((q) => q.job.files.map((f) => f.path));
    modules.push({
      plan,
      name: p.job.name,
      ...(p.renamedFrom ? { renamedFrom: p.renamedFrom } : {}),
      ...(p.job.helperOf ? { mergedInto: p.job.helperOf } : {}),
      moduleClass: p.job.moduleClass,
      required: p.required,
      dir: placement.dir,
      sources: [...p.job.files.map((f) => f.path), ...folded].map((f) => moves.get(f) ?? f),
      changes: all.filter((c) => keys.has(c.path)),
      findings: own,
    });
  }
  // Scan's parse errors also sit in the plans' findings: report each once.
  const known = new Set(allFindings.map((f) => `${f.code}\0${f.file}\0${f.line}`));
  const rest = treeFindings.filter((f) => !known.has(`${f.code}\0${f.file}\0${f.line}`));
  return { modules, changes: all, outside, findings: [...rest, ...allFindings] };
}

/** A change lkm2mod will not write, because its file is outside the tree root: said, with its hunk. */
function outsideFinding(c: FileChange, root: string): Finding {
  const file = c.oldPath ?? c.path;
  const hunk = renderPatch([c], commonRoot([c.path, ...(c.oldPath ? [c.oldPath] : [])].map(path.dirname), path.dirname(file)));
  const before = (c.before ?? '').split('\n');
  const after = (c.after ?? '').split('\n');
  let line = 0;
  while (line < before.length && before[line] === after[line]) line++;
  return {
    file,
    line: Math.min(line, before.length - 1) + 1,
    severity: 'warning',
    code: 'outside-tree-root',
    message:
      `${path.basename(file)} needs an edit for the conversion, but it is outside the tree root ${root}, ` +
      'where lkm2mod never writes (a .PATH leads there). The edit is in the preview patch, after the tree\'s, ' +
      'on lines starting "#| "; apply it there deliberately if the file is yours, or move the file into the tree.',
    hunk,
  };
}

const RESOLVED_BY_CONVERT = new Set([
  'handler-uses-lkmtp',
  'offset-read',
  'syscall-slot-dynamic',
  'name-differs-from-kmod',
  'entry-dispatches-by-hand',
]);

/** Scan's problems that a finding of convert's in the same file says were converted. */
const CONVERTED_WHEN: Record<string, string> = {
  'sysent-patched': 'sysent-patch-converted',
  // The #if that chose between declarations is gone: there is no condition left to keep.
  'conditional-registration': 'conditional-declaration-merged',
};

/** Scan's findings and convert's, one per code and place (convert's wording wins). */
function mergeFindings(scan: Finding[], convert: Finding[]): Finding[] {
  const key = (f: Finding) => `${f.code}\0${f.file}\0${f.line}`;
  const mine = new Set(convert.map(key));
  const codes = new Set(convert.map((f) => `${f.code}\0${f.file}`));
  const converted = (f: Finding) => f.code in CONVERTED_WHEN && codes.has(`${CONVERTED_WHEN[f.code]}\0${f.file}`);
  return [
    ...scan.filter((f) => !RESOLVED_BY_CONVERT.has(f.code) && !converted(f) && !mine.has(key(f)) && !codes.has(`${f.code}\0${f.file}`)),
    ...convert,
  ].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line);
}
