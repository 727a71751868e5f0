import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { DENYLIST, KERNEL_TYPOS, SHORT_KEEP } from "../data/typos-kernel.js";
import { hashOf, HASH_MASK, HASH_PRIME, HASH_SEED, letterOf } from "./words-hash.js";
import { isSpace } from "./words-tokens.js";

/**
 * The misspelling dictionary of the `typo` rule: the `en` part of
 * @cspell/dict-en-common-misspellings (never its en-us/en-gb files, which
 * would call British spellings wrong), filtered for kernel text, plus our own
 * kernel list. Loaded from node_modules at first use so the data is never
 * copied into the repository.
 */

/** Misspelling (lower case) -> the one correction we offer. */
export interface Dictionary {
  /** The correction of `word` (lower case), if it is a trusted misspelling. */
  get(word: string): string | undefined;
  has(word: string): boolean;
  /**
   * Whether the letter run `text[start, end)`, read through letterOf (as
   * lower-cased text reads it), is a key; `hash` is hashOf the lower-cased run.
   */
  hasRun(text: string, start: number, end: number, hash: number): boolean;
  /** Every key, in no particular order (a test's question: it works out every entry). */
  keys(): Iterable<string>;
}

let cached: Dictionary | null = null;

interface DictFile {
  dictionaryDefinitions?: { flagWords?: unknown; suggestWords?: unknown }[];
}

/** Entries this short (or shorter) are trusted only when SHORT_KEEP lists them. */
const SHORT = 4;

/** Two rows of the distance table, reused: the dictionary load asks for thousands of distances. */
let rows = [new Int32Array(64), new Int32Array(64)];

/** Levenshtein distance, small strings only (dictionary words). */
export function editDistance(a: string, b: string): number {
  if ((rows[0] as Int32Array).length <= b.length) rows = [new Int32Array(b.length + 1), new Int32Array(b.length + 1)];
  let prev = rows[0] as Int32Array;
  let cur = rows[1] as Int32Array;
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    // Swapped without a pair array: the load computes thousands of rows.
    const done = prev;
    prev = cur;
    cur = done;
  }
  return prev[b.length] as number;
}

/**
 * The correction for one dictionary entry, or null when the entry is not
 * trusted: short entries are kept only when listed in SHORT_KEEP; with
 * several suggestions the closest one is taken, and ties go to the
 * dictionary's first choice (its suggestions are ordered by likelihood).
 */
export function chooseCorrection(wrong: string, suggestions: string[]): string | null {
  const key = wrong.toLowerCase();
  if (DENYLIST.has(key)) return null;
  if (key.length <= SHORT && !SHORT_KEEP.has(key)) return null;
  let first: string | null = null;
  let usable = 0;
  let best: string | null = null;
  let bestDist = Infinity;
  for (const raw of suggestions) {
    const s = raw.trim();
    if (s === "" || s.includes("'")) continue;
    usable++;
    first ??= s;
    // Several suggestions: only entries long enough that the slip is clearly
    // a misspelling are trusted, with the nearest spelling. One further than
    // two edits is never offered, and its length alone may say so.
    if (key.length < 6 || Math.abs(s.length - key.length) > 2) continue;
    const d = editDistance(key, s.toLowerCase());
    if (d < bestDist) {
      best = s;
      bestDist = d;
    }
  }
  if (usable <= 1) return first;
  return bestDist <= 2 ? best : null;
}

/** Parses the dictionary file's `wrong->right` / `wrong->a, b` entries; KERNEL_TYPOS win over them. */
export function buildDictionary(entries: readonly string[]): Dictionary {
  return new LazyDictionary(entries, KERNEL_TYPOS);
}

/** chooseCorrection's answer for an entry (already let through) with one suggestion, trimmed. */
const oneSuggestion = (right: string): string | null => (right === "" || right.includes("'") ? null : right);

/**
 * The dictionary, worked out lazily. The load (about 89,000 entries, once
 * per process) only hashes each entry's misspelling in place into an
 * open-addressed table of entry indexes; whether an entry is trusted and
 * which correction it offers is worked out the first time a word asks, and
 * few are ever asked about. So the load cuts no string out of an entry, and
 * weighs no suggestions. Entries whose misspelling is not all letters cannot
 * match one prose word and are left out.
 */
