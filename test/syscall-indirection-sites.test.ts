import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findIndirectCalls } from '../src/validate/syscall-indirection.ts';

test('validate finds each call through sysent with the function it is in, ANSI and K&R alike', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-sites-'));
  try {
    const file = path.join(dir, 'svr4_ipc.c');
    writeFileSync(
      file,
      [
        'int',
        'svr4_sys_semget(l, v, retval)',
        '\tstruct lwp *l;',
        '\tvoid *v;',
        '\tregister_t *retval;',
        '{',
        '\treturn sy_call(&sysent[SYS_semget], l, v, retval);',
        '}',
        '',
        'static int',
        'svr4_semconfig(struct lwp *l, int flag, register_t *retval)',
        '{',
        '\tstruct sys_semconfig_args ap;',
        '',
        '\tSCARG(&ap, flag) = flag;',
        '\treturn (sy_call(&sysent[223], l, &ap, retval));',
        '}',
        '',
        '/* Not through the table: the handler called directly. */',
        'int f(struct lwp *l, void *v, register_t *r) { return (*sysent[SYS_semop].sy_call)(l, v, r); }',
        '',
      ].join('\n'),
    );
    assert.deepEqual(
      findIndirectCalls(file).map((c) => [c.caller, c.slot, c.params, c.line]),
      [
        ['svr4_sys_semget', 'SYS_semget', ['struct lwp *l;', 'void *v;', 'register_t *retval;'], 7],
        ['svr4_semconfig', '223', ['struct lwp *l', 'int flag', 'register_t *retval'], 16],
      ],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
