import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileModule, type CompileOptions } from '../src/kernel/cc/compile.ts';
import { CRuntimeError } from '../src/kernel/cc/errors.ts';
import { ArrayCell, cString, field, int, pointerTo, readCString, readField, type Callable, type Cell, type Value } from '../src/kernel/machine/memory.ts';
import type { ModuleImage, SymbolValue } from '../src/kernel/object.ts';

/** A module image of one C file, relocated against a few kernel functions; `call` runs its functions. */
function load(src: string, opts: CompileOptions = {}, kernel: Record<string, SymbolValue> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lkm2mod-cc-'));
  const file = join(dir, 'm.c');
  writeFileSync(file, src);
  const obj = compileModule([file], opts);
  const img: ModuleImage = obj.instantiate();
  img.relocateLocal();
  const printed: string[] = [];
  const printf: Callable = { name: 'printf', provider: 'kernel', invoke: (a) => (printed.push(format(a)), int(0)) };
  const missing = img.relocateExternal((s) => kernel[s] ?? (s === 'printf' ? { fn: printf } : undefined));
  assert.deepEqual(missing, []);
  const call = (name: string, ...args: Value[]): Value => {
    const f = img.lookup(name);
    assert.ok(f && 'fn' in f, `${name} is a function`);
    return f.fn.invoke(args);
  };
  const n = (name: string, ...args: number[]) => {
    const v = call(name, ...args.map(int));
    assert.equal(v.k, 'int');
    return (v as { n: number }).n;
  };
  const cell = (name: string): Cell => {
    const v = img.lookup(name);
    assert.ok(v && 'cell' in v, `${name} is an object`);
    return v.cell;
  };
  return { obj, img, call, n, cell, printed, file };
}

function format(args: Value[]): string {
  const fmt = readCString(args[0]) ?? '';
  let i = 1;
  return fmt.replace(/%(l?[duxs])/g, (_, c: string) => {
    const v = args[i++];
    if (c === 's') return readCString(v) ?? '(null)';
    return v.k === 'int' ? String(v.n) : '?';
  });
}

test('integer arithmetic wraps to the width and signedness of its type', () => {
  const { n } = load(`
    int uc(void) { unsigned char c = 250; c += 10; return c; }
    int sc(void) { signed char c = 127; c++; return c; }
    int ui(void) { unsigned int u = 0; u--; return u == 4294967295U; }
    int ulong_minus_one(void) { unsigned long x = -1; return x == (unsigned long)-1 && x > 0 && -1 < 0; }
    int shifts(void) { int a = -16; unsigned b = 0x80000000u; return (a >> 2) == -4 && (b >> 31) == 1 && (1u << 31) == b; }
    int divmod(void) { return (-7 / 2) * 100 + (-7 % 2); }
    int mixed(void) { int i = -1; unsigned int u = 1; return i < u; }
    long lmul(void) { long a = 3000000000L; return a * 3 / 1000000; }
    int bits(void) { struct { unsigned f:3; int s:4; } b; b.f = 9; b.s = 9; return b.f * 100 + b.s; }
  `);
  assert.equal(n('uc'), 4);
  assert.equal(n('sc'), -128);
  assert.equal(n('ui'), 1);
  assert.equal(n('ulong_minus_one'), 1);
  assert.equal(n('shifts'), 1);
  assert.equal(n('divmod'), -301);
  assert.equal(n('mixed'), 0, 'int -1 converts to unsigned in a comparison with unsigned');
  assert.equal(n('lmul'), 9000);
  assert.equal(n('bits'), 100 - 7);
});

test('i386 and amd64 differ where C says they do (long is 32 bits on i386)', () => {
  const src = `int wraps(void) { unsigned long x = 0xffffffffUL; x++; return x == 0; } int size(void) { return sizeof(long) * 10 + sizeof(void *); }`;
  assert.equal(load(src, { arch: 'i386' }).n('wraps'), 1);
  assert.equal(load(src, { arch: 'amd64' }).n('wraps'), 0);
  assert.equal(load(src, { arch: 'i386' }).n('size'), 44);
  assert.equal(load(src, { arch: 'amd64' }).n('size'), 88);
});

