/**
 * Loading rule packs (`--rules DIR`): every `*.ts` file directly in DIR (but `*.test.ts` and
 * `*.d.ts`) is a rule module whose default export is a rule, or an array of rules; files they
 * import relatively come along.
 * In order, each step refusing with file:line:column and running nothing of the pack:
 *   1. type-check the files against the rule API (compile.ts);
 *   2. import them from memory (execute.ts);
 *   3. check each default export is a rule with its metadata and a valid tree-sitter query,
 *      and that no id is taken twice;
 *   4. wrap each rule (guard.ts), so that a rule failing later, while the tree is converted,
 *      stops the command before anything is written.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { builtinRules } from '../migrate/builtin-rules.ts';
import { compileShapeQuery } from '../discover/shapes.ts';
import type { ConversionSet } from '../migrate/convert.ts';
import type { Rule } from '../discover/rule-api.ts';
import { UserError, EXIT_USAGE } from '../source/errors.ts';
import type { PackDiagnostic } from './compile.ts';
import { FailureLog, guardRule, type RuleFailure } from './guard.ts';
import { ruleProblems } from './meta.ts';

export interface PackRule {
  /** The rule as the pipeline runs it (guarded). */
  rule: Rule;
  /** The file that exports it. */
  file: string;
  /** The pack directory it came from. */
  pack: string;
}

/** The rules of one or more packs, loaded, and what went wrong while they ran. */
export class RulePacks {
  constructor(
    readonly loaded: PackRule[],
    private readonly log: FailureLog,
  ) {}

  static none(): RulePacks {
    return new RulePacks([], new FailureLog());
  }

  /** The rules to hand to discover and convertPlans. */
  get rules(): Rule[] {
    return this.loaded.map((r) => r.rule);
  }

  /**
   * Every failure of a pack rule: those it threw, and the modules it converted whose conversion
   * then failed (an edit it made met one the converter or another rule made).
   */
  failures(set?: ConversionSet, since = 0): RuleFailure[] {
    const out = this.log.failures.slice(since);
    for (const m of set?.modules ?? []) {
      const ids = this.log.converted.get(m.plan);
      if (!ids || m.changes.length) continue;
      for (const f of m.findings) {
        if (f.code !== 'edit-conflict' && f.code !== 'conversion-failed') continue;
        if (out.some((o) => o.site?.file === f.file && o.site.line === f.line && ids.includes(o.rule))) continue;
        const id = ids[0]!;
        const edit = [...this.log.edits].find(([origin]) => f.message.includes(origin));
        out.push({ rule: id, ruleFile: this.fileOf(id), at: edit?.[1] ?? null, site: { file: f.file, line: f.line }, message: f.message });
      }
    }
    return out;
  }

  /** How many failures are recorded so far: `failures(set, since)` then tells one run's from earlier ones. */
  get failureCount(): number {
    return this.log.failures.length;
  }

  /** Refuse to go on (exit 2, nothing written) when a pack rule failed. */
  assertNoFailures(set?: ConversionSet, rel: (p: string) => string = (p) => p): void {
    const failures = this.failures(set);
    if (!failures.length) return;
    const lines = failures.map((f) => {
      const where = f.at ? `${rel(f.at.file)}:${f.at.line}:${f.at.column}` : rel(f.ruleFile);
      const site = f.site ? ` while converting ${rel(f.site.file)}:${f.site.line}` : '';
      return `  ${where}: rule ${f.rule} failed${site}: ${f.message}`;
    });
    throw new UserError(
      `a rule pack failed, so nothing was written:\n${lines.join('\n')}\nFix the rule and run again.`,
      EXIT_USAGE,
    );
  }

  private fileOf(id: string): string {
    return this.loaded.find((r) => r.rule.meta.id === id)?.file ?? '';
  }
}

/** Load every pack; a pack that does not type-check, load or describe itself is refused whole. */
export async function loadRulePacks(dirs: string[], rel: (p: string) => string = (p) => p): Promise<RulePacks> {
  if (!dirs.length) return RulePacks.none();
  const log = new FailureLog();
  const loaded: PackRule[] = [];
  for (const dir of dirs) loaded.push(...(await loadPack(path.resolve(dir), log, rel)));
  const taken = new Map(builtinRules.map((r) => [r.meta.id, 'a built-in rule']));
  for (const r of loaded) {
    const other = taken.get(r.rule.meta.id);
    if (other) throw packError(rel(r.pack), [`${rel(r.file)}: rule id ${r.rule.meta.id} is taken by ${other}; give this rule an id of its own`]);
    taken.set(r.rule.meta.id, rel(r.file));
  }
  return new RulePacks(loaded, log);
}

