/**
 * The review's logic, in process, on a real conversion of sample-lkm modules: which changes
 * are reviewed together, what each answer does, the edit round trip and re-validation, the
 * pager, and the end (accepted changes applied, the rest a patch that applies over them).
 * The terminal is scripted here; review.test.ts types into a real pseudo-terminal.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createColors } from 'picocolors';
import { convertPlans, type ConversionSet, type FileChange, type ModuleConversion } from '../src/migrate/convert.ts';
import { discover } from '../src/discover/discover.ts';
import type { ScanResult } from '../src/discover/plan.ts';
import type { ModuleResult } from '../src/validate/result.ts';
import { checkPatchTarget, finishReview } from '../src/review/finish.ts';
import { page, pagerFromEnv, screenRows } from '../src/review/pager.ts';
import { revalidationSet } from '../src/review/revalidate.ts';
import { reviewSession, type ReviewContext } from '../src/review/session.ts';
import { splitKeys, type ReviewTerminal } from '../src/review/terminal.ts';
import { reviewUnits, type ReviewUnit } from '../src/review/units.ts';
import { UserError } from '../src/source/errors.ts';
import { ROOT, SAMPLES } from './helpers.ts';

/** A terminal whose keys are scripted; running out of keys fails the test with the screen. */
class ScriptedTerminal implements ReviewTerminal {
  screen = '';
  constructor(
    private keys: string[],
    readonly rows = 1000,
    readonly columns = 120,
  ) {}
  write(text: string): void {
    this.screen += text;
  }
  key(): Promise<string> {
    const k = this.keys.shift();
    if (k === undefined) return Promise.reject(new Error(`asked for a key nobody typed; the screen was:\n${this.screen.slice(-2000)}`));
    return Promise.resolve(k);
  }
  handOver<T>(fn: () => T): T {
    return fn();
  }
  close(): void {}
  get unused(): number {
    return this.keys.length;
  }
}

const plain = createColors(false);
const LKMS = ['sys/lkm/dev/md', 'sys/lkm/misc/memwatch', 'sys/lkm/vfs/nullfs', 'sys/lkm/misc/layerfs'];
let scan: ScanResult;
let set: ConversionSet;

before(async () => {
  scan = await discover(LKMS.map((d) => path.join(SAMPLES, d)));
  set = await convertPlans(scan, { root: ROOT });
});

function result(name: string, ok: boolean, detail = 'load, stat, unload: the kernel is as before'): ModuleResult {
  return {
    name,
    kind: 'dev',
    input: 'lkm',
    dir: path.join(SAMPLES, 'sys/modules', name),
    ok,
    timeMs: 12,
    checks: [
      { name: 'lifecycle', ok, details: [detail], timeMs: 5 },
      { name: 'compile', ok: true, skipped: true, details: ['no C compiler asked for'], timeMs: 0 },
    ],
  };
}

function units(): ReviewUnit[] {
  return reviewUnits(set, (m) => result(m.name, m.name !== 'memwatch', m.name === 'memwatch' ? 'left behind: a callout' : undefined));
}

function context(term: ReviewTerminal, over: Partial<ReviewContext> = {}): ReviewContext {
  return {
    term,
    colors: plain,
    root: ROOT,
    rel: (p) => path.relative(ROOT, p),
    pager: { command: null, dim: (s) => s },
    edit: () => ({ ok: false, reason: 'no editor in this test' }),
    revalidate: null,
    ...over,
  };
}

const titles = (us: ReviewUnit[]) => us.map((u) => u.title);

test('each module is reviewed on its own, and files no module owns come last', () => {
  const us = units();
  assert.deepEqual(titles(us), ['layerfs', 'md', 'memwatch', 'null', 'tree-wide files']);
  const tree = us.at(-1)!;
  assert.deepEqual(tree.modules, []);
  assert.ok(tree.changes.some((c) => c.path.endsWith(path.join('sys', 'modules', 'Makefile'))));
  // No file is in two units: the patch of the skipped ones must apply over the accepted ones.
  const seen = new Set<string>();
  for (const u of us) for (const c of u.changes) {
    assert.ok(!seen.has(c.path), `${c.path} in one unit only`);
    seen.add(c.path);
  }
});

test('modules that change one file are reviewed together', () => {
  const shared = path.join(ROOT, 'x/shared.c');
  const mod = (name: string, paths: string[]): ModuleConversion => ({
    ...set.modules[0]!,
    name,
    changes: paths.map((p): FileChange => ({ path: p, before: 'a\n', after: `${name}\n` })),
    findings: [],
  });
  const a = mod('a', [shared, path.join(ROOT, 'x/a.c')]);
  const b = mod('b', [path.join(ROOT, 'x/b.c')]);
  const c = mod('c', [shared]);
  const us = reviewUnits({ modules: [a, b, c], changes: [...a.changes, ...b.changes, ...c.changes], findings: [] }, () => null);
  assert.deepEqual(titles(us), ['a + c', 'b']);
});

