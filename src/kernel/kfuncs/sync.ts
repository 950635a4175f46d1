/** mutex(9), condvar(9), callout(9), tsleep/wakeup, over the kernel's SyncObjects. */
import { int, ZERO, type Value } from '../machine/memory.ts';
import { Panic } from '../panic.ts';
import { arg, fnArg, intArg, needCell } from './args.ts';
import { constant } from '../abi.ts';
import type { KernelFunctionSpec } from './define.ts';

function forever(fn: string): never {
  throw new Panic(`${fn}: would sleep forever (the simulated kernel runs a single LWP)`);
}

const v = (name: string, call: KernelFunctionSpec['call']): KernelFunctionSpec => ({ name, returns: 'value', call });

export const syncFunctions: KernelFunctionSpec[] = [
  v('mutex_init', (k, args) => (k.sync.init('mutex', needCell(args, 0, 'mutex_init'), 'mutex_init'), ZERO)),
  v('mutex_destroy', (k, args) => (k.sync.destroy('mutex', needCell(args, 0, 'mutex_destroy'), 'mutex_destroy'), ZERO)),
  v('mutex_enter', (k, args) => {
    const m = k.sync.get('mutex', needCell(args, 0, 'mutex_enter'), 'mutex_enter');
    if (m.busy) throw new Panic('mutex_enter: locking against myself');
    k.sync.setBusy(m, true);
    return ZERO;
  }),
  v('mutex_exit', (k, args) => {
    const m = k.sync.get('mutex', needCell(args, 0, 'mutex_exit'), 'mutex_exit');
    if (!m.busy) throw new Panic('mutex_exit: releasing a mutex that is not held');
    k.sync.setBusy(m, false);
    return ZERO;
  }),
  v('mutex_tryenter', (k, args) => {
    const m = k.sync.get('mutex', needCell(args, 0, 'mutex_tryenter'), 'mutex_tryenter');
    if (m.busy) return ZERO;
    k.sync.setBusy(m, true);
    return int(1);
  }),
  v('mutex_owned', (k, args) => int(k.sync.get('mutex', needCell(args, 0, 'mutex_owned'), 'mutex_owned').busy ? 1 : 0)),
  v('cv_init', (k, args) => (k.sync.init('condvar', needCell(args, 0, 'cv_init'), 'cv_init'), ZERO)),
  v('cv_destroy', (k, args) => (k.sync.destroy('condvar', needCell(args, 0, 'cv_destroy'), 'cv_destroy'), ZERO)),
  ...['cv_signal', 'cv_broadcast'].map((n) => v(n, (k, args) => (k.sync.get('condvar', needCell(args, 0, n), n), ZERO))),
  v('cv_has_waiters', (k, args) => (k.sync.get('condvar', needCell(args, 0, 'cv_has_waiters'), 'cv_has_waiters'), ZERO)),
  // One LWP: nobody could ever wake a sleeper, so a sleep without a timeout never returns
  // and a timed one always times out.
  ...['cv_wait', 'cv_wait_sig'].map((n) => v(n, () => forever(n))),
  v('cv_timedwait', (_k, args) => (intArg(args, 2) > 0 ? int(constant('EWOULDBLOCK')) : forever('cv_timedwait'))),
  v('callout_init', (k, args) => (k.sync.init('callout', needCell(args, 0, 'callout_init'), 'callout_init'), ZERO)),
  v('callout_destroy', (k, args) => (k.sync.destroy('callout', needCell(args, 0, 'callout_destroy'), 'callout_destroy'), ZERO)),
  v('callout_setfunc', (k, args) => {
    const c = k.sync.get('callout', needCell(args, 0, 'callout_setfunc'), 'callout_setfunc');
    k.sync.setBusy(c, c.busy, fnArg(args, 1), arg(args, 2));
    return ZERO;
  }),
  v('callout_reset', (k, args) => {
    const c = k.sync.get('callout', needCell(args, 0, 'callout_reset'), 'callout_reset');
    k.sync.setBusy(c, true, fnArg(args, 2), arg(args, 3));
    return ZERO;
  }),
  v('callout_schedule', (k, args) => {
    const c = k.sync.get('callout', needCell(args, 0, 'callout_schedule'), 'callout_schedule');
    k.sync.setBusy(c, true);
    return ZERO;
  }),
  v('callout_stop', (k, args) => {
    const c = k.sync.get('callout', needCell(args, 0, 'callout_stop'), 'callout_stop');
    const was = c.busy;
    k.sync.setBusy(c, false);
    return int(was ? 1 : 0);
  }),
  // NetBSD 5: callout_stop that also waits for a handler running on another CPU. With one LWP
  // no handler is ever running while the caller is, so there is nothing to wait for.
  v('callout_halt', (k, args) => {
    const c = k.sync.get('callout', needCell(args, 0, 'callout_halt'), 'callout_halt');
    const was = c.busy;
    k.sync.setBusy(c, false);
    return int(was ? 1 : 0);
  }),
  ...['callout_pending', 'callout_active'].map((n) =>
    v(n, (k, args) => int(k.sync.get('callout', needCell(args, 0, n), n).busy ? 1 : 0)),
  ),
  v('tsleep', (_k, args) => (intArg(args, 3) > 0 ? int(constant('EWOULDBLOCK')) : forever('tsleep'))),
  v('kpause', (_k, args) => (intArg(args, 2) > 0 ? int(constant('EWOULDBLOCK')) : forever('kpause'))),
  ...['wakeup', 'wakeup_one'].map((n) => v(n, (): Value => ZERO)),
];
