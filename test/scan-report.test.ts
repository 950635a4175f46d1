/**
 * The report helpers other commands reuse: relative paths, the aligned table, the progress
 * line; and the JSON document's shape for findings outside modules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { relativeTo, location } from '../src/source/relative.ts';
import { renderTable } from '../src/report/table.ts';
import { Progress } from '../src/report/progress.ts';
import { scanJson, renderScanText } from '../src/report/scan-report.ts';
import type { ScanResult } from '../src/discover/plan.ts';

test('relativeTo: paths under, above and equal to the directory; relative input is left alone', () => {
  const rel = relativeTo('/src/sys');
  assert.equal(rel('/src/sys/lkm/vfs/kernfs/Makefile'), 'lkm/vfs/kernfs/Makefile');
  assert.equal(rel('/src/share/mk/bsd.kmod.mk'), '../share/mk/bsd.kmod.mk');
  assert.equal(rel('/src/sys'), '.');
  assert.equal(rel('already/relative.c'), 'already/relative.c');
  assert.equal(location(rel, '/src/sys/kern/x.c', 12), 'kern/x.c:12');
  assert.equal(location(rel, '/src/sys/kern/x.c', 0), 'kern/x.c', 'line 0 is the whole file');
});

test('renderTable: columns padded to the widest cell, numbers right-aligned, no trailing blanks', () => {
  const out = renderTable(
    [{ header: 'NAME' }, { header: 'N', align: 'right' }, { header: 'WHERE' }],
    [
      ['kernfs', '4', 'sys/lkm/vfs/kernfs'],
      ['exec_linux_elf32', '12', 'x'],
    ],
  );
  assert.equal(
    out,
    'NAME               N  WHERE\n' +
      'kernfs             4  sys/lkm/vfs/kernfs\n' +
      'exec_linux_elf32  12  x\n',
  );
  const styled = renderTable([{ header: 'A', style: (c) => `<${c}>` }, { header: 'B' }], [['x', 'y']], { headerStyle: (h) => `[${h}]` });
  assert.equal(styled, '[A  B]\n<x>  y\n', 'styles wrap padded cells, so escape codes do not shift columns');
  assert.equal(renderTable([{ header: 'Ö' }, { header: 'B' }], [['Jörg', 'y']]), 'Ö     B\nJörg  y\n');
});

test('Progress redraws one line in place, at most every interval, and erases it when done', () => {
  let written = '';
  const stream = { write: (s: string) => ((written += s), true) } as unknown as NodeJS.WriteStream;
  const p = new Progress('scanning', { stream, intervalMs: 60_000 });
  p.update(1, 100);
  p.update(2, 100); // within the interval: not drawn
  p.update(100, 100); // the last one always is
  p.done();
  assert.equal(written, '\r\x1b[Kscanning 1/100 files (1%)\r\x1b[Kscanning 100/100 files (100%)\r\x1b[K');
});

test('files no module claims are shown once in the text report and counted in the summary', () => {
  const result: ScanResult = {
    modules: [],
    filesScanned: 3,
    filesParsed: 0,
    parseErrors: [{ file: '/t/blob.c', line: 0, severity: 'warning', code: 'binary-file', message: 'binary file' }],
    findings: [{ file: '/t/x/Makefile', line: 2, severity: 'warning', code: 'no-declaration', message: 'no LKM here' }],
  };
  const text = renderScanText(result, '/t', { color: false });
  assert.equal(
    text,
    'not part of a module:\n  x/Makefile:2: warning: no LKM here [no-declaration]\n  blob.c: warning: binary file [binary-file]\n\n' +
      '0 LKMs in 3 files scanned, 0 parsed; 0 errors, 2 warnings, 0 notes.\n',
  );
  const json = scanJson(result, '/t');
  assert.deepEqual(json.parse_errors, [{ file: 'blob.c', line: 0, severity: 'warning', code: 'binary-file', message: 'binary file' }]);
  assert.deepEqual(json.findings.map((f) => f.file), ['x/Makefile']);
});
