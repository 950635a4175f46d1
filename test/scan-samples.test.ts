/**
 * discover() over the bundled sample-lkm/ tree: every sample's kind, entry, handlers, files and
 * findings, and that each finding's line shows the construct it is about.
 */
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { discover } from '../src/discover/discover.ts';
import type { ModulePlan, ScanResult } from '../src/discover/plan.ts';
import { SAMPLES } from './helpers.ts';

const SYS = path.join(SAMPLES, 'sys');

interface Expected {
  dir: string;
  kind: ModulePlan['kind'];
  entry: string;
  handlers: [string | null, string | null, string | null];
  /** Relative to sample-lkm/sys, glue first. */
  files: string[];
  /** code@file-basename, in reading order. */
  findings: string[];
  macro: string;
}

const EXPECTED: Record<string, Expected> = {
  compat_linux: {
    dir: 'lkm/compat/linux', kind: 'compat', entry: 'compat_linux_lkmentry', macro: 'MOD_COMPAT',
    handlers: ['linux_load', 'linux_unload', null],
    files: ['lkm/compat/linux/lkminit_emul.c', 'compat/linux/common/linux_emul.c', 'compat/linux/common/linux_ipc.c', 'compat/linux/common/linux_sysctl.c'],
    findings: [],
  },
  md: {
    dir: 'lkm/dev/md', kind: 'dev', entry: 'md_lkmentry', macro: 'MOD_DEV',
    handlers: ['md_load', 'md_unload', null],
    files: ['lkm/dev/md/lkminit_md.c', 'dev/md.c'],
    findings: ['offset-read@lkminit_md.c', 'offset-read@lkminit_md.c'],
  },
  nvram: {
    dir: 'lkm/dev/nvram', kind: 'dev', entry: 'nvram_lkmentry', macro: 'MOD_DEV',
    handlers: [null, null, null],
    files: ['lkm/dev/nvram/nvram_lkm.c', 'dev/isa/nvram.c'],
    findings: ['old-mod-dev@nvram_lkm.c'],
  },
  tracebuf: {
    dir: 'lkm/dev/tracebuf', kind: 'dev', entry: 'tracebuf_lkmentry', macro: 'MOD_DEV',
    handlers: ['tracebuf_load', 'tracebuf_unload', null],
    files: ['lkm/dev/tracebuf/lkminit_tracebuf.c', 'dev/tracebuf.c'],
    findings: [],
  },
  lm: {
    dir: 'lkm/drv/lm_isa', kind: 'drv', entry: 'lm_isa_lkmentry', macro: 'MOD_DRV',
    handlers: [null, null, null],
    files: ['lkm/drv/lm_isa/lkminit_lm_isa.c', 'dev/isa/lm_isa.c', 'dev/ic/nslm7x.c'],
    findings: ['name-differs-from-kmod@Makefile'],
  },
  exec_linux_elf32: {
    dir: 'lkm/exec/linux_elf32', kind: 'exec', entry: 'exec_linux_elf32_lkmentry', macro: 'MOD_EXEC',
    handlers: [null, null, null],
    files: ['lkm/exec/linux_elf32/lkminit_exec.c', 'compat/linux/common/linux_exec_elf32.c'],
    findings: [],
  },
  layerfs: {
    dir: 'lkm/misc/layerfs', kind: 'misc', entry: 'layerfs_lkmentry', macro: 'MOD_MISC',
    handlers: [null, null, null],
    files: ['lkm/misc/layerfs/lkminit_layerfs.c', 'miscfs/genfs/layer_subr.c', 'miscfs/genfs/layer_vfsops.c', 'miscfs/genfs/layer_vnops.c'],
    findings: [],
  },
  memwatch: {
    dir: 'lkm/misc/memwatch', kind: 'misc', entry: 'memwatch_lkmentry', macro: 'MOD_MISC',
    handlers: ['memwatch_handle', 'memwatch_handle', null],
    files: ['lkm/misc/memwatch/lkminit_memwatch.c', 'kern/kern_memwatch.c'],
    findings: ['entry-via-macro@lkminit_memwatch.c'],
  },
  sysvmsg: {
    dir: 'lkm/misc/sysvmsg', kind: 'misc', entry: 'sysvmsg_lkmentry', macro: 'MOD_MISC',
    handlers: ['sysvmsg_load', 'sysvmsg_unload', null],
    files: ['lkm/misc/sysvmsg/lkminit_sysvmsg.c', 'kern/sysv_msg.c'],
    findings: ['sysent-patched@lkminit_sysvmsg.c', 'sysent-patched@lkminit_sysvmsg.c'],
  },
  procinfo: {
    dir: 'lkm/syscall/procinfo', kind: 'syscall', entry: 'procinfo_lkmentry', macro: 'MOD_SYSCALL',
    handlers: ['procinfo_load', null, null],
    files: ['lkm/syscall/procinfo/lkminit_procinfo.c', 'lkm/syscall/procinfo/procinfo.c'],
    findings: ['syscall-slot-dynamic@lkminit_procinfo.c', 'offset-read@lkminit_procinfo.c'],
  },
  uptime: {
    dir: 'lkm/syscall/uptime', kind: 'syscall', entry: 'xxxinit', macro: 'MOD_SYSCALL',
    handlers: ['uptime_load', 'uptime_unload', null],
    files: ['lkm/syscall/uptime/lkminit_uptime.c', 'lkm/syscall/uptime/sys_uptime.c'],
    findings: [],
  },
  coda: {
    dir: 'lkm/vfs/coda', kind: 'dev', entry: 'coda_lkmentry', macro: 'struct lkm_dev',
    handlers: ['coda_load', 'coda_unload', null],
    files: ['lkm/vfs/coda/lkminit_coda.c', 'fs/coda/coda_psdev.c', 'fs/coda/coda_vfsops.c'],
    findings: ['two-registrations@lkminit_coda.c', 'entry-dispatches-by-hand@lkminit_coda.c'],
  },
  kernfs: {
    dir: 'lkm/vfs/kernfs', kind: 'vfs', entry: 'kernfs_lkmentry', macro: 'MOD_VFS',
    handlers: ['load', 'unload', null],
    files: ['lkm/vfs/kernfs/lkminit_vfs.c', 'miscfs/kernfs/kernfs_vfsops.c', 'miscfs/kernfs/kernfs_vnops.c', 'miscfs/kernfs/kernfs_subr.c'],
    findings: [],
  },
  null: {
    dir: 'lkm/vfs/nullfs', kind: 'vfs', entry: 'nullfs_lkmentry', macro: 'MOD_VFS',
    handlers: [null, null, null],
    files: ['lkm/vfs/nullfs/lkminit_vfs.c', 'miscfs/nullfs/null_vfsops.c', 'miscfs/nullfs/null_vnops.c'],
    findings: ['name-differs-from-kmod@Makefile'],
  },
};

