/**
 * Rule packs end to end, as a user runs them: an ACME module, declared through a vendor macro
 * around MOD_MISC and DISPATCH, is reported as not understood until the example pack is loaded;
 * with it, it converts to what the pack's fixtures expect and passes every check in the
 * simulated kernel. A pack with a type error, one that throws and one whose edits collide with
 * the converter's are each refused with the place to fix, and nothing is written.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { builtinRules } from '../src/migrate/builtin-rules.ts';
import { ROOT, runCli } from './helpers.ts';

const PACK = path.join(ROOT, 'rules/examples/vendor-pack');
const FIXTURES = path.join(PACK, 'fixtures');
const BAD = path.join(ROOT, 'test/fixtures/rule-packs');
const NOT_UNDERSTOOD =
  'acmewd/acmewd.c:25: error: ACME_MODULE (acme_lkm.h:25) is a macro around MOD_MISC and DISPATCH: this declares an LKM in a shape ' +
  'lkm2mod does not understand, so it is not converted. Write a rule pack that declares the shape (lkm2mod rules docs; ' +
  'rules/examples/vendor-pack is one) and pass its directory with --rules DIR. [not-understood]';

/** A scratch copy of a fixture's input tree, as `tree/` in a temporary working directory. */
function scratch(fixture: string): { cwd: string; tree: string; done: () => void } {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-rules-cli-'));
  const tree = path.join(cwd, 'tree');
  cpSync(path.join(FIXTURES, fixture, 'input'), tree, { recursive: true });
  return { cwd, tree, done: () => rmSync(cwd, { recursive: true, force: true }) };
}

function files(dir: string, base = dir): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) Object.assign(out, files(p, base));
    else out[path.relative(base, p)] = readFileSync(p, 'utf8');
  }
  return out;
}

test('without a pack, the ACME module is reported not understood at its ACME_MODULE line by scan, convert and validate', () => {
  const s = scratch('watchdog');
  try {
    const scan = runCli(['scan', 'tree'], { cwd: s.cwd });
    assert.equal(scan.status, 0, scan.stderr);
    assert.ok(scan.stdout.includes(`not part of a module:\n  tree/${NOT_UNDERSTOOD}\n`), scan.stdout);
    assert.match(scan.stdout, /^0 LKMs in 2 files scanned, 1 parsed; 1 error, 0 warnings, 0 notes\.$/m);

    const convert = runCli(['convert', '--write', 'tree'], { cwd: s.cwd });
    assert.equal(convert.status, 0, convert.stderr);
    assert.ok(convert.stderr.includes(`tree/${NOT_UNDERSTOOD}\n`), convert.stderr);
    assert.match(convert.stdout, /^converted 0 module\(s\), 0 file\(s\) in place$/m);
    assert.deepEqual(files(s.tree), files(path.join(FIXTURES, 'watchdog/input')), 'nothing was changed');

    const validate = runCli(['validate', 'tree'], { cwd: s.cwd });
    assert.equal(validate.status, 2);
    assert.ok(validate.stderr.includes(`what was found could not be validated:\n  ${path.join(s.cwd, 'tree')}/${NOT_UNDERSTOOD}`), validate.stderr);
  } finally {
    s.done();
  }
});

test('with the example pack, scan reads the ACME_MODULE line, convert writes the expected tree, and validate passes', () => {
  const s = scratch('two-modules');
  try {
    const scan = runCli(['scan', '--rules', PACK, 'tree'], { cwd: s.cwd });
    assert.equal(scan.status, 0, scan.stderr);
    assert.match(scan.stdout, /^acmebeep\s+misc\s+acmebeep_lkmentry\s+acmebeep_load acmebeep_unload -\s+1\s+1\s+tree\/acmebeep$/m);
    assert.match(scan.stdout, /^acmecfg\s+misc\s+acmecfg_lkmentry\s+acmecfg_load - -\s+1\s+1\s+tree\/acmecfg$/m);
    assert.match(scan.stdout, /tree\/acmecfg\/acmecfg\.c:19: note: rule acme-module reads this ACME_MODULE as the misc LKM "acmecfg" \(entry acmecfg_lkmentry, load acmecfg_load\); the rule converts it\. \[declared-by-rule\]/);
    assert.doesNotMatch(scan.stdout, /not-understood/);

    const validate = runCli(['validate', '--rules', PACK, 'tree'], { cwd: s.cwd });
    assert.equal(validate.status, 0, validate.stdout + validate.stderr);
    assert.match(validate.stdout, /^acmebeep\s+misc(\s+✓){5}\s+-\s+-/m);
    assert.match(validate.stdout, /^acmecfg\s+misc(\s+✓){5}\s+-\s+-/m);
    assert.match(validate.stdout, /^2 of 2 module\(s\) passed every check$/m);

    const convert = runCli(['convert', '--write', '--rules', PACK, 'tree'], { cwd: s.cwd });
    assert.equal(convert.status, 0, convert.stderr);
    assert.match(convert.stderr, /tree\/acmebeep\/acmebeep\.c:24: note: Requires acmecfg: it uses acme_board_rev/);
    assert.deepEqual(files(s.tree), files(path.join(FIXTURES, 'two-modules/expected')));
  } finally {
    s.done();
  }
});

