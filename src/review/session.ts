/**
 * The review loop: unit by unit, the header, the paged diff, the findings and the validation,
 * then a single-key question. Nothing is written here; the outcome says what was accepted, and
 * the caller applies it (finish.ts). Editing changes the unit in memory and validates it again.
 */
import path from 'node:path';
import type { FileChange } from '../migrate/convert.ts';
import type { ModuleResult } from '../validate/result.ts';
import { editText, type EditOutcome } from './editor.ts';
import { page, type PagerOptions } from './pager.ts';
import { findingLines, HELP, unitHeader, unitPatch, validationLines, type Colors } from './render.ts';
import type { ReviewTerminal } from './terminal.ts';
import type { ReviewUnit } from './units.ts';

export interface ReviewContext {
  term: ReviewTerminal;
  colors: Colors;
  /** Patch paths are relative to it. */
  root: string;
  rel: (p: string) => string;
  /** Makes paths inside validation's messages relative (relativeText). */
  text?: (s: string) => string;
  pager: PagerOptions;
  /** Runs the editor on a file's text; the default is editText with the user's editor. */
  edit: (fileName: string, text: string) => EditOutcome;
  /** Validates the unit's modules with its current (edited) text; null: validation is off. */
  revalidate: ((unit: ReviewUnit) => Promise<ModuleResult[]>) | null;
}

export interface ReviewOutcome {
  accepted: ReviewUnit[];
  /** Skipped, and everything after a quit. */
  skipped: ReviewUnit[];
  /** The reviewer pressed q (the rest were skipped unseen). */
  quit: boolean;
}

const KEYS = 'y,n,e,d,q,?';

export async function reviewSession(units: ReviewUnit[], ctx: ReviewContext): Promise<ReviewOutcome> {
  const accepted: ReviewUnit[] = [];
  const skipped: ReviewUnit[] = [];
  for (let i = 0; i < units.length; i++) {
    const unit = units[i]!;
    await show(unit, i, units.length, ctx);
    const answer = await decide(unit, ctx);
    if (answer === 'accept') accepted.push(unit);
    else skipped.push(unit);
    if (answer === 'quit') {
      skipped.push(...units.slice(i + 1));
      return { accepted, skipped, quit: true };
    }
  }
  return { accepted, skipped, quit: false };
}

async function show(unit: ReviewUnit, i: number, total: number, ctx: ReviewContext): Promise<void> {
  const { term, colors: c, rel } = ctx;
  term.write('\n' + unitHeader(unit, i, total, rel, c, term.columns) + '\n');
  await page(term, unitPatch(unit, ctx.root, c), ctx.pager);
  term.write('\n' + findingLines(unit.findings, rel, c));
  term.write(validationLines(unit, ctx.revalidate !== null, rel, c, ctx.text));
}

async function decide(unit: ReviewUnit, ctx: ReviewContext): Promise<'accept' | 'skip' | 'quit'> {
  const { term, colors: c } = ctx;
  for (;;) {
    const failed = unit.validation.some((r) => !r.ok) ? c.red(' (validation failed)') : '';
    term.write(c.bold(c.blue(`Accept ${unit.title}${failed}? [${KEYS}] `)));
    const key = await term.key();
    term.write(`${key.length === 1 ? key : ''}\n`);
    switch (key) {
      case 'y':
        return 'accept';
      case 'n':
        return 'skip';
      case 'q':
        return 'quit';
      case 'd':
        await page(term, unitPatch(unit, ctx.root, c), ctx.pager);
        break;
      case 'e':
        await edit(unit, ctx);
        break;
      default:
        term.write(c.red(HELP));
    }
  }
}

async function edit(unit: ReviewUnit, ctx: ReviewContext): Promise<void> {
  const { term, colors: c, rel } = ctx;
  const editable = unit.changes.filter((ch) => ch.after !== null);
  if (editable.length === 0) {
    term.write('Nothing to edit: these changes only delete files.\n');
    return;
  }
  const change = editable.length === 1 ? editable[0]! : await pickFile(editable, ctx);
  if (!change) return;
  const out = ctx.edit(change.path, change.after!);
  if (!out.ok) {
    term.write(c.yellow(`${out.reason}\n`));
    return;
  }
  if (out.text === change.after) {
    term.write(`No change to ${rel(change.path)}.\n`);
    return;
  }
  change.after = out.text;
  unit.edited.add(change.path);
  term.write(`${rel(change.path)} edited; the diff is now:\n`);
  await page(term, unitPatch({ ...unit, changes: [change] }, ctx.root, c), ctx.pager);
  if (!ctx.revalidate || unit.modules.length === 0) return;
  term.write(`Validating ${unit.title} again…\n`);
  try {
    unit.validation = await ctx.revalidate(unit);
    unit.validationError = undefined;
  } catch (err) {
    unit.validationError = (err as Error).message;
  }
  term.write(validationLines(unit, true, rel, c, ctx.text));
}

const PICK_KEYS = '123456789abcdefghijklmnopqrstuvwxyz';

async function pickFile(files: FileChange[], ctx: ReviewContext): Promise<FileChange | null> {
  const { term, rel } = ctx;
  const shown = files.slice(0, PICK_KEYS.length);
  shown.forEach((f, i) => term.write(`  ${PICK_KEYS[i]}) ${rel(f.path)}\n`));
  term.write(`Edit which file? [${PICK_KEYS[0]}-${PICK_KEYS[shown.length - 1]}, enter to cancel] `);
  const key = await term.key();
  const at = PICK_KEYS.indexOf(key);
  term.write(`${at >= 0 && at < shown.length ? key : ''}\n`);
  return at >= 0 && at < shown.length ? shown[at]! : null;
}

/** The editor round trip on the real terminal. */
export function terminalEditor(term: ReviewTerminal, editor: string): ReviewContext['edit'] {
  return (fileName, text) => editText(term, editor, path.basename(fileName), text);
}
