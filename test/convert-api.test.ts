/**
 * The pieces others build on: byte-range edits, the patch writer, atomic writes, module
 * names, the modcmd's unwinding, and the rule API (user rules, conflicts, tree rules).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyChanges } from '../src/migrate/apply.ts';
import { convertPlans } from '../src/migrate/convert.ts';
import { discover } from '../src/discover/discover.ts';
import { EditConflict, EditSet } from '../src/source/edits.ts';
import { renderModcmd } from '../src/migrate/modinfo.ts';
import { moduleName } from '../src/migrate/names.ts';
import { defineRule } from '../src/discover/rule-api.ts';
import { UserError } from '../src/source/errors.ts';
import { renderPatch } from '../src/source/patch.ts';

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-api-'));
}

test('edits apply to the original text; text no edit touches stays byte for byte', () => {
  const text = 'int a; /* keep */\n\tint b;\r\nint c;\n';
  const e = new EditSet('f.c', text);
  e.replace(4, 5, 'x', 'r1');
  e.insert(text.indexOf('int c'), '/* new */\n', 'r2');
  e.remove(text.indexOf('\tint b'), text.indexOf('int c'), 'r3');
  assert.equal(e.apply(), 'int x; /* keep */\n/* new */\nint c;\n');
});

test('two edits claiming the same bytes are a conflict naming both origins; identical ones agree', () => {
  const e = new EditSet('f.c', 'static int load(void);\n');
  e.replace(11, 15, 'init', 'rule-a');
  e.replace(11, 15, 'init', 'rule-b');
  assert.throws(
    () => e.replace(7, 13, 'long', 'rule-c'),
    (err: unknown) => err instanceof EditConflict && /rule-a/.test(err.message) && /rule-c/.test(err.message) && err.line === 1,
  );
  assert.throws(() => e.insert(12, 'x', 'rule-d'), EditConflict);
  e.insert(11, '/* at the edge */', 'rule-e');
  assert.equal(e.apply(), 'static int /* at the edge */init(void);\n');
});

test('the patch has git headers for new, deleted and renamed files', () => {
  const root = '/t';
  const patch = renderPatch(
    [
      { path: '/t/new.c', before: null, after: 'a\n' },
      { path: '/t/old.c', before: 'b\n', after: null },
      { path: '/t/b/moved.c', oldPath: '/t/a/moved.c', before: 'x\ny\n', after: 'x\nz\n' },
      { path: '/t/b/same.c', oldPath: '/t/a/same.c', before: 'k\n', after: 'k\n' },
    ],
    root,
  );
  assert.equal(
    patch,
    [
      'diff --git a/new.c b/new.c',
      'new file mode 100644',
      '--- /dev/null',
      '+++ b/new.c',
      '@@ -0,0 +1,1 @@',
      '+a',
      'diff --git a/old.c b/old.c',
      'deleted file mode 100644',
      '--- a/old.c',
      '+++ /dev/null',
      '@@ -1,1 +0,0 @@',
      '-b',
      'diff --git a/a/moved.c b/b/moved.c',
      'similarity index 67%',
      'rename from a/moved.c',
      'rename to b/moved.c',
      '--- a/a/moved.c',
      '+++ b/b/moved.c',
      '@@ -1,2 +1,2 @@',
      ' x',
      '-y',
      '+z',
      'diff --git a/a/same.c b/b/same.c',
      'similarity index 100%',
      'rename from a/same.c',
      'rename to b/same.c',
      '',
    ].join('\n'),
  );
});

