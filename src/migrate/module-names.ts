/**
 * The name each module gets: the one the kernel looks up when it autoloads it. module(9)
 * finds a module by name only (`<name>/<name>.kmod`), so a module named otherwise than what the
 * kernel asks for is never autoloaded:
 *   - a file system by its type name, the vfsops' vfs_name (`mount -t null` asks for `null`);
 *   - an emulation (an LKM whose sources define the struct emul) `compat_<e_name>`;
 *   - an exec format `exec_<format>`;
 *   - an autoconf driver by its cfdriver name (`lm_cd` → `lm`), and so a module that installs a
 *     device switch whose d_open is its cfdriver's (`fdopen` with `fd_cd` → `fd`): opening a node
 *     of its major, and autoconf, both ask for the driver's name.
 * Anything else keeps the LKM's name. Every rename carries its reason; the name must still be a
 * C identifier shorter than MAXMODNAME (names.ts).
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { sourcePath } from '../runtime.ts';
import { referencedSymbol, stringValue } from './descriptor.ts';
import { isIdentifier, MAXMODNAME, moduleName, unquote, type ModuleName } from './names.ts';
import type { ModulePlan } from '../discover/plan.ts';

/** What the kernel looks the module up by, for the plan's reasons. */
export type LookupKind = 'file system type' | 'emulation' | 'exec format' | 'cfdriver' | 'lkm name';

export interface KernelName extends ModuleName {
  lookup: LookupKind;
  /** What asks for the module by this name, renamed or not. */
  why?: string;
}

const BUNDLED_MOUNT_H = sourcePath(import.meta.url, '../kernel/include/sys/mount.h');

/** Reads a file's text, or null; callers pass a cache-backed reader. */
export type ReadText = (file: string) => string | null;

export const readTextFile: ReadText = (file) => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
};

/**
 * The module name for an LKM. `declared` is the name its declaration gives (quoted or not);
 * `plan` supplies its kind, files and tables.
 */
export function kernelName(plan: ModulePlan, declared: string, read: ReadText = readTextFile): KernelName {
  const base = moduleName(declared, plan.kmod);
  const lkm = unquote(declared.trim());
  const texts = plan.files.map((f) => ({ file: f, text: read(f) ?? '' }));
  const pick = (name: string | null, lookup: LookupKind, why: string): KernelName | null => {
    if (!name || !isIdentifier(name) || name.length >= MAXMODNAME) return null;
    if (name === lkm) return { name, lookup, why };
    return { name, lookup, why, renamedFrom: lkm, reason: why };
  };

  const fsType = vfsTypeName(plan, texts, read);
  if (fsType) {
    const n = pick(fsType.name, 'file system type', `mount -t ${fsType.name} autoloads module "${fsType.name}" (${fsType.where})`);
    if (n) return n;
  }
  const emul = definedEmulationOf(plan, texts) ?? emulationByPlace(plan, lkm);
  if (emul && (plan.kind === 'compat' || plan.kind === 'exec')) {
    const n = pick(`compat_${emul.name}`, 'emulation', `${emul.why}, which module(9) knows as compat_${emul.name}`);
    if (n) return n;
  }
  if (plan.kind === 'exec') {
    const format = lkm.replace(/^exec_/, '');
    const n = pick(`exec_${format.replace(/[^A-Za-z0-9_]+/g, '_')}`, 'exec format', `exec formats are modules named exec_<format>`);
    if (n) return n;
  }
  if (plan.kind === 'drv') {
    const cd = cfdriverName(plan, texts);
    const n = pick(cd, 'cfdriver', `autoconf loads a driver module by its cfdriver name (${cd}_cd)`);
    if (n) return n;
  }
  if (plan.kind === 'misc' || plan.kind === 'dev') {
    const drv = switchDriverName(texts);
    const n = drv && pick(drv.name, 'cfdriver', `it is the driver ${drv.name}: its ${drv.sw}'s d_open is ${drv.name}open, and autoconf and the device switch ask for a driver module by its name (${drv.name}_cd)`);
    if (n) return n;
  }
  return { ...base, lookup: 'lkm name' };
}

