/**
 * `lkm2mod convert` end to end on a copy of sample-lkm/: the preview is a patch git and patch
 * accept, --write and --out write what the preview showed, a converted tree converts to
 * nothing, and the exit codes, JSON and SARIF are what CI relies on.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, SAMPLES } from './helpers.ts';

function sampleCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-convert-'));
  cpSync(SAMPLES, path.join(dir, 'tree'), { recursive: true });
  return path.join(dir, 'tree');
}

function git(cwd: string, ...args: string[]) {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8' });
  return { status: r.status ?? -1, out: r.stdout + r.stderr };
}

function snapshot(dir: string, base = dir): Map<string, string> {
  const out = new Map<string, string>();
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (e === '.git') continue;
    if (statSync(p).isDirectory()) for (const [k, v] of snapshot(p, base)) out.set(k, v);
    else out.set(path.relative(base, p), readFileSync(p, 'utf8'));
  }
  return out;
}

function cleanup(tree: string) {
  rmSync(path.dirname(tree), { recursive: true, force: true });
}

test('the preview is a patch git apply and patch -p1 accept, and --write produces exactly it', () => {
  const tree = sampleCopy();
  try {
    const preview = runCli(['convert', '.'], { cwd: tree });
    assert.equal(preview.status, 0, preview.stderr);
    assert.match(preview.stdout, /^diff --git a\/sys\/lkm\//m);
    assert.match(preview.stdout, /^rename from sys\/lkm\/vfs\/kernfs\/lkminit_vfs\.c$/m);
    assert.match(preview.stdout, /^rename to sys\/modules\/kernfs\/kernfs_mod\.c$/m);
    assert.match(preview.stdout, /^new file mode 100644\n--- \/dev\/null\n\+\+\+ b\/sys\/modules\/Makefile$/m);
    assert.match(preview.stdout, /^\+MODULE\(MODULE_CLASS_VFS, kernfs, NULL\);$/m);
    // The preview wrote nothing.
    assert.ok(existsSync(path.join(tree, 'sys/lkm/vfs/kernfs/lkminit_vfs.c')));
    assert.ok(!existsSync(path.join(tree, 'sys/modules')));

    const patchFile = path.join(path.dirname(tree), 'convert.patch');
    writeFileSync(patchFile, preview.stdout);
    assert.equal(git(tree, 'init', '-q').status, 0);
    const check = git(tree, 'apply', '--check', patchFile);
    assert.equal(check.status, 0, check.out);
    const dry = spawnSync('patch', ['-p1', '--dry-run', '-i', patchFile], { cwd: tree, encoding: 'utf8' });
    if (!dry.error) assert.equal(dry.status, 0, dry.stdout + dry.stderr);

    // git apply the preview in one copy, --write in another: the same tree.
    const viaGit = sampleCopy();
    try {
      git(viaGit, 'init', '-q');
      assert.equal(git(viaGit, 'apply', patchFile).status, 0);
      const write = runCli(['convert', '--write', '.'], { cwd: tree });
      assert.equal(write.status, 0, write.stderr);
      assert.match(write.stdout, /converted \d+ module\(s\), \d+ file\(s\) in place/);
      assert.deepEqual(snapshot(tree), snapshot(viaGit));
    } finally {
      cleanup(viaGit);
    }
    assert.ok(!existsSync(path.join(tree, 'sys/lkm/vfs/kernfs')), 'the old LKM folder is gone');
    assert.ok(existsSync(path.join(tree, 'sys/modules/kernfs/Makefile')));
    assert.match(readFileSync(path.join(tree, 'sys/modules/kernfs/Makefile'), 'utf8'), /^\.include <bsd\.kmodule\.mk>$/m);

    // A converted tree converts to nothing: --check exits 0 and prints no patch.
    const again = runCli(['convert', '--check', '.'], { cwd: tree });
    assert.equal(again.status, 0, again.stdout + again.stderr);
    assert.equal(again.stdout, '');
  } finally {
    cleanup(tree);
  }
});

test('--check exits 1 when there is something to convert, and changes nothing', () => {
  const tree = sampleCopy();
  try {
    const before = snapshot(tree);
    const r = runCli(['convert', '--check', 'sys/lkm/vfs/kernfs'], { cwd: tree });
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /kernfs_modcmd/);
    assert.deepEqual(snapshot(tree), before);
  } finally {
    cleanup(tree);
  }
});

test('--json reports per module: name, kind, class, required with reasons, files and findings', () => {
  const tree = sampleCopy();
  try {
    const r = runCli(['convert', '--json', '.'], { cwd: tree });
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const byName = new Map<string, any>(out.modules.map((m: any) => [m.name, m]));
    const kernfs = byName.get('kernfs');
    assert.equal(kernfs.kind, 'vfs');
    assert.equal(kernfs.class, 'VFS');
    assert.equal(kernfs.dir, 'sys/modules/kernfs');
    assert.equal(kernfs.from, 'sys/lkm/vfs/kernfs');
    assert.ok(kernfs.files.some((f: any) => f.status === 'renamed' && f.from === 'sys/lkm/vfs/kernfs/lkminit_vfs.c' && f.path === 'sys/modules/kernfs/kernfs_mod.c'));
    const nullfs = byName.get('null');
    assert.deepEqual(nullfs.required.map((x: any) => x.module), ['layerfs']);
    assert.match(nullfs.required[0].reason, /layer_bypass/);
    assert.deepEqual(byName.get('exec_linux_elf32').required.map((x: any) => x.module), ['compat_linux']);
    assert.equal(byName.get('tracebuf').class, 'DRIVER');
    assert.equal(byName.get('uptime').class, 'MISC');
    const slot = byName.get('procinfo').findings.find((f: any) => f.code === 'syscall-slot-dynamic');
    assert.equal(slot.severity, 'error');
    assert.match(slot.file, /^sys\/lkm\/syscall\/procinfo\//);
    assert.ok(slot.line > 0);
    assert.equal(typeof out.changes, 'number');
    // --json prints no patch.
    assert.doesNotMatch(r.stdout, /^diff --git/m);
  } finally {
    cleanup(tree);
  }
});

test('--syscall-slot answers slot -1, and --sarif writes the findings as SARIF 2.1.0', () => {
  const tree = sampleCopy();
  try {
    const sarif = path.join(path.dirname(tree), 'out.sarif');
    const unanswered = runCli(['convert', '--sarif', sarif, 'sys/lkm/syscall/procinfo'], { cwd: tree });
    assert.equal(unanswered.status, 0, unanswered.stderr);
    assert.match(unanswered.stdout, /XXX lkm2mod: procinfo asked the LKM loader for any free syscall slot/);
    assert.match(unanswered.stderr, /procinfo\/lkminit_procinfo\.c:\d+: error: .*--syscall-slot procinfo=NUMBER/);
    const log = JSON.parse(readFileSync(sarif, 'utf8'));
    assert.equal(log.version, '2.1.0');
    const result = log.runs[0].results.find((x: any) => x.ruleId === 'syscall-slot-dynamic');
    assert.equal(result.level, 'error');
    assert.match(result.locations[0].physicalLocation.artifactLocation.uri, /^sys\/lkm\/syscall\/procinfo\//);
    assert.ok(log.runs[0].tool.driver.rules.some((x: any) => x.id === 'syscall-slot-dynamic'));

    const answered = runCli(['convert', '--syscall-slot', 'procinfo=211', 'sys/lkm/syscall/procinfo'], { cwd: tree });
    assert.equal(answered.status, 0, answered.stderr);
    assert.match(answered.stdout, /^\+\t\{ 211, 0, \(sy_call_t \*\)\w+ \},$/m);
    assert.doesNotMatch(answered.stdout, /XXX lkm2mod: procinfo asked/);
    assert.doesNotMatch(answered.stderr, /syscall-slot-dynamic/);
  } finally {
    cleanup(tree);
  }
});

test('--out writes a converted copy and leaves the input as it was; it refuses a non-empty directory', () => {
  const tree = sampleCopy();
  try {
    const before = snapshot(tree);
    const out = path.join(path.dirname(tree), 'converted');
    const r = runCli(['convert', '--out', out, '.'], { cwd: tree });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(snapshot(tree), before);
    assert.ok(existsSync(path.join(out, 'sys/modules/kernfs/kernfs_mod.c')));
    assert.ok(!existsSync(path.join(out, 'sys/lkm/vfs/kernfs')));
    assert.ok(existsSync(path.join(out, 'sys/miscfs/kernfs/kernfs_vnops.c')), 'the rest of the tree is copied too');

    const again = runCli(['convert', '--out', out, '.'], { cwd: tree });
    assert.equal(again.status, 2);
    assert.match(again.stderr, /not empty/);
    assert.doesNotMatch(again.stderr, /at .*\.ts:\d+/);
  } finally {
    cleanup(tree);
  }
});

test('usage and input errors exit 2 with a message, not a stack trace', () => {
  const tree = sampleCopy();
  try {
    const cases: Array<[string[], RegExp]> = [
      [['convert', 'no/such/dir'], /no\/such\/dir: no such file or directory/],
      [['convert', '--syscall-slot', 'procinfo', '.'], /expected NAME=NUMBER/],
      [['convert', '--write', '--out', 'x', '.'], /exclude each other/],
      [['convert', '--kernel-src', 'nowhere', '.'], /--kernel-src nowhere: no such directory/],
    ];
    for (const [args, message] of cases) {
      const r = runCli(args, { cwd: tree });
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
    }
  } finally {
    cleanup(tree);
  }
});

test('a module whose sys/modules folder already exists is converted where it stands, the folder untouched', () => {
  const tree = sampleCopy();
  try {
    // A module folder already in sys/modules keeps the module where it is, rather than clobbering.
    mkdirSync(path.join(tree, 'sys/modules/uptime'), { recursive: true });
    writeFileSync(path.join(tree, 'sys/modules/uptime/Makefile'), 'KMOD=\tuptime\n');
    const before = snapshot(tree);
    const r = runCli(['convert', '--json', '--write', 'sys/lkm/syscall/uptime'], { cwd: tree });
    assert.equal(r.status, 0, r.stderr);
    const uptime = JSON.parse(r.stdout).modules[0];
    assert.equal(uptime.dir, 'sys/lkm/syscall/uptime');
    assert.ok(uptime.findings.some((f: any) => f.code === 'module-dir-exists'));
    assert.equal(readFileSync(path.join(tree, 'sys/modules/uptime/Makefile'), 'utf8'), before.get('sys/modules/uptime/Makefile'));
    assert.match(readFileSync(path.join(tree, 'sys/lkm/syscall/uptime/lkminit_uptime.c'), 'utf8'), /uptime_modcmd/);
  } finally {
    cleanup(tree);
  }
});

test('converting one LKM of a kernel tree still infers its requisites from the other LKMs there', () => {
  const tree = sampleCopy();
  try {
    const r = runCli(['convert', '--json', 'sys/lkm/vfs/nullfs'], { cwd: tree });
    assert.equal(r.status, 0, r.stderr);
    const [nullfs] = JSON.parse(r.stdout).modules;
    assert.equal(nullfs.name, 'null');
    assert.deepEqual(nullfs.required.map((x: any) => x.module), ['layerfs']);
    assert.match(nullfs.required[0].reason, /defined in sys\/miscfs\/genfs\/layer_\w+\.c/);
  } finally {
    cleanup(tree);
  }
});
