import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { compileModule } from '../src/kernel/cc/compile.ts';
import { CompileError } from '../src/kernel/cc/errors.ts';
import { ScalarCell, allocate, deref, field, int, load, pointerTo, readCString, readField, type Callable, type Value } from '../src/kernel/machine/memory.ts';
import { kernelTypes } from '../src/kernel/cc/kernel-types.ts';
import { parseMakefile, resolveSources } from '../src/source/makefile.ts';

function files(fs: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'lkm2mod-obj-'));
  for (const [p, text] of Object.entries(fs)) {
    mkdirSync(dirname(join(root, p)), { recursive: true });
    writeFileSync(join(root, p), text);
  }
  return root;
}

function fnName(v: Value): string {
  if (v.k === 'fn') return v.fn.name;
  return v.k === 'ptr' && v.target === null ? 'null' : v.k;
}

const kfn = (name: string, f: (a: Value[]) => Value = () => int(0)): Callable => ({ name, provider: 'kernel', invoke: f });

const MODULE_SRC = `#include <sys/param.h>
#include <sys/module.h>
#include <sys/mount.h>
#include <sys/errno.h>

MODULE(MODULE_CLASS_VFS, examplefs, "layerfs");

static int examplefs_mount(struct mount *mp, const char *p, void *d, struct nameidata *nd, struct lwp *l) { return layer_mount(mp); }
void layer_init(void);
struct vfsops examplefs_vfsops = { .vfs_name = "examplefs", .vfs_mount = examplefs_mount, .vfs_init = layer_init };

static int
examplefs_modcmd(modcmd_t cmd, void *arg)
{
	switch (cmd) {
	case MODULE_CMD_INIT:
		return vfs_attach(&examplefs_vfsops);
	case MODULE_CMD_FINI:
		return vfs_detach(&examplefs_vfsops);
	default:
		return ENOTTY;
	}
}
`;

test('a module(9) module: sections, symbols, undefined symbols, relocations, link_set_modules', () => {
  const root = files({ 'examplefs/examplefs.c': MODULE_SRC });
  const obj = compileModule([join(root, 'examplefs/examplefs.c')]);
  assert.deepEqual(obj.sections.link_set_modules, ['__link_set_modules_sym_examplefs_modinfo']);
  assert.deepEqual(obj.sections.rodata, ['examplefs_modinfo']);
  assert.deepEqual(obj.sections.data, ['examplefs_vfsops']);
  assert.deepEqual([...obj.sections.text].sort(), ['examplefs_modcmd', 'examplefs_mount']);
  assert.equal(obj.defined.get('examplefs_modcmd')?.binding, 'local');
  assert.equal(obj.defined.get('examplefs_vfsops')?.binding, 'global');
  assert.equal(obj.defined.get('examplefs_modinfo')?.site.line, 6);
  // Only what is used: not every prototype of the headers.
  assert.deepEqual([...obj.undefined].sort(), ['layer_init', 'layer_mount', 'vfs_attach', 'vfs_detach']);
  const rel = (symbol: string) => obj.relocations.filter((r) => r.symbol === symbol).map((r) => `${r.section}:${r.site.line}:${r.local ? 'local' : 'extern'}`);
  assert.deepEqual(rel('vfs_attach'), ['text:17:extern']);
  assert.deepEqual(rel('layer_init'), ['data:10:extern']);
  assert.deepEqual(rel('examplefs_modcmd'), ['rodata:6:local']);
  assert.deepEqual(rel('examplefs_modinfo'), ['link_set_modules:6:local']);
  assert.deepEqual(rel('examplefs_mount'), ['data:10:local']);
  assert.deepEqual(rel('examplefs_vfsops'), ['text:17:extern', 'text:19:extern']);
  assert.ok(obj.size > 0);
});

