/**
 * What every rule must carry to be listed, documented and run: checked on the built-in rules by
 * the docs test, and on a pack's rules when it loads (a pack's default export is whatever the
 * user wrote; the type checker cannot see what `export default` holds at run time).
 */
import { LKM_KINDS } from '../discover/plan.ts';
import type { Rule } from '../discover/rule-api.ts';

const ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** Sentences saying what is wrong with `value` as a rule; empty when it is one. */
export function ruleProblems(value: unknown): string[] {
  if (typeof value !== 'object' || value === null) return [`a rule is an object made with defineRule({ ... }), not ${describe(value)}`];
  const r = value as Partial<Rule> & Record<string, unknown>;
  const out: string[] = [];
  if (r.scope !== 'module' && r.scope !== 'tree') out.push(`scope is ${describe(r.scope)}, not 'module' or 'tree'`);
  const meta = r.meta as unknown as Record<string, unknown> | undefined;
  if (typeof meta !== 'object' || meta === null) return [...out, 'it has no meta (id, kind, summary, docs, emits)'];
  const id = meta.id;
  if (typeof id !== 'string' || !ID.test(id)) out.push(`meta.id is ${describe(id)}: a stable kebab-case id such as 'acme-module'`);
  if (r.scope === 'tree' && meta.kind !== 'tree') out.push(`meta.kind is ${describe(meta.kind)}; a tree rule's kind is 'tree'`);
  if (r.scope === 'module' && !LKM_KINDS.includes(meta.kind as never)) {
    out.push(`meta.kind is ${describe(meta.kind)}, not an LKM kind (${LKM_KINDS.join(', ')})`);
  }
  if (typeof meta.summary !== 'string' || !/^\S[^\n]*\.$/.test(meta.summary.trim())) {
    out.push('meta.summary must be one sentence, ending with a full stop, for `lkm2mod rules list`');
  }
  if (typeof meta.docs !== 'string' || meta.docs.trim() === '') {
    out.push('meta.docs is missing: Markdown saying what the rule matches, what it writes and what it reports');
  }
  if (!Array.isArray(meta.emits) || meta.emits.some((e) => typeof e !== 'string')) {
    out.push('meta.emits must list the module(9) interfaces the rule\'s output calls (an empty list when none)');
  }
  if (meta.findings !== undefined) {
    const f = meta.findings as Record<string, unknown>;
    if (typeof f !== 'object' || f === null) out.push('meta.findings must map finding codes to one-line explanations');
    else for (const [code, text] of Object.entries(f)) {
      if (!ID.test(code) || typeof text !== 'string' || !text.trim()) out.push(`meta.findings.${code}: a kebab-case code with a one-line explanation`);
    }
  }
  if (r.scope === 'module' && typeof r.convert !== 'function') out.push('a module rule needs convert(ctx)');
  if (r.scope === 'tree' && typeof r.run !== 'function') out.push('a tree rule needs run(ctx)');
  if (r.matches !== undefined && typeof r.matches !== 'function') out.push('matches must be a function (declaration, plan) => boolean');
  if (r.declares !== undefined) out.push(...shapeProblems(r.declares));
  return out;
}

function shapeProblems(d: unknown): string[] {
  const s = d as Record<string, unknown>;
  if (typeof s !== 'object' || s === null) return ['declares must be { words, query, read }'];
  const out: string[] = [];
  if (!Array.isArray(s.words) || !s.words.length || s.words.some((w) => typeof w !== 'string' || !/^\w+$/.test(w))) {
    out.push('declares.words must name the identifiers a file holds when it may contain the shape (at least one)');
  }
  if (typeof s.query !== 'string' || !s.query.trim()) out.push('declares.query must be a tree-sitter query');
  if (typeof s.read !== 'function') out.push('declares.read must be a function from a match to a declaration (or null)');
  return out;
}

function describe(v: unknown): string {
  if (v === undefined) return 'missing';
  if (typeof v === 'string') return `'${v}'`;
  if (typeof v === 'function') return 'a function';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? (v === null ? 'null' : 'an object') : String(v);
}
