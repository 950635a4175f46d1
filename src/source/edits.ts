/**
 * Byte-range edits on the original text of one file, in the manner of magic-string: every edit
 * names a range of the text as read, so what no edit touches stays byte for byte, and edits
 * from different rules compose without one rule seeing another's output.
 *
 * Unlike magic-string, two edits that claim the same bytes are not silently merged or
 * re-ordered: they are a conflict, reported with both origins, because two rules disagreeing
 * about a piece of kernel code is a bug a reviewer must hear about (issue 7's overlapping user
 * rules surface here).
 */

export interface Edit {
  /** [start, end) in string indices of the original text; start === end is an insertion. */
  start: number;
  end: number;
  text: string;
  /** Who asked for it (a rule id and a few words), for conflict messages. */
  origin: string;
}

export class EditConflict extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly first: Edit,
    readonly second: Edit,
  ) {
    super(
      `${file}:${line}: two edits claim the same text: ${first.origin} ` +
        `(bytes ${first.start}-${first.end}) and ${second.origin} (bytes ${second.start}-${second.end})`,
    );
    this.name = 'EditConflict';
  }
}

export class EditSet {
  private readonly edits: Edit[] = [];
  /** Insertions at the same offset keep the order they were made in; this counter records it. */
  private readonly order = new Map<Edit, number>();

  constructor(
    readonly file: string,
    readonly original: string,
  ) {}

  get size(): number {
    return this.edits.length;
  }

  replace(start: number, end: number, text: string, origin: string): void {
    this.add({ start, end, text, origin });
  }

  remove(start: number, end: number, origin: string): void {
    this.add({ start, end, text: '', origin });
  }

  insert(at: number, text: string, origin: string): void {
    this.add({ start: at, end: at, text, origin });
  }

  /** True when [start, end) is wholly inside text some edit removes or replaces. */
  covers(start: number, end: number): boolean {
    return this.edits.some((e) => e.start < e.end && e.start <= start && end <= e.end);
  }

  /** True when [start, end) is touched by any edit (replacement overlap, or an insertion inside it). */
  touches(start: number, end: number): boolean {
    return this.edits.some((e) => (e.start === e.end ? start < e.start && e.start < end : e.start < end && start < e.end));
  }

  all(): readonly Edit[] {
    return this.edits;
  }

  /** Forget every edit made after the set held `size` edits (a module whose conversion failed). */
  rollback(size: number): void {
    for (const e of this.edits.splice(size)) this.order.delete(e);
  }

  private add(edit: Edit): void {
    if (edit.start < 0 || edit.end > this.original.length || edit.start > edit.end) {
      throw new RangeError(`${this.file}: edit ${edit.start}-${edit.end} outside the file (${edit.origin})`);
    }
    for (const other of this.edits) {
      if (sameEdit(other, edit)) return; // two rules asking for the very same change agree
      if (overlaps(other, edit)) throw new EditConflict(this.file, lineAt(this.original, edit.start), other, edit);
    }
    this.order.set(edit, this.edits.length);
    this.edits.push(edit);
  }

  /** The text with every edit applied, its new lines ending as the file's lines end. */
  apply(): string {
    const sorted = [...this.edits].sort(
      (a, b) => a.start - b.start || a.end - b.end || this.order.get(a)! - this.order.get(b)!,
    );
    const crlf = endsLinesWithCrlf(this.original);
    let out = '';
    let pos = 0;
    for (const e of sorted) {
      out += this.original.slice(pos, e.start) + (crlf ? e.text.replace(/\r?\n/g, '\r\n') : e.text);
      pos = e.end;
    }
    return out + this.original.slice(pos);
  }
}

/** Most lines end in CR LF (a file written on DOS or Windows): inserted lines must too. */
function endsLinesWithCrlf(text: string): boolean {
  const lf = text.split('\n').length - 1;
  const crlf = text.split('\r\n').length - 1;
  return lf > 0 && crlf * 2 > lf;
}

function sameEdit(a: Edit, b: Edit): boolean {
  return a.start === b.start && a.end === b.end && a.text === b.text && a.start !== a.end;
}

/**
 * Two replacements overlap when their ranges share a byte; an insertion conflicts with a
 * replacement only strictly inside it (at either edge it is simply placed before or after).
 */
function overlaps(a: Edit, b: Edit): boolean {
  const aPoint = a.start === a.end;
  const bPoint = b.start === b.end;
  if (aPoint && bPoint) return false;
  if (aPoint) return b.start < a.start && a.start < b.end;
  if (bPoint) return a.start < b.start && b.start < a.end;
  return a.start < b.end && b.start < a.end;
}

/** 1-based line of a string index. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}
