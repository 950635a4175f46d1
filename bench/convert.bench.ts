/**
 * convert on a whole kernel tree: the synthetic tree of the scan bench (~20,000 kernel-like C
 * files with LKMs scattered through it), discovered once, then converted in memory — rules,
 * symbol index over the whole tree for `required`, layout and Makefiles, the patch rendered.
 * Prints modules/s, the time of each stage and peak memory.
 */
import { performance } from 'node:perf_hooks';
import { benchTree } from './scan-tree.ts';
import { discover } from '../src/discover/discover.ts';
import { convertPlans } from '../src/migrate/convert.ts';
import { renderPatch } from '../src/source/patch.ts';

const tree = benchTree();
const t0 = performance.now();
const scan = await discover([tree.root]);
const t1 = performance.now();
const set = await convertPlans(scan, { root: tree.root });
const t2 = performance.now();
const patch = renderPatch(set.changes, tree.root);
const t3 = performance.now();

const converted = set.modules.filter((m) => m.changes.length).length;
const mb = (n: number) => (n / 1024 / 1024).toFixed(0);
console.log(`tree: ${tree.files} files, ${mb(tree.bytes)} MB, ${scan.modules.length} LKMs${tree.generated ? ' (generated now)' : ''}`);
console.log(`discover: ${((t1 - t0) / 1000).toFixed(2)} s`);
console.log(`convert:  ${((t2 - t1) / 1000).toFixed(2)} s for ${converted} modules (${(converted / ((t2 - t1) / 1000)).toFixed(1)} modules/s), ${set.changes.length} files changed`);
console.log(`patch:    ${((t3 - t2) / 1000).toFixed(2)} s, ${mb(Buffer.byteLength(patch))} MB`);
console.log(`findings: ${set.findings.length}; peak RSS ${mb(process.resourceUsage().maxRSS * 1024)} MB`);
