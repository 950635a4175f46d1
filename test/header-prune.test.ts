/**
 * Unused header declarations are blanked before a unit is parsed: what goes, what must stay
 * (anything that could change the object), and that every position maps as before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { pruneUnusedHeaderDeclarations } from '../src/kernel/cc/header-prune.ts';

/** Lines before `---` are a header's, the rest the unit's own; the result's kept lines, trimmed. */
function prune(source: string): { kept: string[]; out: string; text: string } {
  const lines = source.split('\n');
  const mark = lines.indexOf('---');
  const text = [...lines.slice(0, mark), '', ...lines.slice(mark + 1)].join('\n');
  const out = pruneUnusedHeaderDeclarations(text, (line) => line > mark);
  return { kept: out.split('\n').map((l) => l.trim()).filter(Boolean), out, text };
}

test('a header prototype, extern and structure the unit never names go; what it names stays', () => {
  const { kept } = prune(
    [
      'struct used { int a; };',
      'struct unused { int b; };',
      'int used_fn(struct used *);',
      'int unused_fn(int);',
      'extern int used_var;',
      'extern int unused_var[];',
      '---',
      'int f(void) { struct used u; return used_fn(&u) + used_var; }',
    ].join('\n'),
  );
  assert.deepEqual(kept, [
    'struct used { int a; };',
    'int used_fn(struct used *);',
    'extern int used_var;',
    'int f(void) { struct used u; return used_fn(&u) + used_var; }',
  ]);
});

test('a structure only a dropped prototype names goes with it; one a kept declaration names stays', () => {
  const { kept } = prune(
    [
      'struct only_param;',
      'struct only_param { int x; };',
      'int dropped(struct only_param *);',
      'struct member { int y; };',
      'struct holder { struct member m; };',
      '---',
      'struct holder h;',
    ].join('\n'),
  );
  assert.deepEqual(kept, ['struct member { int y; };', 'struct holder { struct member m; };', 'struct holder h;']);
});

test('static inline functions go when unused, even in a chain; a global definition always stays', () => {
  const { kept } = prune(
    [
      'static __inline int leaf(int x) { return x + 1; }',
      'static __inline int mid(int x) { return leaf(x); }',
      'static __inline int called(int x) { return x; }',
      'int header_global(void) { return 0; }',
      'int tentative;',
      '---',
      'int g(void) { return called(1); }',
    ].join('\n'),
  );
  assert.deepEqual(kept, ['static __inline int called(int x) { return x; }', 'int header_global(void) { return 0; }', 'int tentative;', 'int g(void) { return called(1); }']);
});

test('enums, typedefs in use, declarations it cannot classify and the unit\'s own lines stay', () => {
  const { kept } = prune(
    [
      'enum color { RED, GREEN };',
      'typedef struct tagged { int z; } tagged_t;',
      'typedef struct { int w; } unused_t;',
      'typedef int (*handler_t)(int);',
      'int (*hook)(void);',
      'int a, b;',
      'static int unused_static(int);',
      '---',
      'static int mine_unused(int);',
      'tagged_t t;',
    ].join('\n'),
  );
  assert.deepEqual(kept, [
    'enum color { RED, GREEN };',
    'typedef struct tagged { int z; } tagged_t;',
    'typedef int (*handler_t)(int);',
    'int (*hook)(void);',
    'int a, b;',
    'static int mine_unused(int);',
    'tagged_t t;',
  ]);
});

test('blanking keeps every character position and line', () => {
  const { out, text } = prune(['int gone(int a,', '         int b);', 'struct s {', '  int x;', '};', '---', 'int x = 1;'].join('\n'));
  assert.equal(out.length, text.length);
  assert.deepEqual(
    [...out].map((c, i) => (c === '\n' ? i : -1)).filter((i) => i >= 0),
    [...text].map((c, i) => (c === '\n' ? i : -1)).filter((i) => i >= 0),
  );
  assert.equal(out.slice(out.indexOf('int x = 1;')), 'int x = 1;');
});

test('unbalanced text is left as it is', () => {
  const { out, text } = prune(['int gone(int);', '}', '---', 'int x;'].join('\n'));
  assert.equal(out, text);
});

test('an old-style static inline definition in a header stays whole, and so does what follows it', () => {
  const { kept } = prune(
    [
      'static __inline int old_unused(p)',
      '  unsigned char *p;',
      '{ return *p; }',
      'static __inline int after_unused(unsigned char *p) { return p[1]; }',
      'static __inline int used(unsigned char *p) { return p[2]; }',
      '---',
      'int h(unsigned char *p) { return used(p); }',
    ].join('\n'),
  );
  assert.deepEqual(kept, [
    'static __inline int old_unused(p)',
    'unsigned char *p;',
    '{ return *p; }',
    'static __inline int used(unsigned char *p) { return p[2]; }',
    'int h(unsigned char *p) { return used(p); }',
  ]);
});