test('pointers to locals, globals, struct members and array elements; & and *, -> and .', () => {
  const { n, cell } = load(`
    struct pt { int x, y; };
    struct pt pts[3] = { { 1, 2 }, { 3, 4 }, { 5, 6 } };
    int total;
    static void add(int *acc, int v) { *acc += v; }
    int walk(void) {
      struct pt *p; int sum = 0;
      for (p = &pts[0]; p < &pts[3]; p++) add(&sum, p->x * 10 + (*p).y);
      return sum;
    }
    int member_ptr(void) { int *y = &pts[1].y; *y = 40; return pts[1].y; }
    int arith(void) { int a[5] = { 0, 1, 2, 3, 4 }; int *p = a + 4; return (p - a) * 10 + *(p - 2) + p[-1]; }
    void global(void) { int *t = &total; *t = 7; }
  `);
  assert.equal(n('walk'), 10 + 2 + 30 + 4 + 50 + 6);
  assert.equal(n('member_ptr'), 40);
  assert.equal(n('arith'), 45);
  n('global');
  assert.deepEqual(readValue(cell('total')), 7);
});

function readValue(c: Cell): number {
  const v = (c as unknown as { value: Value }).value;
  return v.k === 'int' ? v.n : NaN;
}

test('switch falls through, takes default, and breaks; continue inside a switch continues the loop', () => {
  const { n } = load(`
    int sw(int c) {
      int r = 0;
      switch (c) {
      case 1: r += 1;
      case 2: r += 10; break;
      case 3: { r += 100; }
      default: r += 1000;
      case 4: r += 10000;
      }
      return r;
    }
    int loopsw(void) {
      int i, odd = 0;
      for (i = 0; i < 10; i++) {
        switch (i & 1) { case 0: continue; default: break; }
        odd++;
      }
      return odd;
    }
  `);
  assert.equal(n('sw', 1), 11);
  assert.equal(n('sw', 2), 10);
  assert.equal(n('sw', 3), 11100);
  assert.equal(n('sw', 4), 10000);
  assert.equal(n('sw', 9), 11000);
  assert.equal(n('loopsw'), 5);
});

test('goto jumps forward and backward, out of and into blocks, as error paths do', () => {
  const { n } = load(`
    int undo(int fail_at) {
      int done = 0;
      if (fail_at == 1) goto fail1;
      done |= 1;
      if (fail_at == 2) goto fail2;
      done |= 2;
      return done;
    fail2:
      done |= 16;
    fail1:
      return done | 32;
    }
    int back(void) { int i = 0; again: i++; if (i < 5) goto again; return i; }
    int into(int skip) { int n = 0; if (skip) goto inside; n = 100; while (n < 103) { n++; inside: n += 10; if (n > 50) break; } return n; }
    int dowhile(void) { int i = 0; do { i += 2; } while (i < 7); return i; }
  `);
  assert.equal(n('undo', 0), 3);
  assert.equal(n('undo', 1), 32);
  assert.equal(n('undo', 2), 1 | 16 | 32);
  assert.equal(n('back'), 5);
  assert.equal(n('into', 0), 111);
  assert.equal(n('into', 1), 54);
  assert.equal(n('dowhile'), 8);
});

test('short-circuit &&, ||, the conditional and the comma operator', () => {
  const { n } = load(`
    int calls;
    static int touch(int v) { calls++; return v; }
    int sc(void) { calls = 0; (void)(touch(0) && touch(1)); (void)(touch(1) || touch(1)); return calls; }
    int cond(int a) { return a ? a > 5 ? 2 : 1 : 0; }
    int comma(void) { int a, b; a = (b = 3, b + 1); return a * 10 + b; }
  `);
  assert.equal(n('sc'), 2);
  assert.equal(n('cond', 0), 0);
  assert.equal(n('cond', 3), 1);
  assert.equal(n('cond', 9), 2);
  assert.equal(n('comma'), 43);
});

test('calls through function pointers, to module functions and to kernel functions', () => {
  const seen: number[] = [];
  const kfn: Callable = { name: 'kernel_hook', provider: 'kernel', invoke: (a) => (seen.push((a[0] as { n: number }).n), int(a.length)) };
  const { n, printed } = load(
    `
    int kernel_hook(int, int);
    static int twice(int v) { return 2 * v; }
    static int (*ops[])(int) = { twice, 0 };
    struct table { int (*fn)(int); const char *name; } tab = { twice, "twice" };
    int run(int v) {
      int (*f)(int) = ops[0];
      printf("%s of %d\\n", tab.name, v);
      return f(v) + (*tab.fn)(v) + kernel_hook(v, 0) + (ops[1] == 0);
    }
  `,
    {},
    { kernel_hook: { fn: kfn } },
  );
  assert.equal(n('run', 5), 10 + 10 + 2 + 1);
  assert.deepEqual(seen, [5]);
  assert.deepEqual(printed, ['twice of 5\n']);
});

