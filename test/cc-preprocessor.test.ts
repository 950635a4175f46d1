import { test } from 'node:test';
import { writeTree } from './helpers.ts';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { preprocess, type PreprocessResult } from '../src/kernel/cc/pp/preprocess.ts';
import { findKernelTree, searchPath } from '../src/kernel/cc/pp/include-path.ts';
import { archInfo, predefines } from '../src/kernel/cc/pp/predefines.ts';
import { CompileError } from '../src/kernel/cc/errors.ts';

function tree(files: Record<string, string>): string {
  return writeTree(files, 'lkm2mod-pp-');
}

function pp(main: string, text: string, opts: { defines?: Record<string, string>; arch?: string; mode?: 'module' | 'lkm'; files?: Record<string, string> } = {}): PreprocessResult {
  const root = tree({ [main]: text, ...opts.files });
  const defines = predefines(archInfo(opts.arch ?? 'amd64')!, opts.mode ?? 'module');
  for (const [k, v] of Object.entries(opts.defines ?? {})) defines.set(k, v);
  return preprocess(join(root, main), { includeDirs: searchPath({ moduleDirs: [join(root, dirname(main))], arch: opts.arch ?? 'amd64' }), defines });
}

/** Non-empty output lines, whitespace squeezed. */
function lines(r: PreprocessResult): string[] {
  return r.text.split('\n').map((l) => l.replace(/\s+/g, ' ').trim()).filter((l) => l !== '');
}

test('object-like and function-like macros expand, arguments fully expanded first', () => {
  const r = pp('m.c', '#define N 4\n#define SQ(x) ((x) * (x))\nint a = SQ(N + 1);\n');
  assert.deepEqual(lines(r), ['int a = ((4 + 1) * (4 + 1));']);
});

test('# stringises and ## pastes, as NetBSD headers use them', () => {
  const r = pp('m.c', '#define STR(x) #x\n#define CAT(a, b) a ## b\n#define XSTR(x) STR(x)\nconst char *s = STR(a "b" c);\nint CAT(foo, _cd);\nconst char *v = XSTR(CAT(1, 2));\n');
  assert.deepEqual(lines(r), ['const char *s = "a \\"b\\" c";', 'int foo_cd;', 'const char *v = "12";']);
});

test('variadic macros, GNU comma deletion, and arity dispatch (the two MOD_DEV forms)', () => {
  const src = [
    '#define LOG(fmt, ...) printf(fmt, ## __VA_ARGS__)',
    '#define PICK(_1,_2,_3,_4,_5,_6,m,...) m',
    '#define F(...) PICK(__VA_ARGS__, SIX, FIVE, FOUR, THREE, TWO, ONE)(__VA_ARGS__)',
    'LOG("a");',
    'LOG("b %d", 1);',
    'F(a, b, c, d);',
    'F(a, b, c, d, e, f);',
  ].join('\n');
  assert.deepEqual(lines(pp('m.c', src)), ['printf("a");', 'printf("b %d", 1);', 'FOUR(a, b, c, d);', 'SIX(a, b, c, d, e, f);']);
});

test('a macro does not expand inside its own expansion (recursion guard)', () => {
  const r = pp('m.c', '#define foo foo + 1\n#define a b\n#define b a\nint x = foo; int y = a;\n');
  assert.deepEqual(lines(r), ['int x = foo + 1; int y = a;']);
});

test('#if with defined(), arithmetic, #elif and #else pick one branch; #undef and -D apply', () => {
  const src = [
    '#if defined(__x86_64__) && __NetBSD_Version__ >= 500000000',
    'int amd64;',
    '#elif defined(i386) || defined(__i386__)',
    'int x86_32;',
    '#else',
    'int other;',
    '#endif',
    '#ifdef OPT',
    'int opt = OPT;',
    '#endif',
    '#undef OPT',
    '#ifndef OPT',
    'int no_opt;',
    '#endif',
    '#if (1 << 3) == 8 && -1 < 0 && 0xffffffffffffffffU > 0',
    'int arith;',
    '#endif',
  ].join('\n');
  assert.deepEqual(lines(pp('m.c', src, { defines: { OPT: '7' } })), ['int amd64;', 'int opt = 7;', 'int no_opt;', 'int arith;']);
  assert.deepEqual(lines(pp('m.c', src, { arch: 'i386' })).slice(0, 1), ['int x86_32;']);
});

