/**
 * BSD make files for converted modules. The LKM's Makefile is rewritten, not regenerated:
 * comments, variables and flags the author set stay as written; only what module(9) builds
 * need changes (`<bsd.kmod.mk>` → `<bsd.kmodule.mk>`, no `-D_LKM`, KMOD and SRCS following a
 * rename, `.PATH` and `S` re-rooted when the module moves to sys/modules/<name>).
 */
import path from 'node:path';

export interface MakefileRewrite {
  /** The module moved to sys/modules/<name>. */
  moved: boolean;
  /** New KMOD, when the module was renamed. */
  kmod?: string;
  /** Source basenames renamed by the move (`lkminit_vfs.c` → `kernfs_mod.c`). */
  renamedSources: Map<string, string>;
  /** `.PATH` directories (absolute, expanded) of the LKM. */
  searchPath: string[];
  oldDir: string;
  newDir: string;
  sysDir: string | null;
  /** Sources the module needs that SRCS omitted (its glue), as they are named now: listed after the last SRCS line. */
  addSources?: string[];
  /** The Makefile's variables, expanded: a source named through one (`lkminit_${KMOD}.c`) is renamed too. */
  vars?: Map<string, string>;
}

/** Split into logical lines: a line ending in `\` continues on the next. */
function logicalLines(text: string): string[] {
  const out: string[] = [];
  let cur = '';
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    const last = i === lines.length - 1;
    cur += l + (last ? '' : '\n');
    if (!/\\$/.test(l) || last) {
      out.push(cur);
      cur = '';
    }
  });
  if (cur) out.push(cur);
  return out;
}

const ASSIGN = /^([A-Za-z_.][\w.]*)\s*([+?:!]?=)/;

export function rewriteMakefile(text: string, r: MakefileRewrite): string {
  const out: string[] = [];
  let includedInc = false;
  let pathDone = false;
  const newPaths = r.moved ? searchPathLines(r) : null;
  const lines = logicalLines(text);
  const lastSrcs = lines.map((l) => ASSIGN.exec(l)?.[1]).lastIndexOf('SRCS');
  const added = r.addSources?.length ? `SRCS+=\t${r.addSources.join(' ')}\n` : '';
  for (let [i, line] of lines.entries()) {
    if (i === lastSrcs + 1 && added) out.push(added);
    let body = line.replace(/\n$/, '');
    const nl = line.endsWith('\n') ? '\n' : '';
    if (/^\s*\.include\s+<bsd\.kmod\.mk>/.test(body)) {
      out.push(body.replace('<bsd.kmod.mk>', '<bsd.kmodule.mk>') + nl);
      continue;
    }
    if (r.moved && /^\s*\.include\s+"[^"]*Makefile\.inc"/.test(body)) {
      if (!includedInc) out.push('.include "../Makefile.inc"' + nl);
      includedInc = true;
      continue;
    }
    // A .PATH under ${S} still holds (S keeps naming sys/); one relative to the old folder does not.
    if (r.moved && /^\s*\.PATH(\.\w+)?\s*:/.test(body) && newPaths && /CURDIR|:\s*\.\.|\s\.\./.test(body)) {
      if (!pathDone) out.push(...newPaths.map((p) => p + '\n'));
      pathDone = true;
      continue;
    }
    const m = ASSIGN.exec(body);
    if (m) {
      const v = m[1];
      if (r.moved && v === 'S') continue;
      if (r.moved && /^C(?:PP)?FLAGS$/.test(v) && /-I/.test(body)) {
        body = rerootIncludeDirs(body, r);
        line = body + nl;
      }
      if (v === 'KMOD' && r.kmod) {
        out.push(body.replace(/(=\s*)\S+/, `$1${r.kmod}`) + nl);
        continue;
      }
      if (v === 'SRCS' && r.renamedSources.size) {
        const expand = (w: string) => w.replace(/\$[{(](\w+)[)}]/g, (all, n: string) => r.vars?.get(n) ?? all);
        out.push(body.replace(/[^\s=+\\]+/g, (w) => (w === 'SRCS' ? w : (r.renamedSources.get(w) ?? r.renamedSources.get(expand(w)) ?? w))) + nl);
        continue;
      }
      if (v === 'CPPFLAGS' && /-D_LKM\b/.test(body)) {
        const cleaned = withoutLkmFlag(body);
        if (ASSIGN.exec(cleaned) && cleaned.replace(ASSIGN, '').trim() === '') {
          // The line goes; so does one of the two blank lines that would meet.
          if (out.at(-1)?.trim() === '' && lines[i + 1]?.trim() === '') lines[i + 1] = '';
          continue;
        }
        out.push(cleaned + nl);
        continue;
      }
    }
    out.push(line);
  }
  if (lastSrcs === lines.length - 1 && added) out.push((out.at(-1)?.endsWith('\n') ? '' : '\n') + added);
  return out.join('');
}

/**
 * `CPPFLAGS+=-I${.CURDIR}/../include`: a directory named from the old folder is another one
 * seen from sys/modules/<name>. Each such -I is re-rooted like the .PATH: under `${S}` inside
 * the kernel tree, else relative to the new folder. Absolute and `${S}` paths stay.
 */
