/**
 * The cheap tests that decide, before any parsing, whether a file can matter.
 *
 * A kernel tree has ~20,000 C files and a few dozen LKMs; parsing is a thousand times dearer than
 * searching bytes. First a byte search for words every LKM file must contain (as fast as grep),
 * then, on the few percent that pass, a regular expression for the constructs themselves.
 */

const NEEDLES = ['MOD_', 'lkm', 'DISPATCH'].map((w) => Buffer.from(w, 'latin1'));

/** Could this file declare an LKM or dispatch one? (No false negatives; false positives are fine.) */
export function mayMentionLkm(buf: Buffer): boolean {
  for (const n of NEEDLES) if (buf.indexOf(n) >= 0) return true;
  return false;
}

/**
 * A declaration (`MOD_VFS(`, `struct lkm_dev x`), a dispatch (`DISPATCH(`, `lkmdispatch(`) or an
 * entry (`struct lkm_table *`): what makes a file worth parsing on its own. Word boundaries keep
 * `SOFTINT_DISPATCH(` and `KEYMOD_DEVICE` out.
 */
const LKM_CONSTRUCT =
  /\bMOD_(?:SYSCALL|VFS|DEV|EXEC|COMPAT|MISC|DRV|STRMOD)\s*\(|\bstruct\s+lkm_(?:syscall|vfs|dev|exec|compat|misc|drv|strmod|any|table)\b|\b(?:LKM_)?DISPATCH\s*\(|\blkmdispatch\s*\(/;

export function hasLkmConstruct(text: string): boolean {
  return LKM_CONSTRUCT.test(text);
}

/**
 * Whether a module file that is not a candidate on its own still needs parsing: it may define a
 * handler DISPATCH names, or read what the kernel assigned, or patch sysent by hand.
 */
export function neededByModule(text: string, wanted: Iterable<string>): boolean {
  if (/\blkm_(?:offset|cdevmaj|bdevmaj)\b|\bLKM_(?:CHAR|BLOCK)_MAJOR\b|\bsysent\s*\[/.test(text)) return true;
  for (const name of wanted) {
    if (/^\w+$/.test(name) && new RegExp(`\\b${name}\\s*\\(`).test(text)) return true;
  }
  return false;
}
