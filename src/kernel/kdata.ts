/**
 * The kernel's own data: the objects the bundled headers declare `extern` and modules link
 * against (sysent[], emul_netbsd, lwp0, hz, the vnode operation descriptors, the malloc types
 * …), each laid out as the headers define its type and initialised as a booted NetBSD 5.0/amd64
 * kernel would have it.
 */
import {
  ArrayCell,
  allocate,
  type Cell,
  type CType,
  cString,
  field,
  int,
  NULL_PTR,
  pointerTo,
  ScalarCell,
  type StructCell,
  type Value,
} from './machine/memory.ts';
import { constant, newStruct, structType, typedefType } from './abi.ts';
import { kernelTypes } from './cc/kernel-types.ts';
import { headerCatalogue } from './headers.ts';
import { staticSwitchSizes, switchArray } from './subsys/devsw.ts';
import type { Kernel } from './kernel.ts';

const OPTION_MALLOC_TYPES = new Set(['M_MSG', 'M_SEM', 'M_SHM']);

const INT: CType = { kind: 'int', name: 'int', size: 4, unsigned: false };
const LONG: CType = { kind: 'int', name: 'long', size: 8, unsigned: false };
const CHAR: CType = { kind: 'int', name: 'char', size: 1, unsigned: false };

export interface KernelData {
  /** Every data symbol, for ksyms. */
  symbols: Map<string, Cell>;
  /** Data module code may write directly: checkpointed around operations that may crash. */
  watched: Cell[];
  sysent: ArrayCell;
  /** SYS_read → 3, from sys/syscall.h. */
  syscallNumbers: Map<string, number>;
  emulNetbsd: StructCell;
  lwp0: StructCell;
  proc0: StructCell;
  bdevsw0: ArrayCell;
  cdevsw0: ArrayCell;
  /** The vnode operation vector layout: one slot per descriptor, vop_default_desc at 0. */
  vops: { count: number; defaultOffset: number };
  /** A `register_t retval[2]` for a syscall. */
  newRetval(): ArrayCell;
  /** The switch of a built-in device (cons, mem, wd …), created on first use. */
  builtinDevsw(tag: 'bdevsw' | 'cdevsw', name: string, k: Kernel): StructCell;
}

