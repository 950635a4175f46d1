/**
 * Where a converted module lives. In a tree laid out like NetBSD's, an LKM's folder
 * `sys/lkm/<kind>/<name>/` becomes `sys/modules/<name>/`, as NetBSD's developers did it: the
 * folder's files move (the glue file named for what it now is, `<name>_mod.c`), the Makefile
 * is rewritten there, and the old folder goes. Anywhere else the module is converted where it
 * stands.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';

export interface Placement {
  /** The module(9) module's directory. */
  dir: string;
  /** The LKM moved from sys/lkm to sys/modules. */
  moved: boolean;
  /** The kernel tree's `sys` directory, when the LKM sat under its `lkm` folder. */
  sysDir: string | null;
  /** Old path → new path of every file that moves, the Makefile included. */
  moves: Map<string, string>;
  /** What stays behind in the old folder (subdirectories) and keeps it alive. */
  leftBehind: string[];
}

export function placeModule(lkmDir: string, name: string, makefile: string | null, gluePaths: string[]): Placement {
  const parts = lkmDir.split(path.sep);
  const at = parts.lastIndexOf('lkm');
  const inLkmTree = at > 0 && at < parts.length - 1 && makefile !== null && path.dirname(makefile) === lkmDir;
  if (!inLkmTree) return { dir: lkmDir, moved: false, sysDir: null, moves: new Map(), leftBehind: [] };
  const sysDir = parts.slice(0, at).join(path.sep) || path.sep;
  const dir = path.join(sysDir, 'modules', name);
  const moves = new Map<string, string>();
  const leftBehind: string[] = [];
  for (const entry of readdirSync(lkmDir).sort()) {
    const from = path.join(lkmDir, entry);
    if (!statSync(from).isFile()) {
      leftBehind.push(from);
      continue;
    }
    moves.set(from, path.join(dir, newBasename(entry, name, gluePaths.includes(from))));
  }
  return { dir, moved: true, sysDir, moves, leftBehind };
}

/** `lkminit_vfs.c` holding the declaration becomes `kernfs_mod.c`; other files keep their names. */
function newBasename(base: string, name: string, isGlue: boolean): string {
  if (isGlue && /lkm/i.test(base) && base.endsWith('.c')) return `${name}_mod.c`;
  return base;
}

/**
 * `#include "../../../miscfs/x/x.h"` written relative to the old folder, rewritten relative to
 * the new one; includes that resolve inside the moved folder are left alone.
 */
export function movedInclude(spec: string, fromDir: string, toDir: string, moves: Map<string, string>): string | null {
  if (!spec.startsWith('..')) return null;
  const target = path.resolve(fromDir, spec);
  const movedTo = moves.get(target);
  const resolved = movedTo ?? target;
  const rel = path.relative(toDir, resolved).split(path.sep).join('/');
  return rel === spec ? null : rel;
}
