/**
 * The macros a module's registration goes through: a syscall number (`UPTIME_SYSCALL`), a name
 * (`IPL_NAME`), an entry function named by `LKMENTRY(foo)`. Looked up in the module's own
 * files first, then in the local headers they include.
 */
import type { MacroDefine, SourceFacts } from './facts.ts';
import type { AssembleContext } from './assemble.ts';

/** Conditions every LKM build satisfies: they do not change whether the module registers. */
export const ALWAYS = new Set(['_KERNEL', '_LKM', 'LKM', '__NetBSD__']);

export class Defines {
  constructor(
    private files: SourceFacts[],
    private ctx: AssembleContext,
  ) {}

  /** The definition of `name`, preferring one every LKM build sees (`#ifdef __NetBSD__`). */
  find(name: string, near?: string): MacroDefine | undefined {
    const order = near ? [...this.files.filter((f) => f.file === near), ...this.files.filter((f) => f.file !== near)] : this.files;
    for (const f of order) {
      const hit = pick(f.defines.filter((d) => d.name === name));
      if (hit) return hit;
    }
    for (const f of order) {
      const hit = pick(this.ctx.headerDefines(f.file).filter((d) => d.name === name));
      if (hit) return hit;
    }
    return undefined;
  }

  /** An object-like macro's value, followed through further macros (`UPTIME_SYSCALL` → `210`). */
  value(expr: string, near?: string): string {
    let e = expr.trim();
    for (let i = 0; i < 8 && /^\w+$/.test(e); i++) {
      const d = this.find(e, near);
      if (!d || d.params !== null) break;
      e = d.body.replace(/^\((.*)\)$/, '$1').trim();
    }
    return e;
  }
}

function pick(defs: MacroDefine[]): MacroDefine | undefined {
  return defs.find((d) => d.frames.every((f) => ALWAYS.has(f.condition.replace(/^defined\((\w+)\)$/, '$1')))) ?? defs[0];
}

/** Expands `LKMENTRY(foo)` with `#define LKMENTRY(n) n##_lkmentry` to `foo_lkmentry`. */
export function expandCall(def: MacroDefine, args: string[]): string {
  let body = def.body;
  (def.params ?? []).forEach((p, i) => {
    body = body.replace(new RegExp(`\\b${p}\\b`, 'g'), args[i] ?? '');
  });
  return body.replace(/\s*##\s*/g, '');
}
