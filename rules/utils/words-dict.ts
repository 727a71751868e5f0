import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { DENYLIST, KERNEL_TYPOS, SHORT_KEEP } from "../data/typos-kernel.js";

/**
 * The misspelling dictionary of the `typo` rule: the `en` part of
 * @cspell/dict-en-common-misspellings (never its en-us/en-gb files, which
 * would call British spellings wrong), filtered for kernel text, plus our own
 * kernel list. Loaded from node_modules at first use so the data is never
 * copied into the repository.
 */

/** Misspelling (lower case) -> the one correction we offer. */
export type Dictionary = ReadonlyMap<string, string>;

let cached: Dictionary | null = null;

interface DictFile {
  dictionaryDefinitions?: { flagWords?: unknown; suggestWords?: unknown }[];
}

/** Two rows of the distance table, reused: the dictionary load asks for thousands of distances. */
let rows = [new Int32Array(64), new Int32Array(64)];

/** Levenshtein distance, small strings only (dictionary words). */
export function editDistance(a: string, b: string): number {
  if ((rows[0] as Int32Array).length <= b.length) rows = [new Int32Array(b.length + 1), new Int32Array(b.length + 1)];
  let [prev, cur] = rows as [Int32Array, Int32Array];
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    cur[0] = i;
    const ca = a.charCodeAt(i - 1);
    for (let j = 1; j <= b.length; j++) {
      const cost = ca === b.charCodeAt(j - 1) ? 0 : 1;
      cur[j] = Math.min((prev[j] as number) + 1, (cur[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
    }
    [prev, cur] = [cur, prev];
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
  if (key.length <= 4 && !SHORT_KEEP.has(key)) return null;
  const usable = suggestions.map((s) => s.trim()).filter((s) => s !== "" && !s.includes("'"));
  if (usable.length === 0) return null;
  if (usable.length === 1) return usable[0] ?? null;
  // Several suggestions: only trust entries long enough that the slip is
  // clearly a misspelling, and offer the nearest spelling.
  if (key.length < 6) return null;
  let best: string | null = null;
  let bestDist = Infinity;
  for (const s of usable) {
    const d = editDistance(key, s.toLowerCase());
    if (d < bestDist) {
      best = s;
      bestDist = d;
    }
  }
  return bestDist <= 2 ? best : null;
}

/** chooseCorrection(wrong, [right]) for one suggestion, already trimmed. */
function oneCorrection(wrong: string, right: string): string | null {
  const key = wrong.toLowerCase();
  if (DENYLIST.has(key) || (key.length <= 4 && !SHORT_KEEP.has(key))) return null;
  return right === "" || right.includes("'") ? null : right;
}

/** Parses the dictionary file's `wrong->right` / `wrong->a, b` entries. */
export function buildDictionary(entries: readonly string[]): Map<string, string> {
  const dict = new Map<string, string>();
  for (const entry of entries) {
    const arrow = entry.indexOf("->");
    if (arrow <= 0) continue;
    const wrong = entry.slice(0, arrow).trim();
    // Entries with spaces or punctuation cannot match one prose word.
    if (!/^[A-Za-z]+$/.test(wrong)) continue;
    const rest = entry.slice(arrow + 2);
    // Most entries offer one spelling: chooseCorrection's answer without its lists.
    const fix = rest.includes(",") ? chooseCorrection(wrong, rest.split(",")) : oneCorrection(wrong, rest.trim());
    if (fix !== null) dict.set(wrong.toLowerCase(), fix);
  }
  for (const [wrong, right] of Object.entries(KERNEL_TYPOS)) dict.set(wrong, right);
  return dict;
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

/** The dictionary, loaded once per process. */
export function loadDictionary(): Dictionary {
  if (cached) return cached;
  const data = JSON.parse(readFileSync(dictionaryFile(), "utf8")) as DictFile;
  const entries: string[] = [];
  for (const def of data.dictionaryDefinitions ?? []) {
    for (const list of [def.flagWords, def.suggestWords]) {
      if (Array.isArray(list)) for (const e of list) if (typeof e === "string") entries.push(e);
    }
  }
  cached = buildDictionary(entries);
  return cached;
}
