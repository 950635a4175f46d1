/**
 * Discovery: every old-style LKM under some paths, as ModulePlans, and every module already in
 * module(9) form (discover-module9.ts).
 *
 * The order of work is chosen so each file is read once and parsed only when it can matter:
 *   1. walk the paths (names only);
 *   2. read the Makefiles that set KMOD, and resolve their SRCS through .PATH — now the set of
 *      module sources is known before any C file is read;
 *   3. read every C file once; a byte prefilter and a regular expression pick the candidates,
 *      which are parsed (in worker threads, when there is enough to parse, while reading goes on);
 *   4. parse the module sources that were not candidates but may hold a handler;
 *   5. assemble: a module per Makefile with KMOD, and one per directory of declaring sources that
 *      no Makefile builds.
 *
 * Long because: the scan's state (texts read, facts parsed, parses in flight) is one object whose
 * steps share it; the parsing itself is in scan-worker.ts and the per-file work in the files
 * beside this one.
 */
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import type { Finding, Module9, ModulePlan, ScanResult } from './plan.ts';
import {
  walkPaths, FileReader, decodeSource, isBinary, binaryProblem, readSource, isCSourceName, type FileProblem,
} from '../source/files.ts';
import { parseMakefile, resolveSources } from '../source/makefile.ts';
import { DEFAULT_MACHINE, kernelTreeOf, sysDirAbove, type Machine } from '../source/make-env.ts';
import { lkmInterface } from '../source/lkm-header.ts';
import { headerDefines, localIncludes, type MacroDefine, type SourceFacts } from './facts.ts';
import { assembleModule, sortFindings, type AssembleContext, type ModuleSources } from './assemble.ts';
import { mayMentionLkm, hasLkmConstruct, neededByModule } from './prefilter.ts';
import { makefileModule9, mayDeclareModinfo, orphanModule9s } from './module9.ts';
import { finding, findings } from './findings.ts';
import { parseFile, ParsePool, type ParseOutcome } from './scan-worker.ts';
import { stringLiteral, bareName } from './text.ts';
import { ShapeMatcher } from './shapes.ts';
import { lkmWrappers, notUnderstood, type LkmWrapper } from './wrappers.ts';
import type { DescriptorFact } from './facts.ts';
import type { Rule } from './rule-api.ts';

export interface DiscoverOptions {
  /** Parse threads; default os.availableParallelism(). 1 parses in the calling thread. */
  jobs?: number;
  /** Called as files are read: (files done, files in total). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Bytes of source to parse before worker threads are started. A worker costs ~250 ms of CPU to
   * start (the TypeScript loader, tree-sitter), about what parsing 1 MB takes, so below this the
   * calling thread parses alone. Default 2 MiB; tests set 0 to exercise the workers.
   */
  parallelThreshold?: number;
  /** Rule packs' rules: those that declare a shape of their own (a vendor macro) are recognised too. */
  rules?: readonly Rule[];
  /** The machine whose Makefiles are read (`--machine`): MACHINE, MACHINE_ARCH. Default i386. */
  machine?: Machine;
}

const DEFAULT_PARALLEL_THRESHOLD = 2 * 1024 * 1024;

export async function discover(paths: string[], opts: DiscoverOptions = {}): Promise<ScanResult> {
  const walk = walkPaths(paths.length ? paths : ['.']);
  const jobs = Math.max(1, opts.jobs ?? os.availableParallelism());
  const parser = new Parser(jobs, opts.parallelThreshold ?? DEFAULT_PARALLEL_THRESHOLD);
  try {
    const shapes = new ShapeMatcher(opts.rules ?? []);
    const machine = opts.machine ?? DEFAULT_MACHINE;
    const result = await new Discovery(walk.problems, parser, shapes, machine, opts.onProgress).run(walk.cFiles, walk.makefiles, walk.namedFiles);
    return { ...result, machine };
  } finally {
    await parser.close();
  }
}

