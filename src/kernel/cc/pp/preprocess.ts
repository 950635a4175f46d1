/**
 * The C preprocessor of the simulated kernel's compiler.
 *
 * It writes one output line per source line it reads (directives and skipped lines become empty
 * lines; a macro call spread over several lines is expanded on its first and the rest left
 * empty), and records for every output line the file and line it came from. Every position in
 * the parsed unit therefore maps back to the real source, header lines included.
 *
 * Long because: directives, the conditional stack, macro expansion across lines and the line map
 * share one pass's state.
 */
import { basename, dirname, join } from 'node:path';
import { CompileError, type CompileWarning } from '../errors.ts';
import { evaluateIf, IfExprError } from './if-expr.ts';
import type { GeneratedHeader } from './config-headers.ts';
import { describeDir, findInclude, type IncludeDir } from './include-path.ts';
import { expand, MacroError, mentionsMacro, parseDefine, sameDefinition, type Macro } from './macros.ts';
import { loadSource, sourceFromText, type LogicalLine, type SourceFile } from './source-file.ts';
import { spell, tokenize, type Token } from './tokens.ts';

export interface PreprocessOptions {
  includeDirs: IncludeDir[];
  /** -D, applied after the predefines. */
  defines: Map<string, string>;
  /** -U, applied last. */
  undefines?: string[];
  /** Read a file (tests substitute in-memory sources); defaults to the cached file reader. */
  load?: (path: string) => SourceFile;
}

export interface LineMap {
  files: string[];
  /** Per output line (0-based): index into files, and the 1-based source line. */
  fileOf: number[];
  lineOf: number[];
}

export interface PreprocessResult {
  text: string;
  map: LineMap;
  macros: Map<string, Macro>;
  warnings: CompileWarning[];
  /** Every file read, in order (the unit's dependencies). */
  included: string[];
  /** Headers config(8) would have written, synthesised because the unit includes them. */
  generated: GeneratedHeader[];
}

interface Cond {
  /** This group's lines are emitted. */
  active: boolean;
  /** Some branch of this #if chain has been taken. */
  taken: boolean;
  elseSeen: boolean;
  /** The enclosing group is active. */
  outer: boolean;
  line: number;
}

const MAX_INCLUDE_DEPTH = 200;

export function preprocess(mainFile: string, opts: PreprocessOptions): PreprocessResult {
  return new Preprocessor(opts).run(mainFile);
}

class Preprocessor {
  private readonly macros = new Map<string, Macro>();
  private readonly out: string[] = [];
  private readonly map: LineMap = { files: [], fileOf: [], lineOf: [] };
  private readonly fileIndex = new Map<string, number>();
  private readonly warnings: CompileWarning[] = [];
  private readonly included: string[] = [];
  private readonly generated: GeneratedHeader[] = [];
  /** Files whose whole text is guarded by a macro (#ifndef X / #define X ... #endif) or #pragma once. */
  private readonly guards = new Map<string, string>();
  private readonly once = new Set<string>();
  private readonly load: (path: string) => SourceFile;
  private depth = 0;

  constructor(private readonly opts: PreprocessOptions) {
    this.load = opts.load ?? loadSource;
    const site = { file: '<command line>', line: 1 };
    for (const [name, value] of opts.defines) this.define(`${name} ${value}`, site);
    for (const name of opts.undefines ?? []) this.macros.delete(name);
  }

  run(mainFile: string): PreprocessResult {
    this.include(mainFile, -1, { file: mainFile, line: 1 });
    return {
      text: this.out.join('\n') + '\n',
      map: this.map,
      macros: this.macros,
      warnings: this.warnings,
      included: this.included,
      generated: this.generated,
    };
  }

  private define(text: string, site: { file: string; line: number }): void {
    let m: Macro;
    try {
      m = parseDefine(tokenize(text), site);
    } catch (e) {
      throw new CompileError(site, (e as Error).message);
    }
    const old = this.macros.get(m.name);
    if (old && !sameDefinition(old, m) && old.site.file !== '<command line>' && old.site.file !== '<built-in>') {
      this.warnings.push({ site, message: `${m.name} redefined (previous definition at ${old.site.file}:${old.site.line})` });
    }
    this.macros.set(m.name, m);
  }

  private emit(text: string, fileIdx: number, line: number): void {
    this.out.push(text);
    this.map.fileOf.push(fileIdx);
    this.map.lineOf.push(line);
  }

