/**
 * The rules lkm2mod ships: one per LKM kind, in rules/<kind>.ts, and the tree rules that run
 * after them (rules/syscall-indirection.ts, rules/netbsd4-to-5.ts).
 */
import type { Rule } from '../discover/rule-api.ts';
import syscall from '../../rules/syscall.ts';
import vfs from '../../rules/vfs.ts';
import dev from '../../rules/dev.ts';
import exec from '../../rules/exec.ts';
import compat from '../../rules/compat.ts';
import misc from '../../rules/misc.ts';
import drv from '../../rules/drv.ts';
import strmod from '../../rules/strmod.ts';
import syscallIndirection from '../../rules/syscall-indirection.ts';
import netbsd4to5 from '../../rules/netbsd4-to-5.ts';

export const builtinRules: readonly Rule[] = [syscall, vfs, dev, exec, compat, misc, drv, strmod, syscallIndirection, netbsd4to5];
