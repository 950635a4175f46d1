/**
 * Headers as a NetBSD kernel build sets them up for a module of a real tree: the tree's own
 * headers, machine/ and the CPU family config(8)'s `machine` line names, the Makefile's
 * CPPFLAGS, and the headers config(8) writes synthesised and named. The trees here are small
 * ones written by the test, in the shapes of NetBSD 1.4 (mac68k on m68k, i386 alone) and 4.x
 * (i386 on x86); the shared 1.4T tree is checked at the end when it is there.
 */
import { writeTree } from './helpers.ts';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { compileModule, CompileError } from '../src/kernel/cc/compile.ts';
import { compileModuleDir, readModuleDir } from '../src/kernel/moddir.ts';
import { ccArguments } from '../src/validate/checks/compile.ts';
import { compileCheck, findCompiler } from '../src/validate/checks/compile.ts';
import { parseMachine } from '../src/source/make-env.ts';
import { realTree } from './real-tree.ts';

function tree(files: Record<string, string>): string {
  return path.join(writeTree(files, 'lkm2mod-inc-'), 'sys');
}

/** A 1.4-shaped tree: sys/types.h reaches machine/ansi.h, which mac68k takes from m68k/. */
const OLD_TREE = {
  'sys/kern/kern_lkm.c': '',
  'sys/sys/types.h': '#ifndef _SYS_TYPES_H_\n#define _SYS_TYPES_H_\n#include <machine/ansi.h>\ntypedef unsigned int u_int;\n#endif\n',
  'sys/arch/mac68k/conf/std.mac68k': '# std.mac68k\nmachine\tmac68k m68k\n',
  'sys/arch/mac68k/include/ansi.h': '#include <m68k/ansi.h>\n',
  'sys/arch/m68k/include/ansi.h': '#define _BSD_SIZE_T_ unsigned int\ntypedef int m68k_word_t;\n',
  'sys/arch/i386/conf/std.i386': 'machine i386\n',
  'sys/arch/i386/include/ansi.h': 'typedef int i386_word_t;\n',
  'sys/conf/files': [
    'defopt\topt_sysv.h\tSYSVMSG SYSVSEM',
    'file\tnet/bpf.c\t\tbpfilter\t\tneeds-count',
    'file\tdev/ic/com.c\t\tcom | pcom needs-flag',
    'include "dev/files.dev"',
    '',
  ].join('\n'),
  'sys/dev/files.dev': 'file\tdev/rnd.c\trnd\tneeds-count\n',
  'sys/lkm/misc/probe/Makefile': 'S=\t${.CURDIR}/../../..\nKMOD=\tprobe\nSRCS=\tprobe.c\nCPPFLAGS+=\t-I${.CURDIR}/inc -DPROBE_LEVEL=3 -DWANT_EXTRA\n.include <bsd.kmod.mk>\n',
  'sys/lkm/misc/probe/inc/probe.h': '#define PROBE_FROM_INC 5\n',
  'sys/lkm/misc/probe/probe.c': [
    '#include <sys/types.h>',
    '#include "opt_ddb.h"',
    '#include "opt_sysv.h"',
    '#include "fs_nfs.h"',
    '#include "locators.h"',
    '#include "ioconf.h"',
    '#include "bpfilter.h"',
    '#include "pcom.h"',
    '#include "rnd.h"',
    '#include <probe.h>',
    'int level(void) { return PROBE_LEVEL * 100 + NBPFILTER * 10 + NPCOM + NRND; }',
    '#ifdef WANT_EXTRA',
    'int extra(void) { return PROBE_FROM_INC; }',
    '#endif',
    '#ifdef mac68k',
    'm68k_word_t word(void) { return sizeof(long) + (__BIG_ENDIAN__ ? 100 : 0); }',
    '#endif',
    '#ifdef i386',
    'i386_word_t word(void) { return sizeof(long); }',
    '#endif',
    '',
  ].join('\n'),
};

function run(obj: ReturnType<typeof compileModule>, name: string): number {
  const img = obj.instantiate();
  img.relocateLocal();
  img.relocateExternal(() => undefined);
  const f = img.lookup(name);
  assert.ok(f && 'fn' in f, `${name} is defined`);
  const v = f.fn.invoke([]);
  assert.equal(v.k, 'int');
  return (v as { n: number }).n;
}