/**
 * Parses in the calling thread, until the queued source passes the threshold: then starts the
 * workers and hands them everything from there on, so they start while reading goes on.
 */
class Parser {
  private pool: ParsePool | null = null;
  private queue: { file: string; text: string; resolve: (o: ParseOutcome) => void }[] = [];
  private queuedBytes = 0;

  constructor(
    private jobs: number,
    private threshold: number,
  ) {}

  parse(file: string, text: string): Promise<ParseOutcome> {
    if (this.pool) return this.pool.parse(file, text);
    return new Promise((resolve) => {
      this.queue.push({ file, text, resolve });
      this.queuedBytes += text.length;
      if (this.jobs > 1 && this.queuedBytes >= this.threshold) {
        this.pool = new ParsePool(this.jobs);
        for (const q of this.queue) this.pool.parse(q.file, q.text).then(q.resolve);
        this.queue = [];
      }
    });
  }

  /** Parses what is queued: in the workers if they run, here otherwise. */
  flush(): void {
    if (this.pool) return this.pool.flush();
    for (const q of this.queue) q.resolve(parseFile(q.file, q.text));
    this.queue = [];
    this.queuedBytes = 0;
  }

  async close(): Promise<void> {
    await this.pool?.close();
  }
}

class Discovery {
  private reader = new FileReader();
  private includeCache = new Map<string, string | null>();
  private problems: FileProblem[];
  private texts = new Map<string, string>();
  private facts = new Map<string, SourceFacts>();
  /** Files handed to a parser (their facts arrive later). */
  private parsing = new Set<string>();
  private pending: Promise<void>[] = [];
  private parseFailures: Finding[] = [];
  private headerCache = new Map<string, LocalHeader>();
  /** Declarations rules' shapes found, by file: added to the file's facts when they arrive. */
  private shaped = new Map<string, DescriptorFact[]>();
  private ruleProblems: Finding[] = [];
  /** C files outside any Makefile's module that hold a MODULE() line. */
  private modinfoFiles: string[] = [];
  private read = new Set<string>();
  /** What the Makefiles' `S` named: the kernel tree, for a tree too partial to be recognised. */
  private sysDirs = new Set<string>();
  private done = 0;
  private total = 0;

  constructor(
    problems: FileProblem[],
    private parser: Parser,
    private shapes: ShapeMatcher,
    private machine: Machine,
    private onProgress?: (done: number, total: number) => void,
  ) {
    this.problems = [...problems];
  }

  async run(cFiles: string[], makefiles: string[], namedFiles: string[]): Promise<ScanResult> {
    this.total = cFiles.length + makefiles.length;
    const modules = this.readMakefiles(makefiles);
    modules.push(...this.makefilesOfNamedFiles(namedFiles, makefiles));
    await this.readSources(cFiles, modules);
    await this.parseWhatModulesNeed(modules);
    const { plans, module9, treeFindings } = this.assemble(modules);
    const claimed = new Set(modules.flatMap((m) => m.files));
    plans.push(...this.orphanModules(claimed));
    module9.push(...this.orphanModule9s(claimed, plans));
    module9.sort((a, b) => a.dir.localeCompare(b.dir) || a.name.localeCompare(b.name));
    treeFindings.push(...this.ruleProblems, ...this.orphanWrapperCalls(claimed, plans));
    plans.sort((a, b) => a.dir.localeCompare(b.dir) || a.name.localeCompare(b.name));
    const parseErrors: Finding[] = [
      ...this.problems.map((p) => finding(p.code, p.file, 0, p.message)),
      ...this.parseFailures,
      ...plans.flatMap((p) => p.findings.filter((f) => f.code === 'parse-errors')),
    ];
    return {
      modules: plans,
      module9,
      filesScanned: this.read.size + [...this.includeCache.values()].filter((t) => t !== null).length,
      filesParsed: this.parsing.size,
      parseErrors: sortFindings(dedupe(parseErrors)),
      findings: sortFindings(treeFindings),
      sysDirs: [...this.sysDirs].sort(),
    };
  }

