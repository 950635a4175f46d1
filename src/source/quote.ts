/** Code quoted in a message: on one line, shortened to `max` characters with an ellipsis. */
export function oneLine(code: string, max: number): string {
  const flat = code.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 3)}...` : flat;
}
