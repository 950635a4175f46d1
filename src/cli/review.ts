/**
 * `lkm2mod review [paths...]`: the interactive review. Module by module: the diff (coloured,
 * paged), the findings and the validation; accept, skip, edit (then validate again) or quit.
 * At the end what was accepted is applied atomically and the rest written as a patch.
 *
 * Also the options `review` and `report` share (what to convert, how to validate).
 */
import type { Command } from 'commander';
import { addConversionOptions } from './options.ts';
import type { MigrationFlags, ReviewFlags } from './review-run.ts';

const DEFAULT_PATCH = 'lkm2mod-review.patch';
/** The options of every command that converts and validates a tree for a person to look at. */
export function addMigrationOptions(cmd: Command): Command {
  return addConversionOptions(cmd)
    .option('--no-validate', 'do not load the modules in the simulated kernel (faster; the review shows no verdicts)')
    .option('--jobs <n>', 'modules validated at once')
    .option('--cc', 'also check the converted sources with the C compiler (cc -fsyntax-only)');
}

export function registerReview(program: Command): void {
  const cmd = program
    .command('review')
    .description('review the conversion module by module on a terminal: accept, skip or edit each; apply what was accepted, write the rest as a patch')
    .argument('[paths...]', 'kernel trees, LKM folders or files', ['.'])
    .option('--patch <file>', 'where the changes not accepted are written (must not exist)', DEFAULT_PATCH);
  addMigrationOptions(cmd).action(async (paths: string[], flags: ReviewFlags) => {
    process.exitCode = await (await import('./review-run.ts')).runReview(paths, flags);
  });
}

