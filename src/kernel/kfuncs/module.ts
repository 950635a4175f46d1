/**
 * The module framework as module code can call it: module_autoload, module_hold, module_rele,
 * and module_load/module_unload for modcmds that manage other modules. They run under the kernel
 * lock the calling modcmd already holds, as kernconfig_lock lets its owner recurse.
 */
import { int, ZERO } from '../machine/memory.ts';
import { constant } from '../abi.ts';
import { KernelError } from '../errno.ts';
import { intArg, strArg } from './args.ts';
import type { KernelFunctionSpec } from './define.ts';
import type { Kernel } from '../kernel.ts';

function errnoOf(k: Kernel, fn: () => void, what: string): number {
  try {
    fn();
    return 0;
  } catch (err) {
    if (!(err instanceof KernelError)) throw err;
    k.printf(`${what}: ${err.message}`);
    return err.errno;
  }
}

export const moduleFunctions: KernelFunctionSpec[] = [
  {
    name: 'module_autoload',
    returns: 'int',
    failures: () => ['ENOENT'],
    call(k, args) {
      k.lock.assertHeld('module_autoload');
      return int(k.modules.autoload(strArg(args, 0) ?? '', intArg(args, 1)));
    },
  },
  {
    name: 'module_load',
    returns: 'int',
    failures: () => ['ENOENT'],
    call(k, args) {
      const name = strArg(args, 0) ?? '';
      const force = (intArg(args, 1) & constant('MODCTL_LOAD_FORCE')) !== 0;
      return int(k.lock.enterSync('module_load', () => errnoOf(k, () => k.modules.load(name, { force, class: intArg(args, 3) }), `module_load(${name})`)));
    },
  },
  {
    name: 'module_unload',
    returns: 'int',
    failures: () => ['EBUSY'],
    call(k, args) {
      const name = strArg(args, 0) ?? '';
      return int(k.lock.enterSync('module_unload', () => errnoOf(k, () => k.modules.unload(name), `module_unload(${name})`)));
    },
  },
  {
    name: 'module_hold',
    returns: 'int',
    failures: () => ['ENOENT'],
    call(k, args) {
      const name = strArg(args, 0) ?? '';
      return int(k.lock.enterSync('module_hold', () => errnoOf(k, () => k.modules.hold(name), `module_hold(${name})`)));
    },
  },
  {
    name: 'module_rele',
    returns: 'value',
    call(k, args) {
      const name = strArg(args, 0) ?? '';
      k.lock.enterSync('module_rele', () => k.modules.rele(name));
      return ZERO;
    },
  },
];