test('y accepts, n skips, and the verdict of each module is shown before the question', async () => {
  const term = new ScriptedTerminal(['y', 'n', 'y', 'n', 'y']);
  const outcome = await reviewSession(units(), context(term, { revalidate: async () => [] }));
  assert.deepEqual(titles(outcome.accepted), ['layerfs', 'memwatch', 'tree-wide files']);
  assert.deepEqual(titles(outcome.skipped), ['md', 'null']);
  assert.equal(outcome.quit, false);
  assert.match(term.screen, /validation of memwatch: ✗ FAILED {2}lifecycle ✗ {2}compile –\n {2}lifecycle:\n {4}left behind: a callout/);
  assert.match(term.screen, /Accept memwatch \(validation failed\)\? \[y,n,e,d,q,\?\]/);
  assert.match(term.screen, /validation of md: ✓ passed/);
  // The diff itself, as convert prints it.
  assert.match(term.screen, /\+MODULE\(MODULE_CLASS_DRIVER, md, NULL\);/);
  assert.match(term.screen, /requires layerfs: uses layer_/);
});

test('q skips the module in front of you and every one after it', async () => {
  const term = new ScriptedTerminal(['y', 'q']);
  const outcome = await reviewSession(units(), context(term));
  assert.deepEqual(titles(outcome.accepted), ['layerfs']);
  assert.deepEqual(titles(outcome.skipped), ['md', 'memwatch', 'null', 'tree-wide files']);
  assert.equal(outcome.quit, true);
});

test('any other key explains the answers and asks again; d shows the diff again', async () => {
  const term = new ScriptedTerminal(['x', 'd', 'n', 'q']);
  await reviewSession(units(), context(term));
  assert.match(term.screen, /y - accept[^]*q - quit/);
  assert.equal(term.screen.match(/\+MODULE\(MODULE_CLASS_MISC, layerfs, NULL\);/g)?.length, 2);
});

test('e edits the chosen file, shows the new diff and validates the module again', async () => {
  const us = units();
  const md = us.find((u) => u.title === 'md')!;
  const source = md.changes.find((c) => c.path.endsWith('md_mod.c'))!;
  const original = source.after!;
  const edited = original.replace(/\n\t\tdevsw_detach\(&md_bdevsw, &md_cdevsw\);\n\t\treturn 0;\n/, '\n\t\treturn 0;\n');
  assert.notEqual(edited, original, 'the sample has a FINI detach to take out');
  const seen: string[] = [];
  let revalidated: ReviewUnit | null = null;
  const term = new ScriptedTerminal(['e', '2', 'y']);
  const outcome = await reviewSession([md], context(term, {
    edit: (name, text) => {
      seen.push(`${name}:${text === original}`);
      return { ok: true, text: edited };
    },
    revalidate: async (unit) => {
      revalidated = unit;
      return [result('md', false, 'after unload: cdevsw[md] and bdevsw[md] still attached')];
    },
  }));
  assert.deepEqual(seen, [`${source.path}:true`], 'the editor got the converted text of the file picked');
  assert.match(term.screen, /1\) sample-lkm\/sys\/modules\/md\/Makefile\n {2}2\) sample-lkm\/sys\/modules\/md\/md_mod\.c/);
  assert.match(term.screen, /md_mod\.c edited; the diff is now:[^]*\+MODULE\(MODULE_CLASS_DRIVER/);
  assert.match(term.screen, /Validating md again…\nvalidation of md: ✗ FAILED[^]*still attached/);
  assert.equal(revalidated!.changes.find((c) => c.path === source.path)!.after, edited);
  assert.equal(outcome.accepted[0]!.changes.find((c) => c.path === source.path)!.after, edited);
  assert.ok(outcome.accepted[0]!.edited.has(source.path));
});

test('a failed or empty edit leaves the change as it was', async () => {
  const md = units().find((u) => u.title === 'md')!;
  const before = md.changes.map((c) => c.after);
  const outcomes = [{ ok: false as const, reason: 'vi exited with status 1; the edit was discarded' }, { ok: true as const, text: '' }];
  const term = new ScriptedTerminal(['e', '2', 'e', '2', 'n']);
  await reviewSession([md], context(term, { edit: () => outcomes.shift()! }));
  assert.match(term.screen, /vi exited with status 1; the edit was discarded/);
  // The empty file was saved: that is an edit (a file emptied on purpose), and it is kept.
  assert.equal(md.changes.find((c) => c.path.endsWith('md_mod.c'))!.after, '');
  assert.deepEqual(md.changes.filter((c) => !c.path.endsWith('md_mod.c')).map((c) => c.after), before.slice(0, 1));
});

