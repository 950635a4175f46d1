/**
 * The system call table: emul_netbsd's sysent[], its placeholders, syscall_establish and
 * syscall_disestablish (kern_syscall.c), sys_nomodule with its autoload table (kern_stub.c),
 * and the sy_call() indirection through which a caller reaches whatever a slot holds.
 *
 * Three placeholders, told apart by identity as NetBSD does:
 *  - sys_nosys: nothing here; SIGSYS and ENOSYS.
 *  - sys_nomodule: a call whose implementation lives in a module, absent until it establishes
 *    the call; the first caller autoloads the module when the autoload table names one.
 *  - sys_lkmnosys: a slot an LKM may take (210–219), what modload(8)'s slot -1 searches for.
 */
import {
  type ArrayCell,
  type Callable,
  type Cell,
  type Value,
  asNumber,
  deref,
  elementsFrom,
  field,
  int,
  NULL_PTR,
  pointerTo,
  readField,
  ScalarCell,
  StructCell,
} from '../machine/memory.ts';
import { maybeConstant } from '../abi.ts';
import { errno } from '../errno.ts';
import { asStruct } from '../kfuncs/args.ts';
import { Panic } from '../panic.ts';
import type { Kernel } from '../kernel.ts';

/**
 * Which syscalls live in modules (sys_nomodule at boot) and which module provides each: the
 * autoload table of kern_stub.c 1.21 (2009). Keyed by the SYS_ name, so a number always comes
 * from the headers; names the headers do not define are skipped.
 */
const OPTIONAL_SYSCALLS: Record<string, string> = {
  SYS_aio_cancel: 'aio', SYS_aio_error: 'aio', SYS_aio_fsync: 'aio', SYS_aio_read: 'aio',
  SYS_aio_return: 'aio', SYS_aio_suspend: 'aio', SYS___aio_suspend50: 'aio', SYS_aio_write: 'aio',
  SYS_lio_listio: 'aio',
  SYS_mq_open: 'mqueue', SYS_mq_close: 'mqueue', SYS_mq_unlink: 'mqueue', SYS_mq_getattr: 'mqueue',
  SYS_mq_setattr: 'mqueue', SYS_mq_notify: 'mqueue', SYS_mq_send: 'mqueue', SYS_mq_receive: 'mqueue',
  SYS_mq_timedsend: 'mqueue', SYS_mq_timedreceive: 'mqueue',
  SYS__ksem_init: 'ksem', SYS__ksem_open: 'ksem', SYS__ksem_unlink: 'ksem', SYS__ksem_close: 'ksem',
  SYS__ksem_post: 'ksem', SYS__ksem_wait: 'ksem', SYS__ksem_trywait: 'ksem', SYS__ksem_getvalue: 'ksem',
  SYS__ksem_destroy: 'ksem',
  SYS_nfssvc: 'nfsserver',
};

/**
 * System V IPC became a module (sysv_ipc) in 2015: in the module-era kernel its calls are
 * optional too. The LKM-era kernel is built without SYSVMSG/SYSVSEM/SYSVSHM, so they are
 * sys_nosys there, free for an LKM to patch in.
 */
const SYSV_IPC_SYSCALLS = [
  'SYS_msgget', 'SYS_msgsnd', 'SYS_msgrcv', 'SYS___msgctl13', 'SYS___msgctl50', 'SYS_msgctl',
  'SYS_semget', 'SYS_semop', 'SYS_semconfig', 'SYS_____semctl13', 'SYS_____semctl50', 'SYS___semctl',
  'SYS_shmat', 'SYS_shmdt', 'SYS_shmget', 'SYS___shmctl13', 'SYS___shmctl50', 'SYS_shmctl',
];

/** The slots modload(8) may allocate: syscalls.master's lkmnosys entries. */
export const LKM_SLOTS = { first: 210, last: 219 } as const;

/** Which NetBSD the table models: see KernelOptions.era. */
export type SyscallEra = 'lkm' | 'module';

export interface SysentView {
  slot: number;
  call: Callable | null;
  narg: number;
  argsize: number;
  flags: number;
}

