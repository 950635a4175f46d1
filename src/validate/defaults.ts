/** Validation settings a user can change, with their defaults (light: the CLI's help shows them). */

/** Load/unload cycles of the repeat check. */
export const DEFAULT_REPEAT = 100;
