/** Lists of names in messages, as a sentence says them. */

/** `a, b and c`; past `most` items, the first `most - 1` and `N more`. */
export function listed(items: readonly string[], most = Infinity): string {
  if (items.length <= 1) return items.join('');
  const shown = items.length > most ? [...items.slice(0, most - 1), `${items.length - (most - 1)} more`] : items;
  return `${shown.slice(0, -1).join(', ')} and ${shown.at(-1)}`;
}