test('machine/ is the port\'s include folder and its CPU family resolves as config(8)\'s machine line says', () => {
  const S = tree(OLD_TREE);
  const md = readModuleDir(path.join(S, 'lkm/misc/probe'))!;
  const mac = compileModuleDir(md, { mode: 'lkm', arch: 'mac68k' }) as ReturnType<typeof compileModule>;
  // mac68k compiles as m68k (ILP32, big-endian) and defines its own name.
  assert.equal(run(mac, 'word'), 104);
  const i386 = compileModuleDir(md, { mode: 'lkm', arch: 'i386' }) as ReturnType<typeof compileModule>;
  assert.equal(run(i386, 'word'), 4);
});

test('config(8) headers are synthesised (options empty, counts 1) and named; CPPFLAGS -I and -D apply', () => {
  const S = tree(OLD_TREE);
  const md = readModuleDir(path.join(S, 'lkm/misc/probe'))!;
  const obj = compileModuleDir(md, { mode: 'lkm', arch: 'i386' }) as ReturnType<typeof compileModule>;
  assert.equal(run(obj, 'level'), 312);
  assert.equal(run(obj, 'extra'), 5);
  const why = Object.fromEntries(obj.configHeaders.map((g) => [g.name, g.why]));
  assert.deepEqual(Object.keys(why).sort(), ['bpfilter.h', 'fs_nfs.h', 'ioconf.h', 'locators.h', 'opt_ddb.h', 'opt_sysv.h', 'pcom.h', 'rnd.h']);
  assert.equal(why['bpfilter.h'], 'device count: #define NBPFILTER 1');
  assert.equal(why['opt_ddb.h'], 'option header: empty, every option off');
  assert.equal(why['locators.h'], 'autoconfiguration header: empty');
});

test('a header no build writes is still missing, naming where it was looked for', () => {
  const S = tree({ ...OLD_TREE, 'sys/lkm/misc/probe/probe.c': '#include "nodev.h"\n#include <machine/nosuch.h>\n' });
  const md = readModuleDir(path.join(S, 'lkm/misc/probe'))!;
  assert.throws(
    () => compileModuleDir(md, { mode: 'lkm', arch: 'i386' }),
    (e: unknown) => e instanceof CompileError && /cannot find include file "nodev.h" \(searched .*arch\/i386\/include \(as machine\/\).*headers config\(8\) generates\)/.test(e.message),
  );
});

test('a 4.x-shaped tree: i386 and amd64 take <x86/...> from arch/x86/include', () => {
  const S = tree({
    'sys/kern/kern_module.c': '',
    'sys/sys/types.h': '#include <machine/types.h>\n',
    'sys/arch/i386/conf/std.i386': 'machine\ti386 x86\n',
    'sys/arch/i386/include/types.h': '#include <x86/cpu_types.h>\n',
    'sys/arch/x86/include/cpu_types.h': 'typedef unsigned long x86_reg_t;\n',
    'sys/modules/probe/probe.c': '#include <sys/types.h>\nint f(void) { x86_reg_t r = 7; return (int)r + (int)sizeof r; }\n',
  });
  const obj = compileModule([path.join(S, 'modules/probe/probe.c')], { arch: 'i386' });
  assert.equal(run(obj, 'f'), 11);
});

test('--cc gives the machine\'s compiler the same set-up: links, synthesised headers, -m32, NetBSD not the host', { skip: findCompiler() ? false : 'no C compiler on this machine' }, async () => {
  const S = tree(OLD_TREE);
  const md = readModuleDir(path.join(S, 'lkm/misc/probe'))!;
  const spec = { name: 'probe', kind: 'misc', input: 'lkm' as const, dir: md.dir, moduleDir: md, related: [], notes: [] };
  const args = ccArguments(spec, { linkDir: '/links', machine: 'i386', m32: true });
  assert.ok(args.includes('-m32') && args.includes('-Di386') && args.includes('-Ulinux') && args.includes('-D__NetBSD__'));
  assert.ok(args.indexOf(`-I${S}`) < args.indexOf('-I/links'), args.join(' '));
  assert.ok(args.includes(`-I${path.join(md.dir, 'inc')}`) && args.includes('-DPROBE_LEVEL=3'));
  const r = await compileCheck(spec, true, (t) => t, 'i386');
  assert.ok(r.ok, r.details.join('\n'));
  const note = r.details.find((d) => d.startsWith('headers config(8) writes'));
  assert.match(note ?? '', /bpfilter\.h, fs_nfs\.h, ioconf\.h, locators\.h, opt_ddb\.h, opt_sysv\.h, pcom\.h, rnd\.h/);
  const m32 = spawnSync(findCompiler()!, ['-m32', '-E', '-x', 'c', '/dev/null']).status === 0;
  if (!m32) assert.ok(r.details.some((d) => /does not accept -m32/.test(d)));
});

