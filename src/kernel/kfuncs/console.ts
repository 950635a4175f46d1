/**
 * Console output and panic: printf(9), log(9), aprint_*(9), uprintf, snprintf, panic. Messages
 * go to the kernel's console lines, where the CLI and validation read them.
 */
import { type Value, int } from '../machine/memory.ts';
import { Panic } from '../panic.ts';
import { arg, intArg, strArg } from './args.ts';
import type { KernelFunctionSpec } from './define.ts';
import { kprintf } from './format.ts';
import type { Kernel } from '../kernel.ts';
import { charBuffer } from './buffers.ts';

function format(args: readonly Value[], fmtAt: number): string {
  return kprintf(strArg(args, fmtAt) ?? '(null)', args.slice(fmtAt + 1));
}

/** Print, attributing a line to the module that printed it only in the call log, as dmesg would. */
function out(k: Kernel, text: string): Value {
  k.printf(text);
  return int(0);
}

export const consoleFunctions: KernelFunctionSpec[] = [
  ...['printf', 'printf_nolog', 'aprint_normal', 'aprint_error', 'aprint_naive', 'aprint_verbose', 'aprint_debug', 'addlog'].map(
    (name): KernelFunctionSpec => ({ name, returns: 'value', call: (k, args) => out(k, format(args, 0)) }),
  ),
  { name: 'uprintf', returns: 'value', call: (k, args) => out(k, format(args, 0)) },
  { name: 'log', returns: 'value', call: (k, args) => out(k, format(args, 1)) },
  {
    name: 'tablefull',
    returns: 'value',
    call: (k, args) => out(k, `${strArg(args, 0)}: table is full${strArg(args, 1) ? `; ${strArg(args, 1)}` : ''}`),
  },
  {
    name: 'panic',
    returns: 'value',
    call(_k, args) {
      throw new Panic(format(args, 0));
    },
  },
  {
    name: 'snprintf',
    returns: 'value',
    call(_k, args) {
      const s = format(args, 2);
      charBuffer(arg(args, 0), 'snprintf').write(s, intArg(args, 1));
      return int(s.length);
    },
  },
  {
    name: 'sprintf',
    returns: 'value',
    call(_k, args) {
      const s = format(args, 1);
      const buf = charBuffer(arg(args, 0), 'sprintf');
      if (buf.size <= s.length) throw new Panic(`sprintf: ${s.length + 1} bytes into a ${buf.size}-byte buffer`);
      buf.write(s, s.length + 1);
      return int(s.length);
    },
  },
];
