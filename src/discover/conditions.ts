/**
 * The preprocessor conditionals around a place in a C file: which `#if` branches it sits in.
 *
 * Read from the text, line by line, independently of tree-sitter (which sees only one branch
 * of an `#if` that splits a statement). Discovery uses it to tell a registration that depends
 * on a configuration (`#if defined(i386)`) from one that is always there, and to recognise two
 * declarations in the `#if` and `#else` of the same conditional as alternatives rather than
 * two registrations.
 */

export interface CondFrame {
  /** Identifies one #if ... #endif. */
  group: number;
  /** 0 for the #if branch, 1 for the first #elif or #else, and so on. */
  branch: number;
  /** The condition under which this branch is compiled, in C preprocessor syntax. */
  condition: string;
  /** The branch is never compiled (`#if 0`, the `#else` of `#if 1`). */
  dead: boolean;
  /** The branch is compiled whatever the configuration (`#if 1`, the `#else` of `#if 0`). */
  always: boolean;
}

export interface ConditionProblem {
  line: number;
  message: string;
}

interface Transition {
  offset: number;
  frames: CondFrame[];
}

export class PreprocessorConditions {
  private transitions: Transition[] = [{ offset: 0, frames: [] }];
  readonly problems: ConditionProblem[] = [];

  /** `masked` is the file with comments blanked (see maskCode), so commented-out #ifs are ignored. */
  constructor(masked: string) {
    const stack: { group: number; line: number; tests: string[]; frame: CondFrame }[] = [];
    let groups = 0;
    let lineNo = 0;
    let pos = 0;
    while (pos <= masked.length) {
      let end = masked.indexOf('\n', pos);
      if (end < 0) end = masked.length;
      let line = masked.slice(pos, end);
      const startLine = ++lineNo;
      // A directive continued with backslashes is one logical line.
      while (line.endsWith('\\') && end < masked.length) {
        const next = masked.indexOf('\n', end + 1);
        const e2 = next < 0 ? masked.length : next;
        line = `${line.slice(0, -1)} ${masked.slice(end + 1, e2)}`;
        end = e2;
        lineNo++;
      }
      const d = /^\s*#\s*(if|ifdef|ifndef|elif|else|endif)\b(.*)$/.exec(line);
      if (d) {
        const kw = d[1]!;
        const arg = d[2]!.trim().replace(/\s+/g, ' ');
        const top = stack[stack.length - 1];
        if (kw === 'if' || kw === 'ifdef' || kw === 'ifndef') {
          const test = kw === 'ifdef' ? `defined(${arg})` : kw === 'ifndef' ? `!defined(${arg})` : arg;
          const group = ++groups;
          stack.push({ group, line: startLine, tests: [test], frame: { group, branch: 0, condition: test, dead: isFalse(test), always: isTrue(test) } });
        } else if (!top) {
          this.problems.push({ line: startLine, message: `#${kw} without a matching #if` });
        } else if (kw === 'elif') {
          const prior = top.tests.map(negate);
          top.tests.push(arg);
          top.frame = {
            group: top.group,
            branch: top.tests.length - 1,
            condition: [...prior, paren(arg)].join(' && '),
            dead: isFalse(arg) || top.tests.slice(0, -1).some(isTrue),
            always: isTrue(arg) && top.tests.slice(0, -1).every(isFalse),
          };
        } else if (kw === 'else') {
          top.frame = {
            group: top.group,
            branch: top.tests.length,
            condition: top.tests.map(negate).join(' && '),
            dead: top.tests.some(isTrue),
            always: top.tests.every(isFalse),
          };
        } else {
          stack.pop();
        }
        this.transitions.push({ offset: end + 1, frames: stack.map((s) => s.frame) });
      }
      pos = end + 1;
    }
    for (const s of stack) this.problems.push({ line: s.line, message: '#if without a matching #endif' });
  }

  /** The stretches of text no configuration compiles (`#if 0` ... `#else`), as [start, end). */
  neverCompiled(): Array<[number, number]> {
    const out: Array<[number, number]> = [];
    this.transitions.forEach((t, i) => {
      if (!isDead(t.frames)) return;
      const end = this.transitions[i + 1]?.offset ?? Number.MAX_SAFE_INTEGER;
      const last = out[out.length - 1];
      if (last && last[1] === t.offset) last[1] = end;
      else out.push([t.offset, end]);
    });
    return out;
  }

  /** The branches enclosing `offset`, outermost first. */
  at(offset: number): CondFrame[] {
    let lo = 0;
    let hi = this.transitions.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.transitions[mid]!.offset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.transitions[lo]!.frames;
  }
}

/** Two places that can never be compiled together: different branches of the same #if. */
export function exclusive(a: CondFrame[], b: CondFrame[]): boolean {
  for (const fa of a) {
    const fb = b.find((f) => f.group === fa.group);
    if (fb && fb.branch !== fa.branch) return true;
  }
  return false;
}

export function isDead(frames: CondFrame[]): boolean {
  return frames.some((f) => f.dead);
}

function isFalse(test: string): boolean {
  return /^\(?\s*0\s*\)?$/.test(test);
}

function isTrue(test: string): boolean {
  return /^\(?\s*1\s*\)?$/.test(test);
}

function paren(test: string): string {
  return /^!?[\w()]+$/.test(test) ? test : `(${test})`;
}

function negate(test: string): string {
  const m = /^!defined\((\w+)\)$/.exec(test);
  if (m) return `defined(${m[1]})`;
  if (/^defined\(\w+\)$/.test(test) || /^\w+$/.test(test)) return `!${test}`;
  return `!(${test})`;
}
