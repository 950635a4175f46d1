/**
 * The work of `lkm2mod review`, and the conversion-and-validation set-up `review` and `report` share.
 */
import { readPlanFile } from '../migrate/plan-load.ts';
import path from 'node:path';
import { createColors } from 'picocolors';
import { UserError } from '../source/errors.ts';
import { parseMachineFlag, parseSlots } from './options.ts';
import { Progress } from '../report/progress.ts';
import { relativeTo } from '../source/relative.ts';
import { editorFromEnv } from '../review/editor.ts';
import { checkPatchTarget, finishReview } from '../review/finish.ts';
import { loadMigration, relativeText, resultFor, type Migration, type MigrationOptions } from '../review/migration.ts';
import { pagerFromEnv } from '../review/pager.ts';
import { revalidationSet } from '../review/revalidate.ts';
import { reviewSession, terminalEditor, type ReviewOutcome } from '../review/session.ts';
import { Interrupted, TtyTerminal } from '../review/terminal.ts';
import { reviewUnits, type ReviewUnit } from '../review/units.ts';
import { loadRulePacks, type RulePacks } from '../rules/pack.ts';
import { validateConversion, type ValidateOptions } from '../validate/validate.ts';

export interface MigrationFlags {
  validate: boolean;
  jobs?: string;
  cc?: boolean;
  kernelSrc: string[];
  syscallSlot: string[];
  rules: string[];
  machine?: string;
  plan?: string;
}

export interface ReviewFlags extends MigrationFlags {
  patch: string;
}

/** Interrupted by the user (128 + SIGINT), as shells report it. */
const EXIT_INTERRUPTED = 130;

export function validateOptions(flags: MigrationFlags): ValidateOptions {
  let jobs: number | undefined;
  if (flags.jobs !== undefined) {
    jobs = Number(flags.jobs);
    if (!Number.isInteger(jobs) || jobs < 1) throw new UserError(`--jobs ${flags.jobs}: expected a whole number of at least 1`);
  }
  const plan = flags.plan ? readPlanFile(flags.plan) : undefined;
  return {
    jobs,
    cc: flags.cc,
    kernelSrc: flags.kernelSrc,
    syscallSlots: parseSlots(flags.syscallSlot),
    machine: parseMachineFlag(flags.machine ?? plan?.machine?.name),
    ...(plan ? { plan } : {}),
  };
}

/** `--rules DIR`, as convert and validate load it: a pack that does not check out is refused before anything runs. */
export function rulePacks(flags: MigrationFlags, cwd: string): Promise<RulePacks> {
  return loadRulePacks(flags.rules, (p) => path.relative(cwd, p) || '.');
}

/** A pack rule that failed while the tree was converted stops the command, as convert does: nothing is applied or written. */
export function assertPacksRan(packs: RulePacks, migration: Migration, cwd: string): void {
  packs.assertNoFailures(migration.set, (p) => path.relative(cwd, p) || '.');
}

export function migrationOptions(flags: MigrationFlags, cwd: string, packs: RulePacks): MigrationOptions {
  const opts = validateOptions(flags);
  // Only on a terminal: the review's own screen is drawn on stdout once validation is done.
  const progress = process.stderr.isTTY ? new Progress('validating', { unit: 'modules' }) : null;
  return {
    cwd,
    kernelSrc: opts.kernelSrc,
    syscallSlots: opts.syscallSlots,
    machine: opts.machine,
    ...(opts.plan ? { plan: opts.plan } : {}),
    rules: packs.rules,
    // The conversion the reviewer sees is the one validated: the tree is converted once.
    validate: flags.validate
      ? async ({ set, scan }) => {
          try {
            return await validateConversion(set, scan, { ...opts, onProgress: progress ? (done, total, name) => progress.update(done, total, name) : undefined });
          } finally {
            progress?.done();
          }
        }
      : null,
  };
}

