/**
 * `lkm2mod review` as a person uses it: on a pseudo-terminal, answers typed at its prompts,
 * the tree checked on disk afterwards. And without a terminal, a clear refusal.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, SAMPLES } from './helpers.ts';
import { ptyMissing, PtySession } from './review-pty.ts';

const skip = ptyMissing() ?? false;
const PROMPT = /Accept ([\w +-]+)(?: \(validation failed\))?\? \[y,n,e,d,q,\?\] /;

/** A copy of sample-lkm in a fresh directory, which is the cwd of the review. */
function sampleCopy(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-review-'));
  cpSync(SAMPLES, path.join(dir, 'sample-lkm'), { recursive: true });
  return dir;
}

/**
 * md with an unload handler that forgets to detach the driver (so to free its softc): a module
 * that converts fine and fails validation, as a real mistake in an LKM would.
 */
function breakMdUnload(dir: string): void {
  const glue = path.join(dir, 'sample-lkm/sys/lkm/dev/md/lkminit_md.c');
  const text = readFileSync(glue, 'utf8');
  assert.ok(text.includes('return (md_lkm_detach());'));
  writeFileSync(glue, text.replace('return (md_lkm_detach());', 'return (0);'));
}

/** Page through (space) until `pattern` shows; everything printed up to it. */
async function pageUntil(s: PtySession, pattern: RegExp): Promise<string> {
  const either = new RegExp(`--More--|${pattern.source}`);
  let text = '';
  for (;;) {
    const got = await s.expect(either);
    text += got;
    if (!got.endsWith('--More--')) return text;
    s.type(' ');
  }
}

/** Page through until the review asks about a unit; its title and what was shown. */
async function untilPrompt(s: PtySession): Promise<{ title: string; text: string }> {
  const text = await pageUntil(s, PROMPT);
  return { title: PROMPT.exec(text.slice(text.lastIndexOf('Accept ')))![1]!, text };
}

test('without a terminal, review refuses and says what to use instead', () => {
  const r = runCli(['review', SAMPLES], { input: '' });
  assert.equal(r.status, 2);
  assert.match(r.stderr, /review is interactive and needs a terminal/);
  assert.match(r.stderr, /lkm2mod convert/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/, 'no stack trace');
});

