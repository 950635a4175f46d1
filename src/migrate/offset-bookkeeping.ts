/**
 * Deletes what a handler did with its struct lkm_table only to report its slot to modload (see
 * discover/offset-bookkeeping.ts), so a handler that did nothing else with lkmtp loses the
 * parameter like any other. The number itself stays wherever else the code keeps it
 * (`ipl_major = i;`): only the copy into the descriptor goes.
 */
import { listed } from '../source/listing.ts';
import type { SyntaxNode } from '../source/cparse.ts';
import { offsetBookkeeping } from '../discover/offset-bookkeeping.ts';
import type { CSource } from './csource.ts';
import type { ModuleJob } from './job.ts';

export function dropOffsetBookkeeping(job: ModuleJob, src: CSource, handler: string, body: SyntaxNode, lkmtp: string): void {
  const b = offsetBookkeeping(body, lkmtp, {
    gone: (n) => src.edits.covers(n.startIndex, n.endIndex),
    touched: (n) => src.edits.touches(n.startIndex, n.endIndex) || job.isDead(src.path, n.startIndex),
  });
  if (!b) return;
  const nodes = [...b.declarations, ...b.statements].sort((x, y) => x.startIndex - y.startIndex);
  for (const n of nodes) src.removeNode(n, `${job.origin}: lkm_offset bookkeeping of ${handler}`, { trailingComment: true });
  const what: string[] = [];
  // The loader installed a device or system call where lkm_offset said only after the load
  // handler ran: a store there chose the slot. module(9) attaches before the handler runs.
  const placed = b.stores.length > 0 && (job.plan.kind === 'dev' || job.plan.kind === 'syscall');
  const s = b.stores.length > 1 ? 's' : '';
  if (b.stores.length) what.push(`the store${s} of the slot it ${placed ? 'chose' : 'reported to modload'} (${b.stores.join(' ')})`);
  if (b.deadReads.length) what.push(`the read${b.deadReads.length > 1 ? 's' : ''} of it back into a variable nothing reads afterwards (${b.deadReads.join(' ')})`);
  if (b.locals.length) what.push(`the local${b.locals.length > 1 ? 's' : ''} ${b.locals.join(', ')} that pointed at ${lkmtp}->private`);
  job.finding({
    file: src.path,
    line: src.line(nodes[0]!.startIndex),
    severity: placed ? 'warning' : 'note',
    code: 'lkm-offset-dropped',
    message:
      `${handler}() used its LKM descriptor's lkm_offset, which module(9) has no descriptor for: ${listed(what)} went. ` +
      'The number itself stays wherever else the code keeps it.' +
      (placed
        ? ` The LKM loader then installed the ${job.plan.kind === 'dev' ? 'device switch at that major' : 'system call in that slot'}; ` +
          `${job.name}_modcmd attaches before the handler runs, at the number its attach call picks: ` +
          'if the code keeps its own copy of the number, check that it agrees.'
        : ''),
  });
}