async function loadPack(dir: string, log: FailureLog, rel: (p: string) => string): Promise<PackRule[]> {
  const shown = rel(dir);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new UserError(`rule pack ${shown}: no such directory`);
  const entries = readdirSync(dir)
    .filter((n) => n.endsWith('.ts') && !n.endsWith('.d.ts') && !n.endsWith('.test.ts'))
    .sort()
    .map((n) => path.join(dir, n));
  if (!entries.length) throw new UserError(`rule pack ${shown}: no *.ts rule files in it`);

  // ts-morph (TypeScript itself) loads only when a pack is given: half a second no other run pays.
  const { checkPack } = await import('./compile.ts');
  const { PackLoadError, PackRuntime } = await import('./execute.ts');
  const { sources, diagnostics } = checkPack(entries);
  if (diagnostics.length) {
    const kind = diagnostics.every((d) => d.code.startsWith('TS')) ? 'type error' : 'error';
    throw packError(shown, diagnostics.map((d) => formatDiagnostic(d, rel)), kind);
  }

  const runtime = new PackRuntime();
  let modules: Map<string, Record<string, unknown>>;
  try {
    modules = await runtime.load(sources);
  } catch (err) {
    if (!(err instanceof PackLoadError)) throw err;
    const where = err.at ? `${rel(err.at.file)}:${err.at.line}:${err.at.column}` : rel(err.file);
    throw packError(shown, [`${where}: loading it failed: ${err.message}`]);
  }

  const out: PackRule[] = [];
  const problems: string[] = [];
  // Files other pack files import are helpers; the others must each export rules.
  const imported = new Set(sources.flatMap((s) => Object.values(s.imports)));
  for (const file of entries) {
    const src = sources.find((s) => s.path === file)!;
    const exported = modules.get(file)?.default;
    const where = `${rel(file)}:${exportLine(src.text)}`;
    if (exported === undefined) {
      if (!imported.has(file)) problems.push(`${where}: exports no rule; end the file with \`export default defineRule({ ... })\``);
      continue;
    }
    const rules = Array.isArray(exported) ? exported : [exported];
    for (const [i, rule] of rules.entries()) {
      const what = Array.isArray(exported) ? `rule ${i + 1} of the default export` : 'the default export';
      const bad = [...ruleProblems(rule), ...queryProblems(rule as Rule)];
      if (bad.length) {
        problems.push(...bad.map((b) => `${where}: ${what}: ${b}`));
        continue;
      }
      out.push({ rule: guardRule(rule as Rule, file, log, runtime), file, pack: dir });
    }
  }
  if (problems.length) throw packError(shown, problems);
  const ids = new Map<string, string>();
  for (const r of out) {
    const first = ids.get(r.rule.meta.id);
    if (first) throw packError(shown, [`${rel(r.file)}: rule id ${r.rule.meta.id} is taken by ${first}; give this rule an id of its own`]);
    ids.set(r.rule.meta.id, rel(r.file));
  }
  return out;
}

function queryProblems(rule: Rule): string[] {
  if (rule.scope !== 'module' || !rule.declares) return [];
  try {
    compileShapeQuery(rule.declares.query);
    return [];
  } catch (err) {
    return [`declares.query is not a tree-sitter query for C: ${queryError(rule.declares.query, err)}`];
  }
}

const QUERY_ERRORS: Record<string, string> = {
  TSQueryErrorSyntax: 'syntax error',
  TSQueryErrorNodeType: 'unknown node type',
  TSQueryErrorField: 'unknown field',
  TSQueryErrorCapture: 'unknown capture',
  TSQueryErrorStructure: 'a pattern no C tree can have',
  TSQueryErrorPredicate: 'bad predicate',
};

/** tree-sitter says `Query error of type TSQueryErrorNodeType at position 23`: say it with the text there. */
function queryError(query: string, err: unknown): string {
  const message = (err as Error)?.message ?? String(err);
  const m = /of type (\w+) at position (\d+)/.exec(message);
  if (!m) return message;
  const rest = query.slice(Number(m[2]));
  const at = /^[@#]?[\w.?!-]+/.exec(rest)?.[0] ?? rest.split('\n')[0]!.slice(0, 20);
  return `${QUERY_ERRORS[m[1]!] ?? m[1]} at \`${at}\``;
}

function exportLine(text: string): number {
  const m = /^export\s+default\b/m.exec(text);
  return m ? text.slice(0, m.index).split('\n').length : 1;
}

function formatDiagnostic(d: PackDiagnostic, rel: (p: string) => string): string {
  return `${rel(d.file)}:${d.line}:${d.column}: error ${d.code}: ${d.message}`;
}

function packError(dir: string, lines: string[], kind = 'problem'): UserError {
  const n = lines.length;
  return new UserError(
    `rule pack ${dir}: ${n} ${kind}${n === 1 ? '' : 's'}; nothing was run:\n${lines.map((l) => `  ${l}`).join('\n')}`,
    EXIT_USAGE,
  );
}
