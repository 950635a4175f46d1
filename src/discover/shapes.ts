/**
 * Declarations in shapes of a rule's own: a vendor macro around MOD_* and DISPATCH, which only
 * a rule pack can teach discovery (rule-api.ts, DeclarationShape). The rule's tree-sitter query
 * runs over each file holding one of its words; each match it reads becomes a descriptor fact
 * like the MOD_* ones, carrying the entry and handlers the rule says the macro stands for.
 *
 * This runs in the calling thread, not in the parse workers: a rule is code loaded once, here
 * (its `read` is a closure that cannot be sent to a worker), and files holding a vendor's words
 * are few. The workers still extract every other fact of those files.
 */
import Parser from 'tree-sitter';
import C from 'tree-sitter-c';
import { parseC, type SyntaxNode } from '../source/cparse.ts';
import type { DescriptorFact } from './facts.ts';
import { PreprocessorConditions, isDead } from './conditions.ts';
import { maskCode } from './text.ts';
import { LKM_KINDS, type Finding } from './plan.ts';
import type { DeclaredLkm, ModuleRule, Rule } from './rule-api.ts';

/** The rules that declare a shape, with their queries compiled once. */
export class ShapeMatcher {
  private readonly shapes: Array<{ rule: ModuleRule; words: Buffer[]; query: Parser.Query }>;

  constructor(rules: readonly Rule[]) {
    this.shapes = rules
      .filter((r): r is ModuleRule => r.scope === 'module' && r.declares !== undefined)
      .map((rule) => ({
        rule,
        words: rule.declares!.words.map((w) => Buffer.from(w, 'latin1')),
        query: compileShapeQuery(rule.declares!.query),
      }));
  }

  get empty(): boolean {
    return this.shapes.length === 0;
  }

  /** Could a shape be in this file? Byte search for the rules' words, as cheap as the LKM prefilter. */
  wants(buf: Buffer): boolean {
    return this.shapes.some((s) => s.words.some((w) => buf.indexOf(w) >= 0));
  }

  /**
   * The declarations the rules read in one file. A rule that throws, or answers with something
   * that is not a declaration, is reported at the match and the file goes on.
   */
  match(file: string, text: string): { descriptors: DescriptorFact[]; problems: Finding[] } {
    const descriptors: DescriptorFact[] = [];
    const problems: Finding[] = [];
    const wanted = this.shapes.filter((s) => s.rule.declares!.words.some((w) => text.includes(w)));
    if (!wanted.length) return { descriptors, problems };
    const root = parseC(text).rootNode;
    const conds = new PreprocessorConditions(maskCode(text));
    for (const { rule, query } of wanted) {
      for (const m of query.matches(root)) {
        const captures: Record<string, SyntaxNode> = {};
        for (const c of m.captures) captures[c.name] = c.node;
        const at = captures.declaration ?? m.captures[0]?.node;
        try {
          const declared = rule.declares!.read({ captures, file, text });
          if (!declared) continue;
          const fact = descriptorOf(rule, declared, captures, file, text, conds);
          if (fact && !descriptors.some((d) => d.declaration.start === fact.declaration.start)) descriptors.push(fact);
        } catch (err) {
          problems.push({
            file,
            line: at ? at.startPosition.row + 1 : 1,
            severity: 'error',
            code: 'rule-failed',
            message: `Rule ${rule.meta.id} could not read this declaration: ${(err as Error)?.message ?? String(err)}. Fix the rule pack and run again.`,
          });
        }
      }
    }
    return { descriptors, problems };
  }
}

/** A query's syntax is checked when a pack loads, so a typo is reported before any file is read. */
export function compileShapeQuery(pattern: string): Parser.Query {
  return new Parser.Query(C as unknown as Parser.Language, pattern);
}

/** What a rule answered, checked: rules are user code, and discovery's output is plain data others trust. */
export function checkDeclared(d: DeclaredLkm): void {
  if (typeof d !== 'object' || d === null) throw new Error(`read() must return a declaration or null, not ${String(d)}`);
  if (typeof d.name !== 'string' || !d.name) throw new Error('the declaration has no name');
  if (!LKM_KINDS.includes(d.kind)) throw new Error(`the declaration's kind is "${String(d.kind)}", not one of ${LKM_KINDS.join(', ')}`);
  for (const role of ['load', 'unload', 'stat'] as const) {
    const h = d.handlers?.[role];
    if (h !== undefined && (typeof h !== 'string' || !/^\w+$/.test(h))) throw new Error(`the ${role} handler must be a function name, not ${JSON.stringify(h)}`);
  }
  if (d.entry !== undefined && (typeof d.entry !== 'string' || !/^\w+$/.test(d.entry))) {
    throw new Error(`the entry must be a function name, not ${JSON.stringify(d.entry)}`);
  }
}

function descriptorOf(
  rule: ModuleRule,
  declared: DeclaredLkm,
  captures: Record<string, SyntaxNode>,
  file: string,
  text: string,
  conds: PreprocessorConditions,
): DescriptorFact | null {
  checkDeclared(declared);
  const node = declared.node ?? captures.declaration;
  if (!node) throw new Error('the match has no @declaration capture and read() named no node');
  const frames = conds.at(node.startIndex);
  if (isDead(frames)) return null;
  const call = node.type === 'call_expression' ? node : node.namedChildren.find((c) => c.type === 'call_expression');
  const args = call?.childForFieldName('arguments')?.namedChildren.filter((a) => a.type !== 'comment').map((a) => a.text) ?? [];
  const end = codeEnd(node);
  const semi = /^[ \t]*;/.exec(text.slice(end, end + 64));
  const fields = declared.fields ?? {};
  return {
    declaration: {
      file,
      start: node.startIndex,
      end: end + (semi ? semi[0].length : 0),
      line: node.startPosition.row + 1,
      macro: declared.macro ?? call?.childForFieldName('function')?.text ?? rule.meta.id,
      args,
      variable: '_module',
      conditions: frames.map((f) => f.condition),
      rule: rule.meta.id,
      fields,
    },
    kind: declared.kind,
    handBuilt: false,
    fields,
    frames,
    declared: {
      name: declared.name,
      ...(declared.entry ? { entry: declared.entry } : {}),
      handlers: {
        load: handler(declared.handlers?.load),
        unload: handler(declared.handlers?.unload),
        stat: handler(declared.handlers?.stat),
      },
    },
  };
}

/** A handler's name; lkm_nofunc (and NULL) is DISPATCH's word for none. */
function handler(name: string | undefined): string | null {
  return name && !/^(?:lkm_nofunc|NULL|0)$/.test(name) ? name : null;
}

/**
 * Where the declaration's own text ends. A macro call written without its `;` makes tree-sitter
 * stretch the statement over the comments that follow up to a MISSING `;`: those are not the
 * declaration's, and must stay when it is replaced.
 */
function codeEnd(node: SyntaxNode): number {
  const kept = node.children.filter((c) => c.type !== 'comment' && !c.isMissing);
  return kept.length && kept.length < node.children.length ? kept[kept.length - 1]!.endIndex : node.endIndex;
}