test('applyChanges refuses to clobber, and a failure half-way leaves every file as it was', async () => {
  const dir = tmp();
  try {
    writeFileSync(path.join(dir, 'a.c'), 'old a\n');
    writeFileSync(path.join(dir, 'exists.c'), 'mine\n');
    await assert.rejects(
      applyChanges(
        [
          { path: path.join(dir, 'a.c'), before: 'old a\n', after: 'new a\n' },
          { path: path.join(dir, 'exists.c'), before: null, after: 'theirs\n' },
        ],
        { root: dir },
      ),
      (err: unknown) => err instanceof UserError && /exists\.c already exists/.test(err.message),
    );
    assert.equal(readFileSync(path.join(dir, 'a.c'), 'utf8'), 'old a\n');
    assert.equal(readFileSync(path.join(dir, 'exists.c'), 'utf8'), 'mine\n');

    // The second target's directory cannot be made (a file stands in its way): nothing changes.
    writeFileSync(path.join(dir, 'blocker'), '');
    await assert.rejects(
      applyChanges(
        [
          { path: path.join(dir, 'a.c'), before: 'old a\n', after: 'new a\n' },
          { path: path.join(dir, 'blocker', 'b.c'), before: null, after: 'b\n' },
        ],
        { root: dir },
      ),
      UserError,
    );
    assert.equal(readFileSync(path.join(dir, 'a.c'), 'utf8'), 'old a\n');

    // A file edited since the conversion read it is not overwritten.
    await assert.rejects(
      applyChanges([{ path: path.join(dir, 'a.c'), before: 'something else\n', after: 'x\n' }], { root: dir }),
      /changed since it was read/,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('module names are C identifiers; a rename says why', () => {
  assert.deepEqual(moduleName('"kernfs"', 'kernfs'), { name: 'kernfs' });
  const dashed = moduleName('"null-fs"', 'nullfs');
  assert.equal(dashed.name, 'nullfs');
  assert.equal(dashed.renamedFrom, 'null-fs');
  assert.match(dashed.reason!, /not a C identifier/);
  assert.equal(moduleName('"3com"', null).name, 'mod_3com');
  assert.ok(moduleName('"' + 'x'.repeat(40) + '"', null).name.length < 32);
});

test('modcmd: FINI that fails half-way redoes what it undid, and the unload handler\'s work', () => {
  const text = renderModcmd({
    name: 'm',
    prelude: [],
    registrations: [
      { attach: 'a_attach()', detach: 'a_detach()' },
      { attach: 'b_attach()', detach: 'b_detach()' },
    ],
    load: 'm_load()',
    unload: 'm_unload()',
    stat: null,
    notes: [],
  });
  const fini = text.slice(text.indexOf('case MODULE_CMD_FINI'), text.indexOf('default:'));
  assert.ok(fini.indexOf('m_unload()') < fini.indexOf('b_detach()'));
  assert.ok(fini.indexOf('b_detach()') < fini.indexOf('a_detach()'));
  const afterA = fini.slice(fini.indexOf('error = a_detach()'));
  assert.match(afterA, /\(void\)b_attach\(\);\n\t\t\t\(void\)m_load\(\);\n\t\t\treturn error;/);
  const init = text.slice(text.indexOf('case MODULE_CMD_INIT'), text.indexOf('case MODULE_CMD_FINI'));
  assert.match(init, /error = m_load\(\);\n\t\tif \(error != 0\) \{\n\t\t\t\(void\)b_detach\(\);\n\t\t\t\(void\)a_detach\(\);/);
  assert.match(text, /default:\n\t\treturn ENOTTY;/);
});

function miscTree(dir: string): void {
  mkdirSync(path.join(dir, 'foo'), { recursive: true });
  writeFileSync(path.join(dir, 'foo/Makefile'), 'KMOD=\tfoo\nSRCS=\tfoo_lkm.c\n\n.include <bsd.kmod.mk>\n');
  writeFileSync(
    path.join(dir, 'foo/foo_lkm.c'),
    [
      '#include <sys/param.h>',
      '#include <sys/lkm.h>',
      '',
      'int foo_lkmentry(struct lkm_table *, int, int);',
      '',
      'MOD_MISC("foo");',
      '',
      'int',
      'foo_lkmentry(struct lkm_table *lkmtp, int cmd, int ver)',
      '{',
      '',
      '\tDISPATCH(lkmtp, cmd, ver, lkm_nofunc, lkm_nofunc, lkm_nofunc);',
      '}',
      '',
    ].join('\n'),
  );
}

test('a user rule takes precedence over the built-in one; one whose edits collide converts nothing', async () => {
  const dir = tmp();
  try {
    miscTree(dir);
    const scan = await discover([dir], { jobs: 1 });
    const secmodel = defineRule({
      scope: 'module',
      meta: { id: 'acme-secmodel', kind: 'misc', summary: 'misc modules of ACME are security models', docs: '', emits: [] },
      convert(ctx) {
        ctx.setClass('SECMODEL');
      },
    });
    const ok = await convertPlans(scan, { root: dir, rules: [secmodel] });
    assert.equal(ok.modules[0].moduleClass, 'SECMODEL');
    assert.ok(ok.changes.some((c) => c.after?.includes('MODULE(MODULE_CLASS_SECMODEL, foo, NULL);')));

    const clumsy = defineRule({
      scope: 'module',
      meta: { id: 'clumsy', kind: 'misc', summary: 'rewrites the declaration itself', docs: '', emits: [] },
      convert(ctx) {
        const src = ctx.source(ctx.declaration.file);
        src.edits.replace(ctx.declaration.start, ctx.declaration.start + 8, 'XXX', 'clumsy');
      },
    });
    const bad = await convertPlans(scan, { root: dir, rules: [clumsy] });
    assert.deepEqual(bad.changes, []);
    const f = bad.findings.find((x) => x.code === 'edit-conflict');
    assert.ok(f, JSON.stringify(bad.findings));
    assert.match(f.message, /clumsy/);

    const throwing = defineRule({
      scope: 'module',
      meta: { id: 'throwing', kind: 'misc', summary: 'fails', docs: '', emits: [] },
      convert() {
        throw new Error('no idea what this is');
      },
    });
    const thrown = await convertPlans(scan, { root: dir, rules: [throwing] });
    assert.deepEqual(thrown.changes, []);
    assert.match(thrown.findings.find((x) => x.code === 'conversion-failed')!.message, /throwing.*no idea what this is/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('tree rules run after the module rules and see the converted modules', async () => {
  const dir = tmp();
  try {
    miscTree(dir);
    writeFileSync(path.join(dir, 'caller.c'), 'void\ncaller(void)\n{\n\tfoo_poke();\n}\n');
    const scan = await discover([dir], { jobs: 1 });
    const seen: string[] = [];
    const marker = defineRule({
      scope: 'tree',
      meta: { id: 'mark-callers', kind: 'tree', summary: 'marks calls into converted modules', docs: '', emits: [] },
      run(ctx) {
        for (const m of ctx.modules) seen.push(`${m.name}:${m.moduleClass}`);
        const file = path.join(dir, 'caller.c');
        const src = ctx.source(file);
        ctx.marker(file, src.text.indexOf('foo_poke'), 'call-into-module', 'warning', 'foo_poke lives in module foo now');
      },
    });
    const set = await convertPlans(scan, { root: dir, rules: [marker] });
    assert.deepEqual(seen, ['foo:MISC']);
    const caller = set.changes.find((c) => c.path.endsWith('caller.c'));
    assert.equal(caller?.after, 'void\ncaller(void)\n{\n\t/* XXX lkm2mod: foo_poke lives in module foo now */\n\tfoo_poke();\n}\n');
    assert.ok(set.findings.some((x) => x.code === 'call-into-module' && x.line === 4));
    assert.ok(!existsSync(path.join(dir, 'foo/.lkm2mod')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