/** What each finding's line must show, so `file:line` leads the user to the construct. */
const SHOWS: Record<string, RegExp> = {
  'offset-read': /lkm_offset|lkm_cdevmaj|lkm_bdevmaj|LKM_(CHAR|BLOCK)_MAJOR/,
  'old-mod-dev': /MOD_DEV\s*\(.*LM_DT_/,
  'name-differs-from-kmod': /^KMOD\s*=/,
  'entry-via-macro': /LKMENTRY\(/,
  'sysent-patched': /sysent\[/,
  'syscall-slot-dynamic': /MOD_SYSCALL\(.*-1/,
  'two-registrations': /struct lkm_/,
  'entry-dispatches-by-hand': /_lkmentry\(/,
};

let result: ScanResult;
before(async () => {
  result = await discover([SAMPLES], { jobs: 1 });
});

const rel = (p: string) => path.relative(SYS, p);

test('every sample LKM is found, once, sorted by directory', () => {
  assert.deepEqual(
    result.modules.map((m) => m.name),
    Object.entries(EXPECTED).sort(([, a], [, b]) => a.dir.localeCompare(b.dir)).map(([n]) => n),
  );
  for (const m of result.modules) assert.ok(path.isAbsolute(m.dir) && m.files.every((f) => path.isAbsolute(f)));
});

for (const [name, exp] of Object.entries(EXPECTED)) {
  test(`sample ${name}: ${exp.kind}, entry ${exp.entry}, handlers, files, findings`, () => {
    const m = result.modules.find((x) => x.name === name);
    assert.ok(m, `${name} not found`);
    assert.equal(rel(m.dir), exp.dir);
    assert.equal(m.kind, exp.kind);
    assert.equal(m.declaration?.macro, exp.macro);
    assert.equal(m.entry?.name, exp.entry);
    assert.deepEqual([m.handlers.load, m.handlers.unload, m.handlers.stat].map((h) => h?.name ?? null), exp.handlers);
    for (const h of [m.handlers.load, m.handlers.unload, m.handlers.stat]) {
      if (!h) continue;
      // The span is the handler's definition.
      const text = fs.readFileSync(h.file, 'utf8').slice(h.start, h.end);
      assert.match(text, new RegExp(`\\b${h.name}\\s*\\([\\s\\S]*\\}$`));
    }
    assert.deepEqual(m.files.map(rel), exp.files);
    assert.deepEqual(m.missingSources, []);
    assert.deepEqual(m.findings.map((f) => `${f.code}@${path.basename(f.file)}`), exp.findings);
    for (const f of m.findings) {
      const line = fs.readFileSync(f.file, 'utf8').split('\n')[f.line - 1] ?? '';
      const want = SHOWS[f.code];
      if (want) assert.match(line, want, `${f.code} at ${rel(f.file)}:${f.line} shows "${line.trim()}"`);
    }
  });
}

test('the tables each sample installs, as written in its declaration', () => {
  const t = (n: string) => result.modules.find((m) => m.name === n)!.tables;
  assert.deepEqual(t('uptime').sysent, { slot: 210, slotText: 'UPTIME_SYSCALL', sysent: '&uptime_sysent', handler: 'sys_uptime' });
  assert.deepEqual(t('procinfo').sysent, { slot: -1, slotText: '-1', sysent: '&procinfo_sysent', handler: 'sys_procinfo' });
  assert.equal(t('kernfs').vfsops, '&kernfs_vfsops');
  assert.deepEqual(t('md').devsw, { devname: 'md', bdevsw: '&md_bdevsw', bmajor: '-1', cdevsw: '&md_cdevsw', cmajor: '-1' });
  assert.deepEqual(t('nvram').devsw, { devname: null, bdevsw: null, bmajor: '-1', cdevsw: '&nvram_cdevsw', cmajor: '-1', oldForm: 'LM_DT_CHAR' });
  assert.deepEqual(t('exec_linux_elf32').execsw, { execsw: '&exec_linux_elf32', emulName: 'linux' });
  assert.equal(t('compat_linux').emul, '&emul_linux');
  assert.deepEqual(t('lm').autoconf, { cfdrivers: 'lm_cfdrivers', cfattachinit: 'lm_cfattachs', cfdata: 'lm_cfdata' });
  assert.deepEqual(Object.keys(t('coda')).sort(), ['devsw', 'vfsops']);
});

test('the shapes: K&R entries, DISPATCH without semicolon, a handler serving load and unload', () => {
  const m = (n: string) => result.modules.find((x) => x.name === n)!;
  assert.equal(m('uptime').entry?.knr, true);
  assert.equal(m('uptime').entry?.dispatch[0]?.noSemicolon, true);
  assert.equal(m('kernfs').entry?.dispatch[0]?.noSemicolon, true);
  assert.equal(m('tracebuf').entry?.dispatch[0]?.noSemicolon, undefined);
  assert.equal(m('memwatch').handlers.load?.switchesOnCmd, true);
  assert.equal(m('memwatch').handlers.load?.callsLkmexists, true);
  assert.equal(m('memwatch').entry?.viaMacro, 'LKMENTRY(memwatch)');
  assert.deepEqual(m('coda').extraDeclarations.map((d) => d.macro), ['struct lkm_vfs']);
});

test('the template-generated glue: a finding names the generated file, and no module is invented', () => {
  assert.deepEqual(
    (result.findings ?? []).map((f) => [f.code, rel(f.file)]),
    [['no-declaration', 'lkm/drv/lm_isa_wb/Makefile']],
  );
  assert.match(result.findings![0]!.message, /lkminit_lm_isa_wb\.c, which the build generates/);
  assert.deepEqual(result.parseErrors, []);
});
