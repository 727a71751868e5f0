import { isBlankChar as isBlank, isIdPart, isIdStart } from "../../src/parse/c/tokenizer.js";
import type { CFunction, CLine } from "../../src/parse/c/types.js";
import { ITERATOR_REFS, pairFor } from "../data/pairs.js";
import type { PairInfo } from "../data/pairs.js";
import type { NameEvidence, PatchIndex } from "./patch-index.js";
import { JobCache } from "../../src/job-cache.js";

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
const pairCache = new JobCache<NameEvidence, Map<string, PairInfo | null>>();

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

/** How far `endsExpression()` reads for a call's closing parenthesis. */
const MAX_ARGS_TEXT = 200;

/** What the text right before a call's name says about `x = name(...)`. */
const NOT_ASSIGNED = 0;
const INTO_MEMBER = 1;
const MAYBE = 2;
type Assignment = typeof NOT_ASSIGNED | typeof INTO_MEMBER | typeof MAYBE;

/**
 * False when no line of the function holds a call that may be an
 * acquisition the rule tracks. A call is an identifier token followed by a
 * `(` token, so in the text the identifier is followed, after blanks, by
 * `(`, by a comment (`/`) or by the end of its line (the parenthesis may
 * come on a later line): each of those places is looked at, backwards.
 * Comments and strings are searched too: this only has to find every call
 * the parser would, never more precisely. Beyond the name, what the rule
 * drops without looking further is dropped here too, read from the text
 * before the name (see `tracked()`).
 */
export function textMayAcquire(fn: CFunction, index: PatchIndex): boolean {
  const known = pairsOf(index);
  const lines = fn.lines;
  let first = 0;
  while (first < lines.length && !acquiresOn(lines, first, fn, known, index)) first++;
  if (first === lines.length) return false;
  let exitAfter = false;
  let anchored = false;
  for (let i = first; i < lines.length && !(exitAfter && anchored); i++) {
    const l = lines[i] as CLine;
    const open = l.kind === "add" && !anchored;
    if (exitAfter && !open) continue;
    const exit = hasExit(l.text);
    if (exit) exitAfter = true;
    if (open) anchored = exit || l.text.includes("if") || acquiresOn(lines, i, fn, known, index);
  }
  // A `do` loop's condition follows its body, yet its statement comes first in the walk:
  // an exit in the body is after an acquisition in `while (...)`.
  if (!exitAfter && !exitInDoLoop(lines, first)) return false;
  return anchored || anchoredBefore(lines, first) || !ascending(lines);
}

/** A `return` or `goto` statement may start on the line. */
function hasExit(text: string): boolean {
  return text.includes("return") || text.includes("goto");
}

/** True when a line before `first` holds an exit and one up to `first` the word `do`. */
function exitInDoLoop(lines: readonly CLine[], first: number): boolean {
  let exit = false;
  for (let i = 0; i < first && !exit; i++) exit = hasExit((lines[i] as CLine).text);
  if (!exit) return false;
  for (let i = 0; i <= first; i++) {
    const text = (lines[i] as CLine).text;
    for (let p = text.indexOf("do"); p >= 0; p = text.indexOf("do", p + 1)) {
      if ((p === 0 || !isIdPart(text.charCodeAt(p - 1))) && !isIdPart(text.charCodeAt(p + 2))) return true;
    }
  }
  return false;
}

/** True when an added line before `first` may be the `if` or the exit a point is anchored on. */
function anchoredBefore(lines: readonly CLine[], first: number): boolean {
  for (let i = 0; i < first; i++) {
    const l = lines[i] as CLine;
    if (l.kind === "add" && (l.text.includes("if") || hasExit(l.text))) return true;
  }
  return false;
}

/**
 * True when new-side numbers strictly ascend. Otherwise two lines share a
 * number, and the rule's question "is the line of this number added?" may
 * be answered by a line other than the one the text was read on.
 */
function ascending(lines: readonly CLine[]): boolean {
  for (let i = 1; i < lines.length; i++) if ((lines[i] as CLine).newLine <= (lines[i - 1] as CLine).newLine) return false;
  return true;
}

/** True when line `i` holds a call that may be an acquisition the rule tracks. */
function acquiresOn(lines: readonly CLine[], i: number, fn: CFunction, known: Map<string, PairInfo | null>, index: PatchIndex): boolean {
  const text = (lines[i] as CLine).text;
  for (let p = text.indexOf("("); p >= 0; p = text.indexOf("(", p + 1)) if (callable(lines, i, p, fn, known, index)) return true;
  for (let p = text.indexOf("/"); p >= 0; p = text.indexOf("/", p + 1)) if (callable(lines, i, p, fn, known, index)) return true;
  return callable(lines, i, text.length, fn, known, index);
}

/** True when the identifier right before `at` on line `i` (blanks between allowed) may start a point. */
function callable(lines: readonly CLine[], i: number, at: number, fn: CFunction, known: Map<string, PairInfo | null>, index: PatchIndex): boolean {
  const text = (lines[i] as CLine).text;
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
  if (name === fn.name) return false;
  const info = lookUp(known, name, index);
  return info !== null && tracked(info, fn, lines, i, start, at);
}

/**
 * The rule's own first checks on a call of a known pair, made on the text:
 * a lock taken inside a locking helper, a call inside the function that
 * releases it, a result that is not kept (`return kzalloc(...)`,
 * `foo(kzalloc(...))`) for a pair named by its result, and a result stored
 * straight into an object (`p->buf = kzalloc(...)`) for kinds whose owner
 * releases it. Whatever the text leaves open counts as tracked.
 */