test('_LKM or _MODULE and _KERNEL are predefined as the caller asks', () => {
  const src = '#ifdef _LKM\nint lkm;\n#endif\n#ifdef _MODULE\nint module;\n#endif\n#ifdef _KERNEL\nint kernel;\n#endif\n';
  assert.deepEqual(lines(pp('m.c', src, { mode: 'lkm' })), ['int lkm;', 'int kernel;']);
  assert.deepEqual(lines(pp('m.c', src, { mode: 'module' })), ['int module;', 'int kernel;']);
});

test('every output line maps back to its file and line, through includes and multi-line macro calls', () => {
  const r = pp('mod/m.c', '/* one */\n#include "local.h"\nint a;\n#define CALL(x, y) f(x, y)\nint b = CALL(1,\n    2);\nint c;\n', {
    files: { 'mod/local.h': '\n\nint from_header;\n' },
  });
  const where = (needle: string) => {
    const i = r.text.split('\n').findIndex((l) => l.includes(needle));
    return `${r.map.files[r.map.fileOf[i]].split('/').pop()}:${r.map.lineOf[i]}`;
  };
  assert.equal(where('from_header'), 'local.h:3');
  assert.equal(where('int a'), 'm.c:3');
  assert.equal(where('f(1, 2)'), 'm.c:5');
  assert.equal(where('int c'), 'm.c:7');
});

test('the module folder, then the kernel tree ($S and machine/), then the bundled headers', () => {
  const root = tree({
    'src/sys/kern/kern_x.c': '',
    'src/sys/lkm/misc/foo/foo.c': '#include <sys/param.h>\n#include <machine/types.h>\n#include <sys/module.h>\n#include "foo.h"\nint v = TREE_PARAM + ARCH_TYPES + FOO;\n',
    'src/sys/lkm/misc/foo/foo.h': '#define FOO 1\n',
    'src/sys/sys/param.h': '#define TREE_PARAM 10\n',
    'src/sys/arch/i386/include/types.h': '#define ARCH_TYPES 100\n',
  });
  const S = findKernelTree(join(root, 'src/sys/lkm/misc/foo'));
  assert.equal(S, join(root, 'src/sys'));
  const r = preprocess(join(root, 'src/sys/lkm/misc/foo/foo.c'), {
    includeDirs: searchPath({ moduleDirs: [join(root, 'src/sys/lkm/misc/foo')], kernelTree: S, arch: 'i386' }),
    defines: predefines(archInfo('i386')!, 'lkm'),
  });
  assert.ok(r.text.includes('int v = 10 + 100 + 1;'), r.text.slice(-200));
  // sys/module.h is not in this tree: the bundled one fills in.
  assert.ok(r.included.some((f) => f.endsWith('src/kernel/include/sys/module.h')));
  assert.equal(findKernelTree(tmpdir()), undefined);
});

test('#error stops the compile with file:line and its text', () => {
  assert.throws(
    () => pp('e.c', 'int a;\n#ifndef NEEDED\n#error "NEEDED must be set"\n#endif\n'),
    (e: unknown) => e instanceof CompileError && /e\.c:3: #error "NEEDED must be set"/.test(e.message),
  );
});

test('an unterminated #if is reported at the #if; #else without #if at the #else', () => {
  assert.throws(() => pp('u.c', 'int a;\n#if 1\nint b;\n'), /u\.c:2: unterminated #if/);
  assert.throws(() => pp('u.c', 'int a;\n#else\n'), /u\.c:2: #else without #if/);
});

test('a missing include names the file, the line and where it looked', () => {
  assert.throws(() => pp('i.c', '\n#include <sys/nonexistent.h>\n'), (e: unknown) => e instanceof CompileError && /i\.c:2: cannot find include file <sys\/nonexistent\.h> \(searched .*src\/kernel\/include/.test(e.message));
});

test('#pragma and #line are ignored; an unknown directive is a warning, not an error', () => {
  const r = pp('p.c', '#pragma once\n#line 100\n#frobnicate\nint a;\n');
  assert.deepEqual(lines(r), ['int a;']);
  assert.match(r.warnings[0].message, /unknown directive #frobnicate/);
});