  /** A C file named on its own: the Makefile beside it, if it builds that file, says what else belongs to it. */
  private makefilesOfNamedFiles(namedFiles: string[], makefiles: string[]): ModuleSources[] {
    const out: ModuleSources[] = [];
    for (const file of namedFiles) {
      const mk = path.join(path.dirname(file), 'Makefile');
      if (makefiles.includes(mk) || !fs.existsSync(mk)) continue;
      this.total++;
      out.push(...this.readMakefiles([mk]).filter((m) => m.files.includes(file)));
    }
    return out;
  }

  /** Every C file once; the module sources a Makefile reaches outside the paths given too. */
  private async readSources(cFiles: string[], modules: ModuleSources[]): Promise<void> {
    const moduleFiles = new Set(modules.flatMap((m) => m.files));
    for (const f of cFiles) this.readC(f, moduleFiles.has(f));
    const outside = [...moduleFiles].filter((f) => !this.read.has(f));
    this.total += outside.length;
    for (const f of outside) this.readC(f, true);
    this.onProgress?.(this.done, this.total);
    await this.settle();
  }

  /** Module sources that were not candidates, but may define a handler the glue names. */
  private async parseWhatModulesNeed(modules: ModuleSources[]): Promise<void> {
    for (const m of modules) {
      const wanted = this.wantedNames(m.files);
      for (const f of m.files) {
        if (!this.parsing.has(f) && this.texts.has(f) && neededByModule(this.texts.get(f)!, wanted)) this.parse(f);
      }
    }
    await this.settle();
  }

  /** A plan per Makefile module, or its module(9) module; a finding for a KMOD whose sources declare neither. */
  private assemble(modules: ModuleSources[]): { plans: ModulePlan[]; module9: Module9[]; treeFindings: Finding[] } {
    const plans: ModulePlan[] = [];
    const module9: Module9[] = [];
    const treeFindings: Finding[] = [];
    for (const m of modules) {
      const plan = assembleModule(m, this.context(m)) ?? this.withUnlistedGlue(m);
      if (plan) {
        plans.push(plan);
        continue;
      }
      const converted = makefileModule9(m, (f) => this.texts.get(f));
      if (converted) {
        module9.push(converted);
        continue;
      }
      const wrapped = this.wrapperCalls(m);
      if (wrapped.length) {
        treeFindings.push(...wrapped);
        continue;
      }
      const mk = m.makefile!;
      const site = mk.assignments.get('KMOD')?.at(-1);
      if (mk.includes.includes('<bsd.kmodule.mk>')) {
        treeFindings.push(findings.modinfoNotRead(site?.file ?? mk.file, site?.line ?? 1, mk.kmod!, m.files.map((f) => path.basename(f))));
        continue;
      }
      const generated = m.missing.filter((miss) => mk.rules.some((r) => r.targets.includes(miss)));
      treeFindings.push(
        findings.noDeclaration(site?.file ?? mk.file, site?.line ?? 1, mk.kmod!, m.files.map((f) => path.basename(f)), generated),
      );
    }
    return { plans, module9, treeFindings };
  }

  /**
   * A Makefile whose SRCS declare no LKM, beside a C file that declares one and is not in SRCS
   * (NetBSD 1.4's compat/svr4 lists its sources and forgets lkminit_emul.c): that file is the
   * module's glue, not a module of its own.
   */
  private withUnlistedGlue(m: ModuleSources): ModulePlan | null {
    const mk = m.makefile;
    if (!mk?.kmod) return null;
    const glue = [...this.facts]
      .filter(([f, facts]) => path.dirname(f) === m.dir && !m.files.includes(f) && facts.descriptors.length > 0)
      .map(([f]) => f)
      .sort();
    if (!glue.length) return null;
    const joined: ModuleSources = { ...m, files: [...glue, ...m.files] };
    const plan = assembleModule(joined, this.context(joined));
    if (!plan) return null;
    m.files = joined.files;
    const d = plan.declaration!;
    const site = mk.assignments.get('SRCS')?.[0] ?? { file: mk.file, line: 1 };
    plan.findings.push(findings.glueNotInSrcs(site.file, site.line, mk.kmod, glue.map((f) => path.basename(f)),
      `${d.macro} at ${path.basename(d.file)}:${d.line}`));
    plan.findings = sortFindings(plan.findings);
    plan.unlistedSources = glue;
    return plan;
  }