test('initialisers: designated and positional, nested, arrays of structs, strings, sizeof, casts', () => {
  const { cell } = load(`
    struct in { int a; const char *s; };
    struct out { int n; struct in in[2]; char name[8]; unsigned long flags; };
    struct out o = { 3, { { 1, "one" }, { .s = "two", .a = 2 } }, "abc", (unsigned long)-1 };
    struct out elided = { 1, 10, "ten", 20, "twenty" };
    int sizes[] = { sizeof(struct in), sizeof(o.name), [5] = 7 };
    struct out desig = { .in[1].a = 9, .name = "d" };
    static const int slots[] = { 302, 225, 226, 227 };
    int saved[sizeof(slots) / sizeof(slots[0])];
  `);
  assert.equal((cell('saved') as ArrayCell).items.length, 4, 'an array bound may use the size of an initialised array');
  const o = cell('o');
  assert.equal(n(readField(o, 'n')), 3);
  const inner = (c: Cell, i: number) => {
    const arr = field(c, 'in');
    assert.ok(arr instanceof ArrayCell);
    return arr.items[i];
  };
  assert.equal(readCString(readField(inner(o, 0), 's')), 'one');
  assert.equal(n(readField(inner(o, 1), 'a')), 2);
  assert.equal(readCString(readField(inner(o, 1), 's')), 'two');
  assert.equal(readCString(readField(o, 'name')), 'abc');
  assert.equal(n(readField(o, 'flags')), -1, '(u_long)-1 is held as -1 on LP64');
  const e = cell('elided');
  assert.equal(n(readField(inner(e, 1), 'a')), 20);
  assert.equal(readCString(readField(inner(e, 1), 's')), 'twenty');
  const sizes = cell('sizes') as unknown as { items: Cell[] };
  assert.equal(sizes.items.length, 6, 'the array takes its size from [5] = 7');
  assert.equal(readValue(sizes.items[0]), 16);
  assert.equal(readValue(sizes.items[1]), 8);
  assert.equal(readValue(sizes.items[5]), 7);
  const d = cell('desig');
  assert.equal(n(readField(inner(d, 1), 'a')), 9);
  assert.equal(readCString(readField(d, 'name')), 'd');
});

function n(v: Value): number {
  assert.equal(v.k, 'int');
  return (v as { n: number }).n;
}

test('positional vfsops and execsw initialisers land in the members the header names', () => {
  const { cell } = load(`
    #include <sys/param.h>
    #include <sys/mount.h>
    #include <sys/exec.h>
    static int ex_mount(struct mount *mp, const char *p, void *d, struct nameidata *nd, struct lwp *l) { return 0; }
    static void ex_init(void) { }
    extern const struct vnodeopv_desc * const ex_opv_descs[];
    struct vfsops ex_vfsops = {
      "exfs", ex_mount, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
      ex_init, NULL, NULL, NULL, NULL, NULL, NULL, ex_opv_descs,
    };
    static int ex_makecmds(struct lwp *l, struct exec_package *epp) { return 0; }
    static int ex_probe(struct lwp *l, struct exec_package *e, void *h, char *i, vaddr_t *p) { return 0; }
    struct execsw ex_execsw[] = {
      { 64, ex_makecmds, { ex_probe }, NULL, EXECSW_PRIO_ANY, 14, NULL, NULL, NULL, NULL },
      { 32, ex_makecmds, { NULL }, NULL, EXECSW_PRIO_LAST, 0, NULL, NULL, NULL, NULL },
    };
  `, {}, { ex_opv_descs: { cell: cString('stand-in') } });
  const v = cell('ex_vfsops');
  assert.equal(readCString(readField(v, 'vfs_name')), 'exfs');
  assert.equal(fnName(readField(v, 'vfs_mount')), 'ex_mount');
  assert.equal(fnName(readField(v, 'vfs_init')), 'ex_init');
  assert.equal(readField(v, 'vfs_opv_descs').k, 'ptr');
  const sw = cell('ex_execsw') as unknown as { items: Cell[] };
  assert.equal(sw.items.length, 2);
  assert.equal(n(readField(sw.items[0], 'es_hdrsz')), 64);
  assert.equal(fnName(readField(field(sw.items[0], 'u'), 'elf_probe_func')), 'ex_probe');
  assert.equal(n(readField(sw.items[1], 'es_prio')), 2);
  assert.equal(n(readField(sw.items[0], 'es_arglen')), 14);
});

