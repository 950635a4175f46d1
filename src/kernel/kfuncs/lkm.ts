/**
 * The kern_lkm.c functions an LKM calls: lkm_nofunc, lkmexists, lkmdispatch; and lkmenodev,
 * the d_open of the device-switch slots a NetBSD 1.x conf.c leaves for loadable drivers.
 */
import { int, ZERO } from '../machine/memory.ts';
import { errno } from '../errno.ts';
import { intArg, needStruct } from './args.ts';
import type { KernelFunctionSpec } from './define.ts';

export const lkmFunctions: KernelFunctionSpec[] = [
  { name: 'lkm_nofunc', returns: 'value', call: () => ZERO },
  { name: 'lkmenodev', returns: 'value', call: () => int(errno('ENODEV')) },
  {
    name: 'lkmexists',
    returns: 'value',
    call: (k, args) => int(k.lkm.exists(needStruct(args, 0, 'lkm_table', 'lkmexists')) ? 1 : 0),
  },
  {
    name: 'lkmdispatch',
    returns: 'int',
    failures: (args) => (intArg(args, 1) === 1 ? ['EEXIST'] : []),
    call: (k, args) => int(k.lkm.dispatch(needStruct(args, 0, 'lkm_table', 'lkmdispatch'), intArg(args, 1))),
  },
];
