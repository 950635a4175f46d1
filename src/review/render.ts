/**
 * What the review prints about a unit: the header (what the module was, what it becomes, what
 * it requires), its findings and its validation, as plain lines with optional colour.
 */
import type { createColors } from 'picocolors';
import type { Finding } from '../discover/plan.ts';
import { colorizePatch, renderPatch } from '../source/patch.ts';
import { location } from '../source/relative.ts';
import type { CheckResult, ModuleResult } from '../validate/result.ts';
import type { ReviewUnit } from './units.ts';

export type Colors = ReturnType<typeof createColors>;

export function unitHeader(unit: ReviewUnit, index: number, total: number, rel: (p: string) => string, c: Colors, width: number): string {
  const title = ` ${unit.title} (${index + 1} of ${total}) `;
  const lines = [c.bold(`──${title}${'─'.repeat(Math.max(2, Math.min(width, 100) - title.length - 2))}`)];
  for (const m of unit.modules) {
    const moved = m.dir !== m.plan.dir ? ` in ${rel(m.dir)}` : ' in place';
    lines.push(`${m.name}: ${m.plan.kind} LKM ${rel(m.plan.dir)} → MODULE_CLASS_${m.moduleClass} module${moved}`);
    if (m.renamedFrom) lines.push(`  renamed from "${m.renamedFrom}"`);
    for (const r of m.required) lines.push(`  requires ${c.bold(r.module)}: ${r.reason}`);
  }
  if (unit.modules.length === 0) {
    lines.push('Files no single module owns: SUBDIR lists, the sys/modules Makefiles, kernel sources and headers that');
    lines.push('converted modules share (a module you accepted may need these to build):');
  }
  for (const ch of unit.changes) {
    const what =
      ch.before === null ? 'new' : ch.after === null ? 'deleted' : ch.oldPath && ch.oldPath !== ch.path ? `renamed from ${rel(ch.oldPath)}` : 'modified';
    lines.push(`  ${rel(ch.path)} ${c.dim(`(${what}${unit.edited.has(ch.path) ? ', edited by you' : ''})`)}`);
  }
  return lines.join('\n') + '\n';
}

/** The unit's patch, as `convert` would print it; coloured when colours are on. */
export function unitPatch(unit: ReviewUnit, root: string, c: Colors): string {
  const patch = renderPatch(unit.changes, root);
  return c.isColorSupported ? colorizePatch(patch) : patch;
}

export function findingLines(findings: Finding[], rel: (p: string) => string, c: Colors): string {
  if (findings.length === 0) return `findings: ${c.dim('none')}\n`;
  const tone = { error: c.red, warning: c.yellow, note: c.cyan } as const;
  const lines = [`findings (${findings.length}):`];
  for (const f of findings) {
    lines.push(`  ${location(rel, f.file, f.line)}: ${tone[f.severity](f.severity)}: ${f.message} ${c.dim(`[${f.code}]`)}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * `validated`: false when the review runs without validation (--no-validate). `text` turns
 * the absolute paths validation writes in its details into the ones the user typed.
 */
export function validationLines(unit: ReviewUnit, validated: boolean, rel: (p: string) => string, c: Colors, text: (s: string) => string = (s) => s): string {
  if (unit.modules.length === 0) return '';
  if (!validated) return `validation: ${c.dim('not run (--no-validate)')}\n`;
  if (unit.validationError) return `validation: ${c.red('could not run')}: ${unit.validationError}\n`;
  const lines: string[] = [];
  for (const m of unit.modules) {
    const r = unit.validation.find((x) => x.name === m.name);
    if (!r) {
      lines.push(`validation of ${m.name}: ${c.yellow('no result')} (validation did not report this module)`);
      continue;
    }
    const marks = r.checks.map((ch) => `${ch.name} ${mark(ch, c)}`).join('  ');
    lines.push(`validation of ${m.name}: ${r.ok ? c.green('✓ passed') : c.red(c.bold('✗ FAILED'))}  ${marks}`);
    for (const n of r.notes ?? []) lines.push(`  ${c.yellow('note')}: ${text(n)}`);
    for (const ch of r.checks) {
      if (!ch.skipped && !ch.ok) {
        lines.push(`  ${c.red(ch.name)}:`);
        for (const d of ch.details) lines.push(`    ${text(d)}`);
        for (const s of ch.sites ?? []) lines.push(`    at ${location(rel, s.file, s.line)}`);
      }
      for (const w of ch.warnings ?? []) lines.push(`  ${c.yellow(`${ch.name} warning`)}: ${text(w)}`);
    }
  }
  return lines.join('\n') + '\n';
}

function mark(ch: CheckResult, c: Colors): string {
  if (ch.skipped) return c.dim('–');
  return ch.ok ? c.green('✓') : c.red('✗');
}

export const HELP = `y - accept: apply these changes when the review ends
n - skip: leave the tree as it is; the changes go to the patch file
e - edit a converted file in your editor ($VISUAL, $EDITOR or vi), then validate again
d - show the diff again
q - quit: skip this and everything after it (what you accepted is still applied)
? - this help
`;
