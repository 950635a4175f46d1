/**
 * Loading rule packs: what a pack may be (rules and helper files, node's modules), and each way
 * one is refused before anything runs, at the file and line to fix. Then what a loaded pack's
 * rule does in the pipeline: its shape is recognised, and a failure is recorded with the rule's
 * id and the pack line, not lost in a module's findings.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { convertPlans } from '../src/migrate/convert.ts';
import { discover } from '../src/discover/discover.ts';
import { loadRulePacks } from '../src/rules/pack.ts';
import { UserError } from '../src/source/errors.ts';
import { ROOT } from './helpers.ts';

const EXAMPLE = path.join(ROOT, 'rules/examples/vendor-pack');
const WATCHDOG = path.join(EXAMPLE, 'fixtures/watchdog/input');

/** A rule file's text: the ACME shape, with the parts a test varies. */
function rule(opts: { id?: string; imports?: string; read?: string; convert?: string; meta?: string; query?: string } = {}): string {
  return `import { defineRule } from 'lkm2mod';
${opts.imports ?? ''}
export default defineRule({
  scope: 'module',
  meta: { id: '${opts.id ?? 'acme-module'}', kind: 'misc', summary: 'ACME_MODULE becomes a MISC module.', docs: 'Matches ACME_MODULE.', emits: []${opts.meta ?? ''} },
  declares: {
    words: ['ACME_MODULE'],
    query: \`${opts.query ?? '(expression_statement (call_expression function: (identifier) @macro arguments: (argument_list . (identifier) @name . (identifier) @load . (identifier) @unload .)) (#eq? @macro "ACME_MODULE")) @declaration'}\`,
    read: ${opts.read ?? "({ captures }) => ({ name: captures.name.text, kind: 'misc', entry: `${captures.name.text}_lkmentry`, handlers: { load: captures.load.text, unload: captures.unload.text } })"},
  },
  convert(ctx) {
    ${opts.convert ?? "ctx.setClass('MISC');"}
  },
});
`;
}

