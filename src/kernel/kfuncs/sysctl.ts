/** sysctl_createv, sysctl_teardown, sysctl_destroyv over the kernel's SysctlTree. */
import { asNumber, deref, int, pointerTo, ScalarCell, StructCell, type Value, ZERO } from '../machine/memory.ts';
import { constant } from '../abi.ts';
import { Panic } from '../panic.ts';
import { arg, fnArg, intArg, strArg } from './args.ts';
import type { KernelFunctionSpec } from './define.ts';

/** The MIB path of a createv/destroyv call: the variadic ints up to CTL_EOL. */
function mibPath(args: readonly Value[], from: number, fn: string): number[] {
  const eol = constant('CTL_EOL');
  const path: number[] = [];
  for (let i = from; i < args.length; i++) {
    const n = asNumber(args[i]!);
    if (n === eol) return path;
    path.push(n);
  }
  throw new Panic(`${fn}: MIB path not terminated by CTL_EOL`);
}

export const sysctlFunctions: KernelFunctionSpec[] = [
  {
    name: 'sysctl_createv',
    returns: 'int',
    failures: () => ['ENOMEM', 'EEXIST'],
    call(k, args) {
      // (log, cflags, rnode, cnode, flags, type, name, desc, func, qv, newp, newlen, mib..., CTL_EOL)
      const logCell = deref(arg(args, 0));
      const rnodePtr = deref(arg(args, 2));
      const rnode = rnodePtr instanceof ScalarCell ? k.sysctl.nodeOf(deref(rnodePtr.value)) : null;
      const name = strArg(args, 6);
      if (name === null) throw new Panic('sysctl_createv: NULL name');
      const { error, node } = k.sysctl.createv(logCell instanceof ScalarCell ? logCell : null, {
        root: rnode,
        path: mibPath(args, 12, 'sysctl_createv'),
        name,
        type: intArg(args, 5),
        flags: intArg(args, 4),
        func: fnArg(args, 8),
        desc: strArg(args, 7),
      });
      const cnode = deref(arg(args, 3));
      if (!error && node && cnode instanceof ScalarCell) cnode.value = pointerTo(node.cell);
      return int(error);
    },
  },
  {
    name: 'sysctl_teardown',
    returns: 'value',
    call(k, args) {
      const logCell = deref(arg(args, 0));
      if (logCell instanceof ScalarCell) k.sysctl.teardown(logCell);
      return ZERO;
    },
  },
  {
    name: 'sysctl_destroyv',
    returns: 'int',
    failures: () => ['ENOENT', 'ENOTEMPTY'],
    call(k, args) {
      const start = deref(arg(args, 0));
      let node = start instanceof StructCell ? k.sysctl.nodeOf(start) : k.sysctl.root;
      if (!node) return int(constant('ENOENT'));
      for (const num of mibPath(args, 1, 'sysctl_destroyv')) {
        node = node.children.find((c) => c.num === num) ?? null;
        if (!node) return int(constant('ENOENT'));
      }
      return int(k.sysctl.destroyNode(node));
    },
  },
];
