/**
 * Kernel functions a module called that the simulated kernel does not model: it has their name
 * (from its bundled headers, or because the kernel tree being validated defines them) but not
 * their behaviour, so they return a neutral value (0, NULL) and do nothing. Each call is counted
 * per calling module, so a result can say how much of a module's code really ran against a
 * model and how much against a stand-in.
 */

/** Where a symbol the tree's kernel defines is: `sys/kern/vfs_subr.c:412`. */
export interface TreeSymbol {
  file: string;
  line: number;
  kind: 'func' | 'object';
}

/** How a kernel finds symbols in the sources of the tree being validated (validate supplies it). */
export type TreeSymbols = (name: string) => TreeSymbol | undefined;

export interface UnmodelledFunction {
  name: string;
  /** Where it is defined or declared, for the user: `sys/kern/vfs_subr.c:412`. */
  where: string;
  calls: number;
}

export interface UnmodelledVariable {
  name: string;
  where: string;
  /** What the stand-in holds when it is not zeros: `modload's process (root)`, `1086`. */
  holds?: string;
}

export class UnmodelledCalls {
  private readonly counts = new Map<string, Map<string, UnmodelledFunction>>();
  private readonly variables = new Map<string, Map<string, UnmodelledVariable>>();

  /** `module` linked against a stand-in for a variable of the tree's kernel: zeros, unless `holds` says. */
  linked(module: string, name: string, where: string, holds?: string): void {
    let m = this.variables.get(module);
    if (!m) this.variables.set(module, (m = new Map()));
    if (!m.has(name)) m.set(name, { name, where, ...(holds ? { holds } : {}) });
  }

  variablesOf(module: string): UnmodelledVariable[] {
    return [...(this.variables.get(module)?.values() ?? [])].sort((a, b) => a.name.localeCompare(b.name));
  }

  record(caller: string | null, name: string, where: string): void {
    const key = caller ?? '';
    let m = this.counts.get(key);
    if (!m) this.counts.set(key, (m = new Map()));
    const f = m.get(name);
    if (f) f.calls++;
    else m.set(name, { name, where, calls: 1 });
  }

  /** What `caller` called, most called first. */
  by(caller: string): UnmodelledFunction[] {
    return [...(this.counts.get(caller)?.values() ?? [])].map((f) => ({ ...f })).sort((a, b) => b.calls - a.calls || a.name.localeCompare(b.name));
  }

  clear(): void {
    this.counts.clear();
  }
}
