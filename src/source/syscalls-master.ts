/**
 * NetBSD's sys/kern/syscalls.master: the list makesyscalls.sh turns into init_sysent.c,
 * syscall.h (the SYS_ numbers) and syscallargs.h. Read here for two things: the name and number
 * of each call a module provides (so converted code says SYS_msgget, not 225), and where an
 * entry can be marked `MODULAR <module>` (NetBSD 9's keyword: the slot holds sys_nomodule at
 * boot and syscalls_autoload.c maps it to the module).
 *
 * The format, as both the LKM-era file and later ones write it:
 *   - a header of `#include`s and `#if`s, then a line `%%`; entries follow (a file without `%%`
 *     is read from the top);
 *   - `;` starts a comment line; `#if/#ifdef/#ifndef/#elif/#else/#endif` lines guard entries
 *     (the same number may appear once per branch);
 *   - an entry is `NUMBER TYPE [FLAGS…] { prototype } [alias]`, or `NUMBER TYPE [comment]` for
 *     types that generate no function (OBSOL, UNIMPL, EXCL, IGNORED …); a line ending in `\`
 *     continues on the next;
 *   - TYPE is STD, NOARGS, NODEF, INDIR, NOERR, OBSOL, UNIMPL, IGNORED, EXCL, or a compat option
 *     (COMPAT_43 …) whose name prefixes the function (compat_43_sys_creat);
 *   - FLAGS: MPSAFE (NetBSD 4/5), NOERR, RUMP, and `MODULAR modname` (NetBSD 9 on);
 *   - the prototype is `int sys_name(args)` (≤ NetBSD 4) or `int|sys|50|name(args)` (NetBSD 5
 *     on, which versions a call as sys___name50).
 * Lines it cannot read are reported with their line number, never skipped silently.
 */

export type SyscallType =
  | 'STD'
  | 'NOARGS'
  | 'NODEF'
  | 'INDIR'
  | 'NOERR'
  | 'OBSOL'
  | 'UNIMPL'
  | 'IGNORED'
  | 'EXCL'
  /** COMPAT_43, COMPAT_50 …: see `compat`. */
  | 'COMPAT';

export interface SyscallEntry {
  number: number;
  type: SyscallType;
  /** The compat option for COMPAT entries, lower case without the prefix: `43`, `14`. */
  compat: string | null;
  /** The type as written (`STD`, `COMPAT_14`). */
  typeText: string;
  /** Flags after the type, as written (`MPSAFE`, `NOERR`, `RUMP`); MODULAR is in `modular`. */
  flags: string[];
  /** `MODULAR <module>`: the module sys_nomodule autoloads for this slot. */
  modular: string | null;
  /**
   * The call's name as syscall.h spells it after `SYS_`: the alias if one is given, else the
   * function's name without `sys_`; compat entries carry their prefix (`compat_14_msgctl`).
   * For entries without a prototype, the comment word (`execv`, `lkmnosys`).
   */
  name: string | null;
  /** The kernel function implementing it (`sys_msgget`, `compat_43_sys_creat`), when it has one. */
  function: string | null;
  /** The prototype between the braces, continuation lines joined. */
  prototype: string | null;
  /** The `#if` lines the entry sits under, outermost first, with the branch taken (`#else` of …). */
  conditions: string[];
  /** 1-based line of the entry's first line. */
  line: number;
  /** [start, end) of the entry's first line in the text (for edits). */
  start: number;
  end: number;
  /** [start, end) of TYPE and its flags, the text a `MODULAR` edit extends. */
  typeStart: number;
  typeEnd: number;
}

export interface SyscallsMaster {
  entries: SyscallEntry[];
  /** Lines that are neither comment, directive nor a readable entry. */
  problems: { line: number; message: string }[];
}

const TYPES = new Set(['STD', 'NOARGS', 'NODEF', 'INDIR', 'NOERR', 'OBSOL', 'UNIMPL', 'IGNORED', 'EXCL']);
const FLAG_WORDS = new Set(['MPSAFE', 'NOERR', 'RUMP']);

