/**
 * module_fetch_info: the modinfo record a module's MODULE() macro put in its link_set_modules
 * section, read after stage 1 (the pointer to it is a local relocation).
 */
import {
  type Callable,
  type Cell,
  deref,
  readCString,
  readField,
  asNumber,
  ScalarCell,
  StructCell,
} from './machine/memory.ts';
import { KernelError } from './errno.ts';
import type { Kobj } from './kobj.ts';

export interface ModInfo {
  version: number;
  /** MODULE_CLASS_* value. */
  class: number;
  modcmd: Callable | null;
  name: string;
  /** mi_required as written: "a,b" or null. */
  required: string | null;
  /** The modinfo_t itself, in the module's memory. */
  cell: StructCell;
}

/** Read a modinfo_t record. */
export function readModinfo(cell: StructCell): ModInfo {
  const modcmd = readField(cell, 'mi_modcmd');
  return {
    version: asNumber(readField(cell, 'mi_version')),
    class: asNumber(readField(cell, 'mi_class')),
    modcmd: modcmd.k === 'fn' ? modcmd.fn : null,
    name: readCString(readField(cell, 'mi_name')) ?? '',
    required: readCString(readField(cell, 'mi_required')),
    cell,
  };
}

/**
 * A loadable module carries exactly one pointer in link_set_modules. None: ENOENT, as
 * kobj_find_section reports a missing section. More than one: ENOEXEC (NetBSD 1.43 logs the
 * wrong size and, by a bug, returns 0; later kernels return ENOEXEC).
 */
export function fetchModinfo(ko: Kobj): ModInfo {
  const set: Cell[] = ko.image.linkSet('modules');
  const where = ko.object.origin;
  if (set.length === 0) {
    throw KernelError.of(
      'ENOENT',
      `${where}: no modinfo: the object has no link_set_modules section; a module(9) module needs ` +
        'MODULE(class, name, required) and a name_modcmd function',
    );
  }
  if (set.length > 1) {
    throw KernelError.of('ENOEXEC', `${where}: link_set_modules holds ${set.length} modinfo records; a module has exactly one MODULE()`);
  }
  const p = set[0]!;
  const info = p instanceof ScalarCell ? deref(p.value) : null;
  if (!(info instanceof StructCell)) {
    throw KernelError.of('ENOEXEC', `${where}: link_set_modules does not point at a modinfo_t`);
  }
  try {
    return readModinfo(info);
  } catch (err) {
    // A modinfo_t from headers other than sys/module.h's: not a record this kernel can read.
    throw KernelError.of('ENOEXEC', `${where}: unreadable modinfo record: ${(err as Error).message}`);
  }
}
