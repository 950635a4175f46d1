/**
 * `required` from symbols that are really external: a module's parameters, locals, struct
 * members, labels, macro-argument names and K&R parameter declarations are no references, and
 * a K&R parameter declaration tree-sitter leaves at file scope is no global. A local named like
 * another module's global brings in no requisite; a real use of that global does.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { CSource, SourceCache } from '../src/migrate/csource.ts';
import { fileSymbols } from '../src/migrate/file-symbols.ts';
import { SymbolIndex } from '../src/migrate/symbols.ts';
import { writeTree } from './helpers.ts';

/** A packet filter's open routine, its K&R parameter list finished differently per system. */
const SPLIT_HEAD = `#include <sys/param.h>

int	pf_running;

int
pfopen(dev, flags
#if (NetBSD >= 199511) && defined(_KERNEL)
, devtype, p)
int devtype;
struct proc *p;
#else
)
#endif
dev_t dev;
#if defined(__NetBSD__)
u_long flags;
#else
int flags;
#endif
{
	if (minor(dev) > 3)
		return ENXIO;
	return pf_running ? 0 : EIO;
}

static struct pfstats pf_stats;
`;

test('K&R parameter declarations a conditional split from their head are no globals', () => {
  const s = fileSymbols(new CSource('/pf.c', SPLIT_HEAD));
  assert.deepEqual([...s.globals].sort(), ['pf_running', 'pfopen']);
  assert.deepEqual([...s.statics], ['pf_stats']);
});

/** A 4.4BSD logging routine: an ANSI head for __STDC__, a varargs.h one (ending in `va_dcl`) for the rest. */
const VARARGS_HEAD = `#include <sys/param.h>

void
#ifdef __STDC__
klog(int level, const char *fmt, ...)
#else
klog(level, fmt, va_alist)
	int level;
	char *fmt;
	va_dcl
#endif
{
	va_list ap;

	va_start(ap, fmt);
	kprintf(fmt, ap);
	va_end(ap);
}
`;

test('a definition with an ANSI head and a varargs.h one under #if is a global', () => {
  const s = fileSymbols(new CSource('/prf.c', VARARGS_HEAD));
  assert.deepEqual([...s.globals], ['klog']);
});

test('calls through a parameter and C words written like calls are no calls of globals', () => {
  const text = 'int\ngather(fs, match)\n\tstruct fs *fs;\n\tint (*match) __P((struct fs *));\n{\n\tif (match(fs))\n\t\treturn sizeof (struct fs);\n\treturn flush(fs);\n}\n';
  const s = fileSymbols(new CSource('/g.c', text));
  assert.deepEqual([...s.calls], ['flush']);
});

test('a global followed by a definition is still a global', () => {
  const text = 'int counter;\nstruct softc *units;\nint\nattach(sc)\n\tstruct softc *sc;\n{\n\treturn counter;\n}\n';
  const s = fileSymbols(new CSource('/g.c', text));
  assert.deepEqual([...s.globals].sort(), ['attach', 'counter', 'units']);
});

test('in code tree-sitter could not read, parameters and locals are no uses; extern names are', () => {
  // An #if splitting the head makes the rest an ERROR node.
  const text = `extern int shared_total;
#if V2
int entry_new(a, b)
#else
int entry_old(a, b)
#endif
struct thing *a;
int b;
{
	int data;
	data = a->size + b;
	shared_total += data;
	goto out;
out:
	return helper(data);
}
`;
  const s = fileSymbols(new CSource('/e.c', text));
  for (const local of ['a', 'b', 'data', 'size', 'out']) assert.ok(!s.uses.has(local), `${local} is not a use`);
  assert.ok(s.uses.has('shared_total'));
  assert.ok(s.uses.has('helper'));
});

test('a local named like another module\'s global brings in no requisite; a use of it does', (t) => {
  const root = writeTree({
    'provider/pf.c': SPLIT_HEAD + 'int data;\nint flags_total;\n',
    'user/emul.c': `#include <sys/param.h>
#define SCARG(p, k)	((p)->k.datum)

struct emul_args { int data; };

int
emul_ioctl(p, uap, flags)
	struct proc *p;
	struct emul_args *uap;
	int flags;
{
	int val;
	struct emul_args copy;

	val = SCARG(uap, data);
	copy.data = val;
	if (flags)
		goto done;
done:
	return val;
}
`,
    'user2/count.c': 'extern int flags_total;\nextern int data;\nint\nbump(void)\n{\n\treturn ++flags_total + min(data, 2);\n}\n',
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const cache = new SourceCache();
  const files = (d: string, f: string) => [path.join(root, d, f)];
  for (const f of [files('provider', 'pf.c'), files('user', 'emul.c'), files('user2', 'count.c')]) cache.get(f[0]!);
  const index = new SymbolIndex(cache, [
    { module: 'pf', files: files('provider', 'pf.c') },
    { module: 'emul', files: files('user', 'emul.c') },
    { module: 'counter', files: files('user2', 'count.c') },
  ], []);
  assert.deepEqual(index.required('emul').required, [], 'p, flags, data, done: parameters, a member, a macro\'s member argument and a label');
  const counter = index.required('counter').required;
  // data passed to a function (not a macro taking a member name) is a reference.
  assert.deepEqual(counter.map((r) => [r.module, r.symbols]), [['pf', ['data', 'flags_total']]]);
});

test('a macro parameter used as a member name, pasted or stringised takes no reference', async () => {
  const { memberParameters } = await import('../src/migrate/file-symbols.ts');
  const m = memberParameters('#define SCARG(p, k)\t((p)->k.datum)\n#define NAME(a, b) a ## b\n#define STR(x) #x\n#define MAX(a, b) ((a) > (b) ? (a) : (b))\n');
  assert.deepEqual([...m.entries()].map(([k, v]) => [k, [...v]]), [['SCARG', [1]], ['NAME', [0, 1]], ['STR', [0]]]);
});

test('a name used only under an option the module is built without brings in no requisite', (t) => {
  const root = writeTree({
    'lfs/lfs_syscalls.c': 'int\nsys_lfs_segwait(void)\n{\n\treturn 0;\n}\nint\nsys_lfs_markv(void)\n{\n\treturn 0;\n}\n',
    'emul/emul_sysent.c': [
      'extern int sys_lfs_segwait(void), sys_lfs_markv(void), sys_nosys(void);',
      'int (*emul_sysent[])(void) = {',
      '#ifdef LFS',
      '\tsys_lfs_segwait,',
      '#else',
      '\tsys_nosys,',
      '#endif',
      '#if defined(LFS) || !defined(_KERNEL)',
      '\tsys_lfs_markv,',
      '#endif',
      '};',
      '',
    ].join('\n'),
  });
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const cache = new SourceCache();
  const lfs = [path.join(root, 'lfs/lfs_syscalls.c')];
  const emul = [path.join(root, 'emul/emul_sysent.c')];
  for (const f of [...lfs, ...emul]) cache.get(f);
  const index = new SymbolIndex(cache, [{ module: 'lfs', files: lfs }, { module: 'emul', files: emul }], [], undefined, [], new Set(['LFS']));
  // The declaration names sys_lfs_segwait too, but only the table's use would link it.
  assert.deepEqual(index.required('emul').required.map((r) => [r.module, r.symbols]), [['lfs', ['sys_lfs_markv']]]);
});
