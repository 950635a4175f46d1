/**
 * Modules a tree already holds in module(9) form: convert leaves them alone and validation
 * checks them, but the reviewer still wants their class and requisites, which only the
 * MODULE() line says. Read it as written, from the C files of the module's directory (where
 * NetBSD keeps the glue that declares it); a MODULE() built from macros is not recognised.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface Module9 {
  name: string;
  /** MODULE_CLASS_* without the prefix. */
  class: string;
  required: string[];
  file: string;
  line: number;
}

const MODULE_LINE = /^[ \t]*MODULE[ \t]*\([ \t]*MODULE_CLASS_(\w+)[ \t]*,[ \t]*(\w+)[ \t]*,[ \t]*(?:"([^"]*)"|NULL|0)[ \t]*\)/m;

export function readModuleDeclaration(dir: string): Module9 | null {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith('.c')).sort();
  } catch {
    return null;
  }
  for (const n of names) {
    const file = path.join(dir, n);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const m = MODULE_LINE.exec(text);
    if (!m) continue;
    const required = (m[3] ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    const line = text.slice(0, m.index).split('\n').length;
    return { name: m[2]!, class: m[1]!, required, file, line };
  }
  return null;
}