test('two relocation stages: modinfo readable after the local stage; externals bound only when all resolve', () => {
  const root = files({ 'examplefs/examplefs.c': MODULE_SRC });
  const obj = compileModule([join(root, 'examplefs/examplefs.c')]);
  const img = obj.instantiate();
  const [entry] = img.linkSet('modules');
  assert.equal(deref(load(entry)), null, 'before relocation the link set entry designates nothing');
  img.relocateLocal();
  const mi = deref(load(entry))!;
  assert.equal(readCString(readField(mi, 'mi_name')), 'examplefs');
  assert.equal(readCString(readField(mi, 'mi_required')), 'layerfs');
  assert.deepEqual(readField(mi, 'mi_class'), int(2));
  assert.deepEqual(readField(mi, 'mi_version'), int(500000000));
  const modcmd = readField(mi, 'mi_modcmd');
  assert.equal(modcmd.k, 'fn');
  // Data referring to a static is bound in stage 1; to an external symbol, only in stage 2.
  const vfsops = img.lookup('examplefs_vfsops');
  assert.ok(vfsops && 'cell' in vfsops);
  assert.equal(fnName(readField(vfsops.cell, 'vfs_mount')), 'examplefs_mount');
  assert.equal(fnName(readField(vfsops.cell, 'vfs_init')), 'null');

  const attached: Value[] = [];
  const partial = img.relocateExternal((s) => (s === 'vfs_attach' ? { fn: kfn(s) } : undefined));
  assert.deepEqual(partial, ['layer_init', 'layer_mount', 'vfs_detach']);
  assert.equal(fnName(readField(vfsops.cell, 'vfs_init')), 'null', 'a failed stage 2 binds nothing');
  const kernel: Record<string, Callable> = {
    vfs_attach: kfn('vfs_attach', (a) => (attached.push(a[0]), int(0))),
    vfs_detach: kfn('vfs_detach', () => int(16)),
    layer_mount: kfn('layer_mount'),
    layer_init: kfn('layer_init'),
  };
  assert.deepEqual(img.relocateExternal((s) => (kernel[s] ? { fn: kernel[s] } : undefined)), []);
  assert.equal(fnName(readField(vfsops.cell, 'vfs_init')), 'layer_init');
  assert.equal(img.globals().has('examplefs_vfsops'), true);
  assert.equal(img.globals().has('examplefs_modcmd'), false, 'statics are not exported to ksyms');
  if (modcmd.k !== 'fn') return;
  assert.deepEqual(modcmd.fn.invoke([int(0), int(0)]), int(0));
  assert.equal(deref(attached[0]), vfsops.cell, 'vfs_attach gets the module\'s own vfsops');
  assert.deepEqual(modcmd.fn.invoke([int(1), int(0)]), int(16));
  assert.deepEqual(modcmd.fn.invoke([int(2), int(0)]), int(25));
  // A second image has its own data.
  const other = obj.instantiate();
  other.relocateLocal();
  assert.notEqual((other.lookup('examplefs_vfsops') as { cell: unknown }).cell, vfsops.cell);
});

