/**
 * `lkm2mod report --html DIR [paths...]`: convert in memory, validate, and write a static page
 * (DIR/index.html) and the same data as JSON (DIR/report.json). Nothing in the tree is written.
 * Exit 0 when every module validates, 1 when one fails or validation cannot run, 2 for usage errors.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Command } from 'commander';
import { EXIT_PENDING, UserError } from './errors.ts';
import { addMigrationOptions, migrationOptions, type MigrationFlags } from './review.ts';
import { buildReport } from '../report/html/model.ts';
import { writeHtmlReport } from '../report/html/write.ts';
import { loadMigration } from '../review/migration.ts';

interface ReportFlags extends MigrationFlags {
  html?: string;
}

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description('write a self-contained HTML report of the migration: summary, dependency graph, and per module its diff, findings and validation')
    .argument('[paths...]', 'kernel trees, LKM folders or module folders', ['.'])
    .option('--html <dir>', 'write DIR/index.html and DIR/report.json (DIR is created if needed)');
  addMigrationOptions(cmd).action(async (paths: string[], flags: ReportFlags) => {
    process.exitCode = await runReport(paths, flags);
  });
}

async function runReport(paths: string[], flags: ReportFlags): Promise<number> {
  if (!flags.html) throw new UserError('report needs --html DIR: the directory to write index.html and report.json into');
  const cwd = process.cwd();
  const migration = await loadMigration(paths, migrationOptions(flags, cwd));
  const report = buildReport(migration);
  const written = await writeHtmlReport(flags.html, report, { cwd });
  const s = report.json.summary;
  const rel = (p: string) => path.relative(cwd, p) || '.';
  const validated = migration.validation
    ? `, ${s.validation.passed} validated, ${s.validation.failed} failed validation`
    : migration.validationError
      ? `, not validated: validation could not run (${migration.validationError})`
      : ', not validated';
  process.stdout.write(
    `wrote ${rel(written.html)} and ${rel(written.json)}: ${s.modules} module(s), ${s.converted} converted${validated}\n` +
      `open ${pathToFileURL(written.html).href}\n`,
  );
  return s.validation.failed > 0 || migration.validationError ? EXIT_PENDING : 0;
}
