/**
 * All together: every module that passes alone is loaded into one kernel, requisites first,
 * and unloaded in reverse; what only shows there (two modules defining one global symbol) fails
 * the run, as its own line in every output format. Fixtures: test/fixtures/validate/together/.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { validatePaths } from '../src/validate/validate.ts';
import { validationJUnit, validationSarif } from '../src/report/validation-ci.ts';
import { ROOT, runCli } from './helpers.ts';

const FIXTURES = path.join(ROOT, 'test/fixtures/validate/together');

test('modules that work together load requisites first and unload in reverse, leaving the kernel as it booted', async () => {
  const report = await validatePaths([path.join(FIXTURES, 'ok')], { repeat: 3 });
  assert.equal(report.failed, 0);
  const t = report.together;
  assert.ok(t?.ok, t?.details.join('\n'));
  // zbase sorts after app, and is its requisite: it goes first.
  assert.deepEqual(t.modules, ['zbase', 'app']);
  assert.ok(t.details.includes('unloaded in reverse order: app, zbase'), t.details.join('\n'));
  assert.ok(t.details.includes('the kernel after unloading them all is as it booted'));

  const r = runCli(['validate', path.join(FIXTURES, 'ok'), '--repeat', '3']);
  assert.equal(r.status, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^all together {2}✓ 2 module\(s\) loaded into one kernel, requisites first, and unloaded in reverse; the kernel is as it booted/m);
  assert.match(r.stdout, /^2 of 2 module\(s\) passed every check$/m);
});

test('two modules defining the same global symbol pass alone and fail together, in every output format', async () => {
  const report = await validatePaths([path.join(FIXTURES, 'clash')], { repeat: 3 });
  assert.equal(report.failed, 0, 'each one passes on its own');
  const t = report.together!;
  assert.equal(t.ok, false);
  assert.match(t.failures!.join('\n'), /beta does not load with the others \(loaded before it: alpha\): ENOEXEC: beta: global symbol redefined: `shared_hits' \(.*beta\.c:11, already defined by module alpha\)/);
  assert.deepEqual(t.sites?.[0], { file: path.join(FIXTURES, 'clash/beta/beta.c'), line: 11 });

  const junit = validationJUnit(report);
  assert.match(junit, /<testsuite name="all together"[^>]*failures="1"/);
  assert.match(junit, /<failure message="beta does not load with the others/);
  const sarif = validationSarif(report, ROOT, '0') as { runs: { results: { ruleId: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[] }[] };
  const hit = sarif.runs[0]!.results.find((x) => x.ruleId === 'validate-together');
  assert.match(hit!.message.text, /^all together: beta does not load with the others/);
  assert.equal(hit!.locations[0]!.physicalLocation.artifactLocation.uri, 'test/fixtures/validate/together/clash/beta/beta.c');

  const r = runCli(['validate', path.join(FIXTURES, 'clash'), '--repeat', '3', '--json']);
  assert.equal(r.status, 1, 'a failure together fails the run');
  const json = JSON.parse(r.stdout) as { together: { ok: boolean; modules: string[]; failures: string[] } };
  assert.equal(json.together.ok, false);
  assert.deepEqual(json.together.modules, ['alpha']);
  assert.match(json.together.failures[0]!, /test\/fixtures\/validate\/together\/clash\/beta\/beta\.c:11/);
});
