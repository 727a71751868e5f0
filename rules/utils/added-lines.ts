import type { CFunction } from "../../src/parse/c/types.js";

/**
 * The new-side numbers of the lines a patch adds to a function. Several
 * rules ask for them for every function they walk, so the set is built
 * once per function and kept while the function lives.
 */

const cache = new WeakMap<CFunction, ReadonlySet<number>>();

export function addedLines(fn: CFunction): ReadonlySet<number> {
  let set = cache.get(fn);
  if (!set) {
    const s = new Set<number>();
    for (const l of fn.lines) if (l.added) s.add(l.newLine);
    set = s;
    cache.set(fn, set);
  }
  return set;
}