test('re-validation after an edit covers the module and the modules it requires, edited text included', () => {
  const us = units();
  const nullUnit = us.find((u) => u.title === 'null')!;
  const change = nullUnit.changes.find((c) => c.path.endsWith('null_mod.c'))!;
  change.after += '/* reviewed */\n';
  nullUnit.edited.add(change.path);
  const again = revalidationSet(set, nullUnit);
  assert.deepEqual(again.modules.map((m) => m.name).sort(), ['layerfs', 'null']);
  assert.ok(again.modules.find((m) => m.name === 'null')!.changes.some((c) => c.after?.endsWith('/* reviewed */\n')));
  assert.ok(again.changes.some((c) => c.after?.endsWith('/* reviewed */\n')));
  assert.equal(again.changes.length, set.changes.length);
  // The conversion itself is untouched.
  assert.ok(!set.changes.some((c) => c.after?.endsWith('/* reviewed */\n')));
  // An edit made in another unit (a shared Makefile, a header) is part of what is validated.
  const tree = us.at(-1)!;
  tree.changes[0]!.after += '# edited\n';
  tree.edited.add(tree.changes[0]!.path);
  const both = revalidationSet(set, nullUnit, us);
  assert.ok(both.changes.some((c) => c.path === tree.changes[0]!.path && c.after!.endsWith('# edited\n')));
  assert.ok(both.changes.some((c) => c.after?.endsWith('/* reviewed */\n')));
});

test('the pager shows a screen at a time; space pages, enter scrolls a line, q skips the rest', async () => {
  const text = Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
  const term = new ScriptedTerminal([' ', 'enter', 'q'], 5);
  await page(term, text, { command: null, dim: (s) => s });
  const shown = term.screen.replace(/--More--[^\r]*\r\x1b\[K/g, '');
  assert.equal(shown, [1, 2, 3, 4, 5, 6, 7, 8, 9].map((i) => `line ${i}\n`).join('') + '(3 more lines not shown; d shows the diff again)\n');
  assert.equal(term.unused, 0);
  // Lines wider than the terminal take more rows; tabs go to the next multiple of 8.
  assert.equal(screenRows('x'.repeat(81), 80), 2);
  assert.equal(screenRows('\tx', 8), 2);
  assert.equal(screenRows('\x1b[32m+ok\x1b[39m', 3), 1);
});

test('with $PAGER set, the diff goes to that program, and cat or nothing means no pager', async () => {
  const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-pager-')), 'paged');
  const term = new ScriptedTerminal([]);
  await page(term, 'diff --git a/x b/x\n', { command: pagerFromEnv({ PAGER: `cat > '${out}'` }), dim: (s) => s });
  assert.equal(readFileSync(out, 'utf8'), 'diff --git a/x b/x\n');
  assert.equal(term.screen, '');
  assert.equal(pagerFromEnv({ PAGER: 'cat' }), null);
  assert.equal(pagerFromEnv({}), null);
  assert.equal(pagerFromEnv({ PAGER: 'less', LKM2MOD_PAGER: 'more' }), 'more');
});

test('keys typed ahead are split one by one; an escape sequence is one key', () => {
  assert.deepEqual(splitKeys('yn\r\n\x1b[Aq\x1b'), ['y', 'n', 'enter', '\x1b[A', 'q', 'escape']);
});

test('the end: accepted changes are applied, the rest is a patch that applies over them', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-review-'));
  cpSync(SAMPLES, path.join(dir, 'sample-lkm'), { recursive: true });
  const s = await discover(LKMS.map((d) => path.join(dir, 'sample-lkm', d)));
  const conv = await convertPlans(s, { root: dir });
  const us = reviewUnits(conv, () => null);
  const accepted = us.filter((u) => u.title === 'md' || u.title === 'layerfs');
  const skipped = us.filter((u) => !accepted.includes(u));
  const patchFile = path.join(dir, 'rest.patch');
  await checkPatchTarget(patchFile, 'rest.patch');
  const r = await finishReview({ accepted, skipped, quit: false }, { root: dir, patchFile });
  assert.ok(existsSync(path.join(dir, 'sample-lkm/sys/modules/md/md_mod.c')));
  assert.ok(!existsSync(path.join(dir, 'sample-lkm/sys/lkm/dev/md')), 'the old LKM folder is gone');
  assert.ok(existsSync(path.join(dir, 'sample-lkm/sys/lkm/misc/memwatch/lkminit_memwatch.c')), 'a skipped module is untouched');
  assert.equal(r.patch, patchFile);
  const text = readFileSync(patchFile, 'utf8');
  assert.match(text, /^diff --git a\/sample-lkm\/sys\/lkm\/misc\/memwatch\/Makefile b\/sample-lkm\/sys\/modules\/memwatch\/Makefile$/m);
  assert.doesNotMatch(text, /modules\/md\//);
  const check = spawnSync('git', ['apply', '--check', patchFile], { cwd: dir, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  // The patch file is never overwritten.
  await assert.rejects(checkPatchTarget(patchFile, 'rest.patch'), (e: unknown) => e instanceof UserError && /already exists/.test(e.message));
  writeFileSync(path.join(dir, 'x'), '');
  await assert.rejects(checkPatchTarget(path.join(dir, 'x', 'y.patch'), 'x/y.patch'), /directory does not exist/);
});
