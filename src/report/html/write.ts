/**
 * Writing the report directory: index.html (the page) and report.json (the same data, for
 * scripts and CI). Each file is written beside its final name and renamed over it, so a
 * browser left open on the old page never reads half a new one.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../source/errors.ts';
import type { Report } from './model.ts';
import { renderPage } from './page.ts';

export interface WrittenReport {
  html: string;
  json: string;
}

export async function writeHtmlReport(dir: string, report: Report, opts: { cwd: string }): Promise<WrittenReport> {
  const target = path.resolve(opts.cwd, dir);
  try {
    await fs.mkdir(target, { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'EEXIST' || code === 'ENOTDIR' ? 'exists and is not a directory' : `cannot be created (${code ?? (err as Error).message})`;
    throw new UserError(`--html ${dir}: ${why}; choose another directory`);
  }
  const html = path.join(target, 'index.html');
  const json = path.join(target, 'report.json');
  await replaceFile(html, renderPage(report, { cwd: opts.cwd }), dir);
  await replaceFile(json, JSON.stringify(report.json, null, 2) + '\n', dir);
  return { html, json };
}

async function replaceFile(file: string, text: string, dir: string): Promise<void> {
  const staged = `${file}.lkm2mod-${process.pid}.new`;
  try {
    await fs.writeFile(staged, text);
    await fs.rename(staged, file);
  } catch (err) {
    await fs.rm(staged, { force: true });
    throw new UserError(`--html ${dir}: cannot write ${path.basename(file)} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
}
