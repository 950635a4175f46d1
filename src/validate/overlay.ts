/**
 * The converted tree, on disk but not in the user's tree: a temporary directory that mirrors
 * the tree root with the conversion's changes applied. The compilers (the simulated kernel's
 * and a real cc) read files and follow #include like a build does, so the converted sources
 * must sit where they will be, next to the headers they include.
 *
 * Only the directories on the way to a changed file are real; everything else is a symbolic
 * link into the original tree, so the cost is the number of siblings along those paths, not
 * the size of the tree.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FileChange } from '../source/patch.ts';
import type { OverlayMap } from './spec.ts';

export class Overlay implements OverlayMap {
  private constructor(
    readonly dir: string,
    readonly root: string,
  ) {}

  /** Mirror `root` with `changes` applied. Every change must lie inside `root`. */
  static create(root: string, changes: readonly FileChange[]): Overlay {
    const abs = path.resolve(root);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lkm2mod-validate-'));
    const overlay = new Overlay(dir, abs);
    try {
      overlay.build(changes);
    } catch (err) {
      overlay.dispose();
      throw err;
    }
    return overlay;
  }

  /** Where `p` (a path in the tree, as it will be) is in the overlay. */
  toOverlay(p: string): string {
    return mapPath(p, this.root, this.dir);
  }

  /** The tree path an overlay path stands for. */
  toTree(p: string): string {
    return mapPath(p, this.dir, this.root);
  }

  dispose(): void {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private build(changes: readonly FileChange[]): void {
    // Paths that differ from the tree: written, renamed away or deleted.
    const touched = new Set<string>();
    for (const c of changes) {
      for (const p of [c.path, c.oldPath]) {
        if (!p) continue;
        const r = path.relative(this.root, path.resolve(p));
        if (r.startsWith('..') || path.isAbsolute(r)) throw new Error(`${p} is outside the tree root ${this.root}`);
        touched.add(r);
      }
    }
    // Directories that must be real: every ancestor of a touched path, the root included.
    const real = new Set<string>(['']);
    for (const t of touched) {
      for (let d = path.dirname(t); d !== '.' && !real.has(d); d = path.dirname(d)) real.add(d);
    }
    for (const rel of [...real].sort((a, b) => a.length - b.length)) {
      const into = path.join(this.dir, rel);
      fs.mkdirSync(into, { recursive: true });
      const from = path.join(this.root, rel);
      let entries: string[];
      try {
        entries = fs.readdirSync(from);
      } catch {
        continue; // a directory the conversion creates (sys/modules/<name>)
      }
      for (const e of entries) {
        const r = rel ? path.join(rel, e) : e;
        if (real.has(r) || touched.has(r)) continue;
        fs.symlinkSync(path.join(from, e), path.join(into, e));
      }
    }
    for (const c of changes) {
      if (c.after === null) continue;
      const target = this.toOverlay(path.resolve(c.path));
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, c.after);
    }
  }
}

function mapPath(p: string, from: string, to: string): string {
  const r = path.relative(from, path.resolve(p));
  if (r.startsWith('..') || path.isAbsolute(r)) return p;
  return r ? path.join(to, r) : to;
}

/** Every occurrence of the overlay directory in a message, as the tree path it stands for. */
export function treePaths(text: string, map: OverlayMap | null): string {
  if (!map) return text;
  return text.split(map.dir).join(map.root);
}