/**
 * The driver whose device switch a module's sources define: a `struct cdevsw`/`struct bdevsw`
 * initialiser whose d_open is `<x>open`, where the sources also define `struct cfdriver <x>_cd`.
 */
function switchDriverName(texts: Array<{ text: string }>): { name: string; sw: string } | null {
  const all = texts.map((t) => t.text.replace(/\/\*[\s\S]*?\*\//g, ' '));
  const drivers = new Set<string>();
  for (const text of all) {
    for (const m of text.matchAll(/^([ \t\w]*?)\bstruct\s+cfdriver\s+(\w+)_cd\s*=/gm)) if (!/\bextern\b/.test(m[1]!)) drivers.add(m[2]!);
  }
  if (!drivers.size) return null;
  for (const text of all) {
    for (const m of text.matchAll(/\bstruct\s+([bc]devsw)\s+\w+\s*=\s*\{\s*(?:\.d_open\s*=\s*)?\(?\s*&?\s*(\w+)open\b/g)) {
      if (drivers.has(m[2]!)) return { name: m[2]!, sw: m[1]! };
    }
  }
  return null;
}

/** The struct vfsops a module registers, and its vfs_name as a string. */
function vfsTypeName(
  plan: ModulePlan,
  texts: Array<{ file: string; text: string }>,
  read: ReadText,
): { name: string; where: string } | null {
  const syms = new Set<string>();
  if (plan.tables.vfsops) syms.add(referencedSymbol(plan.tables.vfsops) ?? '');
  for (const d of [plan.declaration, ...plan.extraDeclarations]) {
    if (!d || !/VFS|lkm_vfs/i.test(d.macro)) continue;
    const arg = d.fields?.lkm_vfsops ?? d.args[2];
    if (arg) syms.add(referencedSymbol(arg) ?? '');
  }
  syms.delete('');
  for (const sym of syms) {
    for (const { file, text } of texts) {
      const init = vfsopsInitializer(text, sym);
      if (init === null) continue;
      const literal = stringValue(init);
      if (literal !== null) return { name: literal, where: `the vfs_name of ${sym}, ${path.basename(file)}` };
      if (!/^[A-Za-z_]\w*$/.test(init)) continue;
      const value = macroString(init, plan, texts, read);
      if (value) return { name: value.value, where: `${sym}'s vfs_name ${init}, defined in ${path.basename(value.file)}` };
    }
  }
  return null;
}

/** `struct vfsops x = { MOUNT_NULL, …` or `.vfs_name = MOUNT_NULL` → `MOUNT_NULL`. */
function vfsopsInitializer(text: string, sym: string): string | null {
  const re = new RegExp(`struct\\s+vfsops\\s+${sym}\\s*=\\s*\\{`, 'g');
  const m = re.exec(text);
  if (!m) return null;
  const body = text.slice(m.index + m[0].length, m.index + m[0].length + 2000).replace(/\/\*[\s\S]*?\*\//g, ' ');
  const designated = /\.vfs_name\s*=\s*([^,}]+)/.exec(body);
  if (designated) return designated[1].trim();
  const first = /^\s*([^,}]+)/.exec(body);
  return first ? first[1].trim() : null;
}

/**
 * `#define MOUNT_NULL "null"`: looked for in the module's own files, the headers beside them,
 * the tree's sys/mount.h, then the bundled headers.
 */
function macroString(
  macro: string,
  plan: ModulePlan,
  texts: Array<{ file: string; text: string }>,
  read: ReadText,
): { value: string; file: string } | null {
  const re = new RegExp(`^[ \\t]*#[ \\t]*define[ \\t]+${macro}[ \\t]+"([^"]*)"`, 'm');
  const candidates: string[] = [];
  for (const { file } of texts) candidates.push(file);
  const dirs = new Set([...plan.files.map((f) => path.dirname(f)), ...plan.searchPath]);
  for (const d of dirs) {
    for (const h of headersIn(d)) candidates.push(h);
  }
  const sys = sysDirAbove(plan.dir);
  if (sys) candidates.push(path.join(sys, 'sys', 'mount.h'));
  candidates.push(BUNDLED_MOUNT_H);
  for (const file of candidates) {
    const text = texts.find((t) => t.file === file)?.text ?? read(file);
    const m = text ? re.exec(text) : null;
    if (m) return { value: m[1], file };
  }
  return null;
}

function headersIn(dir: string): string[] {
  try {
    return existsSync(dir) ? readdirSync(dir).sort().filter((f) => f.endsWith('.h')).map((f) => path.join(dir, f)) : [];
  } catch {
    return [];
  }
}

/** The kernel tree's `sys` directory above an LKM folder in `sys/lkm`, if it is one. */
export function sysDirAbove(dir: string): string | null {
  const parts = dir.split(path.sep);
  const at = parts.lastIndexOf('lkm');
  return at > 0 ? parts.slice(0, at).join(path.sep) : null;
}

/**
 * An emulation LKM whose struct emul lkm2mod cannot see (its sources are missing, or built
 * elsewhere): one named `compat_<os>`, or one in the tree's `lkm/compat/<os>` folder.
 */
function emulationByPlace(plan: ModulePlan, lkm: string): { name: string; why: string } | null {
  for (const n of [lkm, plan.kmod ?? '']) {
    const m = /^compat_(\w+)$/.exec(n);
    if (m) return { name: m[1]!, why: `it is the emulation LKM ${n}` };
  }
  const parts = plan.dir.split(path.sep);
  const at = parts.lastIndexOf('lkm');
  if (at >= 0 && parts[at + 1] === 'compat' && parts.length === at + 3 && isIdentifier(parts[at + 2]!)) {
    return { name: parts[at + 2]!, why: `it is the emulation LKM of lkm/compat/${parts[at + 2]}` };
  }
  return null;
}

/** The emulation a module's own sources define (a non-extern `struct emul` with its e_name). */
function definedEmulationOf(plan: ModulePlan, texts: Array<{ text: string }>): { name: string; why: string } | null {
  const e = definedEmulation(plan, texts);
  return e ? { name: e, why: `it defines the emulation "${e}"` } : null;
}

/** The e_name of a `struct emul` the module's own sources define (not static), if any. */
export function definedEmulation(plan: ModulePlan, texts: Array<{ text: string }>): string | null {
  const re = /^([ \t\w]*?)\bstruct\s+emul\s+(\w+)\s*=\s*\{([\s\S]{0,400})/gm;
  for (const { text } of texts) {
    if (!text.includes('struct emul')) continue;
    for (const m of text.matchAll(re)) {
      if (/\bextern\b/.test(m[1])) continue;
      const designated = /\.e_name\s*=\s*"([^"]*)"/.exec(m[3]);
      const first = /^\s*(?:\/\*[\s\S]*?\*\/\s*)*"([^"]*)"/.exec(m[3]);
      const name = designated?.[1] ?? first?.[1];
      if (name && isIdentifier(name)) return name;
    }
  }
  return null;
}

/** `lm_cd` in a MOD_DRV's cfdriver list (or the array it names) → `lm`. */
function cfdriverName(plan: ModulePlan, texts: Array<{ text: string }>): string | null {
  const list = plan.tables.autoconf?.cfdrivers ?? '';
  const direct = /([A-Za-z_]\w*?)_cd\b/.exec(list);
  if (direct) return direct[1]!;
  const sym = referencedSymbol(list);
  if (!sym) return null;
  const re = new RegExp(`\\b${sym}\\s*\\[[^\\]]*\\]\\s*=\\s*\\{([^}]*)\\}`);
  for (const { text } of texts) {
    const m = re.exec(text);
    const cd = m ? /([A-Za-z_]\w*?)_cd\b/.exec(m[1]!) : null;
    if (cd) return cd[1]!;
  }
  return null;
}