export class SyscallTable {
  readonly sysent: ArrayCell;
  /** Slot → module that sys_nomodule autoloads for it. */
  readonly autoload = new Map<number, string>();
  /** Slot → name (`read` for SYS_read), from the headers. */
  readonly names = new Map<number, string>();
  readonly nosys: Callable;
  readonly nomodule: Callable;
  readonly lkmnosys: Callable;
  /** Named calls this kernel is built without. */
  private readonly absent = new Set<number>();

  constructor(
    private readonly k: Kernel,
    sysent: ArrayCell,
    numbers: Map<string, number>,
    era: SyscallEra,
  ) {
    this.sysent = sysent;
    this.nosys = k.kfunc('sys_nosys');
    this.nomodule = k.kfunc('sys_nomodule');
    this.lkmnosys = k.kfunc('sys_lkmnosys');
    for (const [name, code] of numbers) if (code < this.size) this.names.set(code, name.replace(/^SYS_/, ''));
    const optional = Object.entries(OPTIONAL_SYSCALLS);
    if (era === 'module') optional.push(...SYSV_IPC_SYSCALLS.map((n): [string, string] => [n, 'sysv_ipc']));
    for (const [name, module] of optional) {
      const code = numbers.get(name) ?? maybeConstant(name);
      if (code !== undefined && code < this.size) this.autoload.set(code, module);
    }
    if (era === 'lkm') for (const name of SYSV_IPC_SYSCALLS) this.absent.add(numbers.get(name) ?? -1);
    this.boot(era);
  }

  get size(): number {
    return this.sysent.items.length;
  }

  /** init_sysent.c: every named call gets its handler, the rest a placeholder. */
  private boot(era: SyscallEra): void {
    for (let i = 0; i < this.size; i++) {
      let call: Callable;
      if (this.autoload.has(i)) call = this.nomodule;
      else if (i >= LKM_SLOTS.first && i <= LKM_SLOTS.last) call = era === 'lkm' ? this.lkmnosys : this.nomodule;
      else if (this.names.has(i) && !this.absent.has(i)) call = this.k.syscallStub(this.names.get(i)!);
      else call = this.nosys;
      set(this.entry(i), 'sy_call', { k: 'fn', fn: call });
    }
  }

  entry(slot: number): StructCell {
    const e = this.sysent.items[slot];
    if (!(e instanceof StructCell)) throw new Panic(`sysent[${slot}] out of range`);
    return e;
  }

  handler(slot: number): Callable | null {
    const v = readField(this.entry(slot), 'sy_call');
    return v.k === 'fn' ? v.fn : null;
  }

  view(slot: number): SysentView {
    const e = this.entry(slot);
    return {
      slot,
      call: this.handler(slot),
      narg: asNumber(readField(e, 'sy_narg')),
      argsize: asNumber(readField(e, 'sy_argsize')),
      flags: asNumber(readField(e, 'sy_flags')),
    };
  }

  /** The sysent array of an emulation; NULL means the native one. */
  tableOf(em: StructCell | null): ArrayCell {
    if (!em) return this.sysent;
    const p = readField(em, 'e_sysent');
    if (p.k !== 'ptr' || !p.target) throw new Panic('syscall_establish: emulation has no e_sysent');
    return p.target as ArrayCell;
  }

  /**
   * syscall_establish: all or nothing. Every slot named must hold sys_nomodule, else EBUSY and
   * nothing changes; then each slot's sy_call becomes the package's handler.
   */
  establish(em: StructCell | null, pkg: Value): number {
    this.k.lock.assertHeld('syscall_establish');
    const table = this.tableOf(em);
    const entries = packageEntries(pkg);
    for (const { code } of entries) {
      const e = slotOf(table, code);
      if (!e || !this.isCall(e, this.nomodule)) return errno('EBUSY');
    }
    for (const { code, call } of entries) this.setCall(slotOf(table, code)!, call);
    return 0;
  }

