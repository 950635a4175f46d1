/**
 * The shell commands of `VAR!= command` that real kernel Makefiles use to name a directory,
 * evaluated without a shell: `cd DIR; pwd`, `cd DIR && pwd`, plain `pwd` (and `pwd -P`,
 * `/bin/pwd`). Every NetBSD sys/lkm Makefile.inc sets `S!= cd ${.CURDIR}/../../..;pwd`.
 *
 * Anything else is not run: lkm2mod never starts a shell on a user's Makefile. The answer then
 * says why, and the variable stays unknown (a makefile-shell-assignment finding).
 */
import fs from 'node:fs';
import path from 'node:path';

export type ShellResult = { value: string } | { unknown: string; warning?: boolean };

/**
 * The output of `command` (already expanded by make) run from `cwd`, for the idioms above.
 * A `cd` to a directory the tree lacks is answered as unknown with a warning: the sh would go on
 * from the old directory (`;`) or print nothing (`&&`), and neither is the directory meant.
 */
export function evalShellIdiom(command: string, cwd: string): ShellResult {
  const steps = splitCommands(command.trim());
  if (!steps) return { unknown: 'it uses shell syntax beyond a sequence of cd and pwd' };
  let dir = cwd;
  let out: string[] = [];
  for (const step of steps) {
    const argv = words(step.cmd);
    if (!argv) return { unknown: `it quotes in a way lkm2mod does not read ("${step.cmd}")` };
    const [name, ...args] = argv;
    if (name === 'cd' || name === 'chdir') {
      const target = args.filter((a) => a !== '-P' && a !== '-L');
      if (target.length !== 1) return { unknown: `"${step.cmd}" is not a cd to one directory` };
      const next = path.resolve(dir, target[0]!);
      if (!isDir(next)) return { unknown: `"${step.cmd}" names a directory the tree lacks (${next})`, warning: true };
      dir = next;
    } else if (name === 'pwd' || name === '/bin/pwd') {
      const physical = name === '/bin/pwd' ? !args.includes('-L') : args.includes('-P');
      if (args.some((a) => a !== '-P' && a !== '-L')) return { unknown: `"${step.cmd}" passes pwd an argument it does not take` };
      out.push(physical ? realpath(dir) : dir);
    } else {
      return { unknown: `${name} is neither cd nor pwd` };
    }
  }
  // make turns the newlines of a command's output into spaces and drops the last one.
  return { value: out.join(' ') };
}

interface Step {
  cmd: string;
}

/** `a; b && c` as its simple commands; null when the text holds other shell syntax. */
function splitCommands(text: string): Step[] | null {
  const quoted = text.match(/'[^']*'|"[^"]*"/g) ?? [];
  if (quoted.some((q) => /[;&$`\\]/.test(q))) return null;
  const bare = text.replace(/'[^']*'|"[^"]*"/g, '').replace(/&&/g, '');
  if (/[|&<>`$(){}*?[\]\n]/.test(bare)) return null;
  const steps = text.split(/\s*(?:;|&&)\s*/).map((cmd) => ({ cmd: cmd.trim() }));
  // A trailing `;` leaves an empty step; an empty step elsewhere is a syntax error in sh.
  if (steps.length > 1 && steps.at(-1)!.cmd === '' && /;\s*$/.test(text)) steps.pop();
  return steps.every((s) => s.cmd !== '') ? steps : null;
}

/** Words of a simple command, honouring single and double quotes; null for an unclosed quote. */
function words(cmd: string): string[] | null {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  for (let i = 0; i < cmd.length; i++) {
    const ch = cmd[i]!;
    if (ch === "'" || ch === '"') {
      const end = cmd.indexOf(ch, i + 1);
      if (end < 0) return null;
      cur += cmd.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (ch === '\\' && i + 1 < cmd.length) {
      cur += cmd[++i];
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out.length ? out : null;
}

function isDir(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function realpath(p: string): string {
  try {
    return fs.realpathSync(p);
  } catch {
    return p;
  }
}
