/**
 * A load handler that searched cdevsw[]/bdevsw[] for a slot kern_lkm.c's lkmenodev marked free
 * (see discover/slot-search.ts) gets the major its modcmd's devsw_attach() chose instead: the
 * modcmd attaches before the handler runs, and a module(9) kernel has no lkmenodev slots. The
 * loop becomes `i = <name>_cmajor;`, and the "no free slot" test after it asks whether that
 * major is negative, which devsw_attach() never leaves it when it succeeds: the test keeps its
 * place and its error path, and stops comparing with a table bound module(9) kernels lack.
 * A search that does not fit the module's attach (no such switch attached, two devsw_attach
 * calls) is left alone, and the leftover check marks its lkmenodev.
 */
import type { SyntaxNode } from '../source/cparse.ts';
import { slotSearches, type SwitchTable } from '../discover/slot-search.ts';
import { splitArgs } from './call-macros.ts';
import { isNull } from './rule-helpers.ts';
import type { CSource } from './csource.ts';
import type { ModuleJob } from './job.ts';

export function replaceSlotSearches(job: ModuleJob, src: CSource, handler: string, body: SyntaxNode): void {
  const searches = slotSearches(body);
  if (searches.length === 0) return;
  const majors = attachedMajors(job);
  if (!majors) return;
  for (const s of searches) {
    const major = majors[s.table];
    if (!major) continue;
    const parts = [s.start, s.loop, s.noneFree?.test].filter((n): n is SyntaxNode => !!n);
    if (parts.some((n) => job.isDead(src.path, n.startIndex) || src.edits.touches(n.startIndex, n.endIndex))) continue;
    const origin = `${job.origin}: ${s.table} slot search of ${handler}`;
    const line = src.line(s.loop.startIndex);
    if (s.start) src.removeNode(s.start, origin, { trailingComment: true });
    src.replaceNode(s.loop, `${s.index} = ${major};`, origin);
    if (s.noneFree) src.replaceNode(s.noneFree.test, `${s.index} < 0`, origin);
    const compared = ['lkmenodev', ...s.alternatives].join(' or ');
    job.finding({
      file: src.path,
      line,
      severity: 'warning',
      code: 'slot-search-replaced',
      message:
        `${handler}() searched ${s.table}[0..${s.bound}) for its major, the first entry whose d_open was ${compared}` +
        ` (lkmenodev: kern_lkm.c's mark of a slot conf.c left to LKMs), and kept it in ${s.index}. ` +
        `A module(9) kernel has no such slots, and ${job.name}_modcmd's devsw_attach() picks the major before ${handler}() runs, ` +
        `so the loop is now \`${s.index} = ${major};\`` +
        (s.noneFree
          ? ` and \`${s.noneFree.test.text.replace(/\s+/g, ' ')}\` (no free slot) is \`${s.index} < 0\`, which a successful devsw_attach() never leaves it`
          : '') +
        `. Check that the code uses ${s.index} as the device's major and nothing else.`,
    });
  }
}

/**
 * The major variables of the module's one devsw_attach(devname, bdev, &bmajor, cdev, &cmajor),
 * by the switch each receives the major of (a NULL switch receives none); null when the
 * module has no devsw_attach or more than one.
 */
function attachedMajors(job: ModuleJob): Partial<Record<SwitchTable, string>> | null {
  const calls = job.registrations.flatMap((r) => [...r.attach.matchAll(/\bdevsw_attach\s*\(/g)].map((m) => r.attach.slice(m.index + m[0].length)));
  if (calls.length !== 1) return null;
  const rest = calls[0]!;
  let depth = 1;
  let end = 0;
  while (end < rest.length && depth > 0) {
    if (rest[end] === '(') depth++;
    else if (rest[end] === ')') depth--;
    end++;
  }
  const args = splitArgs(rest.slice(0, end - 1));
  if (depth !== 0 || args.length !== 5) return null;
  const variable = (sw: string, ref: string) => {
    const m = /^&\s*([A-Za-z_]\w*)$/.exec(ref);
    return m && !isNull(sw) ? m[1]! : undefined;
  };
  const out: Partial<Record<SwitchTable, string>> = {};
  const b = variable(args[1]!, args[2]!);
  const c = variable(args[3]!, args[4]!);
  if (b) out.bdevsw = b;
  if (c) out.cdevsw = c;
  return out;
}
