import type { CFunction, CLine } from "../../src/parse/c/types.js";

/**
 * The new-side numbers of the lines a patch adds to a function. Several
 * rules ask for them for every function they walk, and nearly all only ask
 * `has(line)`: that is answered by a binary search over the function's own
 * lines (in new-side order), so no set is built per function and nothing is
 * cached. Iterating, or lines out of order (never seen from the diff, but
 * not promised by the C view), build a real set on first use.
 */
class AddedLines implements ReadonlySet<number> {
  readonly #lines: readonly CLine[];
  /** Null until asked; true when new-side numbers strictly ascend, so a binary search finds the one line of a number. */
  #ascending: boolean | null = null;
  #set: Set<number> | null = null;

  constructor(lines: readonly CLine[]) {
    this.#lines = lines;
  }

  has(line: number): boolean {
    const lines = this.#lines;
    if (this.#ascending === null) this.#ascending = ascending(lines);
    if (!this.#ascending) return this.#asSet().has(line);
    let lo = 0;
    let hi = lines.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const l = lines[mid] as CLine;
      if (l.newLine < line) lo = mid + 1;
      else if (l.newLine > line) hi = mid - 1;
      else return l.kind === "add";
    }
    return false;
  }

  get size(): number {
    return this.#asSet().size;
  }

  forEach(callback: (value: number, key: number, set: ReadonlySet<number>) => void, thisArg?: unknown): void {
    this.#asSet().forEach((v) => callback.call(thisArg, v, v, this));
  }

  entries(): SetIterator<[number, number]> {
    return this.#asSet().entries();
  }

  keys(): SetIterator<number> {
    return this.#asSet().keys();
  }

  values(): SetIterator<number> {
    return this.#asSet().values();
  }

  [Symbol.iterator](): SetIterator<number> {
    return this.#asSet().values();
  }

  #asSet(): Set<number> {
    if (!this.#set) {
      const s = new Set<number>();
      for (const l of this.#lines) if (l.kind === "add") s.add(l.newLine);
      this.#set = s;
    }
    return this.#set;
  }
}

/** True when every line's new-side number is greater than the one before. */
function ascending(lines: readonly CLine[]): boolean {
  for (let i = 1; i < lines.length; i++) if ((lines[i] as CLine).newLine <= (lines[i - 1] as CLine).newLine) return false;
  return true;
}

/** The new-side numbers of the lines the patch adds to `fn` (a view over its lines: cheap to ask for per rule). */
export function addedLines(fn: CFunction): ReadonlySet<number> {
  return new AddedLines(fn.lines);
}
