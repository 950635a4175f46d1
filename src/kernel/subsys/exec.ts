/**
 * The exec switch (kern_exec.c): the formats execve(2) tries, sorted by priority. Two
 * generations of the same calls: the module era's exec_add(esw, count)/exec_remove(esw, count)
 * with the emulation a direct pointer, and the LKM era's exec_add(esw, emulname)/exec_remove(esw)
 * that look the emulation up by name.
 */
import { type Value, deref, field, pointerTo, readField, ScalarCell, type StructCell, asNumber, ZERO } from '../machine/memory.ts';
import { constant } from '../abi.ts';
import { errno } from '../errno.ts';
import type { Kernel } from '../kernel.ts';

export class ExecSwitch {
  /** Entries in the order they were linked in. */
  private readonly linked: StructCell[] = [];

  constructor(private readonly k: Kernel) {}

  /** execsw[] as execve sees it: EXECSW_PRIO_FIRST entries, then _ANY, then _LAST. */
  sorted(): StructCell[] {
    const rank = (e: StructCell): number => {
      const p = prioOf(e);
      return p === constant('EXECSW_PRIO_FIRST') ? 0 : p === constant('EXECSW_PRIO_LAST') ? 2 : 1;
    };
    return [...this.linked].sort((a, b) => rank(a) - rank(b));
  }

  /** Module era: add `esws` all or nothing; EEXIST when one duplicates a linked entry. */
  add(esws: StructCell[]): number {
    if (esws.length === 0) return 0;
    for (const e of esws) if (this.linked.some((x) => sameFormat(x, e))) return errno('EEXIST');
    for (const e of esws) this.link(e);
    return 0;
  }

  /** Module era: EBUSY while a process was exec'd through one of them. */
  remove(esws: StructCell[]): number {
    if (esws.length === 0) return 0;
    if (esws.some((e) => this.inUse(e))) return errno('EBUSY');
    if (esws.some((e) => !this.linked.includes(e))) return errno('ENOENT');
    for (const e of esws) this.unlink(e);
    return 0;
  }

  /**
   * LKM era: exec_add(esw, e_name). With es_emul NULL the emulation is found by name (ENOENT
   * if none is registered) and stored in the entry.
   */
  addByName(esw: StructCell, emulName: string | null): number {
    // NetBSD 1.x: an exec format names no emulation (its makecmds sets the process's).
    const emulCell = esw.fields.has('es_emul') ? (field(esw, 'es_emul') as ScalarCell) : null;
    if (emulCell && !deref(emulCell.value)) {
      const em = emulName === null ? null : this.k.emuls.search(emulName);
      if (!em) return errno('ENOENT');
      const old = emulCell.value;
      emulCell.value = pointerTo(em);
      this.k.journal.record(() => (emulCell.value = old));
    }
    if (this.linked.some((x) => sameFormat(x, esw))) return errno('EEXIST');
    this.link(esw);
    return 0;
  }

  /** LKM era: exec_remove(esw); ENOENT if it is not linked. */
  removeOne(esw: StructCell): number {
    if (!this.linked.includes(esw)) return errno('ENOENT');
    if (this.inUse(esw)) return errno('EBUSY');
    this.unlink(esw);
    return 0;
  }

  /** Some entry points at the emulation (emul_unregister refuses then). */
  usesEmul(em: StructCell): boolean {
    return this.linked.some((e) => emulOf(e) === em);
  }

  private inUse(esw: StructCell): boolean {
    return this.k.procs.some((p) => deref(readField(p, 'p_execsw')) === esw);
  }

  private link(e: StructCell): void {
    this.linked.push(e);
    this.k.journal.record(() => this.linked.splice(this.linked.indexOf(e), 1));
  }

  private unlink(e: StructCell): void {
    const at = this.linked.indexOf(e);
    this.linked.splice(at, 1);
    this.k.journal.record(() => this.linked.splice(at, 0, e));
  }
}

/** The duplicate test of exec_add: same makecmds, same probe, same emulation. */
function sameFormat(a: StructCell, b: StructCell): boolean {
  return same(makecmdsOf(a), makecmdsOf(b)) && same(probe(a), probe(b)) && emulOf(a) === emulOf(b);
}

/*
 * The tree's own struct execsw is read as it is: NetBSD 1.x's holds only es_hdrsz and es_check
 * (the makecmds), with no priority, emulation or probe.
 */

/** The format's makecmds: es_makecmds, or 1.x's es_check. */
export function makecmdsOf(e: StructCell): Value {
  return readField(e, e.fields.has('es_makecmds') ? 'es_makecmds' : 'es_check');
}

/** es_prio; EXECSW_PRIO_ANY where the layout has none. */
export function prioOf(e: StructCell): number {
  return e.fields.has('es_prio') ? asNumber(readField(e, 'es_prio')) : constant('EXECSW_PRIO_ANY');
}

/** The emulation es_emul points at; null where it points nowhere or the layout has none. */
export function emulOf(e: StructCell): unknown {
  return e.fields.has('es_emul') ? deref(readField(e, 'es_emul')) : null;
}

function probe(e: StructCell): Value {
  if (!e.fields.has('u')) return ZERO;
  return readField(field(e, 'u'), 'elf_probe_func');
}

function same(a: Value, b: Value): boolean {
  if (a.k === 'fn' && b.k === 'fn') return a.fn === b.fn;
  if (a.k === 'fn' || b.k === 'fn') return false;
  return deref(a) === deref(b);
}