  private progress(): void {
    this.done++;
    if (this.onProgress && (this.done & 63) === 0) this.onProgress(this.done, this.total);
  }

  /** Makefiles that build a KMOD, with their sources resolved. Others (SUBDIR lists) are skipped unparsed. */
  private readMakefiles(makefiles: string[]): ModuleSources[] {
    const out: ModuleSources[] = [];
    for (const file of makefiles) {
      this.progress();
      const buf = this.reader.read(file);
      this.read.add(file);
      if (!Buffer.isBuffer(buf)) {
        this.problems.push(buf);
        continue;
      }
      if (isBinary(buf)) {
        this.problems.push(binaryProblem(file));
        continue;
      }
      if (buf.indexOf('KMOD') < 0) continue;
      const info = parseMakefile(file, { text: decodeSource(buf), includeCache: this.includeCache, machine: this.machine });
      if (!info.kmod) continue;
      const s = info.vars.get('S');
      if (s && path.isAbsolute(s) && fs.existsSync(s)) this.sysDirs.add(path.resolve(s));
      const { found, missing } = resolveSources(info, info.curdir);
      out.push({ dir: info.curdir, makefile: info, files: found.filter((f) => isCSourceName(f)), missing });
    }
    return out;
  }

  private readC(file: string, isModuleFile: boolean): void {
    this.progress();
    const buf = this.reader.read(file);
    this.read.add(file);
    if (!Buffer.isBuffer(buf)) {
      this.problems.push(buf);
      return;
    }
    if (isBinary(buf)) {
      this.problems.push(binaryProblem(file));
      return;
    }
    const maybe = mayMentionLkm(buf);
    const shaped = !this.shapes.empty && this.shapes.wants(buf);
    const modinfo = !isModuleFile && mayDeclareModinfo(buf);
    if (!maybe && !isModuleFile && !shaped && !modinfo) return;
    const text = decodeSource(buf);
    if (isModuleFile || modinfo) this.texts.set(file, text);
    if (modinfo) this.modinfoFiles.push(file);
    if (shaped) this.matchShapes(file, text);
    if ((maybe && hasLkmConstruct(text)) || this.shaped.has(file)) this.parse(file, text);
  }

  private matchShapes(file: string, text: string): void {
    const { descriptors, problems } = this.shapes.match(file, text);
    if (descriptors.length) this.shaped.set(file, descriptors);
    this.ruleProblems.push(...problems);
  }

  private parse(file: string, text = this.texts.get(file)!): void {
    this.parsing.add(file);
    this.pending.push(this.parser.parse(file, text).then((o) => this.record(file, o)));
  }

  private record(file: string, o: ParseOutcome): void {
    if ('facts' in o) {
      const shaped = this.shaped.get(file);
      if (shaped) o.facts.descriptors = [...o.facts.descriptors, ...shaped].sort((a, b) => a.declaration.start - b.declaration.start);
      this.facts.set(file, o.facts);
    } else {
      this.parseFailures.push(finding('parse-errors', file, 1, `could not parse this file (${o.error}); it was skipped — please report this`, 'error'));
    }
  }

  private async settle(): Promise<void> {
    this.parser.flush();
    while (this.pending.length) {
      const batch = this.pending;
      this.pending = [];
      await Promise.all(batch);
    }
  }

  /** Handler and entry names the module's parsed files refer to. */
  private wantedNames(files: string[]): Set<string> {
    const names = new Set<string>();
    for (const f of files) {
      const facts = this.facts.get(f);
      if (!facts) continue;
      for (const fn of facts.functions) {
        for (const d of fn.dispatch) if (d.macro !== 'lkmdispatch') d.args.slice(3).forEach((a) => names.add(bareName(a)));
      }
    }
    names.delete('lkm_nofunc');
    return names;
  }

