/**
 * `lkm2mod validate` as CI runs it: exit codes, the --json schema, JUnit XML and SARIF files,
 * usage errors, and --jobs giving the same answers as one thread. Also an end-to-end run on a
 * sample LKM, converted in memory and compared with its original.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT, runCli } from './helpers.ts';

const FIXTURES = 'test/fixtures/validate';

function tmp(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-validate-test-'));
}

test('exit 0 when every check passes, with the table on stdout', () => {
  const r = runCli(['validate', `${FIXTURES}/good`, '--repeat', '3']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^MODULE\s+KIND\s+lifecycle\s+faults\s+equiv\s+deps\s+repeat\s+sysent\s+cc\s+UNMODELLED\s+TIME$/m);
  assert.match(r.stdout, /^tidyfs\s+vfs \(module\)\s+✓\s+✓\s+-\s+✓\s+✓\s+-\s+-\s+0\s+\d+(ms|\.\ds)$/m);
  assert.match(r.stdout, /1 of 1 module\(s\) passed every check/);
  assert.equal(r.stderr, '', 'no progress line when stderr is not a terminal');
});

test('exit 1 when a check fails, with what failed below the table', () => {
  const r = runCli(['validate', `${FIXTURES}/forgets-detach`, '--repeat', '3']);
  assert.equal(r.status, 1, r.stderr);
  assert.match(r.stdout, /^stayfs\s+vfs \(module\)\s+✗/m);
  assert.match(r.stdout, /^✗ lifecycle:\n {4}left behind after unload: vfs stayfs: added .* undo it with vfs_detach\(\)$/m);
  assert.match(r.stdout, /1 of 1 module\(s\) failed validation/);
});

test('--json: one document, the schema the README documents, paths relative to cwd', () => {
  const r = runCli(['validate', `${FIXTURES}/unneeded-requisite`, '--repeat', '3', '--json']);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(doc).sort(), ['failed', 'modules', 'passed', 'together']);
  assert.equal(doc.passed, 2);
  assert.equal(doc.failed, 0);
  const idle = doc.modules.find((m: { name: string }) => m.name === 'idle');
  assert.equal(idle.dir, `${FIXTURES}/unneeded-requisite/idle`);
  assert.equal(idle.kind, 'misc');
  assert.equal(idle.input, 'module');
  assert.equal(idle.ok, true);
  assert.deepEqual(
    idle.checks.map((c: { name: string }) => c.name),
    ['lifecycle', 'faults', 'equivalence', 'dependencies', 'repeat', 'syscall-indirection', 'compile'],
  );
  for (const c of idle.checks) {
    assert.equal(typeof c.ok, 'boolean');
    assert.ok(Array.isArray(c.details));
    assert.equal(typeof c.timeMs, 'number');
  }
  const deps = idle.checks.find((c: { name: string }) => c.name === 'dependencies');
  assert.match(deps.warnings.join('\n'), /requisite helper is listed but the module uses none of its symbols/);
  assert.doesNotMatch(r.stdout, new RegExp(ROOT.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')), 'no absolute paths under cwd');
});

test('--junit: a testsuite per module, a testcase per check, failures with their details', () => {
  const dir = tmp();
  const file = path.join(dir, 'validate.xml');
  const r = runCli(['validate', `${FIXTURES}/unlisted-requisite`, '--repeat', '3', '--junit', file]);
  assert.equal(r.status, 1, r.stderr);
  const xml = fs.readFileSync(file, 'utf8');
  assert.match(xml, /^<\?xml version="1\.0" encoding="UTF-8"\?>/);
  // 7 checks of each of the two modules, and the all-together load.
  assert.match(xml, /<testsuites name="lkm2mod validate" tests="15" failures="2" errors="0" skipped="\d+"/);
  assert.equal([...xml.matchAll(/<testsuite /g)].length, 3);
  assert.match(xml, /<testsuite name="all together" id="2" tests="1" failures="0"/);
  assert.match(xml, /<testsuite name="user" id="1" tests="7" failures="2"/);
  assert.match(xml, /<testcase name="dependencies" classname="lkm2mod\.validate\.user" time="[\d.]+">\s*<failure message="test\/fixtures\/validate\/unlisted-requisite\/user\/user\.c:21: `helper_count' is defined by module helper/);
  assert.match(xml, /<testcase name="equivalence" classname="lkm2mod\.validate\.helper" time="[\d.]+">\s*<skipped message="not a converted LKM/);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('--sarif: each failure located at the line that causes it', () => {
  const dir = tmp();
  const file = path.join(dir, 'validate.sarif');
  const r = runCli(['validate', `${FIXTURES}/no-unwind`, '--repeat', '3', '--sarif', file]);
  assert.equal(r.status, 1, r.stderr);
  const log = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(log.version, '2.1.0');
  const results = log.runs[0].results;
  assert.ok(results.length >= 1);
  const f = results.find((x: { ruleId: string }) => x.ruleId === 'validate-faults');
  assert.ok(f, JSON.stringify(results, null, 2));
  assert.equal(f.level, 'error');
  assert.match(f.message.text, /^halfdev: INIT: devsw_attach\(\) failing with EEXIST or ENOMEM \(test\/fixtures\/validate\/no-unwind\/halfdev\/halfdev\.c:47\)/);
  const loc = f.locations[0].physicalLocation;
  assert.equal(loc.artifactLocation.uri, 'test/fixtures/validate/no-unwind/halfdev/halfdev.c');
  assert.equal(loc.region.startLine, 47);
  assert.ok(log.runs[0].tool.driver.rules.some((x: { id: string }) => x.id === 'validate-faults'));
  fs.rmSync(dir, { recursive: true, force: true });
});

test('usage and input errors exit 2 with a message, not a stack trace', () => {
  for (const [args, message] of [
    [['validate', 'no/such/tree'], /no\/such\/tree: no such file or directory/],
    [['validate', `${FIXTURES}/good`, '--jobs', '0'], /--jobs takes a positive whole number/],
    [['validate', `${FIXTURES}/good`, '--repeat', 'many'], /--repeat takes a positive whole number/],
    [['validate', `${FIXTURES}/good`, '--syscall-slot', 'procinfo'], /--syscall-slot procinfo: expected NAME=NUMBER/],
    [['validate', `${FIXTURES}/good`, '--kernel-src', 'no/such/dir'], /--kernel-src no\/such\/dir: no such directory/],
    [['validate', 'src/report'], /no modules under src\/report: nothing to validate/],
  ] as const) {
    const r = runCli([...args]);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
    assert.match(r.stderr, message);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  }
});

test('--jobs 2 gives the same results as one thread', () => {
  const strip = (out: string) => {
    const doc = JSON.parse(out);
    for (const m of doc.modules) {
      delete m.timeMs;
      for (const c of m.checks) {
        delete c.timeMs;
        c.details = c.details.filter((d: string) => !/cycles in \d+ ms/.test(d));
      }
    }
    delete doc.together?.timeMs;
    return doc;
  };
  const one = runCli(['validate', `${FIXTURES}/unlisted-requisite`, '--repeat', '3', '--json']);
  const two = runCli(['validate', `${FIXTURES}/unlisted-requisite`, '--repeat', '3', '--json', '--jobs', '2']);
  assert.equal(one.status, 1);
  assert.equal(two.status, 1, two.stderr);
  assert.deepEqual(strip(two.stdout), strip(one.stdout));
});

test('a sample LKM is converted in memory, validated and compared with its original; nothing is written', () => {
  const before = fs.readdirSync(path.join(ROOT, 'sample-lkm/sys'));
  const r = runCli(['validate', 'sample-lkm/sys/lkm/syscall/uptime', '--repeat', '3', '--json']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const [m] = JSON.parse(r.stdout).modules;
  assert.equal(m.name, 'uptime');
  assert.equal(m.input, 'lkm');
  assert.equal(m.kind, 'syscall');
  assert.equal(m.lkm, 'sample-lkm/sys/lkm/syscall/uptime');
  assert.equal(m.dir, 'sample-lkm/sys/modules/uptime');
  const eq = m.checks.find((c: { name: string }) => c.name === 'equivalence');
  assert.equal(eq.ok, true);
  assert.ok(eq.details.some((d: string) => /the same 1 table change\(s\): sysent\[210\]/.test(d)), eq.details.join('\n'));
  assert.deepEqual(fs.readdirSync(path.join(ROOT, 'sample-lkm/sys')), before, 'sys/modules was not created');
});

test('what cannot be validated is listed with why, not dropped', () => {
  // lm_isa_wb's glue is generated at build time: there is no LKM to convert until make ran.
  const r = runCli(['validate', 'sample-lkm/sys/lkm/drv', '--repeat', '3']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^lm\s+drv\s+✓/m);
  assert.match(r.stdout, /^not validated:\n {2}sample-lkm\/sys\/lkm\/drv\/lm_isa_wb\/Makefile:\d+: warning: KMOD=lm_isa_wb .*lkminit_lm_isa_wb\.c, which the build generates/m);
  const json = JSON.parse(runCli(['validate', 'sample-lkm/sys/lkm/drv', '--repeat', '3', '--json']).stdout);
  assert.equal(json.unvalidated.length, 1);
  assert.match(json.unvalidated[0], /^sample-lkm\/sys\/lkm\/drv\/lm_isa_wb\/Makefile:/);
});

test('validate runs in a Node of its own (a larger young generation): a SIGTERM to lkm2mod ends it, leaving no process behind, and the exit says so', async () => {
  const { spawn, spawnSync } = await import('node:child_process');
  // A path no other process names, to find what lkm2mod started.
  const dir = path.join(tmp(), 'sigterm-marker');
  fs.cpSync(path.join(ROOT, FIXTURES, 'good'), dir, { recursive: true });
  const p = spawn(process.execPath, [path.join(ROOT, 'bin/lkm2mod.js'), 'validate', dir, '--repeat', '100'], {
    cwd: ROOT,
    env: { ...process.env, LKM2MOD_FROM_SOURCE: '1' },
    stdio: 'ignore',
  });
  const running = () => spawnSync('pgrep', ['-f', dir], { encoding: 'utf8' }).stdout.trim().split('\n').filter(Boolean);
  // Wait until the Node doing the work has started.
  for (let i = 0; i < 100 && running().length < 2; i++) await new Promise((r) => setTimeout(r, 50));
  assert.equal(running().length, 2, 'lkm2mod and the Node it started');
  p.kill('SIGTERM');
  const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => p.on('exit', (c, s) => resolve([c, s])));
  assert.deepEqual([code, signal], [null, 'SIGTERM']);
  for (let i = 0; i < 40 && running().length; i++) await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(running(), []);
});