test('an LKM: DISPATCH runs lkmdispatch then the load handler, which reads what the kernel assigned', () => {
  const root = files({
    'sys/lkm/dev/ex/lkminit_ex.c': `#include <sys/param.h>
#include <sys/systm.h>
#include <sys/conf.h>
#include <sys/lkm.h>

static int ex_open(dev_t dev, int flag, int mode, struct lwp *l) { return 0; }
const struct cdevsw ex_cdevsw = { ex_open, nullclose, noread, nowrite, noioctl, nostop, notty, nopoll, nommap, nokqfilter, D_OTHER };

int ex_lkmentry(struct lkm_table *, int, int);
static int ex_load(struct lkm_table *, int);

MOD_DEV("ex", "ex", NULL, -1, &ex_cdevsw, -1);

int
ex_load(lkmtp, cmd)
	struct lkm_table *lkmtp;
	int cmd;
{
	printf("ex: major %d\\n", _module.lkm_cdevmaj);
	if (_module.lkm_offset != -1)
		return EINVAL;
	return 0;
}

int
ex_lkmentry(lkmtp, cmd, ver)
	struct lkm_table *lkmtp;
	int cmd;
	int ver;
{
	DISPATCH(lkmtp, cmd, ver, ex_load, lkm_nofunc, lkm_nofunc)
}
`,
    'sys/kern/kern_x.c': '',
  });
  const obj = compileModule([join(root, 'sys/lkm/dev/ex/lkminit_ex.c')], { mode: 'lkm' });
  assert.deepEqual(obj.sections.data, ['_module']);
  assert.equal(obj.defined.get('_module')?.binding, 'local');
  assert.equal(obj.defined.get('ex_lkmentry')?.binding, 'global');
  assert.equal(obj.defined.get('ex_load')?.binding, 'local', 'a static declaration makes the later definition static');
  assert.deepEqual([...obj.undefined].sort(), ['enodev', 'lkm_nofunc', 'lkmdispatch', 'nullop', 'printf', 'seltrue', 'seltrue_kqfilter']);

  const img = obj.instantiate();
  img.relocateLocal();
  const calls: string[] = [];
  const kt = (name: string, f: (a: Value[]) => Value = () => int(0)) => ({ fn: kfn(name, (a) => (calls.push(name), f(a))) });
  const printed: string[] = [];
  // The kernel's lkm_table for this load; the entry fills private.lkm_any.
  const lkmtp = allocate(kernelTypes().struct('lkm_table'));
  const missing = img.relocateExternal((s) => {
    if (s === 'lkmdispatch')
      return kt(s, (a) => {
        // The kernel wires the device in and writes the assigned major back.
        const any = deref(readField(field(deref(a[0])!, 'private'), 'lkm_any'))!;
        const maj = field(any, 'lkm_cdevmaj');
        assert.ok(maj instanceof ScalarCell);
        maj.value = int(42);
        return int(0);
      });
    if (s === 'printf') return kt(s, (a) => (printed.push(`${readCString(a[0])}|${(a[1] as { n: number }).n}`), int(0)));
    return kt(s);
  });
  assert.deepEqual(missing, []);
  const entry = img.lookup('ex_lkmentry') as { fn: Callable };
  const r = entry.fn.invoke([pointerTo(lkmtp), int(1), int(2)]);
  assert.deepEqual(r, int(0));
  assert.deepEqual(calls, ['lkmdispatch', 'printf']);
  assert.deepEqual(printed, ['ex: major %d\n|42']);
  const any = deref(readField(field(lkmtp, 'private'), 'lkm_any'))!;
  assert.equal(readCString(readField(any, 'lkm_name')), 'ex');
  assert.deepEqual(readField(any, 'lkm_offset'), int(-1));
});


test('several files link into one object: statics stay per file, a duplicate global is an error with both sites', () => {
  const root = files({
    'm/a.c': 'static int load(void) { return 1; }\nint a_entry(void) { return load(); }\nint shared = 3;\n',
    'm/b.c': 'static int load(void) { return 2; }\nint b_entry(void) { return load(); }\nextern int shared;\nint get(void) { return shared; }\n',
    'm/c.c': 'int shared = 4;\n',
  });
  const obj = compileModule([join(root, 'm/a.c'), join(root, 'm/b.c')]);
  const img = obj.instantiate();
  img.relocateLocal();
  assert.deepEqual(img.relocateExternal(() => undefined), []);
  const call = (f: string) => ((img.lookup(f) as { fn: Callable }).fn.invoke([]) as { n: number }).n;
  assert.equal(call('a_entry'), 1);
  assert.equal(call('b_entry'), 2);
  assert.equal(call('get'), 3);
  assert.equal([...obj.defined.values()].filter((s) => s.name === 'load').length, 2);
  assert.equal(obj.undefined.size, 0);
  assert.throws(
    () => compileModule([join(root, 'm/a.c'), join(root, 'm/c.c')]),
    (e: unknown) => e instanceof CompileError && /c\.c:1: duplicate definition of global shared: also defined at .*a\.c:3/.test(e.message),
  );
});

