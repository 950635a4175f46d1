/**
 * The README's table of scan's finding codes is what a user looks a code up in: it must list
 * every code scan can report, as the registry describes it, and nothing scan no longer reports.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './helpers.ts';
import { FINDING_CODES } from '../src/discover/findings.ts';

function scanSection(): string {
  const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## lkm2mod scan\n');
  const end = readme.indexOf('\n## ', start + 1);
  assert.ok(start >= 0 && end > start, 'the README has a scan section');
  return readme.slice(start, end);
}

const rows = (section: string) => [...section.matchAll(/^\| `([a-z0-9*-]+)` \| (\w+) \| (.*) \|$/gm)].map((m) => [m[1]!, m[2]!, m[3]!]);

test('README scan section: the finding-code table is the registry, code for code', () => {
  const listed = rows(scanSection()).filter(([code]) => code !== 'makefile-*');
  const registry = Object.entries(FINDING_CODES).map(([code, { severity, summary }]) => [code, severity, summary.replace(/\|/g, '\\|')]);
  assert.deepEqual(listed, registry);
});

test('README scan section: the makefile-* row names every code the Makefile reader reports', () => {
  const row = rows(scanSection()).find(([code]) => code === 'makefile-*');
  assert.ok(row, 'a makefile-* row');
  const listed = [...row[2].matchAll(/`-([a-z-]+)`/g)].map((m) => m[1]!).sort();
  // The Makefile reader is src/source/make*.ts (makefile.ts, make-reader.ts, make-lines.ts …).
  const dir = path.join(ROOT, 'src/source');
  const source = readdirSync(dir).filter((f) => /^make.*\.ts$/.test(f)).map((f) => readFileSync(path.join(dir, f), 'utf8')).join('\n');
  const emitted = [...new Set([...source.matchAll(/'makefile-([a-z-]+)'/g)].map((m) => m[1]!))].sort();
  assert.deepEqual(listed, emitted);
});