  private context(m: ModuleSources): AssembleContext {
    const dirs = headerDirs(m);
    return {
      facts: (file: string) => this.facts.get(file),
      headerDefines: (file: string) => this.localHeaders(file, this.facts.get(file)?.localIncludes ?? [], dirs).flatMap((h) => h.defines),
      lkmInterface: () => {
        const sys = kernelSysDir(m);
        return sys ? lkmInterface(sys) : null;
      },
    };
  }

  /** The headers `file` includes with quotes, found as cc -I would for a module build, read once each. */
  private localHeaders(file: string, includes: string[], dirs: string[]): LocalHeader[] {
    const out: LocalHeader[] = [];
    for (const inc of includes) {
      for (const d of [path.dirname(file), ...dirs]) {
        const p = path.resolve(d, inc);
        let header = this.headerCache.get(p);
        if (!header) {
          if (!fs.existsSync(p)) continue;
          const r = readSource(p);
          header = 'text' in r ? { defines: headerDefines(r.text), wrappers: lkmWrappers(p, r.text) } : { defines: [], wrappers: [] };
          this.headerCache.set(p, header);
        }
        out.push(header);
        break;
      }
    }
    return out;
  }

  /**
   * A module that declares nothing lkm2mod knows, but calls a macro its headers define around
   * MOD_* or DISPATCH: an LKM in a vendor's shape, reported where the macro is called.
   */
  private wrapperCalls(m: ModuleSources): Finding[] {
    const dirs = headerDirs(m);
    const out: Finding[] = [];
    for (const f of m.files) {
      const text = this.texts.get(f);
      let facts = this.facts.get(f);
      if (!facts && text === undefined) continue;
      // The wrappers in sight come from the text (its #defines, its local headers): only a file
      // that sees one needs parsing, to tell its file-scope calls from statements.
      const own = facts?.wrappers ?? lkmWrappers(f, text!);
      const visible = [...own, ...this.localHeaders(f, facts?.localIncludes ?? localIncludes(text!), dirs).flatMap((h) => h.wrappers)];
      if (!visible.length) continue;
      if (!facts) {
        this.parsing.add(f);
        this.record(f, parseFile(f, text!));
        facts = this.facts.get(f);
        if (!facts) continue;
      }
      out.push(...notUnderstood(f, facts.macroCalls, visible));
    }
    return out;
  }

  /** The same for parsed files no Makefile claims and no module was made of. */
  private orphanWrapperCalls(claimed: Set<string>, plans: ModulePlan[]): Finding[] {
    const inModules = new Set(plans.flatMap((p) => p.files));
    const out: Finding[] = [];
    for (const [file, facts] of this.facts) {
      if (claimed.has(file) || inModules.has(file) || facts.descriptors.length || !facts.macroCalls.length) continue;
      const visible = [...facts.wrappers, ...this.localHeaders(file, facts.localIncludes, []).flatMap((h) => h.wrappers)];
      out.push(...notUnderstood(file, facts.macroCalls, visible));
    }
    return out;
  }

