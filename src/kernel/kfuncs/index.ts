/**
 * Every kernel function a module can link against. The ones that matter to the module
 * framework are modelled in TypeScript; every other function the bundled headers declare is
 * present with a neutral model (0, NULL or nothing) that still records the call, and is counted
 * as unmodelled: a module may call them, and a function no header declares is an unresolved
 * symbol — unless the tree being validated defines it (Kernel.treeFunction).
 */
import { headerCatalogue } from '../headers.ts';
import { int, NULL_PTR, ZERO } from '../machine/memory.ts';
import type { KernelFunctionSpec } from './define.ts';
import { consoleFunctions } from './console.ts';
import { libkern } from './libkern.ts';
import { memoryFunctions } from './memory.ts';
import { syncFunctions } from './sync.ts';
import { sysctlFunctions } from './sysctl.ts';
import { subsystemFunctions } from './subsys.ts';
import { syscallFunctions, neutralSyscall } from './syscalls.ts';
import { lkmFunctions } from './lkm.ts';
import { moduleFunctions } from './module.ts';
import { compatFunctions } from './compat.ts';
import { vnodeFunctions } from './vnode.ts';
import { constant } from '../abi.ts';
import { kernelTypes } from '../cc/kernel-types.ts';

export { neutralSyscall };

/** Neutral functions whose result is not 0 in NetBSD: the error they always return. */
const FIXED_ERRNO: Record<string, string> = {
  enodev: 'ENODEV',
  enosys: 'ENOSYS',
  enoioctl: 'EPASSTHROUGH',
  enxio: 'ENXIO',
  eopnotsupp: 'EOPNOTSUPP',
  nodev: 'ENODEV',
  genfs_badop: 'EINVAL',
  genfs_einval: 'EINVAL',
  genfs_eopnotsupp: 'EOPNOTSUPP',
  genfs_ebadf: 'EBADF',
  genfs_enoioctl: 'EPASSTHROUGH',
};

let specs: KernelFunctionSpec[] | undefined;

export function kernelFunctionSpecs(): KernelFunctionSpec[] {
  if (specs) return specs;
  const modelled = [
    ...consoleFunctions,
    ...libkern,
    ...memoryFunctions,
    ...syncFunctions,
    ...sysctlFunctions,
    ...subsystemFunctions,
    ...syscallFunctions,
    ...lkmFunctions,
    ...moduleFunctions,
    ...compatFunctions,
    ...vnodeFunctions,
  ];
  const names = new Set(modelled.map((s) => s.name));
  const neutral: KernelFunctionSpec[] = [];
  for (const p of headerCatalogue().prototypes.values()) {
    if (names.has(p.name)) continue;
    const fixed = FIXED_ERRNO[p.name];
    // The prototype's type when the compiler knows it; the header text's reading otherwise.
    const ret = kernelTypes().functionType(p.name)?.ret;
    const pointer = ret ? ret.kind === 'ptr' : p.returns === 'ptr';
    let value = pointer ? NULL_PTR : ZERO;
    if (fixed) {
      try {
        value = int(constant(fixed));
      } catch {
        // a header without that errno: the neutral 0 stands
      }
    }
    neutral.push({ name: p.name, returns: 'value', call: () => value, unmodelled: `declared in <${p.header}>` });
  }
  return (specs = [...modelled, ...neutral]);
}
