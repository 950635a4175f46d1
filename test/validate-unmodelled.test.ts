/**
 * Kernel functions the simulated kernel does not model. A function the tree's kernel defines
 * (outside the modules) links to a stand-in that returns 0 and is counted, named, with where
 * the tree defines it; a symbol defined nowhere fails the load as kobj would, naming it, and the
 * kernel stays as it was. Fixture: test/fixtures/validate/tree/sys (a small kernel tree).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { validatePaths } from '../src/validate/validate.ts';
import { relativeReport } from '../src/validate/paths.ts';
import { renderValidationText } from '../src/report/validation-text.ts';
import { validationJUnit, validationSarif } from '../src/report/validation-ci.ts';
import type { CheckResult, ModuleResult } from '../src/validate/result.ts';
import { definitions } from '../src/validate/tree-symbols.ts';
import { Kernel } from '../src/kernel/kernel.ts';
import { compileModuleDir, readModuleDir } from '../src/kernel/moddir.ts';
import { snapshot } from '../src/kernel/state.ts';
import { ROOT } from './helpers.ts';

const TREE = path.join(ROOT, 'test/fixtures/validate/tree/sys');
const WIDGET = path.join(TREE, 'kern/subr_widget.c');

async function validate(name: string): Promise<ModuleResult> {
  const report = await validatePaths([path.join(TREE, 'modules', name)], { repeat: 3 });
  return report.modules[0]!;
}

function check(m: ModuleResult, name: string): CheckResult {
  const c = m.checks.find((x) => x.name === name);
  assert.ok(c, `no ${name} check`);
  return c;
}

test('a call to a function the tree defines and the model lacks: neutral, counted, named with where the tree defines it', async () => {
  const m = await validate('poker');
  for (const c of m.checks) assert.ok(c.ok, `${c.name}: ${c.details.join('\n')}`);
  // INIT pokes twice, FINI once.
  assert.deepEqual(m.unmodelled, { calls: 3, functions: [{ name: 'widget_poke', calls: 3, where: `${WIDGET}:17` }] });
  assert.match(check(m, 'dependencies').details.join('\n'), /from the tree's kernel, unmodelled: widget_poke/);

  const report = relativeReport({ modules: [m], passed: 1, failed: 0 }, ROOT);
  const text = renderValidationText(report, { color: false });
  assert.match(text, /MODULE +KIND .* UNMODELLED +TIME\npoker +misc \(module\) .* 3 +\d/);
  assert.match(text, /~ unmodelled: 3 call\(s\) to 1 kernel function\(s\) .*: widget_poke ×3 \(test\/fixtures\/validate\/tree\/sys\/kern\/subr_widget\.c:17\)/);
  assert.match(validationJUnit(report), /<property name="unmodelled-calls" value="3"\/>/);
  const sarif = validationSarif({ modules: [m], passed: 1, failed: 0 }, ROOT, '0') as { runs: { results: { ruleId: string; level: string; message: { text: string } }[] }[] };
  const note = sarif.runs[0]!.results.find((r) => r.ruleId === 'validate-unmodelled');
  assert.equal(note?.level, 'note');
  assert.match(note!.message.text, /poker: unmodelled: 3 call\(s\)/);
});

test('a function defined nowhere fails the load naming it, as kobj would, and leaves the kernel as it was', async () => {
  const m = await validate('ghost');
  const life = check(m, 'lifecycle');
  assert.equal(life.ok, false);
  assert.match(life.failures!.join('\n'), /load failed: ENOEXEC: ghost: undefined symbols:\n\s+.*ghost\.c:18: undefined symbol `ghost_frob'$/m);
  assert.ok(!life.failures!.some((l) => /left behind/.test(l)));
  assert.match(check(m, 'dependencies').failures!.join('\n'), /ghost\.c:18: undefined symbol `ghost_frob': neither the kernel nor any module in the tree defines it/);
  assert.equal(m.unmodelled, undefined, 'a module that never ran has no count');

  // The kernel itself: the load fails and nothing changed.
  const k = Kernel.boot({ treeSymbols: () => undefined });
  const before = snapshot(k);
  const r = await k.load(compileModuleDir(readModuleDir(path.join(TREE, 'modules/ghost'))!, { mode: 'module' }));
  assert.equal(r.errno, 'ENOEXEC');
  assert.match(r.message, /undefined symbol `ghost_frob'/);
  assert.deepEqual(snapshot(k), before);
});

test('a variable of the tree\'s kernel links to a zero-filled stand-in, listed with where the tree defines it', async () => {
  const m = await validate('counter');
  for (const c of m.checks) assert.ok(c.ok, `${c.name}: ${c.details.join('\n')}`);
  assert.deepEqual(m.unmodelled, { calls: 0, functions: [], variables: [{ name: 'widget_count', where: `${WIDGET}:8` }] });
  const text = renderValidationText(relativeReport({ modules: [m], passed: 1, failed: 0 }, ROOT), { color: false });
  assert.match(text, /~ unmodelled variables of the tree's kernel, zero-filled stand-ins: widget_count \(test\/fixtures\/validate\/tree\/sys\/kern\/subr_widget\.c:8\)/);
});

test('a variable both the tree\'s kernel and a module define: kobj links another module only against the kernel and its requisites, so it fails together, saying whose definition to make extern', async () => {
  const report = await validatePaths([path.join(TREE, 'modules/abacus'), path.join(TREE, 'modules/counter')], { repeat: 3 });
  const t = report.together;
  assert.ok(t, 'an all-together load');
  assert.equal(t.ok, false);
  assert.deepEqual(t.modules, ['abacus']);
  assert.match(
    t.failures!.join('\n'),
    /counter\.c:19: symbol `widget_count' is the kernel's \(.*subr_widget\.c:8\), but module abacus defines one too and ksyms finds that: kobj would have refused abacus \("global symbol redefined"\); make abacus's `widget_count' extern/,
  );
});

test('a variable the tree\'s kernel declares through a macro (TAILQ_HEAD(...) name[2];) links like any other', async () => {
  const m = await validate('queuer');
  for (const c of m.checks) assert.ok(c.ok, `${c.name}: ${c.details.join('\n')}`);
  assert.deepEqual(m.unmodelled, { calls: 0, functions: [], variables: [{ name: 'widget_queues', where: `${path.join(TREE, 'kern/subr_widgetq.c')}:30` }] });
});

test('the tree index reads declarations written through macros, and #if branches that each open a block', () => {
  const found = definitions(
    [
      'TAILQ_HEAD(bqueues, buf) bufqueues[BQUEUES];',
      'LIST_HEAD(bufhashhdr, buf) *bufhashtbl, invalhash;',
      'SIMPLEQ_HEAD(, job) jobs = SIMPLEQ_HEAD_INITIALIZER(jobs);',
      'static CIRCLEQ_HEAD(, m) hidden;',
      'extern TAILQ_HEAD(bqueues, buf) elsewhere[4];',
      '__KERNEL_RCSID(0, "$NetBSD$");',
      'int',
      'pick(n)',
      '\tint n;',
      '{',
      '#if BYTE_ORDER == LITTLE_ENDIAN',
      '\tif (n > 0) {',
      '#elif 0',
      '\tif (n == 0) {',
      '#else',
      '\tif (n < 0) {',
      '#endif',
      '\t\treturn 1;',
      '\t}',
      '\treturn 0;',
      '}',
      '#define\tSETHIGH(q) { \\',
      '\t(q) = 0; \\',
      '}',
      'int after;',
    ].join('\n'),
  );
  assert.deepEqual(
    found.map((d) => `${d.kind} ${d.name}:${d.line}`),
    ['object bufqueues:1', 'object bufhashtbl:2', 'object invalhash:2', 'object jobs:3', 'func pick:8', 'object after:25'],
  );
});

test('the tree index finds KNF and K&R definitions, not statics, prototypes or macro calls', () => {
  const found = definitions(
    [
      '__KERNEL_RCSID(0, "$NetBSD$");',
      'int nfoo = 3;',
      'static int hidden;',
      'struct vfsops *vfs_list[4];',
      'extern int elsewhere;',
      'static int',
      'helper(int x)',
      '{',
      '\tint local = 1;',
      '\treturn x;',
      '}',
      'int prototype(int);',
      'int',
      'knr(a, b)',
      '\tint a, b;',
      '{',
      '\treturn a + b;',
      '}',
      'void',
      'ansi(void)',
      '{',
      '}',
    ].join('\n'),
  );
  assert.deepEqual(
    found.map((d) => `${d.kind} ${d.name}:${d.line}`),
    ['object nfoo:2', 'object vfs_list:4', 'func knr:14', 'func ansi:20'],
  );
});

test('a NULL read through a stand-in variable crashes the load, naming the variable and that the simulation does not set it up', async () => {
  const m = await validate('modeler');
  const life = check(m, 'lifecycle');
  assert.equal(life.ok, false);
  assert.match(
    life.failures!.join('\n'),
    /load failed: ECRASH: modeler: MODULE_CMD_INIT crashed: .*modeler\.c:22: null pointer dereference reading widget_model->kind \(widget_model is the simulated kernel's zero-filled stand-in for the tree's variable at .*subr_widget\.c:29: the kernel the module was written for sets it up, this one does not model it\)/,
  );
});

test('the tree\'s curproc is modload\'s process: a struct proc of the module\'s layout with root\'s credentials, not a NULL', async () => {
  const m = await validate('rootonly');
  for (const c of m.checks) assert.ok(c.ok, `${c.name}: ${c.details.join('\n')}`);
  // Listed with the other stand-ins, saying what it holds rather than calling it zero-filled.
  const curproc = m.unmodelled?.variables?.find((v) => v.name === 'curproc');
  assert.equal(curproc?.holds, "modload's process, root's credentials");
  const text = renderValidationText(relativeReport({ modules: [m], passed: 1, failed: 0 }, ROOT), { color: false });
  assert.match(text, /~ unmodelled variables of the tree's kernel, zero-filled stand-ins unless said: .*curproc \([^)]*; holds modload's process, root's credentials\)/);
});
