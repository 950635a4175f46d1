/**
 * Module names. MODULE(class, name, required) pastes `name` into `name_modinfo` and
 * `name_modcmd` and stringises it for mi_name, so a module(9) name must be a C identifier,
 * shorter than MAXMODNAME (32). LKM names were free-form strings ("null-fs", "3com"), so some
 * must change; every change is reported, never made silently.
 */

/** sys/module.h: mi_name must be shorter than this. */
export const MAXMODNAME = 32;

export interface ModuleName {
  /** The C identifier MODULE() gets. */
  name: string;
  /** The name the LKM had, when it differs. */
  renamedFrom?: string;
  /** Why it changed, in one sentence, for the report. */
  reason?: string;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isIdentifier(s: string): boolean {
  return IDENT.test(s);
}

/**
 * The module name for an LKM: its declared name when that is already a good identifier, else
 * KMOD when that is one, else the declared name with every character an identifier cannot
 * hold turned into `_`.
 */
export function moduleName(declared: string, kmod: string | null): ModuleName {
  const raw = unquote(declared.trim());
  if (isIdentifier(raw) && raw.length < MAXMODNAME) return { name: raw };
  if (kmod && isIdentifier(kmod) && kmod.length < MAXMODNAME) {
    return { name: kmod, renamedFrom: raw, reason: `"${raw}" is not a C identifier; using the Makefile's KMOD` };
  }
  let name = raw
    .replace(/[^A-Za-z0-9_]+/g, '_')
    .replace(/_+/g, '_')
    .replace(/^_+|_+$/g, '');
  if (name === '') name = 'module';
  if (/^[0-9]/.test(name)) name = 'mod_' + name;
  let reason = `"${raw}" is not a C identifier`;
  if (name.length >= MAXMODNAME) {
    name = name.slice(0, MAXMODNAME - 1).replace(/_+$/, '');
    reason = `"${raw}" is not a C identifier shorter than ${MAXMODNAME} characters`;
  }
  return name === raw ? { name } : { name, renamedFrom: raw, reason };
}

/** `"kernfs"` → `kernfs`; concatenated literals are joined; anything else is returned as is. */
export function unquote(s: string): string {
  const parts = s.match(/"((?:[^"\\]|\\.)*)"/g);
  if (!parts || parts.join('').replace(/\s+/g, '') !== s.replace(/\s+/g, '')) return s;
  return parts.map((p) => p.slice(1, -1)).join('');
}

/** An identifier derived from the module name, for the variables a rule declares. */
export function prefixed(moduleIdent: string, suffix: string): string {
  return `${moduleIdent}_${suffix}`;
}
