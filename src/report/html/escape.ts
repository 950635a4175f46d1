/**
 * HTML escaping for text and attribute values. The page is built as strings, so everything that
 * comes from the user's tree (file names, C source, finding messages) goes through here.
 */

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escape text for element content and double- or single-quoted attribute values. */
export function esc(text: string | number): string {
  return String(text).replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/**
 * A fragment id for a name: `prefix-name`, where any character other than a letter, digit or
 * `_` becomes `-<hex>-`. Distinct names give distinct ids, and the id needs no CSS escaping.
 */
export function anchor(prefix: string, name: string): string {
  return `${prefix}-${name.replace(/[^A-Za-z0-9_]/gu, (c) => `-${c.codePointAt(0)!.toString(16)}-`)}`;
}
