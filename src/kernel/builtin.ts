/**
 * The modules built into the kernel image: the modinfo records in the kernel's own
 * link_set_modules, initialised at boot by class (module_init_class) and never unloadable.
 * A small GENERIC-like set: ffs (the root file system), coredump, and exec_elf64, which
 * requires coredump as exec_elf32 does in NetBSD 5.0.
 */
import {
  type Callable,
  type Value,
  asNumber,
  cString,
  field,
  int,
  NULL_PTR,
  pointerTo,
  ScalarCell,
  type StructCell,
} from './machine/memory.ts';
import { constant, newStruct } from './abi.ts';
import { type ModInfo, readModinfo } from './modinfo.ts';
import type { Kernel } from './kernel.ts';

interface BuiltinSpec {
  name: string;
  class: string;
  required: string | null;
  /** modcmd(cmd): an errno. */
  modcmd(k: Kernel, cmd: number, self: BuiltinSpec): number;
}

const SPECS: BuiltinSpec[] = [
  {
    name: 'ffs',
    class: 'MODULE_CLASS_VFS',
    required: null,
    modcmd(k, cmd) {
      const vfsops = k.builtinObject('ffs_vfsops', () => {
        const ops = newStruct('vfsops');
        set(ops, 'vfs_name', pointerTo(cString('ffs'), 0));
        return ops;
      });
      if (cmd === constant('MODULE_CMD_INIT')) return call(k, 'vfs_attach', [pointerTo(vfsops)]);
      if (cmd === constant('MODULE_CMD_FINI')) return call(k, 'vfs_detach', [pointerTo(vfsops)]);
      return constant('ENOTTY');
    },
  },
  {
    name: 'coredump',
    class: 'MODULE_CLASS_MISC',
    required: null,
    modcmd(_k, cmd) {
      // Sets the coredump hook the exec formats call; nothing in the tables.
      if (cmd === constant('MODULE_CMD_INIT') || cmd === constant('MODULE_CMD_FINI')) return 0;
      return constant('ENOTTY');
    },
  },
  {
    name: 'exec_elf64',
    class: 'MODULE_CLASS_MISC',
    required: 'coredump',
    modcmd(k, cmd) {
      const esw = k.builtinObject('exec_elf64_execsw', () => {
        const e = newStruct('execsw');
        set(e, 'es_hdrsz', int(64));
        set(e, 'es_makecmds', { k: 'fn', fn: k.kfunc('exec_elf64_makecmds') });
        set(field(e, 'u') as StructCell, 'elf_probe_func', { k: 'fn', fn: k.kfunc('netbsd_elf64_probe') });
        set(e, 'es_emul', pointerTo(k.data.emulNetbsd));
        set(e, 'es_prio', int(constant('EXECSW_PRIO_ANY')));
        set(e, 'es_copyargs', { k: 'fn', fn: k.kfunc('elf64_copyargs') });
        set(e, 'es_coredump', { k: 'fn', fn: k.kfunc('coredump_elf64') });
        return e;
      });
      if (cmd === constant('MODULE_CMD_INIT')) return call(k, 'exec_add', [pointerTo(esw), int(1)]);
      if (cmd === constant('MODULE_CMD_FINI')) return call(k, 'exec_remove', [pointerTo(esw), int(1)]);
      return constant('ENOTTY');
    },
  },
];

export class Builtins {
  private readonly infos: ModInfo[];

  constructor(k: Kernel, omit: ReadonlySet<string> = new Set()) {
    this.infos = SPECS.filter((spec) => !omit.has(spec.name)).map((spec) => {
      const fn: Callable = {
        name: `${spec.name}_modcmd`,
        provider: KERNEL_PROVIDER,
        invoke: (args: Value[]) => int(spec.modcmd(k, asNumber(args[0] ?? int(0)), spec)),
      };
      const mi = newStruct('modinfo');
      set(mi, 'mi_version', int(k.version));
      set(mi, 'mi_class', int(constant(spec.class)));
      set(mi, 'mi_modcmd', { k: 'fn', fn });
      set(mi, 'mi_name', pointerTo(cString(spec.name), 0));
      set(mi, 'mi_required', spec.required ? pointerTo(cString(spec.required), 0) : NULL_PTR);
      return readModinfo(mi);
    });
  }

  /** The kernel's link set, in link order. */
  modinfos(): readonly ModInfo[] {
    return this.infos;
  }
}

const KERNEL_PROVIDER = 'kernel';

function call(k: Kernel, fn: string, args: Value[]): number {
  return asNumber(k.kfunc(fn).invoke(args));
}

function set(cell: StructCell, member: string, v: Value): void {
  (field(cell, member) as ScalarCell).value = v;
}
