/**
 * The syscall placeholders and the kernel's ordinary syscalls. sys_nosys posts SIGSYS and fails
 * with ENOSYS; sys_lkmnosys is the same behaviour under another address (modload's free-slot
 * marker); sys_nomodule may autoload the module that provides the call.
 */
import { deref, int, StructCell, type Value } from '../machine/memory.ts';
import { constant } from '../abi.ts';
import { arg } from './args.ts';
import type { KernelFunctionSpec } from './define.ts';
import type { Kernel } from '../kernel.ts';

function nosys(k: Kernel, args: readonly Value[]): Value {
  const lwp = deref(arg(args, 0));
  k.signal(lwp instanceof StructCell ? lwp : null, 'SIGSYS');
  return int(constant('ENOSYS'));
}

export const syscallFunctions: KernelFunctionSpec[] = [
  { name: 'sys_nosys', returns: 'value', call: nosys },
  { name: 'sys_lkmnosys', returns: 'value', call: nosys },
  { name: 'sys_nomodule', returns: 'value', call: (k, args) => k.syscalls.sysNomodule(args) },
];

/**
 * An ordinary syscall the kernel has built in (sys_read …): its body is outside what a module
 * can observe, so the model returns success and leaves retval alone.
 */
export function neutralSyscall(name: string): KernelFunctionSpec {
  return { name, returns: 'value', call: () => int(0) };
}