export async function runReview(paths: string[], flags: ReviewFlags): Promise<number> {
  const stdin = process.stdin;
  const stdout = process.stdout;
  if (!stdin.isTTY || !stdout.isTTY) {
    throw new UserError(
      'review is interactive and needs a terminal (standard input and output are not one).\n' +
        'Without one, use `lkm2mod convert` (a patch on stdout, or --write) or `lkm2mod report --html DIR` (a page to read).',
    );
  }
  const cwd = process.cwd();
  const patchFile = path.resolve(cwd, flags.patch);
  await checkPatchTarget(patchFile, flags.patch);
  const packs = await rulePacks(flags, cwd);
  const options = migrationOptions(flags, cwd, packs);
  const validate = options.validate;
  // A review shows converted modules only: with none, there is nothing to validate for it.
  if (validate) options.validate = async (input) => (input.set.modules.length ? validate(input) : { modules: [], passed: 0, failed: 0 });
  const migration = await loadMigration(paths, options);
  assertPacksRan(packs, migration, cwd);
  const rel = relativeTo(cwd);
  const colors = createColors(!('NO_COLOR' in process.env) && stdout.hasColors());
  const units = reviewUnits(migration.set, (m) => resultFor(migration.validation, m, cwd));
  const out = (s: string) => stdout.write(s);

  const notConverted = migration.set.modules.filter((m) => m.changes.length === 0);
  for (const m of notConverted) {
    out(`${colors.red('not converted')}: ${m.name} (${rel(m.plan.dir)}):\n`);
    for (const f of m.findings.filter((x) => x.severity === 'error')) out(`  ${rel(f.file)}:${f.line}: ${f.message} [${f.code}]\n`);
  }
  for (const u of migration.validation?.unvalidated ?? []) out(`${colors.yellow('not validated')}: ${u}\n`);
  if (units.length === 0) {
    out(nothingToReview(migration.scan.modules.length, migration.scan.module9?.length ?? 0, paths));
    return 0;
  }
  const files = units.reduce((n, u) => n + u.changes.length, 0);
  const v = migration.validation;
  out(
    `${units.length} ${units.length === 1 ? 'change set' : 'change sets'} to review (${files} files).` +
      (v
        ? ` Validation: ${v.passed} passed, ${v.failed} failed.`
        : migration.validationError
          ? ` ${colors.red('Validation could not run')} (${migration.validationError}): nothing below was checked.`
          : ' Not validated (--no-validate).') +
      ` Answer each with a key; ? explains them.\n`,
  );

  const term = new TtyTerminal(stdin, stdout);
  let outcome: ReviewOutcome;
  try {
    outcome = await reviewSession(units, {
      term,
      colors,
      root: migration.root,
      rel,
      text: relativeText(cwd),
      pager: { command: pagerFromEnv(process.env), dim: colors.dim },
      edit: terminalEditor(term, editorFromEnv(process.env)),
      revalidate: flags.validate
        ? async (unit: ReviewUnit) => {
            const names = new Set(unit.modules.map((m) => m.name));
            // The tree's module(9) modules are there to be loaded as requisites, not checked again.
            const r = await validateConversion(revalidationSet(migration.set, unit, units), migration.scan, {
              ...validateOptions(flags),
              module9: 'requisites',
            });
            return r.modules.filter((m) => names.has(m.name));
          }
        : null,
    });
  } catch (err) {
    if (err instanceof Interrupted) {
      out(`\n${err.how === 'interrupt' ? 'Interrupted' : 'Input ended'}: nothing was applied and no patch was written.\n`);
      return EXIT_INTERRUPTED;
    }
    throw err;
  } finally {
    term.close();
  }

  const result = await finishReview(outcome, { root: migration.root, patchFile });
  const names = (us: ReviewUnit[]) => us.map((u) => u.title).join(', ');
  out('\n');
  if (outcome.accepted.length) {
    out(`${colors.green('applied')} ${names(outcome.accepted)}: ${result.applied.length} file(s) changed in place.\n`);
  } else {
    out('Nothing accepted: the tree is unchanged.\n');
  }
  if (result.patch) {
    const where = path.relative(cwd, migration.root) || '.';
    out(
      `${colors.yellow('left out')} ${names(outcome.skipped)}: ${result.left.length} file change(s) written to ${rel(result.patch)}.\n` +
        `Apply it later from ${where} with: git apply ${path.relative(migration.root, result.patch)}  (or patch -p1 < ${path.relative(migration.root, result.patch)})\n`,
    );
  }
  return 0;
}

function nothingToReview(lkms: number, module9: number, paths: string[]): string {
  const where = paths.join(' ');
  if (lkms === 0 && module9 === 0) return `Nothing to review: no LKM was found under ${where}.\n`;
  if (lkms === 0) return `Nothing to review: the ${module9} module(s) under ${where} are already module(9) modules; \`lkm2mod validate\` checks them.\n`;
  return `Nothing to review: no LKM under ${where} could be converted (see above).\n`;
}
