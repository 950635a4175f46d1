/**
 * The shipped CLI: bin/lkm2mod.js runs the JavaScript `npm ci` built into dist/ (the prepare
 * script). Every other test runs the sources through tsx (helpers.ts), so this one checks that
 * the build is as current as the sources and that it does what they do, in the places where
 * the two differ: worker threads, the bundled headers, the rule API a pack imports, the
 * package's version. `npm test` builds first.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { ROOT, runCli, type RunResult } from './helpers.ts';

const BUILT = { LKM2MOD_FROM_SOURCE: '' };
const built = (args: string[], cwd?: string): RunResult => runCli(args, { env: BUILT, cwd });
const source = (args: string[], cwd?: string): RunResult => runCli(args, { cwd });

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts'))
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !f.includes(`${path.sep}fixtures${path.sep}`) && !f.includes(`${path.sep}examples${path.sep}`));
}

test('the build in dist/ is as new as every source it is built from', () => {
  const sources = [...tsFiles(path.join(ROOT, 'src')), ...readdirSync(path.join(ROOT, 'rules')).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).map((f) => path.join(ROOT, 'rules', f))];
  assert.ok(sources.length > 100, `expected the sources under ${ROOT}`);
  const stale = sources.filter((f) => {
    const js = path.join(ROOT, 'dist', path.relative(ROOT, f)).replace(/\.ts$/, '.js');
    try {
      return statSync(js).mtimeMs < statSync(f).mtimeMs;
    } catch {
      return true;
    }
  });
  assert.deepEqual(stale.map((f) => path.relative(ROOT, f)), [], 'dist/ is older than these sources: run `npm run build` (npm test does)');
});

test('bin/lkm2mod.js --help runs the build and lists every command', () => {
  const r = built(['--help']);
  assert.equal(r.status, 0, r.stderr);
  for (const c of ['scan', 'convert', 'kernel', 'review', 'report', 'validate', 'rules']) assert.match(r.stdout, new RegExp(`^  ${c}\\b`, 'm'));
});

test('built, scan parses in worker threads as the sources do', () => {
  const args = ['scan', '--json', '--jobs', '2', 'sample-lkm'];
  const b = built(args);
  assert.equal(b.status, 0, b.stderr);
  assert.equal(b.stdout, source(args).stdout);
});

test('built, a rule pack imports the rule API and passes its fixtures', () => {
  const b = built(['rules', 'test', 'rules/examples/vendor-pack']);
  assert.equal(b.status, 0, b.stderr + b.stdout);
  assert.match(b.stdout, /3 passed, 0 failed/);
});

test('built, validate finds the bundled headers, runs worker threads and names its version', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-build-'));
  try {
    const sarif = path.join(tmp, 'validate.sarif');
    const b = built(['validate', 'sample-lkm/sys/lkm/syscall/procinfo', 'sample-lkm/sys/lkm/vfs/kernfs', '--syscall-slot', 'procinfo=211', '--jobs', '2', '--repeat', '3', '--sarif', sarif]);
    assert.equal(b.status, 0, b.stderr + b.stdout);
    assert.match(b.stdout, /^2 of 2 module\(s\) passed every check$/m);
    assert.match(b.stdout, /^all together  ✓ 2 module\(s\) loaded into one kernel/m);
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const log = JSON.parse(readFileSync(sarif, 'utf8')) as { runs: { tool: { driver: { version: string } } }[] };
    assert.equal(log.runs[0]!.tool.driver.version, pkg.version);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
