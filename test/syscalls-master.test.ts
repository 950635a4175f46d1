import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { definesConstant, entriesFor, entriesOf, hasHandler, parseSyscallsMaster, syscallsMasterPath } from '../src/source/syscalls-master.ts';
import { SAMPLES } from './helpers.ts';

const HEADER = `	$NetBSD: syscalls.master,v 1.1 $
; comment
#include <sys/param.h>
#if defined(_KERNEL_OPT)
#include "opt_sysv.h"
#endif
%%
`;

test('entries: number, type, function and SYS_ name; the header before %% is not read as entries', () => {
  const m = parseSyscallsMaster(`${HEADER}3\tSTD\t\t{ ssize_t sys_read(int fd, void *buf, size_t nbyte); }\n17\tSTD\t\t{ int sys_obreak(char *nsize); } break\n`);
  assert.deepEqual(m.problems, []);
  assert.deepEqual(
    m.entries.map((e) => [e.number, e.type, e.function, e.name, e.line]),
    [
      [3, 'STD', 'sys_read', 'read', 8],
      [17, 'STD', 'sys_obreak', 'break', 9],
    ],
  );
});

test('continuation lines join into one prototype; the next entry is read after them', () => {
  const m = parseSyscallsMaster(`${HEADER}226\tSTD\t\t{ int sys_msgsnd(int msqid, const void *msgp, \\\n\t\t\t    size_t msgsz, int msgflg); }\n227\tSTD\t{ int sys_msgrcv(void); }\n`);
  assert.equal(m.entries.length, 2);
  assert.equal(m.entries[0]!.prototype, 'int sys_msgsnd(int msqid, const void *msgp, size_t msgsz, int msgflg);');
  assert.equal(m.entries[1]!.line, 10);
});

test('#if/#else branches: one entry per branch, each with the condition it sits under', () => {
  const m = parseSyscallsMaster(`${HEADER}#if defined(SYSVMSG) || !defined(_KERNEL)\n225\tSTD\t\t{ int sys_msgget(key_t key, int msgflg); }\n#else\n225\tEXCL\t\tmsgget\n#endif\n226\tSTD\t{ int sys_x(void); }\n`);
  const [withProto, excl] = entriesFor(m, 225);
  assert.equal(withProto!.function, 'sys_msgget');
  assert.deepEqual(withProto!.conditions, ['#if defined(SYSVMSG) || !defined(_KERNEL)']);
  assert.equal(excl!.type, 'EXCL');
  assert.equal(excl!.name, 'msgget');
  assert.equal(excl!.function, null);
  assert.deepEqual(excl!.conditions, ['#else of #if defined(SYSVMSG) || !defined(_KERNEL)']);
  assert.deepEqual(entriesFor(m, 226)[0]!.conditions, [], '#endif closes the condition');
  assert.ok(definesConstant(withProto!) && !definesConstant(excl!));
  assert.ok(hasHandler(withProto!) && !hasHandler(excl!));
});

test('compat types prefix the function and the name; versioned prototypes name sys___x50', () => {
  const m = parseSyscallsMaster(
    `${HEADER}8\tCOMPAT_43\t{ int sys_creat(const char *path, mode_t mode); } ocreat\n` +
      `224\tCOMPAT_14 MODULAR compat_14\t{ int|sys||msgctl(int msqid, int cmd, struct msqid_ds14 *buf); }\n` +
      `444\tSTD MODULAR sysv_ipc\t{ int|sys|50|msgctl(int msqid, int cmd, struct msqid_ds *buf); }\n`,
  );
  const [creat, msgctl14, msgctl50] = m.entries;
  assert.deepEqual([creat!.type, creat!.compat, creat!.function, creat!.name], ['COMPAT', '43', 'compat_43_sys_creat', 'compat_43_ocreat']);
  assert.deepEqual([msgctl14!.function, msgctl14!.name, msgctl14!.modular], ['compat_14_sys_msgctl', 'compat_14_msgctl', 'compat_14']);
  assert.deepEqual([msgctl50!.function, msgctl50!.name, msgctl50!.modular], ['sys___msgctl50', '__msgctl50', 'sysv_ipc']);
  assert.deepEqual(entriesOf(m, 'sys___msgctl50').map((e) => e.number), [444]);
});

test('flags after the type are kept; the type span covers them (where a MODULAR edit goes)', () => {
  const text = `${HEADER}20\tSTD MPSAFE\t{ pid_t sys_getpid(void); }\n36\tNOARGS RUMP\t{ void sys_sync(void); }\n`;
  const m = parseSyscallsMaster(text);
  assert.deepEqual(m.entries[0]!.flags, ['MPSAFE']);
  assert.equal(text.slice(m.entries[0]!.typeStart, m.entries[0]!.typeEnd), 'STD MPSAFE');
  assert.equal(text.slice(m.entries[1]!.typeStart, m.entries[1]!.typeEnd), 'NOARGS RUMP');
});

test('entries without a prototype keep their comment word as the name', () => {
  const m = parseSyscallsMaster(`${HEADER}11\tOBSOL\t\texecv\n91\tUNIMPL\t\tgetdopt\n`);
  assert.deepEqual(m.entries.map((e) => [e.type, e.name, e.function]), [['OBSOL', 'execv', null], ['UNIMPL', 'getdopt', null]]);
});

test('lines it cannot read are reported with their line, and reading goes on', () => {
  const m = parseSyscallsMaster(`${HEADER}12\tBOGUS\t{ int sys_x(void); }\nnot an entry\n13\tSTD MODULAR\t{ int sys_y(void); }\n14\tSTD\t{ int sys_z(void); }\n`);
  assert.deepEqual(m.problems.map((p) => p.line), [8, 9, 10]);
  assert.match(m.problems[0]!.message, /unknown type BOGUS/);
  assert.match(m.problems[2]!.message, /MODULAR without a module name/);
  assert.deepEqual(m.entries.map((e) => e.number), [14]);
});

test('the bundled sample parses whole: SysV message calls under their option, the LKM reserve', () => {
  const m = parseSyscallsMaster(readFileSync(path.join(SAMPLES, 'sys/kern/syscalls.master'), 'utf8'));
  assert.deepEqual(m.problems, []);
  assert.deepEqual(entriesFor(m, 302).map((e) => [e.type, e.function]), [['STD', 'sys___msgctl13'], ['EXCL', null]]);
  assert.equal(entriesFor(m, 211)[0]!.function, 'sys_lkmnosys');
  assert.equal(entriesFor(m, 0)[0]!.prototype, 'int sys_syscall(int code, ... register_t args[SYS_MAXSYSARGS]);');
});

test('a tree keeps it at sys/kern/syscalls.master, found from any folder below', () => {
  const here = path.join(SAMPLES, 'sys/lkm/misc/sysvmsg');
  const exists = (p: string) => p === path.join(SAMPLES, 'sys/kern/syscalls.master');
  assert.equal(syscallsMasterPath(here, exists), path.join(SAMPLES, 'sys/kern/syscalls.master'));
  assert.equal(syscallsMasterPath('/elsewhere/module', exists), null);
});