  private include(path: string, dirIndex: number, from: { file: string; line: number }): void {
    if (this.once.has(path)) return;
    const guard = this.guards.get(path);
    if (guard && this.macros.has(guard)) return;
    let src: SourceFile;
    try {
      src = this.load(path);
    } catch (e) {
      throw new CompileError(from, `cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    this.includeSource(src, dirIndex, from);
  }

  private includeSource(src: SourceFile, dirIndex: number, from: { file: string; line: number }): void {
    const path = src.path;
    if (++this.depth > MAX_INCLUDE_DEPTH) throw new CompileError(from, `#include nested too deeply (${MAX_INCLUDE_DEPTH} levels): recursive include of ${path}?`);
    this.included.push(path);
    let fi = this.fileIndex.get(path);
    if (fi === undefined) {
      fi = this.map.files.length;
      this.map.files.push(path);
      this.fileIndex.set(path, fi);
    }
    this.processFile(src, fi, dirIndex);
    this.depth--;
  }

  private processFile(src: SourceFile, fi: number, dirIndex: number): void {
    const file = src.path;
    const lines = src.lines;
    const conds: Cond[] = [];
    const active = () => conds.length === 0 || conds[conds.length - 1].active;
    const guardName = detectGuard(lines);
    for (let li = 0; li < lines.length; li++) {
      const ll = lines[li];
      const site = { file, line: ll.line };
      if (ll.directive) {
        this.directive(ll, site, conds, active, fi, dirIndex);
        this.blank(ll, fi);
        continue;
      }
      if (!active()) {
        this.blank(ll, fi);
        continue;
      }
      let tokens = lineTokens(ll);
      if (!mentionsMacro(tokens, this.macros)) {
        this.emit(ll.text, fi, ll.line);
        for (let k = 1; k < ll.span; k++) this.emit('', fi, ll.line + k);
        continue;
      }
      // A function-like macro call may continue on the following lines: join them first.
      const joined: LogicalLine[] = [ll];
      while (needsMoreLines(tokens, this.macros) && li + 1 < lines.length && !lines[li + 1].directive) {
        li++;
        joined.push(lines[li]);
        const more = lineTokens(lines[li]);
        // The line break before the continuation is whitespace (a copy: the tokens are shared).
        tokens = more.length > 0 ? [...tokens, { ...more[0], ws: true }, ...more.slice(1)] : tokens;
      }
      let expanded: Token[];
      try {
        expanded = expand(tokens, { macros: this.macros, file, line: ll.line });
      } catch (e) {
        if (e instanceof MacroError) throw new CompileError(site, e.message);
        throw e;
      }
      this.emit(spell(expanded), fi, ll.line);
      for (const j of joined) for (let k = j === ll ? 1 : 0; k < j.span; k++) this.emit('', fi, j.line + k);
    }
    if (conds.length > 0) {
      const open = conds[conds.length - 1];
      throw new CompileError({ file, line: open.line }, 'unterminated #if: this conditional has no #endif');
    }
    if (guardName) this.guards.set(file, guardName);
  }

  private blank(ll: LogicalLine, fi: number): void {
    for (let k = 0; k < ll.span; k++) this.emit('', fi, ll.line + k);
  }

  private directive(
    ll: LogicalLine,
    site: { file: string; line: number },
    conds: Cond[],
    active: () => boolean,
    fi: number,
    dirIndex: number,
  ): void {
    const m = /^\s*#\s*([A-Za-z_]\w*)?(.*)$/s.exec(ll.text)!;
    const name = m[1] ?? '';
    const rest = m[2];
    switch (name) {
      case 'if':
      case 'ifdef':
      case 'ifndef': {
        const outer = active();
        let taken = false;
        if (outer) {
          if (name === 'if') taken = this.condition(rest, site);
          else {
            const id = tokenize(rest)[0];
            if (!id || id.kind !== 'id') throw new CompileError(site, `#${name} needs a macro name`);
            taken = this.macros.has(id.text) === (name === 'ifdef');
          }
        }
        conds.push({ active: outer && taken, taken, elseSeen: false, outer, line: ll.line });
        return;
      }
      case 'elif': {
        const c = conds[conds.length - 1];
        if (!c) throw new CompileError(site, '#elif without #if');
        if (c.elseSeen) throw new CompileError(site, `#elif after #else (the #if is at line ${c.line})`);
        if (!c.outer || c.taken) {
          c.active = false;
          return;
        }
        c.active = this.condition(rest, site);
        c.taken = c.active;
        return;
      }
      case 'else': {
        const c = conds[conds.length - 1];
        if (!c) throw new CompileError(site, '#else without #if');
        if (c.elseSeen) throw new CompileError(site, `second #else (the #if is at line ${c.line})`);
        c.elseSeen = true;
        c.active = c.outer && !c.taken;
        c.taken = true;
        return;
      }
      case 'endif':
        if (!conds.pop()) throw new CompileError(site, '#endif without #if');
        return;
    }
    if (!active()) return;
    switch (name) {
      case '':
        return; // the null directive
      case 'define':
        this.define(rest, site);
        return;
      case 'undef': {
        const id = tokenize(rest)[0];
        if (id) this.macros.delete(id.text);
        return;
      }
      case 'include':
      case 'include_next':
        this.includeDirective(rest, site, name === 'include_next' ? dirIndex + 1 : 0, name === 'include');
        return;
      case 'error':
        throw new CompileError(site, `#error${rest.trimEnd() ? ' ' + rest.trim() : ''}`);
      case 'warning':
        this.warnings.push({ site, message: `#warning ${rest.trim()}` });
        return;
      case 'pragma':
        if (/^\s*once\b/.test(rest)) this.once.add(site.file);
        return;
      case 'line':
      case 'ident':
      case 'sccs':
        return;
      default:
        this.warnings.push({ site, message: `unknown directive #${name} ignored` });
    }
  }

  private condition(text: string, site: { file: string; line: number }): boolean {
    const tokens = this.replaceDefined(tokenize(text), site);
    try {
      const expanded = expand(tokens, { macros: this.macros, file: site.file, line: site.line });
      return evaluateIf(this.replaceDefined(expanded, site)) !== 0n;
    } catch (e) {
      if (e instanceof IfExprError || e instanceof MacroError) throw new CompileError(site, e.message);
      throw e;
    }
  }

  private replaceDefined(tokens: Token[], site: { file: string; line: number }): Token[] {
    const out: Token[] = [];
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i];
      if (t.kind !== 'id' || t.text !== 'defined') {
        out.push(t);
        continue;
      }
      let j = i + 1;
      const paren = tokens[j]?.text === '(';
      if (paren) j++;
      const id = tokens[j];
      if (!id || id.kind !== 'id') throw new CompileError(site, "'defined' needs a macro name");
      if (paren && tokens[j + 1]?.text !== ')') throw new CompileError(site, "missing ')' after 'defined'");
      out.push({ kind: 'num', text: this.macros.has(id.text) ? '1' : '0', ws: t.ws });
      i = paren ? j + 1 : j;
    }
    return out;
  }

