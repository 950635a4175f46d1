/**
 * Rollback for operations that crash. A module whose code stops half-way (an interpreter error,
 * a panic in a kernel function it called) has left the kernel in a state no C code would ever
 * see; the simulated kernel undoes what the operation did, so the failure is reported and the
 * kernel stays usable — and comparable with its state before.
 *
 * Two mechanisms: every kernel table records an undo step for each change it makes, and the
 * kernel data a module may write directly (sysent[], emul_netbsd …) is checkpointed when the
 * outermost atomic section starts. A module's ordinary error return is not a crash and undoes
 * nothing: what a failed INIT leaves behind is exactly what validation must see.
 */
import { ArrayCell, type Cell, ScalarCell, StructCell } from './machine/memory.ts';

type Undo = () => void;

export class Journal {
  private readonly frames: Undo[][] = [];
  private readonly roots: Cell[] = [];
  private scalars: ScalarCell[] | null = null;

  /** Kernel data that module code may write through pointers. */
  watch(cell: Cell): void {
    this.roots.push(cell);
    this.scalars = null;
  }

  /** Stop watching a cell that no longer exists for the kernel (a vnode of a removed node). */
  unwatch(cell: Cell): void {
    const at = this.roots.indexOf(cell);
    if (at < 0) return;
    this.roots.splice(at, 1);
    this.scalars = null;
  }

  record(undo: Undo): void {
    this.frames.at(-1)?.push(undo);
  }

  /**
   * Run `fn`; if it throws, undo every change it made (newest first) and rethrow. With
   * `rollsBack`, only the errors it accepts undo anything; the others leave the changes in place
   * (for the enclosing section to keep or undo).
   */
  atomic<T>(fn: () => T, rollsBack: (err: unknown) => boolean = () => true, opts: { checkpoint?: boolean } = {}): T {
    // Each section checkpoints: an inner one that fails may be survived by its caller. A section
    // that runs no module code itself (module code runs in sections of its own) can skip it.
    const cells = opts.checkpoint === false ? [] : (this.scalars ??= scalarsOf(this.roots));
    const saved = cells.map((c) => c.value);
    this.frames.push([]);
    let frame: Undo[];
    try {
      const result = fn();
      frame = this.frames.pop()!;
      // An inner success is still undone if an enclosing section fails.
      this.frames.at(-1)?.push(...frame);
      return result;
    } catch (err) {
      frame = this.frames.pop()!;
      if (!rollsBack(err)) {
        this.frames.at(-1)?.push(...frame);
        throw err;
      }
      for (let i = frame.length - 1; i >= 0; i--) frame[i]!();
      for (let i = 0; i < cells.length; i++) cells[i]!.value = saved[i]!;
      throw err;
    }
  }
}

function scalarsOf(roots: Cell[]): ScalarCell[] {
  const out: ScalarCell[] = [];
  const visit = (c: Cell): void => {
    if (c instanceof ScalarCell) out.push(c);
    else if (c instanceof StructCell) for (const f of c.fields.values()) visit(f);
    else if (c instanceof ArrayCell) for (const i of c.items) visit(i);
  };
  for (const r of roots) visit(r);
  return out;
}
