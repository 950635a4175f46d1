/**
 * A file change as side-by-side rows: the old text on the left, the new on the right, removed
 * and added lines paired up so a reviewer reads a rewritten line next to what it replaced.
 * jsdiff finds the hunks (the same ones `convert` prints); this only lays them out, and marks
 * the changed words inside a paired line.
 */
import { diffWordsWithSpace, structuredPatch } from 'diff';
import type { FileChange } from '../../migrate/convert.ts';
import { esc } from './escape.ts';

/** Lines of unchanged context around each change. */
const CONTEXT = 4;

export type Row =
  /** The same line on both sides. */
  | { kind: 'same'; old: number; new: number; text: string }
  /** A removed line, an added line, or both paired (a rewrite). */
  | { kind: 'change'; old: number | null; oldText: string | null; new: number | null; newText: string | null }
  /** Unchanged lines left out between hunks. */
  | { kind: 'skip'; lines: number; old: number; new: number };

export function sideBySide(before: string, after: string, context = CONTEXT): Row[] {
  const patch = structuredPatch('a', 'b', before, after, undefined, undefined, { context });
  const rows: Row[] = [];
  const total = { old: lineCount(before), new: lineCount(after) };
  let oldNext = 1;
  let newNext = 1;
  for (const h of patch.hunks) {
    // jsdiff numbers an empty side's hunk from 0; the first line there is 1.
    const oldStart = Math.max(1, h.oldStart);
    const newStart = Math.max(1, h.newStart);
    if (oldStart > oldNext) rows.push({ kind: 'skip', lines: oldStart - oldNext, old: oldNext, new: newNext });
    let o = oldStart;
    let n = newStart;
    let removed: string[] = [];
    let added: string[] = [];
    const flush = () => {
      for (let i = 0; i < Math.max(removed.length, added.length); i++) {
        const r = i < removed.length;
        const a = i < added.length;
        rows.push({ kind: 'change', old: r ? o++ : null, oldText: r ? removed[i]! : null, new: a ? n++ : null, newText: a ? added[i]! : null });
      }
      removed = [];
      added = [];
    };
    for (const line of h.lines) {
      const mark = line[0];
      const text = line.slice(1);
      if (mark === '-') removed.push(text);
      else if (mark === '+') added.push(text);
      else if (mark === ' ') {
        flush();
        rows.push({ kind: 'same', old: o++, new: n++, text });
      }
      // '\' (no newline at end of file) carries no line of its own.
    }
    flush();
    oldNext = o;
    newNext = n;
  }
  if (patch.hunks.length && oldNext <= total.old) rows.push({ kind: 'skip', lines: total.old - oldNext + 1, old: oldNext, new: newNext });
  return rows;
}

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

/** The rows of one change as an HTML table: line numbers and text on each side. */
export function renderSideBySide(change: FileChange): string {
  if (change.before !== null && change.after !== null && change.before === change.after) {
    return '<p class="same-content">Content unchanged.</p>';
  }
  const rows = sideBySide(change.before ?? '', change.after ?? '');
  const body = rows.map(renderRow).join('');
  return (
    '<table class="sbs"><colgroup><col class="ln"><col class="code"><col class="ln"><col class="code"></colgroup>' +
    `<thead><tr><th colspan="2">${change.before === null ? '(new file)' : 'before'}</th>` +
    `<th colspan="2">${change.after === null ? '(deleted)' : 'after'}</th></tr></thead>` +
    `<tbody>${body}</tbody></table>`
  );
}

function renderRow(row: Row): string {
  switch (row.kind) {
    case 'same':
      return `<tr class="same"><td class="ln">${row.old}</td><td>${esc(row.text)}</td><td class="ln">${row.new}</td><td>${esc(row.text)}</td></tr>`;
    case 'skip':
      return `<tr class="skip"><td colspan="4">⋯ ${row.lines} unchanged line${row.lines === 1 ? '' : 's'} ⋯</td></tr>`;
    case 'change': {
      const [left, right] = row.oldText !== null && row.newText !== null ? wordDiff(row.oldText, row.newText) : [esc(row.oldText ?? ''), esc(row.newText ?? '')];
      const oldCells = row.old === null ? '<td class="ln empty"></td><td class="empty"></td>' : `<td class="ln del">${row.old}</td><td class="del">${left}</td>`;
      const newCells = row.new === null ? '<td class="ln empty"></td><td class="empty"></td>' : `<td class="ln add">${row.new}</td><td class="add">${right}</td>`;
      return `<tr class="change">${oldCells}${newCells}</tr>`;
    }
  }
}

/**
 * Both sides of a rewritten line with the changed words marked. When the two lines share too
 * little, marking words is noise: the whole line is already coloured, so nothing is marked.
 */
function wordDiff(oldText: string, newText: string): [string, string] {
  if (oldText.length + newText.length > 2000) return [esc(oldText), esc(newText)];
  const parts = diffWordsWithSpace(oldText, newText);
  const common = parts.filter((p) => !p.added && !p.removed).reduce((n, p) => n + p.value.trim().length, 0);
  if (common < 0.4 * Math.max(oldText.trim().length, newText.trim().length)) return [esc(oldText), esc(newText)];
  let left = '';
  let right = '';
  for (const p of parts) {
    if (p.removed) left += `<del>${esc(p.value)}</del>`;
    else if (p.added) right += `<ins>${esc(p.value)}</ins>`;
    else {
      left += esc(p.value);
      right += esc(p.value);
    }
  }
  return [left, right];
}
