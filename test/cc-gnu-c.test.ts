/**
 * What real kernel headers and sources are written in, beyond ISO C: inline assembly, GCC
 * extensions, bit-fields, unions, variadic macros, K&R definitions. Each compiles and, where it
 * can, runs in the simulated kernel; an asm statement that runs is a runtime error naming its
 * line ("needs machine code"), one that never runs costs nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileModule, type CompileOptions } from '../src/kernel/cc/compile.ts';
import { CRuntimeError } from '../src/kernel/cc/errors.ts';
import { int, type Value } from '../src/kernel/machine/memory.ts';

function load(src: string, opts: CompileOptions = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'lkm2mod-gnuc-'));
  const file = join(dir, 'm.c');
  writeFileSync(file, src);
  const obj = compileModule([file], opts);
  const img = obj.instantiate();
  img.relocateLocal();
  img.relocateExternal(() => undefined);
  const n = (name: string, ...args: number[]) => {
    const f = img.lookup(name);
    assert.ok(f && 'fn' in f, `${name} is a function`);
    const v: Value = f.fn.invoke(args.map(int));
    assert.equal(v.k, 'int', `${name} returns an integer`);
    return (v as { n: number }).n;
  };
  return { obj, n, file };
}

test('inline assembly: compiles; never run costs nothing; run, it fails naming its line', () => {
  const { obj, n, file } = load(`
static __inline int inb(int port) { unsigned char v; __asm volatile("inb %w1,%0" : "=a" (v) : "d" (port)); return v; }
static __inline void barrier(void) { __asm__ __volatile__("" ::: "memory"); }
static inline unsigned bswap(unsigned x) { __asm ("bswap %0" : "=r" (x) : "0" (x)); return x; }
int never(int p) { if (p > 100) return inb(p); return p; }
int reached(int p) {
  return inb(p);
}
int mem(void) { barrier(); return 1; }
int sw(void) { return bswap(1) != 0; }
`);
  assert.equal(n('never', 5), 5);
  assert.ok(obj.warnings.every((w) => !/asm/.test(w.message)), obj.warnings.map((w) => w.message).join('; '));
  assert.throws(() => n('reached', 0x60), (e: unknown) => {
    assert.ok(e instanceof CRuntimeError);
    assert.equal(e.site.file, file);
    assert.equal(e.site.line, 2);
    assert.match(e.message, /needs machine code/);
    return true;
  });
  assert.throws(() => n('mem'), /needs machine code/);
  assert.throws(() => n('sw'), /needs machine code/);
});

test('a file-scope asm statement and asm labels on declarations compile', () => {
  const { n } = load(`
__asm(".globl _start_marker");
extern int renamed(int) __asm("real_name");
int x __asm__("x_sym") = 3;
int f(void) { return x; }
`);
  assert.equal(n('f'), 3);
});

test('statement expressions, typeof and __typeof__, __extension__', () => {
  const { n } = load(`
#define MAX(a, b) ({ __typeof__(a) _a = (a); typeof(b) _b = (b); _a > _b ? _a : _b; })
int f(int x, int y) { return MAX(x, y); }
int g(void) { int z = __extension__ ({ int t = 4; t * 2; }); return z; }
__extension__ typedef long long quad_t;
int h(void) { quad_t q = 5; typeof(q) r = q + 1; __typeof(r) s = r; typeof(char *) cp = 0; return (int)s + (cp == 0); }
`);
  assert.equal(n('f', 3, 9), 9);
  assert.equal(n('f', 12, 9), 12);
  assert.equal(n('g'), 8);
  assert.equal(n("h"), 7);
});

test('__attribute__ anywhere: on functions, declarations, declarators, initialised locals, types and members', () => {
  const { n } = load(`
struct __attribute__((__packed__)) pk { char c; int i __attribute__((aligned(4))); } __attribute__((packed));
typedef int aligned_int __attribute__((aligned(8)));
static int helper(int) __attribute__((unused));
__attribute__((noinline)) static int helper(int a) { return a + 1; }
void die(const char *, ...) __attribute__((__noreturn__, __format__(__printf__, 1, 2)));
int f(int a) {
  int unused __attribute__((unused)) = 7;
  struct pk p __attribute__((unused));
  aligned_int b = a;
  p.i = b;
  return helper(p.i) + unused;
}
int __attribute__((__const__)) g(void) { return 2; }
`);
  assert.equal(n('f', 1), 9);
  assert.equal(n('g'), 2);
});

test('__builtin_* functions: va_*, offsetof, constant_p, expect, memcpy and friends', () => {
  const { n, obj } = load(`
typedef __builtin_va_list va_list;
#define va_start(ap, last) __builtin_va_start((ap), (last))
#define va_arg(ap, t) __builtin_va_arg((ap), t)
#define va_end(ap) __builtin_va_end(ap)
struct s { int a; char b[6]; int c; };
int sum(int n, ...) { va_list ap; int t = 0; va_start(ap, n); while (n-- > 0) t += va_arg(ap, int); va_end(ap); return t; }
int off(void) { return __builtin_offsetof(struct s, c); }
int cp(int x) { return __builtin_constant_p(3) * 10 + __builtin_constant_p(x); }
int ex(int x) { if (__builtin_expect(x == 2, 0)) return 1; return 0; }
int cpy(void) { int a = 5, b = 0; __builtin_memcpy(&b, &a, sizeof a); return b; }
int byhand(void) { return (int)(unsigned long)&((struct s *)0)->c + (int)__builtin_offsetof(struct s, b); }
char arr[__builtin_offsetof(struct s, c)];
int arrsize(void) { return sizeof arr; }
int ptrs(const char *fmt, ...) { va_list ap, aq; char *s; va_start(ap, fmt); va_copy(aq, ap); s = va_arg(ap, char *); va_end(ap); return *s + va_arg(aq, int) * 0; }
`);
  assert.equal(n('sum', 3, 1, 2, 4), 7);
  assert.equal(n('off'), 12);
  assert.equal(n('cp', 5), 10);
  assert.equal(n('ex', 2), 1);
  // GCC calls the library function when it does not expand one: a kernel symbol.
  assert.ok(obj.undefined.has('memcpy'));
  assert.equal(n('byhand'), 16);
  assert.equal(n('arrsize'), 12);
});

test('bit-fields (named and unnamed) and unions', () => {
  const { n } = load(`
struct flags { unsigned a:3; int :5; unsigned b:1; int :0; unsigned c:4; };
union u { int i; unsigned char c[4]; struct { unsigned short lo, hi; } w; };
int bf(void) { struct flags f; f.a = 9; f.b = 3; f.c = 17; return f.a * 100 + f.b * 10 + f.c; }
int un(void) { union u x; x.i = 7; return x.i + (int)sizeof(union u); }
int anon(void) { struct { int k; union { int p; long q; }; } s; s.p = 4; s.k = 1; return s.p + s.k; }
`);
  assert.equal(n('bf'), 111);
  assert.equal(n('un'), 11);
  assert.equal(n('anon'), 5);
});

test('variadic macros: C99 __VA_ARGS__ and GNU named rest with ## dropping the comma', () => {
  const { n } = load(`
int add3(int a, int b, int c) { return a + b + c; }
int one(int a) { return a; }
#define CALL(f, ...) f(__VA_ARGS__)
#define GCALL(f, args...) f(args)
#define OPT(f, a, ...) f(a, ##__VA_ARGS__)
int v1(void) { return CALL(add3, 1, 2, 3); }
int v2(void) { return GCALL(add3, 4, 5, 6); }
int v3(void) { return OPT(one, 7); }
`);
  assert.equal(n('v1'), 6);
  assert.equal(n('v2'), 15);
  assert.equal(n('v3'), 7);
});

test('K&R definitions: pointer returns, typedef parameters, several per line, undeclared int, register', () => {
  const { n } = load(`
typedef int myint_t;
struct proc { int p_pid; };
static struct proc theproc = { 42 };
static struct proc *
pfind1(pid, proc)
	myint_t pid;
	struct proc *proc;
{
	return proc->p_pid == pid ? proc : 0;
}
int
sum3(a, b, c)
	register int a; char *b;
{
	return a + c + (b == 0);
}
int f(void) { return pfind1(42, &theproc) != 0; }
int g(void) { return sum3(1, 0, 3); }
`);
  assert.equal(n('f'), 1);
  assert.equal(n('g'), 5);
});

test('old spellings: __const, __volatile, __signed, __inline__, register, implicit int, empty struct initialiser', () => {
  const { n } = load(`
static __inline__ int twice(__const int x) { register int r = x * 2; return r; }
__volatile int vv = 3;
__signed char sc = -2;
int f(void) { return twice(vv) + sc; }
`);
  assert.equal(n('f'), 4);
});
