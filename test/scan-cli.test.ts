/**
 * `lkm2mod scan` end to end, as a user runs it: the table, the JSON document, exit codes and
 * messages for bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, SAMPLES } from './helpers.ts';

test('scan sample-lkm: an aligned table of every LKM, then its findings as file:line, then a summary', () => {
  const r = runCli(['scan', 'sample-lkm']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '', 'no progress output when stderr is not a terminal');
  const lines = r.stdout.split('\n');
  const header = lines[0]!;
  assert.match(header, /^MODULE\s+KIND\s+ENTRY\s+HANDLERS \(load unload stat\)\s+FILES\s+FINDINGS\s+DIRECTORY$/);
  const row = (name: string) => lines.find((l) => l.startsWith(`${name} `))!;
  // Columns line up under their headers.
  for (const name of ['uptime', 'kernfs', 'coda', 'memwatch']) {
    const l = row(name);
    assert.ok(l, `${name} row`);
    assert.equal(l.indexOf(l.split(/\s+/)[1]!, name.length), header.indexOf('KIND'), `KIND column of ${name}`);
    assert.ok(l.endsWith(`sample-lkm/sys/lkm/${l.split('sample-lkm/sys/lkm/')[1]}`));
  }
  assert.match(row('uptime'), /^uptime\s+syscall\s+xxxinit\s+uptime_load uptime_unload -\s+2\s+0\s+sample-lkm\/sys\/lkm\/syscall\/uptime$/);
  assert.match(row('coda'), /^coda\s+dev\s+coda_lkmentry\s+coda_load coda_unload -\s+3\s+2\s+sample-lkm\/sys\/lkm\/vfs\/coda$/);
  assert.match(r.stdout, /^ {2}sample-lkm\/sys\/lkm\/syscall\/procinfo\/lkminit_procinfo\.c:\d+: warning: MOD_SYSCALL\("procinfo", -1, \.\.\.\).* \[syscall-slot-dynamic\]$/m);
  assert.match(r.stdout, /^not part of a module:\n {2}sample-lkm\/sys\/lkm\/drv\/lm_isa_wb\/Makefile:\d+: warning: .* \[no-declaration\]$/m);
  assert.match(lines.filter(Boolean).at(-1)!, /^14 LKMs \(compat, dev, drv, exec, misc, syscall, vfs\) in \d+ files scanned, \d+ parsed; 0 errors, \d+ warnings, \d+ notes\.$/);
});

test('scan --json: the documented schema, paths relative to the current directory', () => {
  const r = runCli(['scan', '--json', 'sample-lkm/sys/lkm/vfs', 'sample-lkm/sys/lkm/syscall/uptime']);
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const doc = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(doc), ['modules', 'files_scanned', 'files_parsed', 'parse_errors', 'findings']);
  assert.deepEqual(doc.modules.map((m: { name: string }) => m.name), ['uptime', 'coda', 'kernfs', 'null']);
  const uptime = doc.modules[0];
  assert.deepEqual(Object.keys(uptime), [
    'name', 'form', 'kind', 'dir', 'makefile', 'kmod', 'files', 'missing_sources', 'declaration', 'extra_declarations',
    'entry', 'handlers', 'tables', 'findings',
  ]);
  assert.equal(uptime.form, 'lkm');
  assert.equal(uptime.dir, 'sample-lkm/sys/lkm/syscall/uptime');
  assert.equal(uptime.makefile, 'sample-lkm/sys/lkm/syscall/uptime/Makefile');
  assert.deepEqual(uptime.files, ['sample-lkm/sys/lkm/syscall/uptime/lkminit_uptime.c', 'sample-lkm/sys/lkm/syscall/uptime/sys_uptime.c']);
  assert.deepEqual(
    { ...uptime.declaration, line: typeof uptime.declaration.line },
    { file: 'sample-lkm/sys/lkm/syscall/uptime/lkminit_uptime.c', line: 'number', macro: 'MOD_SYSCALL', args: ['"uptime"', 'UPTIME_SYSCALL', '&uptime_sysent'], variable: '_module', conditions: [] },
  );
  assert.deepEqual({ ...uptime.entry, line: typeof uptime.entry.line }, {
    name: 'xxxinit', file: 'sample-lkm/sys/lkm/syscall/uptime/lkminit_uptime.c', line: 'number', via_macro: null, knr: true,
  });
  assert.deepEqual(Object.keys(uptime.handlers), ['load', 'unload', 'stat']);
  assert.deepEqual({ ...uptime.handlers.load, line: typeof uptime.handlers.load.line }, {
    name: 'uptime_load', file: 'sample-lkm/sys/lkm/syscall/uptime/lkminit_uptime.c', line: 'number',
    defined: true, uses_lkmtp: false, switches_on_cmd: false, calls_lkmexists: false,
  });
  assert.equal(uptime.handlers.stat, null);
  const coda = doc.modules[1];
  assert.deepEqual(coda.findings.map((f: { code: string }) => f.code), ['two-registrations', 'entry-dispatches-by-hand']);
  assert.deepEqual(Object.keys(coda.findings[0]), ['file', 'line', 'severity', 'code', 'message']);
  assert.equal(coda.findings[0].file, 'sample-lkm/sys/lkm/vfs/coda/lkminit_coda.c');
  // .PATH reaches outside the paths given: those sources are part of the module, and were read.
  assert.ok(doc.modules[2].files.includes('sample-lkm/sys/miscfs/kernfs/kernfs_vfsops.c'));
  assert.ok(doc.files_scanned >= doc.files_parsed && doc.files_parsed > 0);
  assert.deepEqual(doc.parse_errors, []);
});

test('scan with no path scans the current directory; paths are relative to it', () => {
  const cwd = path.join(SAMPLES, 'sys/lkm/vfs/kernfs');
  const doc = JSON.parse(runCli(['scan', '--json'], { cwd }).stdout);
  assert.equal(doc.modules.length, 1);
  assert.equal(doc.modules[0].dir, '.');
  assert.deepEqual(doc.modules[0].files.slice(0, 2), ['lkminit_vfs.c', '../../../miscfs/kernfs/kernfs_vfsops.c']);
});

test('a path that does not exist: exit 2 and a one-line message, no stack trace', () => {
  const r = runCli(['scan', 'sample-lkm', 'no/such/tree']);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, 'lkm2mod: no/such/tree: no such file or directory; check the path\n');
});

test('--jobs must be a positive whole number (exit 2)', () => {
  for (const bad of ['0', 'many', '1.5']) {
    const r = runCli(['scan', '--jobs', bad, 'sample-lkm']);
    assert.equal(r.status, 2, bad);
    assert.match(r.stderr, /--jobs takes a positive whole number/);
  }
});

test('binary and dangling files inside the tree are reported with what to do; the exit status stays 0', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-scan-cli-'));
  fs.cpSync(path.join(SAMPLES, 'sys/lkm/syscall/uptime'), path.join(root, 'uptime'), { recursive: true });
  fs.writeFileSync(path.join(root, 'uptime/core.c'), Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 0, 0]));
  fs.symlinkSync(path.join(root, 'gone.c'), path.join(root, 'uptime/stale.c'));
  const r = runCli(['scan', '--jobs', '2', root], { cwd: root });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^uptime\s+syscall\s+xxxinit\s/m);
  assert.match(r.stdout, /^ {2}uptime\/core\.c: warning: binary file \(it contains NUL bytes\), not C source; skipped — remove it .* \[binary-file\]$/m);
  assert.match(r.stdout, /^ {2}uptime\/stale\.c: error: cannot read: no such file \(a dangling symbolic link\?\); fix or remove the link \[unreadable-file\]$/m);
});
