/**
 * Which `#if` branch a NetBSD kernel build compiles, where code shared between the BSDs holds a
 * definition per system (ntfs: a `struct vfsops ntfs_vfsops` under `#if defined(__FreeBSD__)`,
 * another under `#elif defined(__NetBSD__)`). Only the system macros are decided: any other
 * name leaves the answer open (null), as it depends on the configuration.
 */
import { PreprocessorConditions, type CondFrame } from '../discover/conditions.ts';
import { maskCode } from '../discover/text.ts';
import type { SyntaxNode } from '../source/cparse.ts';
import type { CSource } from './csource.ts';

/** Defined in every NetBSD kernel and module build. */
const DEFINED = new Set(['__NetBSD__', '_KERNEL']);
/** The other systems' own macros: never defined when building for NetBSD. */
const FOREIGN = new Set(['__FreeBSD__', '__OpenBSD__', '__DragonFly__', '__bsdi__', '__APPLE__', '__linux__', '__linux', 'linux', '__sun', '__svr4__', '_WIN32']);

/** Whether NetBSD compiles code under these frames: true, false, or null when it depends on options. */
export function netbsdCompiles(frames: readonly CondFrame[]): boolean | null {
  let open = false;
  for (const f of frames) {
    if (f.dead) return false;
    if (f.always) continue;
    const v = evaluate(f.condition);
    if (v === false) return false;
    if (v === null) open = true;
  }
  return open ? null : true;
}

function evaluate(cond: string): boolean | null {
  const expr = cond
    .replace(/\bdefined\s*\(\s*(\w+)\s*\)|\bdefined\s+(\w+)/g, (_, a: string | undefined, b: string | undefined) => {
      const name = (a ?? b)!;
      if (DEFINED.has(name)) return ' 1 ';
      if (FOREIGN.has(name)) return ' 0 ';
      return ' 2 ';
    })
    .replace(/\b[A-Za-z_]\w*\b/g, (name) => {
      if (DEFINED.has(name)) return ' 1 ';
      if (FOREIGN.has(name)) return ' 0 ';
      return ' 2 ';
    });
  if (!/^[\s012!&|()]*$/.test(expr)) return null;
  // Three-valued: 2 stands for "unknown"; && and || decide when one side does.
  try {
    const v = three(expr.replace(/\s+/g, ''));
    return v === 2 ? null : v === 1;
  } catch {
    return null;
  }
}

/** Evaluates !, &&, || and parentheses over 0, 1 and 2 (unknown). */
function three(s: string): 0 | 1 | 2 {
  let i = 0;
  const or = (): 0 | 1 | 2 => {
    let v = and();
    while (s.startsWith('||', i)) {
      i += 2;
      const r = and();
      v = v === 1 || r === 1 ? 1 : v === 0 && r === 0 ? 0 : 2;
    }
    return v;
  };
  const and = (): 0 | 1 | 2 => {
    let v = not();
    while (s.startsWith('&&', i)) {
      i += 2;
      const r = not();
      v = v === 0 || r === 0 ? 0 : v === 1 && r === 1 ? 1 : 2;
    }
    return v;
  };
  const not = (): 0 | 1 | 2 => {
    if (s[i] === '!') {
      i++;
      const v = not();
      return v === 2 ? 2 : v === 1 ? 0 : 1;
    }
    if (s[i] === '(') {
      i++;
      const v = or();
      if (s[i++] !== ')') throw new Error('unbalanced');
      return v;
    }
    const c = s[i++];
    if (c === '0' || c === '1' || c === '2') return Number(c) as 0 | 1 | 2;
    throw new Error('unexpected');
  };
  const v = or();
  if (i !== s.length) throw new Error('trailing');
  return v;
}

const conditionsOf = new WeakMap<CSource, PreprocessorConditions>();

/** Inside a branch no NetBSD build compiles (`#if defined(__FreeBSD__)`). */
export function notForNetbsd(src: CSource, node: SyntaxNode): boolean {
  if (!/^[ \t]*#[ \t]*(?:if|elif|else)/m.test(src.text)) return false;
  let pc = conditionsOf.get(src);
  if (!pc) {
    pc = new PreprocessorConditions(maskCode(src.text));
    conditionsOf.set(src, pc);
  }
  return netbsdCompiles(pc.at(node.startIndex)) === false;
}