function tracked(info: PairInfo, fn: CFunction, lines: readonly CLine[], i: number, start: number, at: number): boolean {
  if (info.kind === "lock" && fn.name.includes("lock")) return false;
  if (info.release.includes(fn.name)) return false;
  const ownerKeeps = info.kind !== "lock" && info.kind !== "register" && info.kind !== "enable";
  const byResult = info.handle === "result";
  if (!byResult && !ownerKeeps) return true;
  const a = assignmentBefore(lines, i, start);
  if (a === NOT_ASSIGNED) return !byResult;
  if (a === MAYBE || !ownerKeeps) return true;
  // Into a member: dropped, unless the parser keeps no target because more follows
  // the call (`p->x = foo_get(d) ?: y`), which leaves a pair named by its argument tracked.
  return !byResult && !endsExpression((lines[i] as CLine).text, at);
}

/**
 * True when the call whose `(` is at `open` closes on the same line right
 * before `;` or `)`, where the parser keeps the target of `x = call(...)`.
 * A quote inside leaves it open (a parenthesis in a string), and so does a
 * long argument list: reading on would make a line of nested calls quadratic.
 */
function endsExpression(text: string, open: number): boolean {
  if (text.charCodeAt(open) !== 40) return false;
  let depth = 0;
  const stop = Math.min(text.length, open + MAX_ARGS_TEXT);
  for (let p = open; p < stop; p++) {
    const c = text.charCodeAt(p);
    if (c === 34 || c === 39) return false;
    if (c === 40) depth++;
    else if (c === 41 && --depth === 0) {
      let q = p + 1;
      while (q < text.length && isBlank(text.charCodeAt(q))) q++;
      const d = text.charCodeAt(q);
      return d === 59 || d === 41;
    }
  }
  return false;
}

/**
 * How the name starting at `start` on line `i` is reached: the parser keeps
 * a call's result only when the token before the name is `=` (a cast in
 * between aside), and calls it stored into a member when the target reads
 * `a->b` or `a.b`. At the start of a line the previous line is read, unless
 * it may hold a comment, a string or a preprocessor line.
 */
function assignmentBefore(lines: readonly CLine[], i: number, start: number): Assignment {
  let text = (lines[i] as CLine).text;
  let k = start;
  while (k > 0 && isBlank(text.charCodeAt(k - 1))) k--;
  if (k === 0) {
    const prev = lines[i - 1];
    // A comment, a string or a preprocessor line (or its continuation) hides the token before.
    if (!prev || /[/"#\\]/.test(prev.text) || lastChar(lines[i - 2]?.text ?? "") === 92) return MAYBE;
    text = prev.text;
    k = text.length;
    while (k > 0 && isBlank(text.charCodeAt(k - 1))) k--;
    if (k === 0) return MAYBE;
  }
  const c = text.charCodeAt(k - 1);
  // `)`: a cast, or a comment's end: either may hide an `=` before it.
  if (c === 41 || c === 47) return MAYBE;
  if (c !== 61) return NOT_ASSIGNED;
  // `==`, `!=`, `<=`, `+=`, ...: one token, never the `=` of an assignment.
  if (k > 1 && isOperator(text.charCodeAt(k - 2))) return NOT_ASSIGNED;
  return targetOf(text, k - 1);
}

/** The code of the last character of `text` that is not blank (NaN when none). */
function lastChar(text: string): number {
  let k = text.length;
  while (k > 0 && isBlank(text.charCodeAt(k - 1))) k--;
  return text.charCodeAt(k - 1);
}

/** True for the characters that make `=` part of a longer operator. */
function isOperator(c: number): boolean {
  // = ! < > + - * / % & | ^
  return c === 61 || c === 33 || c === 60 || c === 62 || c === 43 || c === 45 || c === 42 || c === 47 || c === 37 || c === 38 || c === 124 || c === 94;
}

/**
 * The target written before the `=` at `eq`: INTO_MEMBER for `a->b` or
 * `a.b` with a name before the operator, as the parser needs to keep the
 * member part (`.b = ...` in an initialiser keeps only `b`), MAYBE
 * otherwise (a plain name, or one the text leaves open: `a[i]->b`, `(*p)->b`).
 */
function targetOf(text: string, eq: number): Assignment {
  let j = eq;
  while (j > 0 && isBlank(text.charCodeAt(j - 1))) j--;
  let s = j;
  while (s > 0 && isIdPart(text.charCodeAt(s - 1))) s--;
  if (s === j) return MAYBE;
  while (s > 0 && isBlank(text.charCodeAt(s - 1))) s--;
  let op = s;
  if (op > 0 && text.charCodeAt(op - 1) === 46) op--;
  else if (op > 1 && text.charCodeAt(op - 1) === 62 && text.charCodeAt(op - 2) === 45) op -= 2;
  else return MAYBE;
  while (op > 0 && isBlank(text.charCodeAt(op - 1))) op--;
  let o = op;
  while (o > 0 && isIdPart(text.charCodeAt(o - 1))) o--;
  // A number is no name to the parser, and after `else` or `return` it starts a new statement:
  // what follows either is no member's owner.
  return o < op && isIdStart(text.charCodeAt(o)) && !STARTS_STATEMENT.has(text.slice(o, op)) ? INTO_MEMBER : MAYBE;
}

/** Keywords after which a statement or an expression starts afresh. */
const STARTS_STATEMENT = new Set(["else", "return", "do", "case", "goto", "default", "if", "while", "for", "switch", "sizeof"]);
