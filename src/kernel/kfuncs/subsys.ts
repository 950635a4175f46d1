/**
 * The subsystem calls modules make to enter and leave the kernel's tables: vfs, syscalls,
 * devsw, exec, emulations, autoconf. Each reads its C arguments and hands them to the model in
 * src/kernel/subsys/, which implements NetBSD's semantics and errors.
 */
import {
  type Value,
  asNumber,
  deref,
  elementsFrom,
  int,
  NULL_PTR,
  pointerTo,
  readCString,
  readField,
  StructCell,
  ZERO,
} from '../machine/memory.ts';
import { Panic } from '../panic.ts';
import { arg, asStruct, intArg, needStruct, strArg, structArg } from './args.ts';
import { failsWith, type KernelFunctionSpec } from './define.ts';

/** `count` execsw entries starting at a pointer. */
function execsws(p: Value, count: number, fn: string): StructCell[] {
  const cells = elementsFrom(p);
  if (count > cells.length) throw new Panic(`${fn}: ${count} entries past the end of the execsw array`);
  return cells.slice(0, count).map((c) => {
    const e = asStruct(c, 'execsw');
    if (!e) throw new Panic(`${fn}: not an array of struct execsw`);
    return e;
  });
}

/** The emulation argument of syscall_establish: NULL means emul_netbsd. */
function emulArg(args: readonly Value[], i: number): StructCell | null {
  return structArg(args, i, 'emul');
}

