/**
 * `lkm2mod report --html`: the page a reviewer opens, driven in headless Chromium from the file
 * system — the summary says what report.json says (and what convert says), a module's diff and
 * checks appear when it is chosen, the graph has a box per module and an arrow per requisite —
 * and the JSON beside it, for the trees that are not the happy path.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, copyFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import type { ReportJson } from '../src/report/html/model.ts';
import { buildReport } from '../src/report/html/model.ts';
import { renderPage } from '../src/report/html/page.ts';
import { ROOT, SAMPLES, runCli } from './helpers.ts';
import { browserMissing, launchChromium, type RunningBrowser } from './report-browser.ts';
import type { Migration } from '../src/review/migration.ts';
import type { ConversionSet } from '../src/migrate/convert.ts';

const noBrowser = browserMissing();
if (noBrowser) console.log(`# ${noBrowser}`);
const SCREENSHOT = path.join(ROOT, 'docs/report.png');

let browser: RunningBrowser | null = null;
before(async () => {
  if (!noBrowser) browser = await launchChromium({ width: 1280, height: 1400 });
});
after(async () => {
  await browser?.close();
});

function tmp(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `lkm2mod-${prefix}-`));
}

function readJson(dir: string): ReportJson {
  return JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as ReportJson;
}

/** Open the page from the file system; every request it makes is recorded. */
async function open(dir: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser!.context.newPage();
  const requests: string[] = [];
  page.on('request', (r) => void requests.push(r.url()));
  const errors: string[] = [];
  page.on('pageerror', (e) => void errors.push(e.message));
  await page.goto(pathToFileURL(path.join(dir, 'index.html')).href);
  assert.deepEqual(errors, [], 'the page script runs without errors');
  return { page, requests };
}

test('report without --html says what it needs', () => {
  const r = runCli(['report', SAMPLES]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /report needs --html DIR/);
});

