/**
 * Which of a handler's lkm_offset statements may go (discover/offset-bookkeeping.ts): only those
 * whose effect nothing in the module can see any more, never one that leaves C broken or a value
 * someone reads.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseC, type SyntaxNode } from '../src/source/cparse.ts';
import { offsetBookkeeping } from '../src/discover/offset-bookkeeping.ts';
import { discover } from '../src/discover/discover.ts';
import { ROOT } from './helpers.ts';
import path from 'node:path';

function body(code: string): SyntaxNode {
  const fn = parseC(code).rootNode.descendantsOfType('function_definition')[0]!;
  return fn.childForFieldName('body')!;
}

function gone(code: string): string[] {
  const b = offsetBookkeeping(body(code), 'lkmtp');
  return b ? [...b.declarations, ...b.statements].sort((x, y) => x.startIndex - y.startIndex).map((n) => n.text) : [];
}

test('a store through a local, the local and its assignment go; the slot stays where the code keeps it', () => {
  const code = `int h(struct lkm_table *lkmtp, int cmd) {
	struct lkm_dev *args;
	int i = pick();
	args = lkmtp->private.lkm_dev;
	my_major = i;
	args->lkm_offset = i;
	return 0;
}`;
  assert.deepEqual(gone(code), ['struct lkm_dev *args;', 'args = lkmtp->private.lkm_dev;', 'args->lkm_offset = i;']);
});

test('a store straight through lkmtp->private goes, with a cast on the way', () => {
  assert.deepEqual(gone(`int h(struct lkm_table *lkmtp, int cmd) {\n\t((struct lkm_misc *)lkmtp->private.lkm_any)->lkm_offset = 3;\n\treturn 0;\n}`), [
    '((struct lkm_misc *)lkmtp->private.lkm_any)->lkm_offset = 3;',
  ]);
});

test('a read into a variable nothing reads goes, and the variable with it when it held nothing else', () => {
  const code = `int h(struct lkm_table *lkmtp, int cmd) {
	struct lkm_misc *args = lkmtp->private.lkm_misc;
	int slot;
	slot = args->lkm_offset;
	return 0;
}`;
  assert.deepEqual(gone(code), ['struct lkm_misc *args = lkmtp->private.lkm_misc;', 'int slot;', 'slot = args->lkm_offset;']);
});

test('a read whose value is used keeps everything: a person rewrites it', () => {
  const used = `int h(struct lkm_table *lkmtp, int cmd) {
	struct lkm_misc *args = lkmtp->private.lkm_misc;
	args->lkm_offset = 4;
	printf("%ld\\n", (long)args->lkm_offset);
	return 0;
}`;
  assert.deepEqual(gone(used), []);
  const later = `int h(struct lkm_table *lkmtp, int cmd) {
	struct lkm_misc *args = lkmtp->private.lkm_misc;
	int i;
	i = args->lkm_offset;
	return i;
}`;
  assert.deepEqual(gone(later), []);
});

test('a read in a loop, or in a function with goto, may be read again: it stays', () => {
  const loop = `int h(struct lkm_table *lkmtp, int cmd) {
	struct lkm_misc *args = lkmtp->private.lkm_misc;
	int i, n = 0;
	while (n < 3) { use(n); i = args->lkm_offset; n++; }
	return 0;
}`;
  assert.deepEqual(gone(loop), []);
  const back = `int h(struct lkm_table *lkmtp, int cmd) {
	struct lkm_misc *args = lkmtp->private.lkm_misc;
	int i = 0;
again:
	use(i);
	i = args->lkm_offset;
	if (i < 0) goto again;
	return 0;
}`;
  assert.deepEqual(gone(back), []);
});

test('a store that is the body of an if, or has side effects, or a local used otherwise, stays', () => {
  const braceless = `int h(struct lkm_table *lkmtp, int cmd) {
	if (cmd) lkmtp->private.lkm_dev->lkm_offset = 2;
	return 0;
}`;
  assert.deepEqual(gone(braceless), []);
  const call = `int h(struct lkm_table *lkmtp, int cmd) {
	lkmtp->private.lkm_dev->lkm_offset = pick();
	return 0;
}`;
  assert.deepEqual(gone(call), []);
  const other = `int h(struct lkm_table *lkmtp, int cmd) {
	struct lkm_dev *args = lkmtp->private.lkm_dev;
	args->lkm_offset = 1;
	args->lkm_dev.cdev = &mysw;
	return 0;
}`;
  assert.deepEqual(gone(other), []);
});

test('a local declared with another in one declaration stays (and so does what goes through it)', () => {
  const code = `int h(struct lkm_table *lkmtp, int cmd) {
	struct lkm_dev *args = lkmtp->private.lkm_dev, *other = 0;
	args->lkm_offset = 1;
	return 0;
}`;
  assert.deepEqual(gone(code), []);
});

test('scan: a handler whose only use of lkmtp is that bookkeeping does not use it; a used read still does, and is an offset-read', async () => {
  const dir = path.join(ROOT, 'rules/misc/fixtures/handler-reports-slot/input');
  const [m] = (await discover([dir], { jobs: 1 })).modules;
  assert.ok(m);
  assert.equal(m.handlers.load?.usesLkmtp, false, 'the store into args->lkm_offset goes');
  assert.equal(m.handlers.unload?.usesLkmtp, false, 'the unused read goes');
  assert.equal(m.handlers.stat?.usesLkmtp, true, 'the printed read stays a use');
  assert.deepEqual(
    m.findings.filter((f) => f.code === 'handler-uses-lkmtp' || f.code === 'offset-read').map((f) => `${f.code}:${f.line}`),
    ['handler-uses-lkmtp:67', 'offset-read:69'],
  );
});