class LazyDictionary implements Dictionary {
  /** The file's entries, then ours (`wrong->right`, trusted as they are): entryAt numbers them all. */
  private readonly ours: string[] = [];
  private readonly firstOurs: number;
  /** Per entry: where its trimmed misspelling starts and ends, and its hash (lower-cased). */
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  private readonly hashes: Int32Array;
  /** Per entry: the entry before it with the same misspelling (index + 1), 0 for none. */
  private readonly older: Int32Array;
  /** The newest entry of each misspelling (index + 1), 0 for an empty slot; at most half full. */
  private readonly slots: Int32Array;
  private readonly shift: number;
  /** The correction of a misspelling (by its newest entry) once worked out: null for none. */
  private readonly fixes = new Map<number, string | null>();

  constructor(
    private readonly entries: readonly string[],
    ours: Readonly<Record<string, string>>,
  ) {
    this.firstOurs = entries.length;
    for (const [wrong, right] of Object.entries(ours)) this.ours.push(`${wrong}->${right}`);
    const n = entries.length + this.ours.length;
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
    this.hashes = new Int32Array(n);
    this.older = new Int32Array(n);
    let bits = 4;
    while (1 << bits < n * 2) bits++;
    this.slots = new Int32Array(1 << bits);
    this.shift = 32 - bits;
    for (let i = 0; i < n; i++) this.add(i);
  }

  get(word: string): string | undefined {
    const hash = hashOf(word);
    for (let slot = this.slotOf(hash), at = this.slots[slot] as number; at !== 0; slot = this.nextSlot(slot), at = this.slots[slot] as number) {
      if (this.hashes[at - 1] === hash && this.keyIs(at - 1, word)) return this.fixOf(at - 1) ?? undefined;
    }
    return undefined;
  }

  has(word: string): boolean {
    return this.get(word) !== undefined;
  }

  hasRun(text: string, start: number, end: number, hash: number): boolean {
    for (let slot = this.slotOf(hash), at = this.slots[slot] as number; at !== 0; slot = this.nextSlot(slot), at = this.slots[slot] as number) {
      if (this.hashes[at - 1] === hash && this.keyIsRun(at - 1, text, start, end)) return this.fixOf(at - 1) !== null;
    }
    return false;
  }

  keys(): string[] {
    const out: string[] = [];
    for (const at of this.slots) {
      if (at !== 0 && this.fixOf(at - 1) !== null) out.push(this.keyOf(at - 1));
    }
    return out;
  }

  /** Files entry `i` under its misspelling's hash, in front of an older entry of the same misspelling. */
  private add(i: number): void {
    const entry = this.entryAt(i);
    const arrow = entry.indexOf("->");
    if (arrow <= 0) return;
    let start = 0;
    let end = arrow;
    while (start < end && isSpace(entry.charCodeAt(start))) start++;
    while (end > start && isSpace(entry.charCodeAt(end - 1))) end--;
    if (start === end) return;
    let h = HASH_SEED;
    for (let k = start; k < end; k++) {
      const c = entry.charCodeAt(k) | 32;
      if (c < 97 || c > 122) return;
      h = Math.imul(h ^ c, HASH_PRIME);
    }
    const hash = h & HASH_MASK;
    this.starts[i] = start;
    this.ends[i] = end;
    this.hashes[i] = hash;
    let slot = this.slotOf(hash);
    for (let at = this.slots[slot] as number; at !== 0; slot = this.nextSlot(slot), at = this.slots[slot] as number) {
      if (this.hashes[at - 1] === hash && this.keyIsRun(at - 1, entry, start, end)) {
        this.older[i] = at;
        break;
      }
    }
    this.slots[slot] = i + 1;
  }

