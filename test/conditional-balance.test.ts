/**
 * An edit that removes or replaces code keeps #if/#else/#endif balanced: a conditional that
 * only chose the beginning or the end of what goes is taken whole, any other keeps its lines.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { CSource } from '../src/migrate/csource.ts';
import { PreprocessorConditions } from '../src/discover/conditions.ts';
import { maskCode } from '../src/discover/text.ts';

function balancedAfter(text: string): void {
  assert.deepEqual(new PreprocessorConditions(maskCode(text)).problems, [], `unbalanced:\n${text}`);
}

test('a definition whose heads a conditional chose is replaced whole, the conditional with it', () => {
  const text = [
    'int a;',
    '#if V >= 2',
    'int foo_new(x)',
    '#else',
    '#ifdef OTHER',
    'int foo_other(x)',
    '#else',
    'int foo_old(x)',
    '#endif',
    '#endif',
    '\tint x;',
    '{',
    '\treturn x;',
    '}',
    'int b;',
    '',
  ].join('\n');
  const src = new CSource('f.c', text);
  const from = text.indexOf('int foo_old');
  const to = text.indexOf('}') + 1;
  src.replaceRange(from, to, 'NEW', 'test');
  const out = src.edits.apply();
  assert.equal(out, 'int a;\nNEW\nint b;\n');
  balancedAfter(out);
});

test('a definition whose end a conditional chose takes the other endings too', () => {
  const text = ['void f(void)', '{', '\tone();', '#ifdef X', '}', '#else', '\ttwo();', '}', '#endif', 'int z;', ''].join('\n');
  const src = new CSource('f.c', text);
  src.removeRange(0, text.indexOf('}') + 1, 'test');
  const out = src.edits.apply();
  assert.equal(out, 'int z;\n');
  balancedAfter(out);
});

test('a conditional that holds other code keeps its directive lines when the range cuts it', () => {
  const text = ['#ifdef X', 'int keep_me;', 'int gone1;', '#else', 'int gone2;', '#endif', 'int after;', ''].join('\n');
  const src = new CSource('f.c', text);
  src.removeRange(text.indexOf('int gone1'), text.indexOf('int gone2;') + 'int gone2;'.length, 'test');
  const out = src.edits.apply();
  assert.equal(out, '#ifdef X\nint keep_me;\n#else\n#endif\nint after;\n');
  balancedAfter(out);
});

test('a range within one branch, or over a whole conditional, is left as it is', () => {
  const text = ['#ifdef X', 'int a;', '#endif', 'int b;', ''].join('\n');
  const src = new CSource('f.c', text);
  assert.deepEqual(src.balanced(text.indexOf('int a'), text.indexOf('int a') + 6), { start: 9, end: 15, keep: [] });
  assert.deepEqual(src.balanced(0, text.indexOf('#endif') + 6), { start: 0, end: 22, keep: [] });
});

test('a conditional whose every line the edits removed goes; one empty from the start stays', () => {
  const text = ['#ifdef A', '#endif', '#if V', 'int p1;', '#else', 'int p2;', '#endif', 'int q;', ''].join('\n');
  const src = new CSource('f.c', text);
  src.removeRange(text.indexOf('int p1'), text.indexOf('int p1') + 7, 'test');
  src.removeRange(text.indexOf('int p2'), text.indexOf('int p2') + 7, 'test');
  src.dropEmptiedConditionals('test');
  assert.equal(src.edits.apply(), '#ifdef A\n#endif\nint q;\n');
});

test('an entry whose head a conditional chose is known by the name modload looks for', async () => {
  const { discover } = await import('../src/discover/discover.ts');
  const dir = fileURLToPath(new URL('../rules/dev/fixtures/conditional-entry-heads/input', import.meta.url));
  const scan = await discover([dir], { jobs: 1 });
  assert.equal(scan.modules.length, 1);
  // tree-sitter reads the last head (xxxinit); NetBSD's modload looks for tonegen_lkmentry.
  assert.equal(scan.modules[0]!.entry?.name, 'tonegen_lkmentry');
});