test('a function that load runs must parse; a broken one it never runs only warns at run time', () => {
  const broken = `#include <sys/param.h>
#include <sys/module.h>
#include <sys/errno.h>
MODULE(MODULE_CLASS_MISC, brk, NULL);
static int helper(void) {
	int x = 1;
	return x FROBNICATE_UNKNOWN 2 + ;
}
static int brk_modcmd(modcmd_t cmd, void *arg) { return cmd == MODULE_CMD_INIT ? helper() : 0; }
`;
  const root = files({ 'brk/brk.c': broken, 'ok/ok.c': broken.replace('? helper() : 0', '? 0 : 0').replace(/brk/g, 'ok') });
  assert.throws(
    () => compileModule([join(root, 'brk/brk.c')]),
    (e: unknown) => e instanceof CompileError && /brk\.c:7: helper\(\) cannot be parsed here, and load or unload runs it/.test(e.message),
  );
  const ok = compileModule([join(root, 'ok/ok.c')]);
  assert.ok(ok.defined.has('helper'));
});

test('a #error or a missing file stops the compile with file:line', () => {
  const root = files({ 'e/e.c': '#include <sys/param.h>\n#if __NetBSD_Version__ < 600000000\n#error "needs NetBSD 6"\n#endif\n' });
  assert.throws(() => compileModule([join(root, 'e/e.c')]), /e\.c:3: #error "needs NetBSD 6"/);
  assert.throws(() => compileModule([join(root, 'e/missing.c')]), /missing\.c.*cannot read/);
});

const SAMPLES = join(import.meta.dirname, '..', 'sample-lkm', 'sys', 'lkm');

test('every sample-lkm module compiles in lkm mode, with an entry function taking the lkm_table', { skip: !existsSync(SAMPLES) && 'sample-lkm is not there' }, () => {
  const dirs: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d)) {
      const p = join(d, e);
      if (!statSync(p).isDirectory()) continue;
      if (existsSync(join(p, 'Makefile')) && readdirSync(p).some((f) => f.endsWith('.c'))) dirs.push(p);
      walk(p);
    }
  };
  walk(SAMPLES);
  assert.ok(dirs.length >= 13, `found ${dirs.length} sample modules`);
  for (const dir of dirs) {
    const { found } = resolveSources(parseMakefile(join(dir, 'Makefile')), dir);
    const obj = compileModule(found, { mode: 'lkm', origin: dir });
    const entries = [...obj.defined.entries()].filter(([, s]) => s.kind === 'func' && s.binding === 'global' && /lkmentry$|init$|lkm$/.test(s.name));
    assert.ok(entries.length > 0, `${dir}: an entry function`);
    const img = obj.instantiate();
    img.relocateLocal();
    assert.ok(img.lookup('_module') || /coda/.test(dir), `${dir}: the MOD_* descriptor _module`);
  }
});

test('the historic four-argument MOD_DEV builds the old descriptor, pointing at the switch it names', () => {
  const root = files({
    'old/old.c': `#include <sys/param.h>
#include <sys/systm.h>
#include <sys/conf.h>
#include <sys/lkm.h>
struct cdevsw old_cdevsw = { nullopen, nullclose, noread, nowrite, noioctl, nostop, notty, nopoll, nommap, nokqfilter, D_TTY };
MOD_DEV("oldtty", LM_DT_CHAR, -1, &old_cdevsw)
int old_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) { DISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc) }
`,
  });
  const obj = compileModule([join(root, 'old/old.c')], { mode: 'lkm' });
  const img = obj.instantiate();
  img.relocateLocal();
  assert.deepEqual(img.relocateExternal((s) => ({ fn: kfn(s) })), []);
  const m = img.lookup('_module') as { cell: import('../src/kernel/machine/memory.ts').Cell };
  assert.equal((m.cell.type as { tag: string }).tag, 'lkm_dev_old');
  assert.deepEqual(readField(m.cell, 'lkm_devtype'), int(1));
  assert.deepEqual(readField(m.cell, 'lkm_offset'), int(-1));
  assert.equal(readCString(readField(m.cell, 'lkm_name')), 'oldtty');
  const sw = img.lookup('old_cdevsw') as { cell: import('../src/kernel/machine/memory.ts').Cell };
  assert.equal(deref(readField(field(m.cell, 'lkm_dev'), 'anon')), sw.cell);
});