test('the report of sample-lkm, in a browser: summary, a module chosen, the graph', { skip: noBrowser ?? false, timeout: 240_000 }, async () => {
  const out = tmp('report');
  const r = runCli(['report', '--html', out, 'sample-lkm', '--syscall-slot', 'procinfo=211']);
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  const json = readJson(out);
  const s = json.summary;

  // The JSON agrees with itself and with convert.
  const conv = JSON.parse(runCli(['convert', '--json', 'sample-lkm', '--syscall-slot', 'procinfo=211']).stdout) as {
    modules: { name: string; required: { module: string }[]; files: unknown[] }[];
    changes: number;
  };
  assert.equal(s.modules, conv.modules.length);
  assert.equal(s.converted, conv.modules.filter((m) => m.files.length > 0).length);
  assert.equal(s.filesChanged, conv.changes);
  assert.equal(s.validation.passed + s.validation.failed + s.validation.notValidated, s.modules);
  assert.equal(s.validation.failed, json.modules.filter((m) => m.validation?.ok === false).length);
  assert.equal(r.status, s.validation.failed > 0 ? 1 : 0, 'exit 1 exactly when a module fails validation');
  assert.match(r.stdout, new RegExp(`${s.modules} module\\(s\\), ${s.converted} converted, ${s.validation.passed} validated, ${s.validation.failed} failed validation`));

  const { page, requests } = await open(out);
  // The summary on the page is the JSON's.
  const count = async (key: string) => Number(await page.locator(`[data-summary="${key}"] .count`).textContent());
  assert.equal(await count('modules'), s.modules);
  assert.equal(await count('converted'), s.converted);
  assert.equal(await count('files'), s.filesChanged);
  assert.equal(await count('passed'), s.validation.passed);
  assert.equal(await count('failed'), s.validation.failed);
  assert.equal(await count('errors'), s.findings.error);
  assert.equal(await count('warnings'), s.findings.warning);
  assert.equal(await count('notes'), s.findings.note);
  const rows = page.locator('table.summary tbody tr');
  assert.equal(await rows.count(), s.modules);
  for (const m of json.modules) {
    const verdict = page.locator(`table.summary tr[data-module="${m.name}"] .verdict`);
    assert.equal(await verdict.getAttribute('data-ok'), m.validation ? String(m.validation.ok) : null, m.name);
  }

  // Nothing is shown until a module is chosen; choosing one shows its diff and its checks.
  assert.equal(await page.locator('article.module:visible').count(), 0);
  const nullfs = json.modules.find((m) => m.name === 'null')!;
  await page.locator('table.summary tr[data-module="null"] td', { hasText: 'vfs' }).first().click();
  const article = page.locator('#module-null');
  assert.ok(await article.isVisible());
  assert.equal(await page.locator('article.module:visible').count(), 1);
  assert.equal(await article.locator('.file table.sbs').count(), nullfs.files.length);
  assert.ok(await article.locator('.file table.sbs').first().isVisible());
  assert.ok(await article.locator('td.add', { hasText: 'MODULE(MODULE_CLASS_VFS, null, "layerfs");' }).isVisible());
  const checks = await article.locator('li.check').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-check')}:${e.getAttribute('data-state')}`));
  assert.deepEqual(checks, nullfs.validation!.checks.map((c) => `${c.name}:${c.skipped ? 'skipped' : c.ok ? 'pass' : 'fail'}`));
  assert.ok(await article.locator('dd', { hasText: 'layerfs: uses layer_' }).isVisible());
  assert.equal(await article.locator('li.finding').count(), nullfs.findings.length);
  assert.match(page.url(), /#module-null$/);

  // The graph: a box per module (and per requisite outside the tree), an arrow per requisite.
  const nodes = await page.locator('svg.graph g.node[data-origin="tree"]').evaluateAll((els) => els.map((e) => e.getAttribute('data-module')).sort());
  assert.deepEqual(nodes, json.modules.map((m) => m.name).sort());
  assert.deepEqual(nodes, conv.modules.map((m) => m.name).sort());
  const edges = await page.locator('svg.graph path.edge').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-from')}→${e.getAttribute('data-to')}`).sort());
  assert.deepEqual(edges, conv.modules.flatMap((m) => m.required.map((q) => `${m.name}→${q.module}`)).sort());
  assert.ok(edges.length > 0, 'sample-lkm has requisites (null → layerfs at least)');
  // A box opens its module too.
  await page.locator('svg.graph a:has(g.node[data-module="layerfs"])').click();
  assert.ok(await page.locator('#module-layerfs').isVisible());
  assert.ok(!(await article.isVisible()));

  // Self-contained: the page asked for nothing but itself.
  assert.deepEqual(requests.filter((u) => !u.startsWith('file:') && !u.startsWith('data:')), []);

  // The README's picture: the top of the page, summary and graph.
  await page.goto(pathToFileURL(path.join(out, 'index.html')).href);
  const shot = path.join(out, 'report.png');
  const graph = (await page.locator('#dependencies').boundingBox())!;
  await page.screenshot({ path: shot, fullPage: true, clip: { x: 0, y: 0, width: 1280, height: Math.ceil(graph.y + graph.height + 16) } });
  assert.deepEqual([...readFileSync(shot).subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  if (!existsSync(SCREENSHOT) || process.env.LKM2MOD_UPDATE_SCREENSHOT === '1') {
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    copyFileSync(shot, SCREENSHOT);
  }
  await page.close();
});

test('a tree with nothing to convert and a module that fails validation', { timeout: 240_000 }, async () => {
  const dir = tmp('report-module9');
  cpSync(SAMPLES, path.join(dir, 'sample-lkm'), { recursive: true });
  // md's unload handler forgets to detach (and so to free its softc): the converted module
  // leaks on every unload.
  const glue = path.join(dir, 'sample-lkm/sys/lkm/dev/md/lkminit_md.c');
  writeFileSync(glue, readFileSync(glue, 'utf8').replace('return (md_lkm_detach());', 'return (0);'));
  const w = runCli(['convert', '--write', 'sample-lkm/sys/lkm/dev/md', 'sample-lkm/sys/lkm/dev/tracebuf'], { cwd: dir });
  assert.equal(w.status, 0, w.stderr);

  const out = path.join(dir, 'out');
  const r = runCli(['report', '--html', 'out', 'sample-lkm/sys/modules'], { cwd: dir });
  assert.equal(r.status, 1, `a failing module makes the exit status 1\n${r.stderr}`);
  const json = readJson(out);
  assert.deepEqual(json.modules.map((m) => [m.name, m.status, m.validation?.ok]), [
    ['md', 'module(9)', false],
    ['tracebuf', 'module(9)', true],
  ]);
  assert.equal(json.summary.converted, 0);
  assert.equal(json.summary.alreadyModules, 2);
  assert.equal(json.summary.filesChanged, 0);
  const md = json.modules[0]!;
  assert.equal(md.class, 'DRIVER', 'read from its MODULE() line');
  const lifecycle = md.validation!.checks.find((c) => c.name === 'lifecycle')!;
  assert.equal(lifecycle.ok, false);
  assert.ok(lifecycle.details.some((d) => /left behind/.test(d)), lifecycle.details.join('\n'));

  if (noBrowser) return;
  const { page } = await open(out);
  await page.locator('table.summary a', { hasText: 'md' }).click();
  const article = page.locator('#module-md');
  assert.ok(await article.isVisible());
  assert.ok(await article.getByText('Already a module(9) module: nothing to convert.').isVisible());
  // A failed check is open, its details in view.
  const failed = article.locator('li.check[data-check="lifecycle"]');
  assert.equal(await failed.getAttribute('data-state'), 'fail');
  assert.ok(await failed.getByText(/left behind/).first().isVisible());
  assert.equal(await page.locator('svg.graph g.node[data-module="md"]').getAttribute('data-ok'), 'false');
  await page.close();
});

test('an empty tree: a page that says there is nothing, exit 0', async () => {
  const empty = tmp('report-empty');
  const out = path.join(empty, 'report');
  const r = runCli(['report', '--html', out, empty]);
  assert.equal(r.status, 0, r.stderr);
  const json = readJson(out);
  assert.equal(json.summary.modules, 0);
  assert.deepEqual(json.graph, { nodes: [], edges: [] });
  const html = readFileSync(path.join(out, 'index.html'), 'utf8');
  assert.match(html, /No LKM and no module\(9\) module was found under the paths given/);
  assert.doesNotMatch(html, /<(link|img|script)[^>]+(src|href)=/, 'nothing to fetch');
});

test('requisites outside the tree: built into the kernel (with their own requisites) or named and missing', () => {
  const plan = { name: 'x', kind: 'exec', dir: '/t/sys/lkm/exec/x' };
  const conversion = (name: string, required: string[]) => ({
    plan: { ...plan, name },
    name,
    moduleClass: 'EXEC',
    required: required.map((module) => ({ module, reason: `uses ${module}_sym` })),
    dir: `/t/sys/modules/${name}`,
    sources: [],
    changes: [{ path: `/t/sys/modules/${name}/${name}.c`, before: 'a\n', after: 'b\n' }],
    findings: [],
  });
  const set = { modules: [conversion('exec_aout', ['exec_elf64', 'vendorlib']), conversion('compat_x', ['exec_aout'])], changes: [], findings: [] } as unknown as ConversionSet;
  const migration: Migration = {
    root: '/t',
    cwd: '/t',
    paths: ['/t'],
    scan: { modules: [], filesScanned: 0, filesParsed: 0, parseErrors: [] },
    set,
    validation: null,
    validationError: null,
    builtins: [
      { name: 'coredump', class: 'misc', required: [] },
      { name: 'exec_elf64', class: 'misc', required: ['coredump'] },
      { name: 'ffs', class: 'vfs', required: [] },
    ],
  };
  const { json } = buildReport(migration);
  assert.deepEqual(json.graph.nodes.map((n) => `${n.name}:${n.origin}`).sort(), [
    'compat_x:tree',
    'coredump:builtin',
    'exec_aout:tree',
    'exec_elf64:builtin',
    'vendorlib:external',
  ]);
  assert.deepEqual(json.graph.edges.map((e) => `${e.from}→${e.to}`).sort(), ['compat_x→exec_aout', 'exec_aout→exec_elf64', 'exec_aout→vendorlib', 'exec_elf64→coredump']);
  assert.deepEqual(json.summary.validation, { passed: 0, failed: 0, notValidated: 2 });
  assert.deepEqual(json.modules.map((m) => [m.name, m.files[0]!.added, m.files[0]!.removed]), [['compat_x', 1, 1], ['exec_aout', 1, 1]]);

  // A module(9) module of the same name elsewhere in the tree is its own entry, with its own id,
  // and the converted module keeps its own verdict.
  const check = { name: 'lifecycle' as const, ok: true, details: [], timeMs: 1 };
  const twice = buildReport({
    ...migration,
    validation: {
      modules: [
        { name: 'exec_aout', kind: 'misc', input: 'module', dir: '/t/other/exec_aout', ok: false, checks: [{ ...check, ok: false }], timeMs: 1 },
        { name: 'exec_aout', kind: 'exec', input: 'lkm', dir: '/t/sys/modules/exec_aout', ok: true, checks: [check], timeMs: 1 },
      ],
      passed: 1,
      failed: 1,
    },
  });
  assert.deepEqual(twice.json.modules.map((m) => [m.id, m.status, m.validation?.ok ?? null]), [
    ['module-compat_x', 'converted', null],
    ['module-exec_aout', 'converted', true],
    ['module-exec_aout-2', 'module(9)', false],
  ]);
  assert.equal(twice.changes.get('module-exec_aout')!.length, 1);

  // Validation that could not run is said on the page, not hidden behind "not validated".
  const failed = buildReport({ ...migration, validationError: 'worker exited with code 1' });
  assert.equal(failed.json.validationError, 'worker exited with code 1');
  assert.match(renderPage(failed, { cwd: '/t' }), /Validation could not run: worker exited with code 1\./);
});
