/**
 * Globals that two modules of the set both define, or a module and the kernel. LKMs were linked into one kernel only as
 * often as a kernel was configured with both, and C's common symbols let `u_long ihash;` in two
 * files be one variable (1.4's procfs and ufs wrote their hash masks into the same word). kobj
 * links a module against what is loaded, and refuses one whose global is already defined
 * ("global symbol redefined"). A clashing global that only its own file uses becomes static
 * there, which is what it always meant; one used across files is left to a person, said.
 */
import type { SyntaxNode } from '../source/cparse.ts';
import type { CSource } from './csource.ts';
import { declaredName, fileSymbols } from './file-symbols.ts';
import type { ModuleJob } from './job.ts';

/**
 * The names the modules' own files define tentatively (`int prtactive;`: one declarator, no
 * initialiser, no storage class): as LKMs these were common symbols, one variable with the
 * kernel's when the kernel had it too.
 */
export function tentativeGlobals(jobs: readonly ModuleJob[]): Set<string> {
  const out = new Set<string>();
  for (const j of jobs) {
    for (const src of j.files) {
      for (const name of fileSymbols(src).globals) {
        if (tentativeObject(src, name)) out.add(name);
      }
    }
  }
  return out;
}

/**
 * `kernel`: which globals the kernel itself defines (name → the file that does). A module's
 * tentative definition of one becomes extern, which it always was: kobj refuses a module whose
 * global the kernel has (1.4's cd9660 has `int prtactive;`, the kernel's is in vfs_subr.c).
 */
export function settleGlobalClashes(jobs: readonly ModuleJob[], kernel: ReadonlyMap<string, string> = new Map()): void {
  // A definition made extern defines nothing any more: no clash between modules either.
  const madeExtern = new Set<string>();
  const key = (src: CSource, name: string) => `${src.path}\0${name}`;
  for (const job of jobs) {
    for (const src of job.files) {
      for (const name of fileSymbols(src).globals) {
        const where = kernel.get(name);
        const decl = where === undefined ? null : tentativeObject(src, name);
        if (!decl) continue;
        src.edits.insert(decl.startIndex, 'extern ', `${job.origin}: kernel's global`);
        madeExtern.add(key(src, name));
        job.finding({
          file: src.path,
          line: src.line(decl.startIndex),
          severity: 'note',
          code: 'global-made-extern',
          message: `\`${name}\` is now extern: the kernel defines it (${where}), and kobj refuses to load a module whose global the kernel already has. As an LKM's common symbol it was the kernel's variable all along.`,
        });
      }
    }
  }
  const modules = new Map<string, ModuleJob[]>();
  for (const j of jobs) modules.set(j.helperOf ?? j.name, [...(modules.get(j.helperOf ?? j.name) ?? []), j]);
  const filesOf = (parts: ModuleJob[]) => parts.flatMap((j) => [...j.files, ...j.hosted]);
  const definers = new Map<string, Set<string>>();
  for (const [module, parts] of modules) {
    for (const src of filesOf(parts)) {
      for (const g of fileSymbols(src).globals) if (!madeExtern.has(key(src, g))) definers.set(g, (definers.get(g) ?? new Set()).add(module));
    }
  }
  for (const [module, parts] of modules) {
    const files = filesOf(parts);
    for (const job of parts) {
      for (const src of job.files) {
        for (const name of fileSymbols(src).globals) {
          if (madeExtern.has(key(src, name))) continue;
          const others = [...(definers.get(name) ?? [])].filter((m) => m !== module);
          if (!others.length) continue;
          const usedElsewhere = files.some((f) => f !== src && fileSymbols(f).uses.has(name));
          const decl = usedElsewhere ? null : tentative(src, name);
          const also = `module ${others.sort().join(', module ')} defines a global \`${name}\` too, and kobj refuses to load a module whose global is already defined`;
          if (decl) {
            src.edits.insert(decl.startIndex, 'static ', `${job.origin}: global clash`);
            job.finding({
              file: src.path,
              line: src.line(decl.startIndex),
              severity: 'note',
              code: 'global-made-static',
              message: `\`${name}\` is now static: ${also}; only this file uses it, so it was never meant to be shared (as LKMs, the two were one common symbol whenever both were in a kernel).`,
            });
          } else {
            job.marker(src.path, definitionAt(src, name) ?? 0, 'global-clash', 'warning', `${also}. Rename it in one of them, or make it static where only one file uses it.`);
          }
        }
      }
    }
  }
}

/** The top-level declaration defining `name` alone, with no storage class, that `static ` can go before. */
function tentative(src: CSource, name: string): SyntaxNode | null {
  for (const d of topDeclarations(src.root)) {
    const declarators = d.childrenForFieldName('declarator');
    if (declarators.length !== 1) continue;
    const decl = declarators[0]!;
    if (declaredName(decl.type === 'init_declarator' ? decl.childForFieldName('declarator') : decl) !== name) continue;
    if (d.namedChildren.some((c) => c.type === 'storage_class_specifier')) return null;
    return d;
  }
  return null;
}

/** tentative(), when it declares an object without an initialiser (not a function's K&R head). */
function tentativeObject(src: CSource, name: string): SyntaxNode | null {
  const d = tentative(src, name);
  let decl: SyntaxNode | null = d?.childrenForFieldName('declarator')[0] ?? null;
  while (decl && decl.type !== 'identifier') {
    if (decl.type === 'init_declarator' || decl.type === 'function_declarator') return null;
    decl = decl.childForFieldName('declarator');
  }
  return decl ? d : null;
}

function definitionAt(src: CSource, name: string): number | null {
  const m = new RegExp(`^[^#\\n]*\\b${name}\\b[^(\\n]*[;=]`, 'm').exec(src.text);
  return m ? m.index : null;
}

function topDeclarations(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const n of node.namedChildren) {
    if (n.type === 'declaration') out.push(n);
    else if (/^preproc_(if|ifdef|else|elif|elifdef)$/.test(n.type)) out.push(...topDeclarations(n));
  }
  return out;
}
