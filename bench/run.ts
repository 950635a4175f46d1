/**
 * `npm run bench`: runs every bench/*.bench.ts in turn; each prints its own figures.
 * `npm run bench -- scan` runs only the benches whose file name contains "scan".
 */
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const benches = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();
let failed = 0;
for (const b of benches) {
  process.stdout.write(`\n== ${b.replace('.bench.ts', '')} ==\n`);
  // Each bench in its own process so peak-memory figures are its own.
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(here, b)], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
