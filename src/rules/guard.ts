/**
 * A pack's rules, wrapped before the pipeline sees them. A rule is user code: when it throws,
 * the failure is recorded with the rule's id and the line of the pack that threw, so the command
 * can refuse to write anything and say exactly what went wrong. Every edit a pack rule makes is
 * tagged with the rule's id, so when it claims text another rule (or the converter) also changes,
 * the conflict names the pack; and the modules a pack rule converted are remembered, so such a
 * conflict found later, outside the rule's own call, is still laid at the pack's door.
 */
import path from 'node:path';
import { EditConflict, type EditSet } from '../source/edits.ts';
import type { ModulePlan } from '../discover/plan.ts';
import type { DeclarationShape, ModuleRule, Rule, RuleContext, SourceFile, TreeContext, TreeRule } from '../discover/rule-api.ts';
import type { Location, PackRuntime } from './execute.ts';

export interface RuleFailure {
  rule: string;
  /** The pack file that defines the rule. */
  ruleFile: string;
  /** Where in the pack's code it failed: the innermost frame in a pack file. */
  at: Location | null;
  /** The C file and line the rule was working on. */
  site: { file: string; line: number } | null;
  message: string;
}

export class FailureLog {
  readonly failures: RuleFailure[] = [];
  /** Modules pack rules converted, with the ids of those rules. */
  readonly converted = new Map<ModulePlan, string[]>();
  /** The origin each pack edit was tagged with, and the pack line that made it. */
  readonly edits = new Map<string, Location | null>();
}

export function guardRule(rule: Rule, ruleFile: string, log: FailureLog, runtime: PackRuntime): Rule {
  const id = rule.meta.id;
  // The line of the pack that made the edit goes into its origin, so a conflict points at it.
  const tag = (origin: string) => {
    const at = runtime.locate(new Error());
    const tagged = `rule ${id} (${path.basename(at?.file ?? ruleFile)}${at ? `:${at.line}` : ''}): ${origin}`;
    log.edits.set(tagged, at);
    return tagged;
  };
  const call = <T>(site: RuleFailure['site'], fn: () => T): T => {
    try {
      return fn();
    } catch (err) {
      const at = runtime.locate(err);
      const message = err instanceof EditConflict ? err.message : describeError(err);
      log.failures.push({ rule: id, ruleFile, at, site, message });
      if (err instanceof EditConflict) throw err;
      throw new Error(`${message}${at ? ` (${path.basename(at.file)}:${at.line}:${at.column})` : ''}`);
    }
  };
  if (rule.scope === 'tree') {
    const tree: TreeRule = { ...rule, run: (ctx) => call(null, () => rule.run(taggedTree(ctx, tag))) };
    return tree;
  }
  const module: ModuleRule = {
    ...rule,
    convert: (ctx) => {
      log.converted.set(ctx.plan, [...(log.converted.get(ctx.plan) ?? []), id]);
      call({ file: ctx.declaration.file, line: ctx.declaration.line }, () => rule.convert(taggedModule(ctx, tag)));
    },
  };
  if (rule.matches) {
    const matches = rule.matches.bind(rule);
    module.matches = (decl, plan) => call({ file: decl.file, line: decl.line }, () => matches(decl, plan));
  }
  if (rule.declares) {
    const shape: DeclarationShape = rule.declares;
    module.declares = {
      words: shape.words,
      query: shape.query,
      read: (m) => {
        const at = m.captures.declaration ?? Object.values(m.captures)[0];
        return call({ file: m.file, line: at ? at.startPosition.row + 1 : 1 }, () => shape.read(m));
      },
    };
  }
  return module;
}

function describeError(err: unknown): string {
  if (err instanceof Error) return `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}`;
  return `threw ${String(err)}`;
}

function taggedModule(ctx: RuleContext, tag: (o: string) => string): RuleContext {
  const wrap = sourceWrapper(tag);
  return {
    ...ctx,
    files: () => ctx.files().map(wrap),
    source: (file) => wrap(ctx.source(file)),
    definition: (identifier) => {
      const d = ctx.definition(identifier);
      return d && { ...d, file: wrap(d.file) };
    },
  };
}

function taggedTree(ctx: TreeContext, tag: (o: string) => string): TreeContext {
  const wrap = sourceWrapper(tag);
  return { ...ctx, source: (file) => wrap(ctx.source(file)) };
}

/** The same file, seen through edits that carry the rule's id; one wrapper per file, so identity holds. */
function sourceWrapper(tag: (o: string) => string): (src: SourceFile) => SourceFile {
  const seen = new WeakMap<SourceFile, SourceFile>();
  return (src) => {
    let w = seen.get(src);
    if (!w) {
      w = taggedSource(src, tag);
      seen.set(src, w);
    }
    return w;
  };
}

function taggedSource(src: SourceFile, tag: (o: string) => string): SourceFile {
  const edits = new Proxy(src.edits, {
    get(target, prop) {
      if (prop === 'replace' || prop === 'insert' || prop === 'remove') {
        return (...args: unknown[]) => {
          args[args.length - 1] = tag(String(args[args.length - 1]));
          return (target[prop] as (...a: unknown[]) => void).apply(target, args);
        };
      }
      const v = Reflect.get(target, prop, target) as unknown;
      return typeof v === 'function' ? v.bind(target) : v;
    },
  }) as EditSet;
  return {
    get path() {
      return src.path;
    },
    get text() {
      return src.text;
    },
    get tree() {
      return src.tree;
    },
    edits,
    line: (offset) => src.line(offset),
    lineStartOf: (offset) => src.lineStartOf(offset),
    indentAt: (offset) => src.indentAt(offset),
    query: (pattern) => src.query(pattern),
    removeNode: (node, origin, opts) => src.removeNode(node, tag(origin), opts),
    replaceNode: (node, text, origin) => src.replaceNode(node, text, tag(origin)),
    removeRange: (start, end, origin) => src.removeRange(start, end, tag(origin)),
  };
}
