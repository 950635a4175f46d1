/**
 * What every conversion does to a module's files whatever its kind: the header swap
 * (`<sys/lkm.h>` out, `<sys/module.h>` in, plus what the rules need), `_LKM` conditions turned
 * into `_MODULE`, `LKM_E_*` commands into `MODULE_CMD_*`, and a last look for anything of the
 * LKM interface still standing — each one marked and reported, never left silently.
 */
import { contains } from '../source/tree-root.ts';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { walk, type SyntaxNode } from '../source/cparse.ts';
import type { CSource } from './csource.ts';
import type { ModuleJob } from './job.ts';
import { functionName } from './handlers.ts';

const LKM_INCLUDE = /^([ \t]*#[ \t]*include[ \t]*)<sys\/lkm\.h>/gm;
const COMMANDS: Record<string, string> = {
  LKM_E_LOAD: 'MODULE_CMD_INIT',
  LKM_E_UNLOAD: 'MODULE_CMD_FINI',
  LKM_E_STAT: 'MODULE_CMD_STAT',
};

/** Identifiers of sys/lkm.h that have no meaning in a module(9) module. */
const LKM_ONLY = new Set([
  'lkm_table',
  'lkmexists',
  'lkmdispatch',
  'lkm_nofunc',
  // kern_lkm.c's mark of a free devsw slot: module(9)'s devsw_attach finds slots itself.
  'lkmenodev',
  'sys_lkmnosys',
  'LKM_VERSION',
  '_LKM_ENV_VERSION',
  '_module',
  'DISPATCH',
  'LKM_DISPATCH',
  'LKM_MAKEMAJOR',
  'LKM_BLOCK_MAJOR',
  'LKM_CHAR_MAJOR',
]);
const LKM_TYPE = /^(lkm_(any|syscall|vfs|dev|dev_old|strmod|exec|compat|misc|drv|table)|cfattachlkminit)$/;
const LKM_MACRO = /^(MOD_(SYSCALL|VFS|DEV|EXEC|COMPAT|MISC|DRV|STRMOD)|LM_(SYSCALL|VFS|DEV|STRMOD|EXEC|COMPAT|MISC|DRV|DT_BLOCK|DT_CHAR))$/;

export function swapIncludes(job: ModuleJob, moduleFile: CSource): void {
  for (const src of job.files) {
    for (const m of src.text.matchAll(LKM_INCLUDE)) {
      const at = m.index! + m[1].length;
      if (job.isDead(src.path, at) || src.edits.touches(at, at + '<sys/lkm.h>'.length)) continue;
      src.edits.replace(at, at + '<sys/lkm.h>'.length, '<sys/module.h>', `${job.origin}: include`);
    }
  }
  const needed = ['sys/module.h', ...[...job.includes].sort()].filter(
    (h) => !new RegExp(`#\\s*include\\s*<${h.replace(/[/.]/g, '\\$&')}>`).test(moduleFile.text),
  );
  const swapped = LKM_INCLUDE.test(moduleFile.text);
  LKM_INCLUDE.lastIndex = 0;
  const missing = needed.filter((h) => !(h === 'sys/module.h' && swapped));
  if (missing.length === 0) return;
  const at = includeAnchor(moduleFile);
  const text = missing.map((h) => `#include <${h}>\n`).join('');
  moduleFile.edits.insert(at, text, `${job.origin}: include`);
}

/** After the lkm.h (soon module.h) line, else after the last `#include <sys/…>`, else the top. */
function includeAnchor(src: CSource): number {
  const lines = [...src.text.matchAll(/^[ \t]*#[ \t]*include[ \t]*<sys\/[^>]+>[^\n]*\n/gm)];
  const lkm = lines.find((l) => l[0].includes('<sys/lkm.h>'));
  const pick = lkm ?? lines[lines.length - 1];
  return pick ? pick.index! + pick[0].length : 0;
}

/**
 * `#ifdef _LKM`, `#if defined(_LKM)`: the same question is now asked of `_MODULE`, in the
 * module's sources and in the tree's headers they include (prototypes of load-only helpers
 * often sit under `#ifdef _LKM` there).
 */
export function lkmConditions(job: ModuleJob, headers: CSource[] = []): void {
  for (const src of [...job.files, ...headers]) {
    for (const m of src.text.matchAll(/^[ \t]*#[ \t]*(?:if|ifdef|ifndef|elif)\b[^\n]*/gm)) {
      for (const t of m[0].matchAll(/\b_LKM\b/g)) {
        const at = m.index! + t.index!;
        if (!src.edits.touches(at, at + 4) && !job.isDead(src.path, at)) {
          src.edits.replace(at, at + 4, '_MODULE', `${job.origin}: _LKM condition`);
        }
      }
    }
  }
}

/** -I directories of a Makefile's CPPFLAGS, absolute. */
export function makefileIncludeDirs(cppflags: readonly string[], dir: string): string[] {
  const out: string[] = [];
  cppflags.forEach((w, i) => {
    if (!w.startsWith('-I')) return;
    const d = w === '-I' ? cppflags[i + 1] : w.slice(2);
    if (d) out.push(path.resolve(dir, d));
  });
  return out;
}

/**
 * Headers of the tree the module's sources include (`"x.h"` beside them, `<dir/x.h>` under the
 * kernel tree's `sys`), followed a few levels deep; the kernel's own `sys/sys` headers are not
 * the module's to change.
 */
export function treeHeaders(
  job: ModuleJob,
  sysDir: string | null,
  read: (file: string) => CSource | null,
  includeDirs: readonly string[] = [],
): CSource[] {
  const out = new Map<string, CSource>();
  const visit = (src: CSource, depth: number) => {
    if (depth > 3) return;
    for (const m of src.text.matchAll(/^[ \t]*#[ \t]*include[ \t]*([<"])([^>"]+)[>"]/gm)) {
      const candidates = m[1] === '"' ? [path.resolve(path.dirname(src.path), m[2])] : [];
      // The Makefile's -I directories (CPPFLAGS+=-I${.CURDIR}/../include), then the kernel tree.
      candidates.push(...includeDirs.map((d) => path.join(d, m[2])));
      // `-isystem $S`: a name that climbs out of the kernel tree (kdump's "../../sys/...") is not
      // the tree's, whatever happens to lie there.
      const inSys = sysDir ? path.join(sysDir, m[2]) : null;
      if (inSys && !m[2].startsWith('sys/') && contains(sysDir!, inSys)) candidates.push(inSys);
      for (const c of candidates) {
        if (out.has(c) || job.files.some((f) => f.path === c) || !existsSync(c)) continue;
        const h = read(c);
        if (!h) continue;
        out.set(c, h);
        visit(h, depth + 1);
        break;
      }
    }
  };
  for (const f of job.files) visit(f, 0);
  return [...out.values()];
}

export function lkmCommands(job: ModuleJob): void {
  for (const src of job.files) {
    if (!/LKM_E_/.test(src.text)) continue;
    walk(src.root, (n) => {
      if (n.type !== 'identifier' || !(n.text in COMMANDS)) return true;
      if (job.isDead(src.path, n.startIndex) || src.edits.covers(n.startIndex, n.endIndex)) return false;
      if (src.edits.touches(n.startIndex, n.endIndex)) return false;
      src.edits.replace(n.startIndex, n.endIndex, COMMANDS[n.text], `${job.origin}: LKM_E command`);
      return false;
    });
  }
}

/** kern_lkm.c's functions, which LKMs sometimes declared themselves. */
const LKM_FUNCTIONS = new Set(['lkmexists', 'lkmdispatch', 'lkm_nofunc', 'lkmenodev', 'sys_lkmnosys']);

/**
 * `int lkmexists __P((struct lkm_table *));`: a module's own prototype of a kern_lkm.c function
 * goes once the conversion left nothing that calls it (what still does keeps it, reported).
 */
export function removeLkmPrototypes(job: ModuleJob): void {
  const live = (name: string, decl: SyntaxNode) =>
    job.files.some((f) =>
      f.identifiers(name).some((id) => !f.edits.covers(id.startIndex, id.endIndex) && !(id.startIndex >= decl.startIndex && id.endIndex <= decl.endIndex)),
    );
  for (const src of job.files) {
    if (!/lkm/.test(src.text)) continue;
    walk(src.root, (n) => {
      if (n.type === 'function_definition') return false;
      if (n.type !== 'declaration') return true;
      const name = functionName(n);
      if (!name || !LKM_FUNCTIONS.has(name) || n.childrenForFieldName('declarator').length !== 1) return false;
      if (job.isDead(src.path, n.startIndex) || src.edits.touches(n.startIndex, n.endIndex) || live(name, n)) return false;
      src.removeNode(n, `${job.origin}: prototype of ${name}`, { withComment: true, trailingComment: true });
      return false;
    });
  }
}

/** Anything of the LKM interface that survived the rules: marked where it stands, and reported. */
export function reportLeftovers(job: ModuleJob): void {
  for (const src of job.files) {
    if (!/lkm|LKM|MOD_|LM_|DISPATCH|_module/.test(src.text)) continue;
    walk(src.root, (n) => {
      if (n.type === 'comment' || n.type === 'string_literal') return false;
      if (job.isDeadNode(src.path, n) || src.edits.covers(n.startIndex, n.endIndex)) return false;
      if (job.isDead(src.path, n.startIndex)) return true; // only starts in replaced text: look inside
      const isId = n.type === 'identifier' && (LKM_ONLY.has(n.text) || LKM_MACRO.test(n.text));
      const isType = n.type === 'type_identifier' && LKM_TYPE.test(n.text);
      const isField = n.type === 'field_identifier' && /^lkm_(offset|cdevmaj|bdevmaj|name|type)$/.test(n.text);
      if (!isId && !isType && !isField) return true;
      job.marker(
        src.path,
        n.startIndex,
        'lkm-leftover',
        'warning',
        `${n.text} belongs to the old LKM interface (sys/lkm.h and kern_lkm.c), which a module(9) kernel does not provide. Rewrite this code for module(9).`,
      );
      return true;
    });
  }
}
