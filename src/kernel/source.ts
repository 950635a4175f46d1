/**
 * Where module_load finds a module by name: the simulated module_base
 * (/stand/<machine>/<release>/modules/<name>/<name>.kmod). The CLI serves module directories
 * compiled on demand; tests and validate serve objects they built.
 */
import type { ModuleObject } from './object.ts';

export interface ModuleSource {
  /**
   * The object for `name`, or undefined when there is none (module_load answers ENOENT).
   * May throw a compile error, which the loader reports as ENOEXEC with its file:line.
   */
  open(name: string): ModuleObject | undefined;
  /** Where it looked, for the ENOENT message. */
  describe(name: string): string;
}

/** A fixed set of objects, by module name. */
export class ObjectSource implements ModuleSource {
  private readonly objects = new Map<string, ModuleObject>();

  constructor(entries: Iterable<[string, ModuleObject]> = []) {
    for (const [name, o] of entries) this.objects.set(name, o);
  }

  add(name: string, object: ModuleObject): this {
    this.objects.set(name, object);
    return this;
  }

  remove(name: string): void {
    this.objects.delete(name);
  }

  open(name: string): ModuleObject | undefined {
    return this.objects.get(name);
  }

  describe(name: string): string {
    return this.objects.size ? `no module named ${name} among ${[...this.objects.keys()].sort().join(', ')}` : `no module named ${name}`;
  }
}

/** Nothing to load by name: a kernel that only takes objects handed to it. */
export const NO_MODULES: ModuleSource = {
  open: () => undefined,
  describe: (name) => `no module named ${name} (the kernel has no module directory)`,
};
