/**
 * The rule reference, as Markdown, from the rules' own metadata: `lkm2mod rules docs` prints
 * it, and docs/rules.md is it for the built-in rules (a test keeps the two equal, so the file
 * cannot drift from the code).
 */
import type { Rule } from '../discover/rule-api.ts';

export interface DocumentedRule {
  rule: Rule;
  /** Where the rule comes from, shown as is (`rules/examples/vendor-pack/acme-module.ts`); built-in when absent. */
  source?: string;
}

export const REGENERATE = 'lkm2mod rules docs --out docs/rules.md';

export function renderRuleDocs(rules: DocumentedRule[]): string {
  const out: string[] = [
    '# lkm2mod rule reference',
    '',
    `Generated from each rule's metadata by \`${REGENERATE}\`: change the rule, then regenerate this file.`,
    'Module rules convert one registration of an LKM; tree rules run once over the whole tree after them.',
    '',
    '| rule | kind | summary |',
    '| --- | --- | --- |',
    ...rules.map(({ rule }) => `| [\`${rule.meta.id}\`](#${rule.meta.id}) | ${rule.meta.kind} | ${cell(rule.meta.summary)} |`),
  ];
  for (const entry of rules) out.push('', ...section(entry));
  return `${out.join('\n')}\n`;
}

function section({ rule, source }: DocumentedRule): string[] {
  const { meta } = rule;
  const out = [`## ${meta.id}`, '', meta.summary, ''];
  out.push(`- Kind: \`${meta.kind}\` (${rule.scope === 'tree' ? 'tree rule' : 'module rule'})`);
  out.push(`- From: ${source ? `\`${source}\`` : 'built in'}`);
  out.push(`- Emits: ${meta.emits.length ? meta.emits.map((e) => `\`${e}\``).join(', ') : 'nothing new'}`);
  if (rule.scope === 'module' && rule.declares) {
    out.push(`- Declares: files holding ${rule.declares.words.map((w) => `\`${w}\``).join(' or ')}, matched by`);
    out.push('', '```scheme', rule.declares.query.trim(), '```');
  }
  out.push('', meta.docs.trim());
  const findings = Object.entries(meta.findings ?? {});
  if (findings.length) {
    out.push('', '| finding | meaning |', '| --- | --- |', ...findings.map(([code, text]) => `| \`${code}\` | ${cell(text)} |`));
  }
  return out;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');
}