/** Types that give a SYS_ constant in syscall.h (makesyscalls: everything with a function but NODEF). */
export function definesConstant(e: SyscallEntry): boolean {
  return e.function !== null && (e.type === 'STD' || e.type === 'NOARGS' || e.type === 'INDIR' || e.type === 'NOERR' || e.type === 'COMPAT');
}

/** Types whose slot init_sysent.c fills with a handler (the others hold sys_nosys). */
export function hasHandler(e: SyscallEntry): boolean {
  return e.function !== null && e.type !== 'EXCL' && e.type !== 'OBSOL' && e.type !== 'UNIMPL';
}

export function parseSyscallsMaster(text: string): SyscallsMaster {
  const entries: SyscallEntry[] = [];
  const problems: SyscallsMaster['problems'] = [];
  const lines = splitLines(text);
  const body = lines.findIndex((l) => l.text.trim() === '%%');
  const conds: string[] = [];
  for (let i = body + 1; i < lines.length; i++) {
    const first = lines[i]!;
    const trimmed = first.text.trim();
    if (trimmed === '' || trimmed.startsWith(';') || trimmed === '%%') continue;
    if (trimmed.startsWith('#')) {
      directive(trimmed, conds);
      continue;
    }
    // Join continuation lines: the entry ends on the first line not ending in a backslash.
    let joined = first.text;
    let j = i;
    while (/\\\s*$/.test(lines[j]!.text) && j + 1 < lines.length) {
      joined = joined.replace(/\\\s*$/, ' ') + lines[++j]!.text;
    }
    const e = readEntry(joined, first, conds);
    if (typeof e === 'string') problems.push({ line: first.line, message: e });
    else entries.push(e);
    i = j;
  }
  return { entries, problems };
}

function directive(line: string, conds: string[]): void {
  const m = /^#\s*(\w+)\s*(.*)$/.exec(line);
  if (!m) return;
  const [, word, rest] = m;
  if (word === 'if' || word === 'ifdef' || word === 'ifndef') conds.push(`#${word} ${rest.trim()}`);
  else if (word === 'else' || word === 'elif') {
    const top = conds.pop();
    const base = top?.replace(/^#(?:else of|elif \S.*? of) /, '') ?? '?';
    conds.push(word === 'else' ? `#else of ${base}` : `#elif ${rest.trim()} of ${base}`);
  } else if (word === 'endif') conds.pop();
  // #include and #define lines are copied to the generated files; they guard nothing.
}

function readEntry(joined: string, first: Line, conds: string[]): SyscallEntry | string {
  const m = /^(\s*)(\d+)(\s+)/.exec(first.text);
  if (!m) return `not a syscall entry (expected NUMBER TYPE …): ${first.text.trim()}`;
  const number = Number(m[2]);
  const afterNumber = m[0].length;
  // TYPE and flags: words up to the brace (or to the end for prototype-less entries).
  const brace = joined.indexOf('{');
  const head = (brace === -1 ? joined : joined.slice(0, brace)).slice(afterNumber);
  const words = head.trim().split(/\s+/).filter(Boolean);
  const typeText = words.shift();
  if (!typeText) return `syscall ${number} has no type`;
  let type: SyscallType;
  let compat: string | null = null;
  if (TYPES.has(typeText)) type = typeText as SyscallType;
  else if (/^COMPAT_\w+$/.test(typeText)) {
    type = 'COMPAT';
    compat = typeText.slice('COMPAT_'.length).toLowerCase();
  } else return `syscall ${number}: unknown type ${typeText}`;

  const flags: string[] = [];
  let modular: string | null = null;
  let comment: string | null = null;
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if (w === 'MODULAR') {
      modular = words[++k] ?? null;
      if (!modular) return `syscall ${number}: MODULAR without a module name`;
    } else if (FLAG_WORDS.has(w)) flags.push(w);
    else if (brace === -1) {
      comment ??= w;
    } else return `syscall ${number}: unexpected ${w} before the prototype`;
  }

  // Where TYPE and its flags stand on the first line (a MODULAR edit goes right after them).
  const typeStart = first.start + afterNumber;
  let typeEnd = typeStart + typeText.length;
  const onFirst = first.text.slice(afterNumber);
  const flagsOnFirst = /^\S+((?:[ \t]+(?:MPSAFE|NOERR|RUMP|MODULAR[ \t]+\w+))*)/.exec(onFirst);
  if (flagsOnFirst) typeEnd = typeStart + flagsOnFirst[0].length;

  const base = {
    number,
    type,
    compat,
    typeText,
    flags,
    modular,
    conditions: [...conds],
    line: first.line,
    start: first.start,
    end: first.start + first.text.length,
    typeStart,
    typeEnd,
  };
  if (brace === -1) return { ...base, name: comment, function: null, prototype: null };
  const close = joined.lastIndexOf('}');
  if (close < brace) return `syscall ${number}: unbalanced braces`;
  const prototype = joined.slice(brace + 1, close).trim().replace(/\s+/g, ' ');
  const alias = joined.slice(close + 1).trim().split(/\s+/)[0] || null;
  const fn = functionOf(prototype);
  if (!fn) return `syscall ${number}: cannot read the function name in { ${prototype} }`;
  const bare = fn.replace(/^sys_/, '');
  const name = (compat ? `compat_${compat}_` : '') + (alias ?? bare);
  return { ...base, name, function: compat ? `compat_${compat}_${fn}` : fn, prototype };
}

