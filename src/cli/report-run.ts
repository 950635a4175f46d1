/**
 * The work of `lkm2mod report`: convert and validate in memory, then write the page.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { EXIT_PENDING, UserError } from '../source/errors.ts';
import { assertPacksRan, migrationOptions, rulePacks, type MigrationFlags } from './review-run.ts';
import { buildReport } from '../report/html/model.ts';
import { writeHtmlReport } from '../report/html/write.ts';
import { loadMigration } from '../review/migration.ts';

export interface ReportFlags extends MigrationFlags {
  html?: string;
}

export async function runReport(paths: string[], flags: ReportFlags): Promise<number> {
  if (!flags.html) throw new UserError('report needs --html DIR: the directory to write index.html and report.json into');
  const cwd = process.cwd();
  const packs = await rulePacks(flags, cwd);
  const migration = await loadMigration(paths, migrationOptions(flags, cwd, packs));
  assertPacksRan(packs, migration, cwd);
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
