/**
 * What the kernel learns by reading its bundled headers as text: the catalogues kernelTypes()
 * does not enumerate — the vnode operation descriptors, the malloc types, and the name of every
 * kernel function a module may call. Struct layouts, constants and the functions' types come
 * from kernelTypes(); these are the lists around them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { sourcePath } from '../runtime.ts';

export const INCLUDE_DIR = sourcePath(import.meta.url, 'include');

export interface Prototype {
  name: string;
  /** What a neutral model returns: 0, NULL, or nothing. */
  returns: 'int' | 'ptr' | 'void';
  header: string;
}

export interface HeaderCatalogue {
  /** vop_lookup_desc, … in declaration order (vop_default_desc first). */
  vopDescs: string[];
  /** M_DEVBUF, … */
  mallocTypes: string[];
  /** Every function prototype at file scope, by name (first declaration wins). */
  prototypes: Map<string, Prototype>;
}

let cached: HeaderCatalogue | undefined;

export function headerCatalogue(): HeaderCatalogue {
  return (cached ??= scan(INCLUDE_DIR));
}

function scan(root: string): HeaderCatalogue {
  const cat: HeaderCatalogue = { vopDescs: [], mallocTypes: [], prototypes: new Map() };
  for (const file of headers(root)) {
    const rel = path.relative(root, file);
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\bextern\s+const\s+struct\s+vnodeop_desc\s+(\w+)\s*;/g)) cat.vopDescs.push(m[1]!);
    for (const m of text.matchAll(/^MALLOC_DECLARE\((\w+)\);/gm)) cat.mallocTypes.push(m[1]!);
    for (const p of prototypes(text, rel)) if (!cat.prototypes.has(p.name)) cat.prototypes.set(p.name, p);
  }
  const d = cat.vopDescs.indexOf('vop_default_desc');
  if (d > 0) cat.vopDescs.unshift(...cat.vopDescs.splice(d, 1));
  return cat;
}

function headers(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) out.push(...headers(p));
    else if (e.endsWith('.h')) out.push(p);
  }
  return out;
}

/**
 * File-scope function declarations: comments, preprocessor lines and bodies removed, then
 * each statement that has the shape `type name(params) attributes;`.
 */
function prototypes(text: string, header: string): Prototype[] {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/.*$/gm, '')
    .replace(/^[ \t]*#(?:[^\n]*\\\n)*[^\n]*$/gm, ' ');
  const out: Prototype[] = [];
  let depth = 0;
  let stmt = '';
  for (const ch of code) {
    if (ch === '{') depth++;
    else if (ch === '}') {
      depth--;
      if (depth === 0) stmt = ''; // a struct body or an inline function: not a prototype
      continue;
    }
    if (depth > 0) continue;
    if (ch === ';') {
      const p = prototype(stmt.replace(/\s+/g, ' ').trim(), header);
      if (p) out.push(p);
      stmt = '';
    } else stmt += ch;
  }
  return out;
}

function prototype(s: string, header: string): Prototype | null {
  if (/^(typedef|struct\s+\w+\s*$|enum|union)\b/.test(s) || s.startsWith('extern') && !s.includes('(')) return null;
  // strip trailing attributes: __printflike(1, 2), __dead, __attribute__((...))
  const body = s.replace(/(\s+__\w+(\s*\((?:[^()]|\([^()]*\))*\))?)+$/, '');
  const m = /^(?:extern\s+)?([\w\s*]+?)\s*\b(\w+)\s*\(((?:[^()]|\((?:[^()]|\([^()]*\))*\))*)\)$/.exec(body);
  if (!m) return null;
  const ret = m[1]!.trim();
  const name = m[2]!;
  if (!ret || /^(return|if|while|sizeof)$/.test(name) || /\b(typedef|static)\b/.test(ret)) return null;
  const returns = ret.includes('*') ? 'ptr' : /^(const\s+)?void$/.test(ret) || /\bvoid$/.test(ret) && !ret.includes('*') ? 'void' : 'int';
  return { name, returns, header };
}