function fnName(v: Value): string {
  return v.k === 'fn' ? v.fn.name : v.k;
}

test('a loop that never ends stops at the step limit with the function and line', () => {
  const { call, file } = load(`int spin(void) {\n  for (;;)\n    ;\n}\n`, { stepLimit: 10_000 });
  assert.throws(() => call('spin'), (e: unknown) => e instanceof CRuntimeError && e.site.file === file && /step limit of 10000 reached in spin\(\)/.test(e.message));
});

test('a construct the interpreter cannot run is an error only when reached, with file:line', () => {
  const { n, call, file } = load(
    [
      'int fast(int x) { return x + 1; }',
      'int slow(int x) {',
      '  if (x) return 0;',
      '  __asm volatile("cli");',
      '  return x some_garbage;',
      '}',
      'double f(void) { return 1.5; }',
    ].join('\n'),
  );
  assert.equal(n('fast', 1), 2);
  assert.equal(n('slow', 1), 0, 'the unsupported lines are never reached');
  assert.throws(() => call('slow', int(0)), (e: unknown) => e instanceof CRuntimeError && e.site.file === file && e.site.line === 4 && /assembly/.test(e.message));
  assert.throws(() => call('f'), (e: unknown) => e instanceof CRuntimeError && e.site.line === 7 && /floating-point/.test(e.message));
});

test('null dereference and division by zero are runtime errors at the line that did it', () => {
  const { call } = load('struct s { int a; };\nint nul(struct s *p) {\n  return p->a;\n}\nint dz(int a) { int z = 0;\n  return a / z; }\n');
  assert.throws(() => call('nul', { k: 'ptr', target: null, index: 0, type: { kind: 'void' } }), /m\.c:3: null pointer dereference/);
  assert.throws(() => call('dz', int(1)), /m\.c:6: division by zero/);
});

test('struct assignment copies; unions share storage between members', () => {
  const { n } = load(`
    struct p { int a, b; };
    union u { long l; void *p; int i; };
    int copy(void) { struct p x = { 1, 2 }, y; y = x; x.a = 9; return y.a * 10 + y.b; }
    int un(void) { union u v; v.l = 0; v.i = 5; return v.l == 5; }
  `);
  assert.equal(n('copy'), 12);
  assert.equal(n('un'), 1);
});

test('names a struct body declares are in scope after it, though struct members are read only when used', () => {
  const { n } = load(`
    struct outer { enum { RED = 3, BLUE } colour; struct inner { short a, b; } in; union { int x; char c; } anon; };
    struct self { struct self *next; int v; };
    typedef struct later later_t;
    struct later { later_t *up; char name[BLUE + 1]; };
    int colours(void) { return RED * 10 + BLUE; }
    int inner(void) { struct inner i; i.b = 7; return (int)sizeof(struct inner) * 10 + i.b; }
    int chain(void) { struct self a, b; a.next = &b; b.v = 5; return a.next->v; }
    int later(void) { return (int)sizeof(struct later); }
  `);
  assert.equal(n('colours'), 34);
  assert.equal(n('inner'), 47);
  assert.equal(n('chain'), 5);
  assert.equal(n('later'), 16, 'a pointer and char[5], padded to the pointer');
});

test('K&R definitions and arguments converted to the parameter types', () => {
  const { n } = load(`
    int kr(a, b)
      char a;
      long b;
    {
      return a + b;
    }
    int callkr(void) { return kr(300, 1); }
  `);
  assert.equal(n('kr', 1, 2), 3);
  assert.equal(n('callkr'), 45, '300 passed to a char parameter is 44');
});

test('a kernel object handed in by pointer is read and written in place', () => {
  const arr = cString('hello');
  const { call } = load(`int first(const char *s) { return s[0]; } void poke(char *s) { s[0] = 'j'; }`);
  assert.equal(n(call('first', pointerTo(arr))), 'h'.charCodeAt(0));
  call('poke', pointerTo(arr));
  assert.equal(readCString(pointerTo(arr)), 'jello');
});