  private includeDirective(rest: string, site: { file: string; line: number }, from: number, quoted: boolean): void {
    let spec = rest.trim();
    if (!/^["<]/.test(spec)) {
      // A computed include: #include MACRO
      spec = spell(expand(tokenize(spec), { macros: this.macros, file: site.file, line: site.line })).trim();
    }
    const m = /^"([^"]+)"|^<([^>]+)>/.exec(spec);
    if (!m) throw new CompileError(site, `#include expects "file" or <file>, got ${rest.trim()}`);
    const name = m[1] ?? m[2];
    if (m[1] !== undefined && quoted) {
      const local = join(dirname(site.file), name);
      if (this.exists(local)) {
        this.include(local, -1, site);
        return;
      }
    }
    const found = findInclude(name, this.opts.includeDirs, Math.max(0, from));
    if (!found) {
      const where = this.opts.includeDirs.map(describeDir).join(', ');
      throw new CompileError(site, `cannot find include file ${m[0]} (searched ${where})${this.otherPort(site.file)}`);
    }
    const generated = this.opts.includeDirs[found.index]!.generated?.byPath(found.path);
    if (generated) {
      if (this.once.has(found.path)) return;
      this.once.add(found.path);
      if (!this.generated.some((g) => g.name === generated.name)) this.generated.push(generated);
      this.includeSource(sourceFromText(found.path, generated.text), found.index, site);
      return;
    }
    this.include(found.path, found.index, site);
  }

  /** A hint when the including file belongs to another port's arch/ folder than the machine's. */
  private otherPort(file: string): string {
    const machine = this.opts.includeDirs.find((d) => d.as === 'machine');
    if (!machine) return '';
    const arch = dirname(dirname(machine.dir)) + '/';
    if (!file.startsWith(arch)) return '';
    const port = file.slice(arch.length).split('/')[0]!;
    const current = basename(dirname(machine.dir));
    return port && port !== current ? `; ${file.slice(arch.length)} is ${port} code: compile it with --machine ${port}` : '';
  }

  private exists(path: string): boolean {
    try {
      this.load(path);
      return true;
    } catch {
      return false;
    }
  }
}

function lineTokens(ll: LogicalLine): readonly Token[] {
  return (ll.tokens ??= tokenize(ll.text));
}

/** The macro of a classic include guard covering the whole file, if there is one. */
function detectGuard(lines: LogicalLine[]): string | undefined {
  const significant = lines.filter((l) => l.text.trim() !== '');
  if (significant.length < 3) return undefined;
  const first = /^\s*#\s*ifndef\s+(\w+)\s*$/.exec(significant[0].text);
  const last = /^\s*#\s*endif\b/.test(significant[significant.length - 1].text);
  if (!first || !last) return undefined;
  // The #ifndef must be closed by the last #endif, not earlier.
  let depth = 0;
  for (let i = 0; i < significant.length; i++) {
    const l = significant[i];
    if (!l.directive) continue;
    if (/^\s*#\s*if(n?def)?\b/.test(l.text)) depth++;
    else if (/^\s*#\s*endif\b/.test(l.text)) {
      depth--;
      if (depth === 0 && i !== significant.length - 1) return undefined;
    }
  }
  return first[1];
}

/** The tokens end inside a call of a function-like macro, or with its name (its '(' may follow). */
function needsMoreLines(tokens: readonly Token[], macros: Map<string, Macro>): boolean {
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind !== 'id') continue;
    const m = macros.get(t.text);
    if (!m || m.params === null) continue;
    if (i === tokens.length - 1) return true;
    if (tokens[i + 1].text !== '(') continue;
    let depth = 0;
    let j = i + 1;
    for (; j < tokens.length; j++) {
      if (tokens[j].text === '(') depth++;
      else if (tokens[j].text === ')' && --depth === 0) break;
    }
    if (j >= tokens.length) return true;
    i = j;
  }
  return false;
}