function withPack(files: Record<string, string>, fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-pack-'));
    try {
      for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

/** The message of the UserError loading refuses with. */
async function refusal(dir: string): Promise<string> {
  const err = await loadRulePacks([dir]).then(() => null, (e: unknown) => e);
  assert.ok(err instanceof UserError, `loading ${dir} is refused with a UserError, not ${String(err)}`);
  assert.equal(err.exitCode, 2);
  return err.message;
}

test('the example pack loads: its rule, checked and wrapped, with the metadata it was written with', async () => {
  const packs = await loadRulePacks([EXAMPLE]);
  assert.deepEqual(packs.loaded.map((r) => [r.rule.meta.id, r.rule.meta.kind, path.relative(ROOT, r.file)]), [
    ['acme-module', 'misc', 'rules/examples/vendor-pack/acme-module.ts'],
  ]);
  const r = packs.rules[0]!;
  assert.ok(r.scope === 'module' && r.declares?.words.includes('ACME_MODULE'));
  assert.deepEqual(packs.failures(), []);
});

test('a type error is reported at its file, line and column, and nothing of the pack runs', withPack({
  'acme.ts': rule({ convert: "ctx.setClass('MISC');\n    const slots: number = ctx.name;\n    globalThis.ran = slots;" }),
}, async (dir) => {
  const msg = await refusal(dir);
  assert.match(msg, /^rule pack .*: 2 type errors; nothing was run:$/m);
  assert.match(msg, /acme\.ts:13:11: error TS2322: Type 'string' is not assignable to type 'number'\./);
  assert.match(msg, /acme\.ts:14:16: error TS7017: /);
  assert.equal((globalThis as Record<string, unknown>).ran, undefined);
}));

test('a helper file imported by a rule is compiled with it; node modules are allowed, npm packages are not', withPack({
  'acme.ts': rule({ imports: "import { moduleName } from './names.ts';\nimport path from 'node:path';", read: "({ captures }) => ({ name: moduleName(path.basename(captures.name.text)), kind: 'misc' })" }),
  'names.ts': "export function moduleName(word: string): string {\n  return word.replace(/^acme_/, 'acme');\n}\n",
}, async (dir) => {
  const packs = await loadRulePacks([dir]);
  assert.deepEqual(packs.loaded.map((r) => path.basename(r.file)), ['acme.ts'], 'names.ts is a helper, not a rule');
  writeFileSync(path.join(dir, 'acme.ts'), rule({ imports: "import { parse } from 'yaml';\nconsole.log(parse);" }));
  assert.match(await refusal(dir), /acme\.ts:2:23: error import: 'yaml' cannot be imported by a rule pack, which runs from memory: import the rule API from 'lkm2mod', node's built-in modules, or the pack's own files\./);
}));

test('files that import each other in a circle are refused, naming the circle', withPack({
  'a.ts': "import { b } from './b.ts';\nexport const a = (): string => b();\n",
  'b.ts': "import { a } from './a.ts';\nexport const b = (): string => 'b';\nexport const c = a;\n",
  'acme.ts': rule({ imports: "import { a } from './a.ts';", read: "({ captures }) => ({ name: a() + captures.name.text, kind: 'misc' })" }),
}, async (dir) => {
  assert.match(await refusal(dir), /: loading it failed: its imports go round in a circle \((a|b)\.ts → (a|b)\.ts → \1\.ts\)/);
}));

test('a default export that is not a rule, a rule without docs, a bad query and a taken id are each refused at their file', withPack({
  'a-number.ts': 'const limit: number = 3;\nexport default limit;\n',
  'b-nodocs.ts': rule({ id: 'acme-nodocs', meta: ", docs: ''" }).replace("docs: 'Matches ACME_MODULE.', ", ''),
  'c-query.ts': rule({ id: 'acme-query', query: '(expression_statement (call_expresion)) @declaration' }),
  'd-helper-unused.ts': 'export const unused = 1;\n',
}, async (dir) => {
  const msg = await refusal(dir);
  assert.match(msg, /a-number\.ts:2: the default export: a rule is an object made with defineRule\(\{ \.\.\. \}\), not 3/);
  assert.match(msg, /b-nodocs\.ts:3: the default export: meta\.docs is missing: Markdown saying what the rule matches/);
  assert.match(msg, /c-query\.ts:3: the default export: declares\.query is not a tree-sitter query for C: unknown node type at `call_expresion`/);
  assert.match(msg, /d-helper-unused\.ts:1: exports no rule; end the file with `export default defineRule\(\{ \.\.\. \}\)`/);
  rmSync(path.join(dir, 'a-number.ts'));
  rmSync(path.join(dir, 'd-helper-unused.ts'));
  writeFileSync(path.join(dir, 'b-nodocs.ts'), rule({ id: 'lkm-misc' }));
  writeFileSync(path.join(dir, 'c-query.ts'), rule());
  assert.match(await refusal(dir), /b-nodocs\.ts: rule id lkm-misc is taken by a built-in rule; give this rule an id of its own/);
}));

test('a rule whose read() throws: discovery reports rule-failed at the declaration, and the failure names the pack line', withPack({
  'acme.ts': rule({ read: "({ captures }) => ({ name: captures.missing.text, kind: 'misc' })" }),
}, async (dir) => {
  const packs = await loadRulePacks([dir]);
  const scan = await discover([WATCHDOG], { jobs: 1, rules: packs.rules });
  assert.deepEqual(scan.modules, []);
  const failed = scan.findings!.filter((f) => f.code === 'rule-failed');
  assert.equal(failed.length, 1);
  assert.equal(path.relative(WATCHDOG, failed[0]!.file), 'acmewd/acmewd.c');
  assert.equal(failed[0]!.line, 25);
  assert.match(failed[0]!.message, /^Rule acme-module could not read this declaration: TypeError: Cannot read properties of undefined \(reading 'text'\) \(acme\.ts:9:\d+\)\. Fix the rule pack and run again\.$/);
  const [f] = packs.failures();
  assert.deepEqual([f!.rule, path.basename(f!.at!.file), f!.at!.line, f!.site!.line], ['acme-module', 'acme.ts', 9, 25]);
}));

test('an edit of a pack rule that collides with the converter\'s: the module is left alone and the pack line is named', withPack({
  'acme.ts': rule({ convert: "ctx.setClass('MISC');\n    ctx.source(ctx.declaration.file).edits.remove(ctx.declaration.start, ctx.declaration.end, 'declaration');" }),
}, async (dir) => {
  const tree = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-tree-'));
  try {
    cpSync(WATCHDOG, tree, { recursive: true });
    const packs = await loadRulePacks([dir]);
    const scan = await discover([tree], { jobs: 1, rules: packs.rules });
    const set = await convertPlans(scan, { root: tree, rules: packs.rules });
    assert.deepEqual(set.changes, [], 'nothing of the module changes');
    const [f] = packs.failures(set);
    assert.equal(f!.rule, 'acme-module');
    assert.deepEqual([path.basename(f!.at!.file), f!.at!.line], ['acme.ts', 13]);
    assert.match(f!.message, /^Not converted: rule acme-module \(acme\.ts:13\): declaration and convert acmewd: MODULE\(\) both change this text\./);
    assert.throws(() => packs.assertNoFailures(set), /a rule pack failed, so nothing was written:\n {2}.*acme\.ts:13:\d+: rule acme-module failed while converting .*acmewd\.c:25: Not converted/);
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
}));

test('a pack file whose top level throws is refused at the line that threw', withPack({
  'acme.ts': rule({ imports: "const boards: Record<string, number> = JSON.parse('{\"acmewd\": 1');" }),
}, async (dir) => {
  assert.match(await refusal(dir), /acme\.ts:2:\d+: loading it failed: .*JSON/);
}));

test('a vendor macro in a file no Makefile builds is reported where it is called, and read once the pack is loaded', async () => {
  const tree = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-orphan-'));
  try {
    cpSync(path.join(WATCHDOG, 'include/acme_lkm.h'), path.join(tree, 'acme_lkm.h'));
    cpSync(path.join(WATCHDOG, 'acmewd/acmewd.c'), path.join(tree, 'acmewd.c'));
    const bare = await discover([tree], { jobs: 1 });
    assert.deepEqual(bare.modules, []);
    assert.deepEqual(bare.findings!.map((f) => [path.basename(f.file), f.line, f.code]), [['acmewd.c', 25, 'not-understood']]);
    const packs = await loadRulePacks([EXAMPLE]);
    const read = await discover([tree], { jobs: 1, rules: packs.rules });
    assert.deepEqual(read.modules.map((m) => [m.name, m.kind, m.entry?.name, m.handlers.load?.name, m.handlers.unload?.name]), [
      ['acmewd', 'misc', 'acmewd_lkmentry', 'acmewd_load', 'acmewd_unload'],
    ]);
    assert.deepEqual(read.findings, []);
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
});

test('a pack directory that does not exist, or holds no rule files, is refused by name', withPack({ 'notes.md': 'ACME rules, soon.\n' }, async (dir) => {
  assert.match(await refusal(path.join(dir, 'missing')), /^rule pack .*missing: no such directory$/);
  assert.match(await refusal(dir), /^rule pack .*: no \*\.ts rule files in it$/);
}));