  /**
   * syscall_disestablish: put sys_nomodule back; if an LWP is inside one of the calls, put the
   * handlers back again and answer EBUSY.
   */
  disestablish(em: StructCell | null, pkg: Value): number {
    this.k.lock.assertHeld('syscall_disestablish');
    const table = this.tableOf(em);
    const entries = packageEntries(pkg);
    for (const { code, call } of entries) {
      const e = slotOf(table, code);
      if (!e || !this.isCall(e, call)) {
        throw new Panic(`syscall_disestablish: slot ${code} does not hold ${call.name} (KASSERT)`);
      }
    }
    for (const { code } of entries) this.setCall(slotOf(table, code)!, this.nomodule);
    const slots = new Set(entries.map((x) => slotOf(table, x.code)!));
    if (this.k.lwps.some((l) => slots.has(l.inSyscall()!))) {
      for (const { code, call } of entries) this.setCall(slotOf(table, code)!, call);
      return errno('EBUSY');
    }
    return 0;
  }

  /**
   * sys_nomodule (kern_stub.c): called through a slot whose module is absent. Autoload it when
   * the table names one and restart the call if the module entered it; otherwise sys_nosys.
   */
  sysNomodule(args: readonly Value[]): Value {
    const lwp = deref(args[0] ?? NULL_PTR);
    const sy = lwp instanceof StructCell ? readField(lwp, 'l_sysent') : NULL_PTR;
    const slot = sy.k === 'ptr' && sy.target === this.sysent ? sy.index : -1;
    const ERESTART = errno('ERESTART');
    const restart = this.k.lock.enterSync('sys_nomodule', () => {
      if (slot < 0) return false;
      if (!this.isCall(this.entry(slot), this.nomodule)) return true;
      const module = this.autoload.get(slot);
      if (module === undefined) return false;
      const err = this.k.modules.autoload(module, maybeConstant('MODULE_CLASS_ANY') ?? 0);
      return err === 0 && !this.isCall(this.entry(slot), this.nomodule);
    });
    if (restart) return int(ERESTART);
    return this.nosys.invoke([...args]);
  }

  /**
   * A syscall as a process makes it: the entry runs through sy_call() (the lwp records the
   * slot while the handler runs), and ERESTART re-dispatches it, as the syscall return path
   * does, so an autoloaded module's handler is reached transparently.
   */
  call(lwp: StructCell, code: number, uap: Value, rval: Value): number {
    for (let attempt = 0; attempt < 8; attempt++) {
      const handler = this.handler(code);
      if (!handler) throw new Panic(`sysent[${code}].sy_call is NULL`);
      const sysentField = field(lwp, 'l_sysent') as ScalarCell;
      const saved = sysentField.value;
      sysentField.value = pointerTo(this.sysent, code);
      let r: number;
      try {
        r = asNumber(handler.invoke([pointerTo(lwp), uap, rval]));
      } finally {
        sysentField.value = saved;
      }
      if (r !== errno('ERESTART')) return r;
    }
    throw new Panic(`syscall ${code} restarted 8 times: the slot changes under its callers`);
  }

  private isCall(entry: StructCell, fn: Callable): boolean {
    const v = readField(entry, 'sy_call');
    return v.k === 'fn' && v.fn === fn;
  }

  private setCall(entry: StructCell, fn: Callable): void {
    const cell = field(entry, 'sy_call') as ScalarCell;
    const old = cell.value;
    cell.value = { k: 'fn', fn };
    this.k.journal.record(() => (cell.value = old));
  }
}

function set(entry: StructCell, member: string, v: Value): void {
  (field(entry, member) as ScalarCell).value = v;
}

function slotOf(table: ArrayCell, code: number): StructCell | null {
  const c: Cell | undefined = table.items[code];
  return c instanceof StructCell ? c : null;
}

/** The entries of a `const struct syscall_package *` array up to the one with sp_call NULL. */
export function packageEntries(pkg: Value): { code: number; call: Callable }[] {
  const out: { code: number; call: Callable }[] = [];
  for (const c of elementsFrom(pkg)) {
    const sp = asStruct(c, 'syscall_package');
    if (!sp) break;
    const call = readField(sp, 'sp_call');
    if (call.k !== 'fn') break;
    out.push({ code: asNumber(readField(sp, 'sp_code')), call: call.fn });
  }
  if (out.length === 0 && elementsFrom(pkg).length === 0) throw new Panic('syscall_establish: NULL package');
  return out;
}