  /**
   * The correction of the misspelling whose newest entry is `newest`: the
   * newest entry's own that is trusted, as setting the entries one by one
   * into a Map (but only those with a correction) would leave it.
   */
  private fixOf(newest: number): string | null {
    let fix = this.fixes.get(newest);
    if (fix === undefined) {
      fix = null;
      for (let i = newest + 1; fix === null && i !== 0; i = this.older[i - 1] as number) fix = this.entryFix(i - 1);
      this.fixes.set(newest, fix);
    }
    return fix;
  }

  /** What one entry offers: ours as written, the file's through its checks (chooseCorrection). */
  private entryFix(i: number): string | null {
    const entry = this.entryAt(i);
    const arrow = entry.indexOf("->");
    if (i >= this.firstOurs) return entry.slice(arrow + 2);
    const wrong = entry.slice(this.starts[i], this.ends[i]);
    const key = wrong.toLowerCase();
    if (DENYLIST.has(key) || (key.length <= SHORT && !SHORT_KEEP.has(key))) return null;
    const rest = entry.slice(arrow + 2);
    return rest.includes(",") ? chooseCorrection(wrong, rest.split(",")) : oneSuggestion(rest.trim());
  }

  /** Entry `i`'s misspelling, lower case. */
  private keyOf(i: number): string {
    return this.entryAt(i).slice(this.starts[i], this.ends[i]).toLowerCase();
  }

  /** Whether entry `i`'s misspelling, lower-cased, is `word`. */
  private keyIs(i: number, word: string): boolean {
    const entry = this.entryAt(i);
    const start = this.starts[i] as number;
    if (word.length !== (this.ends[i] as number) - start) return false;
    for (let k = 0; k < word.length; k++) if ((entry.charCodeAt(start + k) | 32) !== word.charCodeAt(k)) return false;
    return true;
  }

  /** Whether entry `i`'s misspelling, lower-cased, reads as `text[from, to)` through letterOf. */
  private keyIsRun(i: number, text: string, from: number, to: number): boolean {
    const entry = this.entryAt(i);
    const start = this.starts[i] as number;
    if (to - from !== (this.ends[i] as number) - start) return false;
    for (let k = 0; k < to - from; k++) if ((entry.charCodeAt(start + k) | 32) !== letterOf(text.charCodeAt(from + k))) return false;
    return true;
  }

  private entryAt(i: number): string {
    return (i < this.firstOurs ? this.entries[i] : this.ours[i - this.firstOurs]) as string;
  }

  /** Fibonacci hashing: the top bits of the product spread FNV's weaker low bits. */
  private slotOf(hash: number): number {
    return Math.imul(hash, 0x9e3779b1) >>> this.shift;
  }

  private nextSlot(slot: number): number {
    return (slot + 1) & (this.slots.length - 1);
  }
}

/**
 * The word list of @cspell/dict-en-common-misspellings. The package exports
 * only its cspell-ext.json; the list sits beside it. A bundled copy of
 * lkreview (the GitHub Action) has no node_modules and ships the list next
 * to the bundle instead (`npm run build:action` puts it there).
 */
function dictionaryFile(): string {
  const beside = fileURLToPath(new URL("./dict-en.json", import.meta.url));
  try {
    const ext = createRequire(import.meta.url).resolve("@cspell/dict-en-common-misspellings/cspell-ext.json");
    return join(dirname(ext), "dict", "dict-en.json");
  } catch (err) {
    if (existsSync(beside)) return beside;
    throw err;
  }
}

const isString = (e: unknown): e is string => typeof e === "string";

/** The dictionary, loaded once per process. */
export function loadDictionary(): Dictionary {
  if (cached) return cached;
  const data = JSON.parse(readFileSync(dictionaryFile(), "utf8")) as DictFile;
  let entries: string[] = [];
  for (const def of data.dictionaryDefinitions ?? []) {
    for (const list of [def.flagWords, def.suggestWords]) {
      if (!Array.isArray(list)) continue;
      // Whole lists at a time: this code runs once, before it is optimised, and a `for...of` would make an iterator result per entry.
      const strings = list.every(isString) ? list : list.filter(isString);
      entries = entries.concat(strings);
    }
  }
  cached = buildDictionary(entries);
  return cached;
}
