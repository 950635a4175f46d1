/**
 * Path-name lookup over the root file system the simulated kernel boots with: a driver that
 * makes its /dev node on load (namei CREATE, VOP_MKNOD) and removes it on unload (namei DELETE,
 * VOP_REMOVE) leaves the kernel as booted; one that forgets the removal leaves the node, and the
 * snapshot says so; a missing path is ENOENT.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { compileModule } from '../src/kernel/cc/compile.ts';
import { Kernel } from '../src/kernel/kernel.ts';
import { ObjectSource } from '../src/kernel/source.ts';
import { diffSnapshots, snapshot } from '../src/kernel/state.ts';
import type { ModuleObject } from '../src/kernel/object.ts';
import { withUndoHint } from '../src/validate/leftovers.ts';
import { bundledNameiFlags, nameiFlagsFromHeader } from '../src/kernel/subsys/rootfs.ts';
import { realTree } from './real-tree.ts';
import { footprint, growth } from '../src/validate/footprint.ts';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-namei-'));

function compile(name: string, body: string, mode: 'module' | 'lkm' = 'module'): ModuleObject {
  const dir = fs.mkdtempSync(path.join(tmp, `${name}-`));
  const file = path.join(dir, `${name}.c`);
  fs.writeFileSync(
    file,
    `#include <sys/param.h>
#include <sys/systm.h>
#include <sys/module.h>
#include <sys/lkm.h>
#include <sys/namei.h>
#include <sys/vnode.h>
#include <sys/errno.h>
${body}`,
  );
  return compileModule([file], { mode, origin: dir });
}

/**
 * The driver's node code: make on load, remove on unload unless `keep`. After VOP_MKNOD it vputs
 * the new vnode, as NetBSD 1.5 and later return it (`old`: a 1.4 driver, which gets none back).
 */
function nodeCode(node: string, keep: boolean, old = false): string {
  return `
static int
mknode(const char *name)
{
	struct nameidata nd;
	struct vattr va;
	int error;

	NDINIT(&nd, CREATE, LOCKPARENT, UIO_SYSSPACE, name);
	if ((error = namei(&nd)) != 0)
		return error;
	if (nd.ni_vp != NULL) {
		VOP_ABORTOP(nd.ni_dvp, &nd.ni_cnd);
		if (nd.ni_dvp == nd.ni_vp)
			vrele(nd.ni_dvp);
		else
			vput(nd.ni_dvp);
		vrele(nd.ni_vp);
		return EEXIST;
	}
	vattr_null(&va);
	va.va_type = VCHR;
	va.va_mode = 0600;
	va.va_rdev = (77 << 8) | 3;
	error = VOP_MKNOD(nd.ni_dvp, &nd.ni_vp, &nd.ni_cnd, &va);
	${old ? '' : 'if (error == 0) vput(nd.ni_vp);'}
	return error;
}

static int
rmnode(const char *name)
{
	struct nameidata nd;
	int error;

	NDINIT(&nd, DELETE, LOCKPARENT, UIO_SYSSPACE, name);
	if ((error = namei(&nd)) != 0)
		return error;
	vn_lock(nd.ni_vp, LK_EXCLUSIVE | LK_RETRY);
	return VOP_REMOVE(nd.ni_dvp, nd.ni_vp, &nd.ni_cnd);
}

static int node_load(void) { return mknode("${node}"); }
static int node_unload(void) { return ${keep ? '0' : `rmnode("${node}")`}; }
`;
}

function driver(name: string, node: string, keep = false, old = false): ModuleObject {
  return compile(
    name,
    `${nodeCode(node, keep, old)}
MODULE(MODULE_CLASS_MISC, ${name}, NULL);
static int
${name}_modcmd(modcmd_t cmd, void *arg)
{
	switch (cmd) {
	case MODULE_CMD_INIT:
		return node_load();
	case MODULE_CMD_FINI:
		return node_unload();
	default:
		return ENOTTY;
	}
}
`,
  );
}

function kernelWith(objects: Record<string, ModuleObject>): Kernel {
  return Kernel.boot({ source: new ObjectSource(Object.entries(objects)) });
}

test('the root file system at boot: / and /dev, in the snapshot', () => {
  const s = snapshot(Kernel.boot());
  assert.deepEqual(s.files, { '/': 'directory, mode 0755', '/dev': 'directory, mode 0755' });
});

