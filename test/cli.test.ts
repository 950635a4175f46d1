import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from './helpers.ts';

test('--help explains the tool and exits 0', () => {
  const r = runCli(['--help']);
  assert.equal(r.status, 0);
  assert.match(r.stdout, /module\(9\)/);
});

test('an unknown command is a usage error (exit 2) with a hint, not a stack trace', () => {
  const r = runCli(['frobnicate']);
  assert.equal(r.status, 2);
  assert.match(r.stderr, /unknown command|too many arguments/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
});
