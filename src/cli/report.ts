/**
 * `lkm2mod report --html DIR [paths...]`: convert in memory, validate, and write a static page
 * (DIR/index.html) and the same data as JSON (DIR/report.json). Nothing in the tree is written.
 * Exit 0 when every module validates, 1 when one fails or validation cannot run, 2 for usage errors.
 */
import type { Command } from 'commander';
import { addMigrationOptions } from './review.ts';
import type { ReportFlags } from './report-run.ts';

export function registerReport(program: Command): void {
  const cmd = program
    .command('report')
    .description('write a self-contained HTML report of the migration: summary, dependency graph, and per module its diff, findings and validation')
    .argument('[paths...]', 'kernel trees, LKM folders or module folders', ['.'])
    .option('--html <dir>', 'write DIR/index.html and DIR/report.json (DIR is created if needed)');
  addMigrationOptions(cmd).action(async (paths: string[], flags: ReportFlags) => {
    process.exitCode = await (await import('./report-run.ts')).runReport(paths, flags);
  });
}

