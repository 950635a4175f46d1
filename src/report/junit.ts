/**
 * JUnit XML, the test report CI systems (Jenkins, GitLab, GitHub annotations …) render: one
 * <testsuite> per group, one <testcase> per test with its <failure> or <skipped>, and the
 * facts in <system-out>. Generic on purpose; validate writes a suite per module, a case per
 * check. The XML is written by xmlbuilder2, so escaping is its business.
 */
import { promises as fs } from 'node:fs';
import { create } from 'xmlbuilder2';

export interface JUnitCase {
  name: string;
  classname: string;
  timeMs: number;
  /** Failed: a one-line message and the full text. */
  failure?: { message: string; text: string };
  /** Did not apply, and why. */
  skipped?: string;
  /** Facts shown with the case (passing ones too). */
  output?: string;
}

export interface JUnitSuite {
  name: string;
  timeMs: number;
  cases: JUnitCase[];
  properties?: Record<string, string>;
}

export function junitXml(name: string, suites: JUnitSuite[]): string {
  const count = (pred: (c: JUnitCase) => boolean) => suites.reduce((n, s) => n + s.cases.filter(pred).length, 0);
  const root = create({ version: '1.0', encoding: 'UTF-8' }).ele('testsuites', {
    name,
    tests: String(count(() => true)),
    failures: String(count((c) => !!c.failure)),
    errors: '0',
    skipped: String(count((c) => !!c.skipped)),
    time: seconds(suites.reduce((t, s) => t + s.timeMs, 0)),
  });
  suites.forEach((suite, id) => {
    const s = root.ele('testsuite', {
      name: suite.name,
      id: String(id),
      tests: String(suite.cases.length),
      failures: String(suite.cases.filter((c) => c.failure).length),
      errors: '0',
      skipped: String(suite.cases.filter((c) => c.skipped).length),
      time: seconds(suite.timeMs),
    });
    if (suite.properties && Object.keys(suite.properties).length) {
      const props = s.ele('properties');
      for (const [k, v] of Object.entries(suite.properties)) props.ele('property', { name: k, value: v });
    }
    for (const c of suite.cases) {
      const tc = s.ele('testcase', { name: c.name, classname: c.classname, time: seconds(c.timeMs) });
      if (c.failure) tc.ele('failure', { message: c.failure.message, type: 'failure' }).txt(c.failure.text);
      if (c.skipped) tc.ele('skipped', { message: c.skipped });
      if (c.output) tc.ele('system-out').txt(c.output);
    }
  });
  return root.end({ prettyPrint: true }) + '\n';
}

export async function writeJUnit(file: string, xml: string): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}`;
  await fs.writeFile(tmp, xml);
  await fs.rename(tmp, file);
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(3);
}