test('a driver that makes its /dev node on load and removes it on unload leaves the kernel as booted', async () => {
  const k = kernelWith({ nodedrv: driver('nodedrv', '/dev/nodedrv') });
  const boot = snapshot(k);
  const r = await k.load('nodedrv');
  assert.equal(r.error, 0, r.message);
  assert.deepEqual(diffSnapshots(boot, snapshot(k), ['ksyms', 'modules']), ['files /dev/nodedrv: added (character special 77/3, mode 0600, created by nodedrv)']);
  const u = await k.unload('nodedrv');
  assert.equal(u.error, 0, u.message);
  assert.deepEqual(diffSnapshots(boot, snapshot(k)), []);
  // Loaded again, the node is made again: nothing of the first one stayed.
  assert.equal((await k.load('nodedrv')).error, 0);
  assert.ok(snapshot(k).files['/dev/nodedrv']);
});

test('a driver that forgets to remove its node is reported as leaving it behind', async () => {
  const k = kernelWith({ leaky: driver('leaky', '/dev/leaky', true) });
  const boot = snapshot(k);
  assert.equal((await k.load('leaky')).error, 0);
  assert.equal((await k.unload('leaky')).error, 0);
  const left = diffSnapshots(boot, snapshot(k)).map(withUndoHint);
  assert.deepEqual(left, ['files /dev/leaky: added (character special 77/3, mode 0600, created by leaky) — undo it with namei() with DELETE and VOP_REMOVE() of the node']);
  // The node it left is there for the next load to find: namei CREATE returns it, EEXIST.
  const r = await k.load('leaky');
  assert.equal(r.errno, 'EEXIST', r.message);
  assert.deepEqual(diffSnapshots(boot, snapshot(k)).length, 1, 'the refused load released what namei returned');
});

test('before NetBSD 1.5, VOP_MKNOD releases the new vnode itself: a 1.4 driver that vputs nothing holds nothing', async () => {
  for (const [version, old, left] of [
    [104200000, true, ['files /dev/nodedrv: added (character special 77/3, mode 0600, created by nodedrv)']],
    [104200000, false, ['crash']],
    [400000000, true, ['files /dev/nodedrv: added (character special 77/3, mode 0600, 1 vnode reference(s) held, vnode locked, created by nodedrv)']],
  ] as const) {
    const k = Kernel.boot({ source: new ObjectSource([['nodedrv', driver('nodedrv', '/dev/nodedrv', false, old)]]), version });
    const boot = snapshot(k);
    // Built against the bundled (NetBSD 5) headers, loaded into a kernel of another release.
    const r = await k.load('nodedrv', { force: true });
    if (left[0] === 'crash') {
      // Its vput(NULL) is the page fault a 1.4 kernel would take.
      assert.equal(r.errno, 'ECRASH', `${version}: ${r.message}`);
      continue;
    }
    assert.equal(r.error, 0, r.message);
    assert.deepEqual(diffSnapshots(boot, snapshot(k), ['ksyms', 'modules']), left, `${version}, ${old ? 'no vput' : 'vput'}`);
  }
});

test('namei of a missing path: ENOENT, for a missing directory and for a missing last component', async () => {
  for (const p of ['/nosuch/node', '/dev/nosuch']) {
    const k = kernelWith({ rm: compile('rm', `${nodeCode(p, false)}
MODULE(MODULE_CLASS_MISC, rm, NULL);
static int rm_modcmd(modcmd_t cmd, void *arg) { return cmd == MODULE_CMD_INIT ? rmnode("${p}") : 0; }
`) });
    const boot = snapshot(k);
    const r = await k.load('rm');
    assert.equal(r.errno, 'ENOENT', `${p}: ${r.message}`);
    assert.deepEqual(diffSnapshots(boot, snapshot(k)), [], `${p}: a failed lookup holds nothing`);
  }
});

test('CREATE of a node under a missing directory is ENOENT; a vnode reference kept is reported', async () => {
  const k = kernelWith({
    deep: driver('deep', '/nosuch/deep'),
    holder: compile(
      'holder',
      `MODULE(MODULE_CLASS_MISC, holder, NULL);
static struct nameidata nd;
static int holder_modcmd(modcmd_t cmd, void *arg)
{
	if (cmd != MODULE_CMD_INIT)
		return 0;
	NDINIT(&nd, LOOKUP, FOLLOW, UIO_SYSSPACE, "/dev");
	return namei(&nd);
}
`,
    ),
  });
  assert.equal((await k.load('deep')).errno, 'ENOENT');
  const boot = snapshot(k);
  assert.equal((await k.load('holder')).error, 0);
  assert.equal((await k.unload('holder')).error, 0);
  assert.deepEqual(diffSnapshots(boot, snapshot(k)).map(withUndoHint), [
    'files /dev: directory, mode 0755 -> directory, mode 0755, 1 vnode reference(s) held — undo it with vrele() (or vput()) of every vnode namei() or VOP_LOOKUP() returned',
  ]);
});

