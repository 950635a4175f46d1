/**
 * `lkm2mod kernel load` as a user runs it: modstat's table, the tables the loads changed,
 * requisites found beside the module, JSON, and exit codes 0/1/2.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, SAMPLES } from './helpers.ts';

/** A sys/modules tree with two module(9) modules: `user` needs a function `base` provides. */
function modulesTree(opts: { userInit?: string } = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-kernel-cli-'));
  const mods = path.join(root, 'sys', 'modules');
  const write = (rel: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(mods, rel)), { recursive: true });
    fs.writeFileSync(path.join(mods, rel), text);
  };
  write('base/Makefile', 'KMOD=\tbase\nSRCS=\tbase.c\n\n.include <bsd.kmodule.mk>\n');
  write(
    'base/base.c',
    `#include <sys/param.h>
#include <sys/systm.h>
#include <sys/module.h>

MODULE(MODULE_CLASS_MISC, base, NULL);

int
base_double(int x)
{
	return 2 * x;
}

static int
base_modcmd(modcmd_t cmd, void *arg)
{
	switch (cmd) {
	case MODULE_CMD_INIT:
	case MODULE_CMD_FINI:
		return 0;
	default:
		return ENOTTY;
	}
}
`,
  );
  write('user/Makefile', 'KMOD=\tuser\nSRCS=\tuser.c\n\n.include <bsd.kmodule.mk>\n');
  write(
    'user/user.c',
    `#include <sys/param.h>
#include <sys/systm.h>
#include <sys/module.h>

MODULE(MODULE_CLASS_MISC, user, "base");

int base_double(int);

static int
user_modcmd(modcmd_t cmd, void *arg)
{
	switch (cmd) {
	case MODULE_CMD_INIT:
		${opts.userInit ?? 'printf("user: %d\\n", base_double(21));\n\t\treturn 0;'}
	case MODULE_CMD_FINI:
		return 0;
	default:
		return ENOTTY;
	}
}
`,
  );
  return mods;
}

test('kernel load: a module and the requisite found beside it, in modstat and in the changed tables', () => {
  const mods = modulesTree();
  const r = runCli(['kernel', 'load', path.join(mods, 'user')]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^NAME {13}CLASS {6}SOURCE {5}REFS {2}SIZE {5}REQUIRES$/m);
  assert.match(r.stdout, /^base {13}misc {7}filesys {4}1 {5}\d+ +-$/m);
  assert.match(r.stdout, /^user {13}misc {7}filesys {4}0 {5}\d+ +base$/m);
  assert.match(r.stdout, /^ffs {14}vfs {8}builtin {4}0 {5}- {8}-$/m);
  assert.match(r.stdout, /^ {2}modules user: added \(misc, filesys, refcount 0, requires base\)$/m);
  assert.match(r.stdout, /^Console:\n {2}user: 42$/m);
});

test('kernel load --json: the same as one document', () => {
  const mods = modulesTree();
  const r = runCli(['kernel', 'load', '--json', path.join(mods, 'user'), path.join(mods, 'base')]);
  assert.equal(r.status, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.mode, 'module');
  assert.deepEqual(
    doc.loads.map((l: { name: string; ok: boolean; errno: string }) => [l.name, l.ok, l.errno]),
    [['user', true, '0'], ['base', true, '0']],
  );
  assert.deepEqual(doc.modules.find((m: { name: string }) => m.name === 'base'), { name: 'base', class: 'misc', source: 'filesys', refcnt: 1, size: doc.modules.find((m: { name: string }) => m.name === 'base').size, required: [] });
  assert.ok(doc.changes.includes('modules base: added (misc, filesys, refcount 1)'));
  assert.deepEqual(doc.console, ['user: 42']);
});

test('kernel load: a module whose INIT fails is reported with its errno and exit status 1', () => {
  const mods = modulesTree({ userInit: 'return EBUSY;' });
  const r = runCli(['kernel', 'load', path.join(mods, 'user')]);
  assert.equal(r.status, 1);
  assert.match(r.stdout, /user: load failed: EBUSY: user: modcmd\(MODULE_CMD_INIT\) failed: EBUSY/);
  assert.match(r.stdout, /Nothing changed since boot\./);
});

test('kernel load --lkm: an LKM the old way, with modstat(8)\'s LKM table', () => {
  const r = runCli(['kernel', 'load', '--lkm', path.join(SAMPLES, 'sys/lkm/syscall/uptime')]);
  assert.equal(r.status, 0, r.stderr + r.stdout);
  assert.match(r.stdout, /^Type {5}Id {3}Off {9}Size {2}Rev {2}Module Name$/m);
  assert.match(r.stdout, /^SYSCALL {2}0 {4}210 /m);
  assert.match(r.stdout, /sysent\[210\]: sys_lkmnosys \(narg 0, argsize 0, flags 0\) -> sys_uptime@uptime/);
});

test('kernel load: arguments that are not module directories, or an unknown arch, are usage errors (exit 2)', () => {
  const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-empty-'));
  let r = runCli(['kernel', 'load', empty]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /not a module directory/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
  r = runCli(['kernel', 'load', '--arch', 'pdp11', path.join(SAMPLES, 'sys/lkm/syscall/uptime')]);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--arch pdp11: unknown architecture/);
});