  /**
   * Modules no Makefile builds: declaring sources grouped by directory. When the entry or a
   * handler is missing from them, the sibling C files that define it are taken too.
   */
  private orphanModules(claimed: Set<string>): ModulePlan[] {
    const byDir = new Map<string, string[]>();
    for (const [file, facts] of this.facts) {
      if (claimed.has(file) || !(facts.descriptors.length || facts.functions.some((f) => f.dispatch.length))) continue;
      const dir = path.dirname(file);
      byDir.set(dir, [...(byDir.get(dir) ?? []), file]);
    }
    const plans: ModulePlan[] = [];
    for (const [dir, files] of byDir) {
      if (!files.some((f) => this.facts.get(f)!.descriptors.length)) continue;
      files.sort();
      const src: ModuleSources = { dir, makefile: null, files, missing: [] };
      let plan = assembleModule(src, this.context(src));
      if (plan && (!plan.entry || Object.values(plan.handlers).some((h) => h?.unresolved))) {
        const wanted = new Set<string>(this.wantedNames(files));
        // modload(8)'s default entry name for the module.
        if (!plan.entry) wanted.add(`${stringLiteral(plan.declaration!.args[0] ?? '') ?? plan.name}_lkmentry`);
        const siblings = this.siblingsDefining(dir, files, wanted);
        if (siblings.length) {
          src.files = [...files, ...siblings];
          plan = assembleModule(src, this.context(src));
        }
      }
      if (plan) plans.push(plan);
    }
    return plans;
  }

  /** Module(9) modules of sources no Makefile claims and no LKM was made of. */
  private orphanModule9s(claimed: Set<string>, plans: ModulePlan[]): Module9[] {
    const inPlans = new Set(plans.flatMap((p) => p.files));
    const declaring = this.modinfoFiles.filter((f) => !claimed.has(f) && !inPlans.has(f)).map((file) => ({ file, text: this.texts.get(file)! }));
    if (!declaring.length) return [];
    const cFilesOf = (dir: string) => {
      try {
        return fs.readdirSync(dir).filter(isCSourceName).sort().map((n) => path.join(dir, n));
      } catch {
        return [];
      }
    };
    const textOf = (file: string) => {
      if (!this.texts.has(file)) {
        const r = readSource(file);
        if ('text' in r) this.texts.set(file, r.text);
      }
      return this.texts.get(file);
    };
    return orphanModule9s(declaring, cFilesOf, textOf);
  }

  private siblingsDefining(dir: string, taken: string[], wanted: Set<string>): string[] {
    let names: string[];
    try {
      names = fs.readdirSync(dir).filter(isCSourceName).sort();
    } catch {
      return [];
    }
    const out: string[] = [];
    for (const n of names) {
      const file = path.join(dir, n);
      if (taken.includes(file)) continue;
      let text = this.texts.get(file);
      if (text === undefined) {
        const r = readSource(file);
        if (!('text' in r)) continue;
        text = r.text;
      }
      const defines = [...wanted].some((w) => /^\w+$/.test(w) && new RegExp(`^\\s*(?:static\\s+)?(?:int\\s+)?${w}\\s*\\(`, 'm').test(text!));
      if (!defines) continue;
      this.parsing.add(file);
      this.record(file, parseFile(file, text));
      if (this.facts.has(file)) out.push(file);
    }
    return out;
  }
}

/** What discovery reads of a module's own header: the macros its files may go through. */
interface LocalHeader {
  defines: MacroDefine[];
  wrappers: LkmWrapper[];
}

/** Where a module's quoted includes are looked for: its folder, .PATH, and CPPFLAGS' -I. */
function headerDirs(m: ModuleSources): string[] {
  const mk = m.makefile;
  const flags = mk?.cppflags ?? [];
  const includes = flags.flatMap((w, i) => (w === '-I' ? [flags[i + 1] ?? ''] : w.startsWith('-I') ? [w.slice(2)] : []))
    .filter(Boolean)
    .map((d) => path.resolve(m.dir, d));
  return [m.dir, ...(mk?.searchPathBySuffix.get('.h') ?? []), ...(mk?.searchPath ?? []), ...includes];
}

/** The kernel tree a module builds against: the one it sits in, else the one its Makefile's S names. */
function kernelSysDir(m: ModuleSources): string | undefined {
  const s = m.makefile?.vars.get('S');
  return kernelTreeOf(m.dir) ?? (s && path.isAbsolute(s) ? s : undefined) ?? sysDirAbove(m.dir);
}

function dedupe(list: Finding[]): Finding[] {
  const seen = new Set<string>();
  return list.filter((f) => {
    const k = `${f.code}\0${f.file}\0${f.line}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