export const subsystemFunctions: KernelFunctionSpec[] = [
  // ---- file systems (vfs_init.c) ----
  {
    name: 'vfs_attach',
    returns: 'int',
    failures: failsWith('EEXIST'),
    call: (k, args) => int(k.vfs.attach(needStruct(args, 0, 'vfsops', 'vfs_attach'))),
  },
  {
    name: 'vfs_detach',
    returns: 'int',
    failures: failsWith('EBUSY'),
    call: (k, args) => int(k.vfs.detach(needStruct(args, 0, 'vfsops', 'vfs_detach'))),
  },
  {
    name: 'vfs_getopsbyname',
    returns: 'value',
    call(k, args) {
      const vfs = k.vfs.getopsbyname(strArg(args, 0) ?? '');
      return vfs ? pointerTo(vfs) : NULL_PTR;
    },
  },
  {
    name: 'vfs_delref',
    returns: 'value',
    call: (k, args) => (k.vfs.delref(needStruct(args, 0, 'vfsops', 'vfs_delref')), ZERO),
  },
  { name: 'vfs_opv_init', returns: 'value', call: (k, args) => (k.vfs.opvInit(arg(args, 0)), ZERO) },
  { name: 'vfs_opv_free', returns: 'value', call: (k, args) => (k.vfs.opvFree(arg(args, 0)), ZERO) },
  {
    name: 'vfs_opv_init_explicit',
    returns: 'value',
    call: (k, args) => (k.vfs.opvInitExplicit(needStruct(args, 0, 'vnodeopv_desc', 'vfs_opv_init_explicit')), ZERO),
  },
  {
    name: 'vfs_opv_init_default',
    returns: 'value',
    call: (k, args) => (k.vfs.opvInitDefault(needStruct(args, 0, 'vnodeopv_desc', 'vfs_opv_init_default')), ZERO),
  },

  // ---- system calls (kern_syscall.c) ----
  {
    name: 'syscall_establish',
    returns: 'int',
    failures: failsWith('EBUSY'),
    call: (k, args) => int(k.syscalls.establish(emulArg(args, 0), arg(args, 1))),
  },
  {
    name: 'syscall_disestablish',
    returns: 'int',
    failures: failsWith('EBUSY'),
    call: (k, args) => int(k.syscalls.disestablish(emulArg(args, 0), arg(args, 1))),
  },

  // ---- device switches (subr_devsw.c) ----
  {
    name: 'devsw_attach',
    returns: 'int',
    failures: failsWith('EEXIST', 'ENOMEM'),
    call: (k, args) =>
      int(
        k.devsw.attach(
          strArg(args, 0),
          structArg(args, 1, 'bdevsw'),
          deref(arg(args, 2)),
          structArg(args, 3, 'cdevsw'),
          deref(arg(args, 4)),
        ),
      ),
  },
  {
    // void in 2002–2008 and again since 2022, int (always 0) in between: 0 suits both callers.
    name: 'devsw_detach',
    returns: 'value',
    call: (k, args) => (k.devsw.detach(structArg(args, 0, 'bdevsw'), structArg(args, 1, 'cdevsw')), ZERO),
  },
  {
    name: 'bdevsw_lookup_major',
    returns: 'value',
    call: (k, args) => int(k.devsw.majorOf('block', structArg(args, 0, 'bdevsw'))),
  },
  {
    name: 'cdevsw_lookup_major',
    returns: 'value',
    call: (k, args) => int(k.devsw.majorOf('char', structArg(args, 0, 'cdevsw'))),
  },

  // ---- exec formats (kern_exec.c) ----
  {
    // exec_add(esw, count) in the module era, exec_add(esw, emulname) in the LKM era: the
    // second argument tells which one the caller was compiled against.
    name: 'exec_add',
    returns: 'int',
    failures: (args) => (arg(args, 1).k === 'ptr' ? ['ENOENT', 'EEXIST'] : ['EEXIST']),
    call(k, args) {
      const second = arg(args, 1);
      if (second.k === 'ptr') return int(k.exec.addByName(needStruct(args, 0, 'execsw', 'exec_add'), readCString(second)));
      return int(k.exec.add(execsws(arg(args, 0), asNumber(second), 'exec_add')));
    },
  },
  {
    name: 'exec_remove',
    returns: 'int',
    failures: failsWith('EBUSY'),
    call(k, args) {
      if (args.length < 2) return int(k.exec.removeOne(needStruct(args, 0, 'execsw', 'exec_remove')));
      return int(k.exec.remove(execsws(arg(args, 0), intArg(args, 1), 'exec_remove')));
    },
  },

  // ---- emulations (kern_exec.c, LKM era) ----
  {
    name: 'emul_register',
    returns: 'int',
    failures: failsWith('EEXIST'),
    call: (k, args) => int(k.emuls.register(needStruct(args, 0, 'emul', 'emul_register'), intArg(args, 1) !== 0)),
  },
  {
    name: 'emul_unregister',
    returns: 'int',
    failures: failsWith('EBUSY'),
    call: (k, args) => int(k.emuls.unregister(strArg(args, 0) ?? '')),
  },
  {
    name: 'emul_search',
    returns: 'value',
    call(k, args) {
      const em = k.emuls.search(strArg(args, 0) ?? '');
      return em ? pointerTo(em) : NULL_PTR;
    },
  },

  // ---- autoconfiguration (subr_autoconf.c) ----
  {
    name: 'config_cfdriver_attach',
    returns: 'int',
    failures: failsWith('EEXIST'),
    call: (k, args) => int(k.autoconf.cfdriverAttach(needStruct(args, 0, 'cfdriver', 'config_cfdriver_attach'))),
  },
  {
    name: 'config_cfdriver_detach',
    returns: 'int',
    failures: failsWith('EBUSY'),
    call: (k, args) => int(k.autoconf.cfdriverDetach(needStruct(args, 0, 'cfdriver', 'config_cfdriver_detach'))),
  },
  {
    name: 'config_cfattach_attach',
    returns: 'int',
    failures: failsWith('ESRCH', 'EEXIST'),
    call: (k, args) => int(k.autoconf.cfattachAttach(strArg(args, 0) ?? '', needStruct(args, 1, 'cfattach', 'config_cfattach_attach'))),
  },
  {
    name: 'config_cfattach_detach',
    returns: 'int',
    failures: failsWith('EBUSY'),
    call: (k, args) => int(k.autoconf.cfattachDetach(strArg(args, 0) ?? '', needStruct(args, 1, 'cfattach', 'config_cfattach_detach'))),
  },
  {
    name: 'config_cfdata_attach',
    returns: 'int',
    call: (k, args) => int(k.autoconf.cfdataAttach(arg(args, 0), intArg(args, 1) !== 0)),
  },
  {
    name: 'config_cfdata_detach',
    returns: 'int',
    failures: failsWith('EBUSY'),
    call: (k, args) => int(k.autoconf.cfdataDetach(arg(args, 0))),
  },
  {
    name: 'config_init_component',
    returns: 'int',
    failures: failsWith('EEXIST'),
    call: (k, args) => int(k.autoconf.initComponent(arg(args, 0), arg(args, 1), arg(args, 2))),
  },
  {
    name: 'config_fini_component',
    returns: 'int',
    failures: failsWith('EBUSY'),
    call: (k, args) => int(k.autoconf.finiComponent(arg(args, 0), arg(args, 1), arg(args, 2))),
  },
  {
    name: 'config_attach_pseudo',
    returns: 'value',
    call(k, args) {
      const dev = k.autoconf.attachPseudo(needStruct(args, 0, 'cfdata', 'config_attach_pseudo'));
      return dev ? pointerTo(dev.cell) : NULL_PTR;
    },
  },
  {
    name: 'config_detach',
    returns: 'int',
    failures: failsWith('EBUSY'),
    call(k, args) {
      const dev = k.autoconf.deviceOf(deref(arg(args, 0)));
      if (!dev) throw new Panic('config_detach: not a configured device');
      return int(k.autoconf.detach(dev, intArg(args, 1)));
    },
  },
  {
    name: 'config_cfdriver_lookup',
    returns: 'value',
    call(k, args) {
      const d = k.autoconf.driver(strArg(args, 0) ?? '');
      return d ? pointerTo(d.cd) : NULL_PTR;
    },
  },
  { name: 'device_private', returns: 'value', call: (_k, args) => readField(needStruct(args, 0, 'device', 'device_private'), 'dv_private') },
  { name: 'device_xname', returns: 'value', call: (_k, args) => readField(needStruct(args, 0, 'device', 'device_xname'), 'dv_xname') },
  { name: 'device_unit', returns: 'value', call: (_k, args) => readField(needStruct(args, 0, 'device', 'device_unit'), 'dv_unit') },
  { name: 'device_parent', returns: 'value', call: (_k, args) => readField(needStruct(args, 0, 'device', 'device_parent'), 'dv_parent') },
  {
    name: 'device_is_a',
    returns: 'value',
    call(k, args) {
      const dev = k.autoconf.deviceOf(deref(arg(args, 0)));
      return int(dev && dev.driver.name === strArg(args, 1) ? 1 : 0);
    },
  },
  {
    name: 'device_lookup',
    returns: 'value',
    call(k, args) {
      const cd = needStruct(args, 0, 'cfdriver', 'device_lookup');
      const unit = intArg(args, 1);
      const dev = k.autoconf.devices.find((d) => d.driver.cd === cd && d.unit === unit);
      return dev ? pointerTo(dev.cell) : NULL_PTR;
    },
  },
];

