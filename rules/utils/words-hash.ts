/**
 * The hash the typo rule reads words by. The spelling gate hashes every
 * letter run of the prose as it reads it, and the dictionary keeps its keys
 * by the same hash: it answers "is this run a key?" from the hash and the
 * run in place, so a run is never cut out of its text to be looked up.
 */

/** FNV-1a, seed and prime, over char codes. */
export const HASH_SEED = 0x811c9dc5 | 0;
export const HASH_PRIME = 0x01000193;
/** Kept in small-integer range, so hashes are stored and compared unboxed. */
export const HASH_MASK = 0x3fffffff;

/** The hash of `word`: FNV-1a over its char codes, masked with HASH_MASK. */
export function hashOf(word: string): number {
  let h = HASH_SEED;
  for (let i = 0; i < word.length; i++) h = Math.imul(h ^ word.charCodeAt(i), HASH_PRIME);
  return h & HASH_MASK;
}

/** `toLowerCase()` turns two non-ASCII letters into ASCII ones: the Kelvin sign into "k", and "İ" into "i" and a combining dot. */
const KELVIN = 0x212a;
export const DOTTED_I = 0x130;

/** The lower-case ASCII letter `c` reads as in the lower-cased text, or -1. */
export function letterOf(c: number): number {
  if (c >= 97 && c <= 122) return c;
  if (c >= 65 && c <= 90) return c | 32;
  if (c < 128) return -1;
  if (c === KELVIN) return 107;
  if (c === DOTTED_I) return 105;
  return -1;
}