test('a review on a terminal: a failing module fixed in the editor, validated again and applied; the rest left as a patch', { skip, timeout: 180_000 }, async () => {
  const dir = sampleCopy();
  breakMdUnload(dir);
  // The reviewer's "editor": puts the detach back into the converted unload handler.
  const editor = path.join(dir, 'fix-md.sh');
  writeFileSync(editor, `#!/bin/sh\nsed -i '/^md_unload(void)/,/^}/ s/return (0);/return (md_lkm_detach());/' "$1"\n`);
  chmodSync(editor, 0o755);
  const s = PtySession.start(['review', 'sample-lkm/sys/lkm/dev/md', 'sample-lkm/sys/lkm/dev/tracebuf'], {
    cwd: dir,
    env: { EDITOR: editor, VISUAL: '' },
  });
  try {
    let unit = await untilPrompt(s);
    assert.equal(unit.title, 'md');
    assert.match(unit.text, /^validation of md: ✗ FAILED .*\blifecycle ✗/m);
    assert.match(unit.text, /left behind/);
    assert.match(unit.text, /\+MODULE\(MODULE_CLASS_DRIVER, md, NULL\);/);
    // md.c carries convert's marker: md_softc, made on load, is freed by nothing the broken
    // unload calls (init-release-by-hand). The fix goes in the converted glue, the third file.
    assert.match(unit.text, /XXX lkm2mod: md_lkm_attach\(\) acquires md_softc/);
    s.type('e');
    await s.expect(/Edit which file\? \[1-3, enter to cancel\] /);
    s.type('3');
    await pageUntil(s, /Validating md again…\n/);
    const again = await s.expect(PROMPT);
    // The leak is gone. (Equivalence now tells the module from the broken LKM it came from:
    // the LKM's unload freed nothing, the module's does.)
    assert.match(again, /^validation of md: .* {2}lifecycle ✓ /m);
    assert.doesNotMatch(again, /^ {2}lifecycle:$/m);
    s.type('y');
    unit = await untilPrompt(s);
    assert.equal(unit.title, 'tracebuf');
    s.type('n');
    unit = await untilPrompt(s);
    assert.equal(unit.title, 'tree-wide files');
    s.type('q');
    assert.equal(await s.exit(), 0, s.text);
  } finally {
    s.kill();
  }
  assert.match(s.text, /applied md: 3 file\(s\) changed in place/);
  assert.match(s.text, /left out tracebuf, tree-wide files: \d+ file change\(s\) written to lkm2mod-review\.patch/);

  // md: converted, moved, and with the reviewer's fix in it.
  const md = readFileSync(path.join(dir, 'sample-lkm/sys/modules/md/md_mod.c'), 'utf8');
  assert.match(md, /^md_unload\(void\)\n\{\n\n\treturn \(md_lkm_detach\(\)\);\n\}/m);
  assert.match(md, /^MODULE\(MODULE_CLASS_DRIVER, md, NULL\);$/m);
  assert.ok(!existsSync(path.join(dir, 'sample-lkm/sys/lkm/dev/md')));
  // tracebuf: untouched, and in the patch, which applies over the reviewed tree.
  assert.ok(existsSync(path.join(dir, 'sample-lkm/sys/lkm/dev/tracebuf/Makefile')));
  assert.ok(!existsSync(path.join(dir, 'sample-lkm/sys/modules/tracebuf')));
  const patch = readFileSync(path.join(dir, 'lkm2mod-review.patch'), 'utf8');
  assert.match(patch, /^rename to sample-lkm\/sys\/modules\/tracebuf\/Makefile$/m);
  const check = spawnSync('git', ['apply', '--check', 'lkm2mod-review.patch'], { cwd: dir, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
});

test('Ctrl-C at a prompt writes nothing at all', { skip, timeout: 120_000 }, async () => {
  const dir = sampleCopy();
  const s = PtySession.start(['review', '--no-validate', 'sample-lkm/sys/lkm/dev/md'], { cwd: dir, rows: 24 });
  try {
    // The pager first: q skips the rest of the diff.
    await s.expect(/--More--/);
    s.type('q');
    await s.expect(/more lines not shown; d shows the diff again/);
    await s.expect(PROMPT);
    s.type('y');
    await untilPrompt(s);
    s.type('\x03');
    assert.equal(await s.exit(), 130);
  } finally {
    s.kill();
  }
  assert.match(s.text, /Interrupted: nothing was applied and no patch was written/);
  assert.ok(existsSync(path.join(dir, 'sample-lkm/sys/lkm/dev/md/lkminit_md.c')));
  assert.ok(!existsSync(path.join(dir, 'sample-lkm/sys/modules')));
  assert.ok(!existsSync(path.join(dir, 'lkm2mod-review.patch')));
});

test('an empty tree and a tree already converted: nothing to review', { skip, timeout: 120_000 }, async () => {
  const empty = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-empty-'));
  let s = PtySession.start(['review', '.'], { cwd: empty });
  assert.equal(await s.exit(), 0, s.text);
  assert.match(s.text, /Nothing to review: no LKM was found under \./);

  const dir = sampleCopy();
  const w = runCli(['convert', '--write', 'sample-lkm/sys/lkm/dev/md'], { cwd: dir });
  assert.equal(w.status, 0, w.stderr);
  s = PtySession.start(['review', 'sample-lkm/sys/modules/md'], { cwd: dir });
  assert.equal(await s.exit(), 0, s.text);
  assert.match(s.text, /Nothing to review: the 1 module\(s\) under sample-lkm\/sys\/modules\/md are already module\(9\) modules/);
});

test('an existing patch file is refused before the first question', { skip, timeout: 60_000 }, async () => {
  const dir = sampleCopy();
  writeFileSync(path.join(dir, 'lkm2mod-review.patch'), 'mine\n');
  const s = PtySession.start(['review', 'sample-lkm/sys/lkm/dev/md'], { cwd: dir });
  assert.equal(await s.exit(), 2);
  assert.match(s.text, /lkm2mod-review\.patch already exists; move it away or name another file with --patch FILE/);
  assert.equal(readFileSync(path.join(dir, 'lkm2mod-review.patch'), 'utf8'), 'mine\n');
  assert.doesNotMatch(s.text, /Accept/);
});
