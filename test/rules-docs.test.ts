/**
 * The rule reference: every rule carries the metadata `rules list` and `rules docs` print, and
 * docs/rules.md is exactly what `lkm2mod rules docs` makes of the built-in rules today.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { builtinRules } from '../src/migrate/builtin-rules.ts';
import { renderRuleDocs, REGENERATE } from '../src/rules/docs.ts';
import { ruleProblems } from '../src/rules/meta.ts';
import { ROOT } from './helpers.ts';

test('every built-in rule has an id, a kind, a one-sentence summary, docs and the calls it emits', () => {
  for (const rule of builtinRules) assert.deepEqual(ruleProblems(rule), [], `rule ${rule.meta.id}`);
});

test('a rule whose docs are missing, or whose summary is no sentence, is refused with what to write', () => {
  const misc = builtinRules.find((r) => r.meta.id === 'lkm-misc')!;
  assert.deepEqual(ruleProblems({ ...misc, meta: { ...misc.meta, docs: '  ' } }), [
    'meta.docs is missing: Markdown saying what the rule matches, what it writes and what it reports',
  ]);
  assert.deepEqual(ruleProblems({ ...misc, meta: { ...misc.meta, summary: 'MOD_MISC\nbecomes MISC' } }), [
    'meta.summary must be one sentence, ending with a full stop, for `lkm2mod rules list`',
  ]);
  assert.deepEqual(ruleProblems({ ...misc, meta: { ...misc.meta, id: 'Misc Rule', kind: 'tree' } }), [
    "meta.id is 'Misc Rule': a stable kebab-case id such as 'acme-module'",
    "meta.kind is 'tree', not an LKM kind (syscall, vfs, dev, exec, compat, misc, drv, strmod)",
  ]);
  assert.deepEqual(ruleProblems(42), ['a rule is an object made with defineRule({ ... }), not 42']);
});

test(`docs/rules.md is up to date with the rules' metadata (regenerate with \`${REGENERATE}\`)`, () => {
  const committed = readFileSync(path.join(ROOT, 'docs/rules.md'), 'utf8');
  const now = renderRuleDocs(builtinRules.map((rule) => ({ rule })));
  assert.equal(committed, now, `docs/rules.md is out of date: run \`${REGENERATE}\` and commit it`);
  for (const rule of builtinRules) {
    assert.match(committed, new RegExp(`^## ${rule.meta.id}$`, 'm'), `${rule.meta.id} has a section`);
    for (const code of Object.keys(rule.meta.findings ?? {})) assert.ok(committed.includes(`| \`${code}\` |`), `${rule.meta.id}: finding ${code} documented`);
  }
});