test('an LKM (old loader) makes and removes its node the same way', async () => {
  const obj = compile(
    'lkmnode',
    `${nodeCode('/dev/lkmnode', false)}
MOD_MISC("lkmnode");
static int lkmnode_load(struct lkm_table *lkmtp, int cmd) { return node_load(); }
static int lkmnode_unload(struct lkm_table *lkmtp, int cmd) { return node_unload(); }
int lkmnode_lkmentry(struct lkm_table *lkmtp, int cmd, int ver) {
	DISPATCH(lkmtp, cmd, ver, lkmnode_load, lkmnode_unload, lkm_nofunc)
}
`,
    'lkm',
  );
  const k = Kernel.boot({ era: 'lkm' });
  const boot = snapshot(k);
  const r = await k.lkmLoad(obj, { name: 'lkmnode' });
  assert.equal(r.error, 0, r.message);
  assert.equal(snapshot(k).files['/dev/lkmnode'], 'character special 77/3, mode 0600, created by lkmnode');
  const u = await k.lkmUnload('lkmnode');
  assert.equal(u.error, 0, u.message);
  assert.deepEqual(diffSnapshots(boot, snapshot(k)), []);
});

test("namei's flags come from the tree's sys/namei.h: its values, an alias followed, the bundled ones for what it lacks", () => {
  const flags = nameiFlagsFromHeader(`#define\tNAMEI_LOOKUP\t0\n#define LOOKUP NAMEI_LOOKUP\n#define\tLOCKLEAF\t0x0040\t/* lock vnode on return */\n#define FOLLOW (0x0004)\n`);
  const bundled = bundledNameiFlags();
  assert.equal(flags.LOOKUP, 0);
  assert.equal(flags.LOCKLEAF, 0x40);
  assert.equal(flags.FOLLOW, 0x4);
  assert.equal(flags.LOCKPARENT, bundled.LOCKPARENT);
  assert.equal(flags.WANTPARENT, bundled.WANTPARENT);
});

test('namei flags of the NetBSD 1.4T tree', (t) => {
  const tree = realTree();
  if ('skip' in tree) return t.skip(tree.skip);
  const flags = nameiFlagsFromHeader(fs.readFileSync(path.join(tree.sys, 'sys', 'namei.h'), 'utf8'));
  assert.deepEqual(
    { CREATE: flags.CREATE, DELETE: flags.DELETE, LOCKLEAF: flags.LOCKLEAF, LOCKPARENT: flags.LOCKPARENT, WANTPARENT: flags.WANTPARENT, SAVENAME: flags.SAVENAME, ISLASTCN: flags.ISLASTCN },
    { CREATE: 1, DELETE: 2, LOCKLEAF: 0x4, LOCKPARENT: 0x8, WANTPARENT: 0x10, SAVENAME: 0x800, ISLASTCN: 0x8000 },
  );
});

test('a kernel booted with other namei flags reads the nameidata by them', async () => {
  // The module passes the bundled LOCKPARENT (0x8); a kernel told that 0x8 is LOCKLEAF locks the
  // leaf instead, and the module's vput of an unlocked parent then panics.
  const flags = { ...bundledNameiFlags(), LOCKLEAF: 0x8, LOCKPARENT: 0x4 };
  const k = Kernel.boot({ source: new ObjectSource([['nodedrv', driver('nodedrv', '/dev/nodedrv')]]), nameiFlags: flags });
  const boot = snapshot(k);
  const r = await k.load('nodedrv');
  assert.equal(r.errno, 'ECRASH');
  assert.match(r.message, /unlocking a vnode of the root file system that is not locked/);
  assert.deepEqual(diffSnapshots(boot, snapshot(k)), [], 'the crash is rolled back');
});

test('load/unload cycles that make and remove a node keep nothing of the nodes they removed', async () => {
  for (const [version, old] of [[500000000, false], [104200000, true]] as const) {
    const k = Kernel.boot({ source: new ObjectSource([['nodedrv', driver('nodedrv', '/dev/nodedrv', false, old)]]), version });
    const cycle = async () => {
      assert.equal((await k.load('nodedrv', { force: true })).error, 0);
      assert.equal((await k.unload('nodedrv')).error, 0);
    };
    await cycle();
    const first = footprint(k);
    for (let i = 0; i < 10; i++) await cycle();
    assert.deepEqual(growth(first, footprint(k)), [], `version ${version}`);
  }
});
