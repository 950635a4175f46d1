/**
 * The reader behind parseMakefile: one pass over a Makefile and the files it includes, as
 * make(1) reads them: assignments with their five operators, `.if`/`.for`/`.include`
 * directives, dependency lines, and the problems a user must hear about (escaping `.PATH`s,
 * undefined variables, undecidable conditions).
 */
import path from 'node:path';
import { MakeVars, type AssignOp } from './make-vars.ts';
import { evalCondition, not, CondSyntaxError, type Tri } from './make-cond.ts';
import { kernelTreeOf, machineVars, netbsdSrcDir, sysDirAbove, type Machine } from './make-env.ts';
import { evalShellIdiom } from './make-shell.ts';
import { findEndfor, logicalLines, splitAssignment, stripComment, topLevelIndexOf, words, type LogicalLine } from './make-lines.ts';
import type { MakefileInfo, MakefileProblem } from './makefile.ts';
import { isFile, readSource } from './files.ts';

const DIRECTIVES = new Set([
  'if', 'ifdef', 'ifndef', 'ifmake', 'ifnmake', 'elif', 'elifdef', 'elifndef', 'elifmake', 'elifnmake',
  'else', 'endif', 'for', 'endfor', 'include', '-include', 'sinclude', 'dinclude', 'undef', 'export',
  'export-env', 'unexport', 'unexport-env', 'error', 'warning', 'info', 'MAKEFLAGS',
]);

const MAX_INCLUDE_DEPTH = 32;

interface CondFrame {
  /** Whether the branch being read is taken. */
  branch: Tri;
  /** Whether an earlier branch of this .if was taken. */
  taken: Tri;
  /** Whether the enclosing context was active when this .if was met. */
  outer: Tri;
  sawElse: boolean;
  file: string;
  line: number;
}


export class MakefileReader {
  private vars: MakeVars;
  /** The kernel tree the Makefile sits in (conf/files, kern/, sys/), when it is in one. */
  private kernelTree: string | undefined;
  private conds: CondFrame[] = [];
  private reportedUndecided = new Set<string>();

  constructor(
    private info: MakefileInfo,
    private includeCache: Map<string, string | null>,
    machine: Machine,
  ) {
    this.vars = new MakeVars(machineVars(machine));
    this.vars.setBuiltin('.CURDIR', info.curdir);
    this.vars.setBuiltin('.OBJDIR', info.curdir);
    this.vars.setBuiltin('.MAKE', 'make');
    // bsd.kmod.mk's `S?= /sys` means the kernel tree; bsd.own.mk's NETBSDSRCDIR the tree above it.
    this.kernelTree = kernelTreeOf(info.curdir);
    const sys = this.kernelTree ?? sysDirAbove(info.curdir);
    let srcdir: string | undefined | null = null;
    this.vars.fallback = (name) => {
      if (name === 'S') return sys;
      if (name === 'NETBSDSRCDIR' || name === 'BSDSRCDIR') {
        if (srcdir === null) srcdir = netbsdSrcDir(info.curdir);
        return srcdir;
      }
      return undefined;
    };
  }

  private problem(file: string, line: number, severity: MakefileProblem['severity'], code: string, message: string) {
    this.info.problems.push({ file, line, severity, code, message });
  }

  /** Whether lines read now take effect: 'maybe' inside a branch that could not be decided. */
  private active(base: Tri): Tri {
    let a = base;
    for (const f of this.conds) {
      if (f.branch === 'no') return 'no';
      if (f.branch === 'maybe') a = a === 'no' ? 'no' : 'maybe';
    }
    return a;
  }

  readFile(file: string, text: string, base: Tri, depth: number): void {
    const savedDir = this.vars.get('.PARSEDIR')?.value;
    const savedFile = this.vars.get('.PARSEFILE')?.value;
    this.vars.setBuiltin('.PARSEDIR', path.dirname(file));
    this.vars.setBuiltin('.PARSEFILE', path.basename(file));
    const condDepth = this.conds.length;
    this.readLines(file, logicalLines(text), base, depth);
    while (this.conds.length > condDepth) {
      const f = this.conds.pop()!;
      this.problem(f.file, f.line, 'warning', 'makefile-syntax', '.if without a matching .endif; add the .endif');
    }
    if (savedDir !== undefined) this.vars.setBuiltin('.PARSEDIR', savedDir);
    if (savedFile !== undefined) this.vars.setBuiltin('.PARSEFILE', savedFile);
  }