test('validate --rules --verbose: the converted watchdog makes the LKM\'s sysctl nodes and kernel calls', () => {
  const s = scratch('watchdog');
  try {
    const r = runCli(['validate', '--verbose', '--rules', PACK, 'tree'], { cwd: s.cwd });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /equivalence:\n {4}the same 2 table change\(s\): sysctl hw\.acmewd, sysctl hw\.acmewd\.timeout\n {4}INIT makes the kernel calls the LKM's load made, in order: sysctl_createv ×2, printf\n {4}FINI makes the kernel calls the LKM's unload made, in order: sysctl_teardown, printf/);
  } finally {
    s.done();
  }
});

test('rules test runs the pack\'s fixtures; a case whose expected/ is wrong fails with the diff, and exit 1', () => {
  const ok = runCli(['rules', 'test', 'rules/examples/vendor-pack']);
  assert.equal(ok.status, 0, ok.stdout + ok.stderr);
  assert.equal(ok.stdout, 'ok    one-handler-knr\nok    two-modules\nok    watchdog\nrules test rules/examples/vendor-pack: 3 passed, 0 failed\n');

  const work = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-rules-test-'));
  try {
    const pack = path.join(work, 'pack');
    cpSync(PACK, pack, { recursive: true });
    const wd = path.join(pack, 'fixtures/watchdog/expected/acmewd/acmewd.c');
    writeFileSync(wd, readFileSync(wd, 'utf8').replace('MODULE(MODULE_CLASS_MISC, acmewd, NULL);', 'MODULE(MODULE_CLASS_DRIVER, acmewd, NULL);'));
    const r = runCli(['rules', 'test', pack], { cwd: work });
    assert.equal(r.status, 1);
    assert.match(r.stdout, /^FAIL {2}watchdog\n {6}acmewd\/acmewd\.c differs from expected\/acmewd\/acmewd\.c:\n/m);
    assert.match(r.stdout, /^ {6}-MODULE\(MODULE_CLASS_DRIVER, acmewd, NULL\);\n {6}\+MODULE\(MODULE_CLASS_MISC, acmewd, NULL\);$/m);
    assert.match(r.stdout, /^rules test pack: 2 passed, 1 failed$/m);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});

for (const [pack, expected] of [
  ['type-error', /^lkm2mod: rule pack .*type-error: 1 type error; nothing was run:\n {2}.*type-error\/acme-module\.ts:23:19: error TS2322: Type 'SyntaxNode' is not assignable to type 'string'\.\n$/],
  ['throws', /^lkm2mod: a rule pack failed, so nothing was written:\n {2}.*throws\/acme-module\.ts:30:27: rule acme-module failed while converting tree\/acmewd\/acmewd\.c:25: TypeError: Cannot read properties of null \(reading 'initializer'\)\nFix the rule and run again\.\n$/],
  ['overlap', /^lkm2mod: a rule pack failed, so nothing was written:\n {2}.*overlap\/acme-module\.ts:30:\d+: rule acme-module failed while converting tree\/acmewd\/acmewd\.c:25: Not converted: rule acme-module \(acme-module\.ts:30\): MODULE\(\) line and convert acmewd: MODULE\(\) both change this text\./],
] as const) {
  test(`a pack that ${pack === 'type-error' ? 'does not type-check' : pack === 'throws' ? 'throws' : 'edits what the converter edits'}: convert --write says where, exits 2 and writes nothing`, () => {
    const s = scratch('watchdog');
    try {
      const r = runCli(['convert', '--write', '--rules', path.join(BAD, pack), 'tree'], { cwd: s.cwd });
      assert.equal(r.status, 2, r.stderr);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, expected);
      assert.deepEqual(files(s.tree), files(path.join(FIXTURES, 'watchdog/input')), 'the tree is as it was');
    } finally {
      s.done();
    }
  });
}

test('rules list shows the built-in rules and a pack\'s; rules docs --out writes the reference with the pack\'s rule', () => {
  const list = runCli(['rules', 'list', '--rules', 'rules/examples/vendor-pack']);
  assert.equal(list.status, 0, list.stderr);
  const lines = list.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^ID\s+KIND\s+FROM\s+SUMMARY$/);
  assert.equal(lines.length, builtinRules.length + 2);
  assert.match(list.stdout, /^lkm-misc\s+misc\s+built-in\s+MOD_MISC becomes a MISC module/m);
  assert.match(lines.at(-1)!, /^acme-module\s+misc\s+rules\/examples\/vendor-pack\/acme-module\.ts\s+ACME_MODULE\(name, load, unload\) becomes a MISC module whose INIT and FINI call load and unload\.$/);

  const work = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-rules-docs-'));
  try {
    const out = path.join(work, 'rules.md');
    const docs = runCli(['rules', 'docs', '--rules', PACK, '--out', out]);
    assert.equal(docs.status, 0, docs.stderr);
    const md = readFileSync(out, 'utf8');
    assert.match(md, /^## acme-module\n\nACME_MODULE\(name, load, unload\) becomes/m);
    assert.match(md, /^- From: `rules\/examples\/vendor-pack\/acme-module\.ts`$/m);
    assert.match(md, /^- Declares: files holding `ACME_MODULE`, matched by\n\n```scheme\n\(expression_statement/m);
    assert.match(md, /^\| `acme-header-dropped` \| the module no longer includes acme_lkm\.h/m);
    const missing = runCli(['rules', 'docs', '--out', path.join(work, 'no/such/dir/rules.md')]);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /^lkm2mod: cannot write .*no\/such\/dir\/rules\.md: no such directory$/m);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
});