const real = realTree();

test('the LKMs of the shared 1.4T tree compile against its headers, or fail for a reason that is the module\'s', { skip: 'skip' in real ? real.skip : false, timeout: 600_000 }, () => {
  if ('skip' in real) return;
  const machine = parseMachine('i386');
  assert.ok(!('error' in machine));
  const dirs: string[] = [];
  (function walk(d: string) {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name === 'Makefile' && /^KMOD\s*=/m.test(fs.readFileSync(p, 'utf8'))) dirs.push(d);
    }
  })(real.lkm);
  assert.equal(dirs.length, 23);
  // Reasons that are the module's, not the tool's: sources its Makefile names that the tree
  // does not have (stale Makefiles, machine-dependent files of other ports), another port.
  const moduleReasons: Record<string, RegExp> = {
    'compat/linux': /^missing: linux_audio\.c/,
    'compat/svr4': /^missing: svr4_error\.c/,
    'compat/sunos': /^missing: sunos_machdep\.c/,
    'arch/mac68k/iwm': /is mac68k code: compile it with --machine mac68k/,
  };
  const outcome: Record<string, string> = {};
  for (const dir of dirs) {
    const rel = path.relative(real.lkm, dir);
    const md = readModuleDir(dir, { machine })!;
    try {
      if (md.missing.some((f) => f.endsWith('.c'))) throw new Error(`missing: ${md.missing.join(' ')}`);
      compileModuleDir(md, { mode: 'lkm', arch: 'i386' });
      outcome[rel] = 'ok';
    } catch (e) {
      outcome[rel] = (e as Error).message;
    }
  }
  for (const [rel, result] of Object.entries(outcome)) {
    if (moduleReasons[rel]) assert.match(result, moduleReasons[rel]!, rel);
    else assert.equal(result, 'ok', rel);
  }
});

test('an option every kernel of the machine has (std.<machine>) is on in its option header', () => {
  const S = tree({
    ...OLD_TREE,
    'sys/arch/i386/conf/std.i386': 'machine i386\noptions \tEXEC_AOUT\t# a.out\noptions\tEXEC_SCRIPT, NKPTP=4\n',
    'sys/conf/files': `${OLD_TREE['sys/conf/files']}defopt\topt_execfmt.h\tEXEC_AOUT EXEC_ELF32 EXEC_SCRIPT\ndefparam\tNKPTP\n`,
    'sys/lkm/misc/probe/probe.c': [
      '#include "opt_execfmt.h"',
      '#include "opt_nkptp.h"',
      '#include "opt_sysv.h"',
      '#ifdef EXEC_AOUT',
      'int aout(void) { return EXEC_SCRIPT + NKPTP; }',
      '#endif',
      '#if defined(EXEC_ELF32) || defined(SYSVMSG)',
      'int elf(void) { return 1; }',
      '#endif',
      '',
    ].join('\n'),
  });
  const md = readModuleDir(path.join(S, 'lkm/misc/probe'))!;
  const obj = compileModuleDir(md, { mode: 'lkm', arch: 'i386' }) as ReturnType<typeof compileModule>;
  assert.equal(run(obj, 'aout'), 5);
  const img = obj.instantiate();
  assert.ok(img.lookup('aout'));
  assert.equal(img.lookup('elf'), undefined, 'EXEC_ELF32 is not in std.i386, SYSVMSG nowhere');
  const why = Object.fromEntries(obj.configHeaders.map((g) => [g.name, g.why]));
  assert.equal(why['opt_execfmt.h'], 'option header: EXEC_AOUT, EXEC_SCRIPT as every i386 kernel has them (std.i386), every other option off');
  assert.equal(why['opt_sysv.h'], 'option header: empty, every option off');
});
