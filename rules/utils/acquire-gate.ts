import { isIdPart, isIdStart } from "../../src/parse/c/tokenizer.js";
import type { CFunction } from "../../src/parse/c/types.js";
import { ITERATOR_REFS, pairFor } from "../data/pairs.js";
import type { PairInfo } from "../data/pairs.js";
import type { NameEvidence, PatchIndex } from "./patch-index.js";

/**
 * The first question `unreleased` asks of a function: can anything in it
 * acquire? Every point starts from a call with a known release or an
 * iterator loop that holds a reference, and most functions have neither, so
 * the answer is worked out from the function's text before its body is
 * parsed (parsing is most of the cost of a function nobody else looks into).
 */

/**
 * Pair lookups per name evidence (a patch, or a series whose parts share
 * it): each function asks for each of its calls, and the names repeat.
 */
const pairCache = new WeakMap<NameEvidence, Map<string, PairInfo | null>>();

function pairsOf(index: PatchIndex): Map<string, PairInfo | null> {
  let known = pairCache.get(index.identifiers);
  if (!known) {
    known = new Map();
    pairCache.set(index.identifiers, known);
  }
  return known;
}

/** Evidence that every release exists: a name without a pair even then never has one. */
const ANY_RELEASE = { has: (): boolean => true };

/**
 * Names that may acquire in some patch, across patches: most calls (`dev_err`,
 * `memcpy`, `if`) never do, and asking per patch would re-derive each of them
 * for every patch. Cleared when full, so a hostile stream of names stays bounded.
 */
const mayPair = new Map<string, boolean>();
const MAY_PAIR_SIZE = 8192;

function lookUp(known: Map<string, PairInfo | null>, name: string, index: PatchIndex): PairInfo | null {
  let may = mayPair.get(name);
  if (may === undefined) {
    if (mayPair.size >= MAY_PAIR_SIZE) mayPair.clear();
    may = pairFor(name, ANY_RELEASE) !== null;
    mayPair.set(name, may);
  }
  if (!may) return null;
  let info = known.get(name);
  if (info === undefined) {
    info = pairFor(name, index.identifiers);
    known.set(name, info);
  }
  return info;
}

/** `pairFor()` remembered per name evidence (the answer depends on the identifiers the patch shows). */
export function pairOf(name: string, index: PatchIndex): PairInfo | null {
  return lookUp(pairsOf(index), name, index);
}

/** The white space the tokenizer skips between tokens. */
function isBlank(c: number): boolean {
  return c === 32 || c === 9 || c === 13 || c === 12 || c === 11;
}

/**
 * False when no line of the function holds an identifier that may be called
 * and acquires. A call is an identifier token followed by a `(` token, so in
 * the text the identifier is followed, after blanks, by `(`, by a comment
 * (`/`) or by the end of its line (the parenthesis may come on a later
 * line): each of those places is looked at, backwards. Comments and strings
 * are searched too: this only has to find every call the parser would, never
 * more precisely. The function's own name is passed over: the rule never
 * takes a call of it for an acquisition.
 */
export function textMayAcquire(fn: CFunction, index: PatchIndex): boolean {
  const known = pairsOf(index);
  for (const l of fn.lines) {
    const text = l.text;
    for (let p = text.indexOf("("); p >= 0; p = text.indexOf("(", p + 1)) if (callable(text, p, fn, known, index)) return true;
    for (let p = text.indexOf("/"); p >= 0; p = text.indexOf("/", p + 1)) if (callable(text, p, fn, known, index)) return true;
    if (callable(text, text.length, fn, known, index)) return true;
  }
  return false;
}

/** True when the identifier right before `at` (blanks between allowed) may start a point. */
function callable(text: string, at: number, fn: CFunction, known: Map<string, PairInfo | null>, index: PatchIndex): boolean {
  let end = at;
  while (end > 0 && isBlank(text.charCodeAt(end - 1))) end--;
  let start = end;
  while (start > 0 && isIdPart(text.charCodeAt(start - 1))) start--;
  // A run that starts with a digit is a number to the tokenizer, never a name.
  if (start === end || !isIdStart(text.charCodeAt(start))) return false;
  const name = text.slice(start, end);
  if (ITERATOR_REFS.has(name)) return true;
  // The function's own name (its signature, a recursive call) is never an acquisition in it,
  // and asking for an unknown name's releases searches the whole patch text.
  return name !== fn.name && lookUp(known, name, index) !== null;
}