  private readLines(file: string, lines: LogicalLine[], base: Tri, depth: number): void {
    let inRule = false;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i]!;
      if (l.tab && inRule) continue; // a shell command of the rule above
      const stripped = stripComment(l.text).trim();
      if (stripped === '') continue;
      inRule = false;
      // `include file` without the dot is accepted too, as make(1) does for compatibility.
      const d = /^\.\s*(-?[a-zA-Z-]+)\b\s*(.*)$/.exec(stripped) ?? /^(-?include|sinclude)\s+(.*)$/.exec(stripped);
      if (d && DIRECTIVES.has(d[1]!)) {
        if (d[1] === 'for') {
          const end = findEndfor(lines, i);
          if (end < 0) {
            this.problem(file, l.line, 'warning', 'makefile-syntax', '.for without a matching .endfor; add the .endfor');
            return;
          }
          if (this.active(base) !== 'no') this.runFor(file, l, d[2]!, lines.slice(i + 1, end), base, depth);
          i = end;
          continue;
        }
        this.directive(file, l.line, d[1]!, d[2]!, base, depth);
        continue;
      }
      const act = this.active(base);
      if (act === 'no') continue;
      const asg = splitAssignment(stripped);
      if (asg) {
        this.assign(file, l.line, asg.name, asg.op, asg.value, act);
        continue;
      }
      if (this.dependency(file, l.line, stripped, act)) {
        inRule = true;
        continue;
      }
      this.problem(file, l.line, 'warning', 'makefile-syntax', `cannot read this line: "${stripped}"; make would stop here`);
    }
  }

  private assign(file: string, line: number, rawName: string, op: AssignOp, raw: string, act: Tri): void {
    const name = this.vars.expand(rawName).value.trim();
    const sites = this.info.assignments.get(name) ?? [];
    sites.push({ file, line, op, raw });
    this.info.assignments.set(name, sites);
    if (op === '!=') {
      this.shellAssign(file, line, name, raw, act);
      return;
    }
    // Inside an undecided branch a plain assignment must not overwrite what the other branch set.
    const effective: AssignOp = act === 'maybe' && (op === '=' || op === ':=') && this.vars.isSetByUser(name) ? '+=' : op;
    this.vars.assign(name, effective, raw);
  }

  /** `NAME!= command`: the directory idioms are evaluated, any other command leaves NAME unknown. */
  private shellAssign(file: string, line: number, name: string, raw: string, act: Tri): void {
    const cmd = this.vars.expand(raw);
    const r = cmd.unknown
      ? { unknown: 'its command is built from a value lkm2mod cannot know' }
      : evalShellIdiom(cmd.value, this.info.curdir);
    if ('value' in r) {
      if (act === 'maybe' && this.vars.isSetByUser(name)) this.vars.assign(name, '+=', r.value.replace(/\$/g, '$$$$'));
      else this.vars.assignOutput(name, r.value, false);
      return;
    }
    this.vars.assignOutput(name, '', true);
    this.problem(file, line, r.warning ? 'warning' : 'note', 'makefile-shell-assignment',
      `${name} is set by the shell command "${cmd.value}"; lkm2mod evaluates only cd and pwd without a shell, ` +
        `and ${r.unknown}, so anything built from ${name} is unknown. Write the value with = if it is fixed`);
  }

  /** `targets: sources`, including the special targets .PATH and .PATH.<suffix>. */
  private dependency(file: string, line: number, text: string, act: Tri): boolean {
    const colon = topLevelIndexOf(text, ':');
    const bang = topLevelIndexOf(text, '!');
    const sep = colon >= 0 && (bang < 0 || colon < bang) ? colon : bang;
    if (sep < 0) return false;
    let rest = text.slice(sep + 1);
    if (rest.startsWith(':')) rest = rest.slice(1);
    const semi = topLevelIndexOf(rest, ';');
    if (semi >= 0) rest = rest.slice(0, semi);
    const targets = words(this.vars.expand(text.slice(0, sep)).value);
    this.vars.undefinedRefs.clear();
    const sources = words(this.vars.expand(rest).value);
    for (const t of targets) {
      if (t === '.PATH' || t.startsWith('.PATH.')) {
        this.reportUndefined(file, line, t);
        const dirs = sources.map((s) => path.resolve(this.info.curdir, s));
        this.reportEscaping(file, line, t, dirs);
        const suffix = t === '.PATH' ? null : t.slice('.PATH'.length);
        if (suffix === null) {
          if (sources.length === 0 && act === 'yes') this.info.searchPath = [];
          else this.info.searchPath.push(...dirs.filter((x) => !this.info.searchPath.includes(x)));
        } else {
          const list = this.info.searchPathBySuffix.get(suffix) ?? [];
          if (sources.length === 0 && act === 'yes') list.length = 0;
          else list.push(...dirs.filter((x) => !list.includes(x)));
          this.info.searchPathBySuffix.set(suffix, list);
        }
      }
    }
    if (!targets.every((t) => t.startsWith('.'))) this.info.rules.push({ file, line, targets, sources });
    return true;
  }

  private directive(file: string, line: number, name: string, arg: string, base: Tri, depth: number): void {
    const cond = (directive: string): Tri => {
      try {
        const r = evalCondition(arg, this.vars, this.info.curdir, directive);
        if (r === 'maybe' && !this.reportedUndecided.has(`${file}:${line}`)) {
          this.reportedUndecided.add(`${file}:${line}`);
          this.problem(file, line, 'note', 'makefile-undecided-condition',
            `cannot tell whether ".${name} ${arg}" holds without running make on the target machine; ` +
              'the sources of every branch are taken');
        }
        return r;
      } catch (err) {
        const why = err instanceof CondSyntaxError ? err.message : String(err);
        this.problem(file, line, 'warning', 'makefile-syntax', `cannot read the condition ".${name} ${arg}": ${why}; both branches are taken`);
        return 'maybe';
      }
    };
    switch (name) {
      case 'if':
      case 'ifdef':
      case 'ifndef':
      case 'ifmake':
      case 'ifnmake': {
        const outer = this.active(base);
        const branch = outer === 'no' ? 'no' : cond(name);
        this.conds.push({ branch, taken: branch, outer, sawElse: false, file, line });
        return;
      }
      case 'elif':
      case 'elifdef':
      case 'elifndef':
      case 'elifmake':
      case 'elifnmake': {
        const f = this.conds[this.conds.length - 1];
        if (!f || f.sawElse) {
          this.problem(file, line, 'warning', 'makefile-syntax', `.${name} without a matching .if; remove it or add the .if`);
          return;
        }
        if (f.outer === 'no' || f.taken === 'yes') {
          f.branch = 'no';
          return;
        }
        const c = cond(name.replace(/^el/, ''));
        f.branch = f.taken === 'no' ? c : c === 'no' ? 'no' : 'maybe';
        f.taken = f.taken === 'no' ? c : f.taken === 'maybe' && c === 'yes' ? 'yes' : f.taken;
        return;
      }
      case 'else': {
        const f = this.conds[this.conds.length - 1];
        if (!f || f.sawElse) {
          this.problem(file, line, 'warning', 'makefile-syntax', '.else without a matching .if; remove it or add the .if');
          return;
        }
        f.sawElse = true;
        f.branch = f.outer === 'no' ? 'no' : not(f.taken);
        return;
      }
      case 'endif':
        if (!this.conds.pop()) this.problem(file, line, 'warning', 'makefile-syntax', '.endif without a matching .if; remove it');
        return;
    }
    const act = this.active(base);
    if (act === 'no') return;
    switch (name) {
      case 'include':
      case '-include':
      case 'sinclude':
      case 'dinclude':
        this.include(file, line, arg, name !== 'include', act, depth);
        return;
      case 'undef':
        for (const v of words(this.vars.expand(arg).value)) this.vars.undefine(v);
        return;
      case 'error':
        if (act === 'yes') {
          this.problem(file, line, 'warning', 'makefile-error',
            `make stops here with ".error ${this.vars.expand(arg).value}"; fix what it asks for before converting`);
        }
        return;
      default:
        return; // .export, .warning, .info, ...: nothing that changes what is built
    }
  }

  private include(file: string, line: number, arg: string, optional: boolean, act: Tri, depth: number): void {
    const m = /^([<"])(.*)[>"]$/.exec(arg.trim());
    if (!m) {
      this.problem(file, line, 'warning', 'makefile-syntax', `cannot read ".include ${arg}"; write it as .include "file" or <file>`);
      return;
    }
    const target = this.vars.expand(m[2]!).value;
    if (m[1] === '<') {
      // System makefiles (bsd.kmod.mk, bsd.own.mk) add rules and defaults, not module sources.
      if (!this.info.includes.includes(`<${target}>`)) this.info.includes.push(`<${target}>`);
      return;
    }
    if (depth >= MAX_INCLUDE_DEPTH) {
      this.problem(file, line, 'warning', 'makefile-include', `.include "${target}" nests more than ${MAX_INCLUDE_DEPTH} deep (an include loop?); not followed`);
      return;
    }
    const candidates = path.isAbsolute(target)
      ? [target]
      : [path.resolve(path.dirname(file), target), path.resolve(this.info.curdir, target)];
    for (const c of candidates) {
      const text = this.readInclude(c);
      if (text === null) continue;
      this.info.includes.push(c);
      this.readFile(c, text, act, depth + 1);
      return;
    }
    if (!optional) {
      this.problem(file, line, 'warning', 'makefile-include',
        `.include "${target}" names a file the tree lacks (looked in ${[...new Set(candidates.map(path.dirname))].join(', ')}); ` +
          'variables it would set are missing, so paths built from them may be wrong');
    }
  }

  private readInclude(file: string): string | null {
    if (this.includeCache.has(file)) return this.includeCache.get(file)!;
    let text: string | null = null;
    if (isFile(file)) {
      const r = readSource(file);
      if ('text' in r) text = r.text;
      else this.problem(file, 0, 'warning', r.problem.code, r.problem.message);
    }
    this.includeCache.set(file, text);
    return text;
  }

  private runFor(file: string, l: LogicalLine, header: string, body: LogicalLine[], base: Tri, depth: number): void {
    const m = /^(.+?)\s+in\s+(.*)$/.exec(header);
    if (!m) {
      this.problem(file, l.line, 'warning', 'makefile-syntax', `cannot read ".for ${header}"; write it as .for var in list`);
      return;
    }
    const names = words(m[1]!);
    const values = words(this.vars.expand(m[2]!).value);
    for (let i = 0; i + names.length <= values.length; i += names.length) {
      const iteration = body.map((b) => {
        let t = b.text;
        names.forEach((n, k) => {
          const v = values[i + k]!;
          t = t.split(`\${${n}}`).join(v).split(`$(${n})`).join(v).split(`\${${n}:`).join(`\${:U${v}:`);
        });
        return { ...b, text: t };
      });
      this.readLines(file, iteration, base, depth);
    }
  }

  /** A .PATH that leads out of the kernel tree the Makefile is in: sources there are not the tree's to change. */
  private reportEscaping(file: string, line: number, target: string, dirs: string[]): void {
    const tree = this.kernelTree;
    if (!tree) return;
    for (const d of dirs) {
      const r = path.relative(tree, d);
      if (r !== '' && (r.startsWith('..') || path.isAbsolute(r))) {
        this.problem(file, line, 'warning', 'makefile-path-outside-tree',
          `${target} leads to ${d}, outside the kernel tree ${tree}; sources found there are read, but lkm2mod never writes ` +
            'outside the tree (the edits they need are reported with their hunks). Move them into the tree, or point .PATH at the copy in it');
      }
    }
  }

  /** Undefined variables in a value that decides where sources are: the paths come out wrong. */
  private reportUndefined(file: string, line: number, what: string): void {
    for (const name of this.vars.undefinedRefs) {
      this.problem(file, line, 'warning', 'makefile-undefined-variable',
        `${what} uses \${${name}}, which neither this Makefile nor the files it includes set, so it expands to nothing; ` +
          'set it (or include the Makefile.inc that does)');
    }
    this.vars.undefinedRefs.clear();
  }

  finish(): void {
    const info = this.info;
    for (const name of this.vars.names()) {
      if (name.startsWith('.')) continue;
      info.vars.set(name, this.vars.get(name)!.value.trim());
    }
    const kmod = info.vars.get('KMOD');
    info.kmod = kmod ? kmod : null;
    info.srcs = words(info.vars.get('SRCS') ?? '');
    info.cppflags = words(info.vars.get('CPPFLAGS') ?? '');
    for (const mod of this.vars.unknownModifiers) {
      this.problem(info.file, 0, 'note', 'makefile-modifier', `lkm2mod does not implement the make modifier ${mod}; the value is used unmodified`);
    }
    for (const name of ['KMOD', 'SRCS']) {
      this.vars.undefinedRefs.clear();
      this.vars.get(name);
      const site = info.assignments.get(name)?.at(-1);
      if (site) this.reportUndefined(site.file, site.line, name);
    }
  }
}