/** `int sys_read(int fd, …);` → sys_read; `int|sys|50|msgctl(…)` → sys___msgctl50. */
function functionOf(prototype: string): string | null {
  const head = prototype.slice(0, prototype.indexOf('('));
  const versioned = /\|\s*(\w*)\s*\|\s*(\w*)\s*\|\s*(\w+)\s*$/.exec(head);
  if (versioned) {
    const [, prefix, version, name] = versioned;
    return `${prefix || 'sys'}_${version ? `__${name}${version}` : name}`;
  }
  const plain = /(\w+)\s*$/.exec(head);
  return plain ? plain[1] : null;
}

interface Line {
  text: string;
  line: number;
  start: number;
}

function splitLines(text: string): Line[] {
  const out: Line[] = [];
  let start = 0;
  let n = 1;
  for (;;) {
    const nl = text.indexOf('\n', start);
    const end = nl === -1 ? text.length : nl;
    out.push({ text: text.slice(start, end).replace(/\r$/, ''), line: n++, start });
    if (nl === -1) break;
    start = nl + 1;
  }
  return out;
}

/**
 * The entries that stand for syscall `number`: one per `#if` branch. The one with a prototype
 * comes first (it names the call; the `#else` branch's EXCL line only comments it).
 */
export function entriesFor(master: SyscallsMaster, number: number): SyscallEntry[] {
  return master.entries.filter((e) => e.number === number).sort((a, b) => Number(b.function !== null) - Number(a.function !== null));
}

/** The entries whose function is `fn`. */
export function entriesOf(master: SyscallsMaster, fn: string): SyscallEntry[] {
  return master.entries.filter((e) => e.function === fn);
}

/**
 * Where a kernel tree keeps its syscalls.master: `sys/kern/syscalls.master` above `dir`, or
 * `kern/syscalls.master` when `dir` is inside `sys` itself.
 */
export function syscallsMasterPath(dir: string, exists: (p: string) => boolean): string | null {
  const parts = dir.split('/');
  for (let i = parts.length; i > 0; i--) {
    const base = parts.slice(0, i).join('/') || '/';
    for (const rel of ['sys/kern/syscalls.master', 'kern/syscalls.master']) {
      const p = `${base.replace(/\/$/, '')}/${rel}`;
      if (exists(p)) return p;
    }
  }
  return null;
}