function rerootIncludeDirs(body: string, r: MakefileRewrite): string {
  return body.replace(/(-I\s*)((?:\$\{\.CURDIR\}|\$\(\.CURDIR\))(?:\/[^\s\\]*)?|\.\.?(?:\/[^\s\\]*)?)/g, (all, flag: string, dir: string) => {
    const abs = path.resolve(r.oldDir, dir.replace(/^(?:\$\{\.CURDIR\}|\$\(\.CURDIR\))\/?/, ''));
    return flag + dirFrom(abs, r);
  });
}

function dirFrom(abs: string, r: MakefileRewrite): string {
  if (r.sysDir) {
    const rel = path.relative(r.sysDir, abs);
    if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel ? `\${S}/${rel.split(path.sep).join('/')}` : '${S}';
  }
  const rel = path.relative(r.newDir, abs).split(path.sep).join('/');
  return rel ? `\${.CURDIR}/${rel}` : '${.CURDIR}';
}

/** One `.PATH:` line per source directory, under `${S}` when inside the kernel tree. */
function searchPathLines(r: MakefileRewrite): string[] | null {
  const dirs = r.searchPath.filter((d) => d !== r.oldDir && d !== r.newDir);
  if (r.searchPath.length === 0) return null;
  return dirs.map((d) => {
    if (r.sysDir) {
      const rel = path.relative(r.sysDir, d);
      if (!rel.startsWith('..') && !path.isAbsolute(rel)) return `.PATH:\t\${S}/${rel.split(path.sep).join('/')}`;
    }
    return `.PATH:\t\${.CURDIR}/${path.relative(r.newDir, d).split(path.sep).join('/')}`;
  });
}

/**
 * sys/modules/Makefile.inc: the settings sys/lkm/Makefile.inc shared, with `S` one level
 * shallower (sys/modules/<name> is two levels below sys) and without `-D_LKM`
 * (bsd.kmodule.mk defines _MODULE itself).
 */
export function modulesMakefileInc(lkmInc: string | null): string {
  const fallback = '# Settings shared by every module in sys/modules.\n\nS?=\t${.CURDIR}/../..\n';
  if (lkmInc === null) return fallback;
  let sawS = false;
  const lines = logicalLines(lkmInc)
    .map((line) => {
      const body = line.replace(/\n$/, '');
      const nl = line.endsWith('\n') ? '\n' : '';
      const m = ASSIGN.exec(body);
      if (m?.[1] === 'S') {
        sawS = true;
        return `S${m[2]}\t\${.CURDIR}/../..${nl}`;
      }
      if (m?.[1] === 'CPPFLAGS' && /-D_LKM\b/.test(body)) {
        const cleaned = withoutLkmFlag(body);
        return cleaned.replace(ASSIGN, '').trim() === '' ? '' : cleaned + nl;
      }
      return line;
    })
    .filter((l) => l !== '');
  // Comments that explained the old depth would now mislead.
  const text = lines
    .join('')
    .replace(/^#[^\n]*\bsys\/lkm\b[^\n]*\n(#[^\n]*\n)*/m, '')
    .replace(/\$NetBSD:[^$\n]*\$/, '$NetBSD$');
  return sawS ? text : fallback + text;
}

/** sys/modules/Makefile listing every module directory, created or extended. */
export function modulesSubdirMakefile(existing: string | null, names: string[]): string {
  const sorted = [...new Set(names)].sort();
  if (existing === null) {
    return (
      '# Loadable kernel modules.\n\n' + sorted.map((n) => `SUBDIR+=\t${n}\n`).join('') + '\n.include <bsd.subdir.mk>\n'
    );
  }
  const listed = new Set<string>();
  for (const line of logicalLines(existing)) {
    if (/^\s*SUBDIR\s*\+?=/.test(line)) for (const w of line.replace(/^\s*SUBDIR\s*\+?=/, '').split(/[\s\\]+/)) if (w) listed.add(w);
  }
  const add = sorted.filter((n) => !listed.has(n)).map((n) => `SUBDIR+=\t${n}\n`).join('');
  if (!add) return existing;
  const inc = existing.search(/^\.include\s+<bsd\.subdir\.mk>/m);
  return inc === -1 ? existing + add : existing.slice(0, inc) + add + '\n' + existing.slice(inc);
}

/** Remove `name` from SUBDIR lines of an old sys/lkm/<kind>/Makefile, keeping the others' spacing. */
export function dropSubdir(text: string, name: string): string {
  const n = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return logicalLines(text)
    .map((line) => {
      if (!/^\s*SUBDIR\s*\+?=/.test(line)) return line;
      const first = new RegExp(`(\\+?=[ \\t]*)${n}(?:[ \\t]+|(?=\\\\|\\n|$))`);
      if (first.test(line)) return line.replace(first, '$1').replace(/[ \t]+(\n?)$/, '$1');
      return line.replace(new RegExp(`[ \\t]+${n}(?=[ \\t\\\\]|\\n|$)`), '');
    })
    .join('');
}

/** `CPPFLAGS+=\t-D_LKM -DDIAGNOSTIC` → `CPPFLAGS+=\t-DDIAGNOSTIC`: the spacing before it stays. */
function withoutLkmFlag(line: string): string {
  return line.replace(/-D_LKM\b(=\S*)?[ \t]*/g, '').replace(/[ \t]+$/, '');
}
