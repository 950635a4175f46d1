/**
 * An aligned plain-text table, for any command's terminal output: columns padded to their
 * widest cell, numbers right-aligned, a header row. Colour is applied after padding so escape
 * codes do not upset the alignment.
 */

export interface Column {
  header: string;
  align?: 'left' | 'right';
  /** Applied to each padded cell (e.g. a picocolors function); not to the header. */
  style?: (cell: string, row: number) => string;
}

export interface TableOptions {
  /** Spaces between columns. */
  gap?: number;
  /** Applied to the padded header line. */
  headerStyle?: (line: string) => string;
}

export function renderTable(columns: Column[], rows: string[][], opts: TableOptions = {}): string {
  const gap = ' '.repeat(opts.gap ?? 2);
  const widths = columns.map((c, i) => Math.max(width(c.header), ...rows.map((r) => width(r[i] ?? ''))));
  const pad = (s: string, i: number) => {
    const fill = ' '.repeat(widths[i]! - width(s));
    return columns[i]!.align === 'right' ? fill + s : s + fill;
  };
  const last = columns.length - 1;
  // The last column is not padded: no trailing blanks on any line.
  const cell = (s: string, i: number) => (i === last && columns[i]!.align !== 'right' ? s : pad(s, i));
  const header = columns.map((c, i) => cell(c.header, i)).join(gap);
  const out = [opts.headerStyle ? opts.headerStyle(header) : header];
  rows.forEach((r, ri) => {
    out.push(columns.map((c, i) => (c.style ? c.style(cell(r[i] ?? '', i), ri) : cell(r[i] ?? '', i))).join(gap));
  });
  return `${out.join('\n')}\n`;
}

/** Display width: code points, so a Latin-1 name in a path does not shift the columns. */
function width(s: string): number {
  return [...s].length;
}