export function bootData(): KernelData {
  const symbols = new Map<string, Cell>();
  const def = <C extends Cell>(name: string, cell: C): C => {
    symbols.set(name, cell);
    return cell;
  };
  const defInt = (name: string, n: number, type: CType = INT): ScalarCell => def(name, new ScalarCell(type, int(n)));
  const defString = (name: string, s: string, size?: number): ArrayCell => def(name, charArray(s, size));

  const cat = headerCatalogue();
  const syscallNumbers = new Map(kernelTypes().constantNames('SYS_').filter((n) => n !== 'SYS_MAXSYSCALL' && n !== 'SYS_NSYSENT').map((n) => [n, constant(n)] as [string, number]));

  // The syscall table and the native emulation around it.
  const nsysent = constant('SYS_NSYSENT');
  const sysentT = structType('sysent');
  const sysent = def('sysent', new ArrayCell({ kind: 'array', of: sysentT, length: nsysent }, Array.from({ length: nsysent }, () => allocate(sysentT))));
  defInt('nsysent', nsysent);
  const emulNetbsd = def('emul_netbsd', newStruct('emul'));
  set(emulNetbsd, 'e_name', pointerTo(cString('netbsd'), 0));
  set(emulNetbsd, 'e_nsysent', int(nsysent));
  set(emulNetbsd, 'e_nosys', int(syscallNumbers.get('SYS_syscall') ?? 0));
  set(emulNetbsd, 'e_sysent', pointerTo(sysent, 0));

  // proc0/lwp0, the only process, on the only CPU.
  const proc0 = def('proc0', newStruct('proc'));
  const lwp0 = def('lwp0', newStruct('lwp'));
  const cpu = def('cpu_info_primary', newStruct('cpu_info'));
  set(proc0, 'p_emul', pointerTo(emulNetbsd));
  set(proc0, 'p_pid', int(0));
  set(lwp0, 'l_proc', pointerTo(proc0));
  set(lwp0, 'l_cpu', pointerTo(cpu));
  set(cpu, 'ci_curlwp', pointerTo(lwp0));
  def('curlwp', new ScalarCell({ kind: 'ptr', to: structType('lwp') }, pointerTo(lwp0)));

  // The pool back-end old file systems name in pool_init() (pool_allocator_nointr).
  def('pool_allocator_nointr', newStruct('pool_allocator'));

  // Clocks, identity, tunables.
  defInt('hz', 100);
  defInt('tick', 10000);
  defInt('tickadj', 40);
  defInt('tickfix', 0);
  defInt('tickfixinterval', 0);
  defInt('stathz', 100);
  defInt('profhz', 100);
  defInt('profsrc', 0);
  defInt('rtc_offset', 0);
  defInt('cold', 0);
  defInt('securelevel', 0);
  defInt('boothowto', 0);
  defInt('physmem', 65536);
  defInt('ncpu', 1);
  defInt('hostid', 0, LONG);
  defInt('time_second', 1_234_567_890, typedefType('time_t'));
  defInt('time_uptime', 3600, typedefType('time_t'));
  defInt('hardclock_ticks', 3600 * 100); // time_uptime at hz
  // proc0 is the only process; nothing has a file open. The limits are GENERIC's (maxusers 64).
  defInt('nprocs', 1);
  defInt('maxproc', 1044);
  defInt('nfiles', 0, typedefType('u_int'));
  defInt('maxfiles', 3404, typedefType('u_int'));
  const boottime = def('boottime', newStruct('timeval'));
  set(boottime, 'tv_sec', int(1_234_564_290));
  const hostname = 'simulated.netbsd.org';
  defString('hostname', hostname, constant('MAXHOSTNAMELEN'));
  defInt('hostnamelen', hostname.length);
  defString('domainname', 'netbsd.org', constant('MAXHOSTNAMELEN'));
  defInt('domainnamelen', 'netbsd.org'.length);
  defString('ostype', 'NetBSD');
  defString('osrelease', '5.0');
  defString('version', 'NetBSD 5.0 (SIMULATED) #0\n');
  defString('copyright', 'Copyright (c) 1996, 1997, 1998, 1999, 2000, 2001, 2002, 2003, 2004, 2005,\n    2006, 2007, 2008, 2009\n    The NetBSD Foundation, Inc.  All rights reserved.\n');
  defString('machine', 'amd64');
  defString('machine_arch', 'x86_64');
  def('panicstr', new ScalarCell({ kind: 'ptr', to: CHAR }, NULL_PTR));
  defInt('exec_maxhdrsz', 0);
  defInt('config_pending', 0);

  // Device switches.
  const bdevsw0 = def('bdevsw0', switchArray('bdevsw'));
  const cdevsw0 = def('cdevsw0', switchArray('cdevsw'));
  def('bdevsw', new ScalarCell({ kind: 'ptr', to: elementType(bdevsw0) }, pointerTo(bdevsw0, 0)));
  def('cdevsw', new ScalarCell({ kind: 'ptr', to: elementType(cdevsw0) }, pointerTo(cdevsw0, 0)));
  const sizes = staticSwitchSizes();
  defInt('sys_bdevsws', sizes.block);
  defInt('sys_cdevsws', sizes.char);
  defInt('max_bdevsws', constant('MAXDEVSW'));
  defInt('max_cdevsws', constant('MAXDEVSW'));
  defInt('nblkdev', constant('MAXDEVSW'));
  defInt('nchrdev', constant('MAXDEVSW'));

  // Vnode operation descriptors: vdesc_offset is the slot in every vector vfs_opv_init builds.
  const vopT = structType('vnodeop_desc');
  const vops = cat.vopDescs.map((name, offset) => {
    const d = def(name, allocate(vopT) as StructCell);
    set(d, 'vdesc_offset', int(offset));
    set(d, 'vdesc_name', pointerTo(cString(name.replace(/_desc$/, '')), 0));
    return d;
  });
  const descPtr: CType = { kind: 'ptr', to: vopT };
  def(
    'vfs_op_descs',
    new ArrayCell(
      { kind: 'array', of: descPtr, length: vops.length + 1 },
      [...vops.map((d) => new ScalarCell(descPtr, pointerTo(d))), new ScalarCell(descPtr, NULL_PTR)],
    ),
  );

  // malloc(9) types: MALLOC_DECLARE(M_DEVBUF) is `extern struct malloc_type M_DEVBUF[1]`. The
  // System V IPC types belong to SYSVMSG/SYSVSEM/SYSVSHM code, which this kernel is built
  // without (they come as modules), so whoever provides that code defines them.
  const mtT = structType('malloc_type');
  for (const name of cat.mallocTypes) {
    if (OPTION_MALLOC_TYPES.has(name)) continue;
    const arr = def(name, new ArrayCell({ kind: 'array', of: mtT, length: 1 }, [allocate(mtT)]));
    const mt = arr.items[0] as StructCell;
    set(mt, 'ks_shortdesc', pointerTo(cString(name.replace(/^M_/, '').toLowerCase()), 0));
    set(mt, 'ks_magic', int(constant('M_MAGIC')));
  }

  const registerT = typedefType('register_t');
  const devsws = new Map<string, StructCell>();
  return {
    symbols,
    watched: [sysent, emulNetbsd, bdevsw0, cdevsw0, lwp0, proc0, cpu, symbols.get('curlwp')!],
    sysent,
    syscallNumbers,
    emulNetbsd,
    lwp0,
    proc0,
    bdevsw0,
    cdevsw0,
    vops: { count: vops.length, defaultOffset: 0 },
    newRetval: () => new ArrayCell({ kind: 'array', of: registerT, length: 2 }, [allocate(registerT), allocate(registerT)]),
    builtinDevsw(tag, name, k) {
      const key = `${tag}:${name}`;
      let sw = devsws.get(key);
      if (!sw) {
        sw = newStruct(tag);
        // The kernel's own drivers: open/close succeed, the rest is a neutral model.
        for (const [member] of sw.fields) {
          if (member === 'd_type') continue;
          const f = k.hasFunction(`${name}${member.slice(1)}`) ? k.kfunc(`${name}${member.slice(1)}`) : k.kfunc('nullop');
          set(sw, member, { k: 'fn', fn: f });
        }
        devsws.set(key, sw);
      }
      return sw;
    },
  };
}

function elementType(a: ArrayCell): CType {
  return (a.type as Extract<CType, { kind: 'array' }>).of;
}

function set(cell: StructCell, member: string, v: Value): void {
  const c = field(cell, member);
  if (!(c instanceof ScalarCell)) throw new Error(`kernel data: ${member} is not a scalar member`);
  c.value = v;
}

function charArray(s: string, size?: number): ArrayCell {
  const n = Math.max(size ?? 0, s.length + 1);
  const items = Array.from({ length: n }, (_, i) => new ScalarCell(CHAR, int(i < s.length ? s.charCodeAt(i) : 0)));
  return new ArrayCell({ kind: 'array', of: CHAR, length: n }, items);
}
