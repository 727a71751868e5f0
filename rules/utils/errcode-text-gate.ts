import type { FileDiff } from "../../src/model.js";
import type { CFunction } from "../../src/parse/c/types.js";
import { ERRNO } from "../data/errno.js";
import { ERR_VAR, mayHoldErrorLog } from "./c-errors.js";
import { isSpace } from "./words-tokens.js";
import { isWordChar } from "../../src/parse/c/tokenizer.js";
import { JobCache } from "../../src/analyse/job-cache.js";

/**
 * The `errcode` gate's look at a function's lines, before its body is
 * parsed: most functions a patch touches show no text any check needs, and
 * a body parsed only to be walked and dropped costs more than the walk.
 *
 * Each flag is a necessary condition of one check, read from the lines the
 * statements are made of: a statement's `line` is the line of its first
 * token, so an added `return`, `goto` or `if` statement has its keyword on
 * an added line, and every name or code in its text is written on one of
 * the function's lines. Where a line leaves the question open (a `return`
 * at the end of a line, a comment after it) the flag is set, so the gate
 * only ever lets more through than the walk would.
 */

/** What an added `return` may hand back, for the checks that anchor on one. */
const RET_ZERO = 1;
const RET_MINUS_ONE = 2;
const RET_ERR_VAR = 4;
const RET_ANY = RET_ZERO | RET_MINUS_ONE | RET_ERR_VAR;

/**
 * False when the text of `fn` rules out every check; `kernel`, `positiveOk`
 * and `errno` are the gate's view of the function. Returns as soon as one
 * check's conditions are all seen, so most functions that pass are read in part.
 */
export function linesMayReport(fn: CFunction, file: FileDiff, kernel: boolean, positiveOk: boolean, errno: boolean): boolean {
  let log = false;
  let bang = false;
  let returnsZero = false;
  let addedIf = false;
  let addedExit = false;
  let addedReturns = 0;
  for (const l of fn.lines) {
    const t = l.text;
    // `return ENOMEM;`, `ret = EIO;`; an IS_ERR() branch (PTR_ERR of another pointer, IS_ERR_OR_NULL).
    if ((positiveOk && positiveOnLine(t)) || (kernel && t.includes("IS_ERR"))) return true;
    if (!errno) continue;
    // A loop's `if (ret) pr_err(...);` overwritten by the next iteration (or `if (ret) ;`: a branch of no statements passes too).
    if (loopOnLine(t)) return true;
    if (!log && mayHoldErrorLog(t)) log = true;
    if (!bang && t.includes("!")) bang = true;
    const returns = t.includes("return") ? returnsOnLine(t) : 0;
    if (returns & RET_ZERO) returnsZero = true;
    if (l.kind === "add") {
      // `return -1;` on an added line.
      if (returns & RET_MINUS_ONE) return true;
      addedReturns |= returns;
      if (!addedIf && hasWord(t, "if")) addedIf = true;
      if (!addedExit && hasWord(t, "goto")) addedExit = true;
    }
    // A `return 0` after an error (anchored on it or on its `if`), or a label's added `return 0;`.
    if (returnsZero && (addedIf || addedReturns & RET_ZERO)) return true;
    // A jump or `return ret` leaving the code 0 under a check that logs or tests `!p` (IS_ERR passed above).
    if ((addedExit || addedReturns & RET_ERR_VAR) && (log || bang)) return true;
  }
  // The same jump when the patch deleted the code its branch set (the exit itself unchanged).
  return errno && (log || bang) && dropsErrorCode(file);
}

/** True when `word` stands alone in `t` (no letter, digit or `_` on either side). */
function hasWord(t: string, word: string): boolean {
  for (let i = t.indexOf(word); i >= 0; i = t.indexOf(word, i + 1)) {
    if ((i === 0 || !isWordChar(t.charCodeAt(i - 1))) && !isWordChar(t.charCodeAt(i + word.length))) return true;
  }
  return false;
}

/** A loop keyword or an iterator macro (`list_for_each_entry`, `xa_for_each`). */
function loopOnLine(t: string): boolean {
  return hasWord(t, "for") || hasWord(t, "while") || hasWord(t, "do") || t.includes("for_each") || t.includes("foreach");
}

/**
 * An errno name the positive-code check could match: `ENOMEM` standing alone
 * and not written `-ENOMEM` (the check wants the code at the start of the
 * statement, after `ERR_PTR(` or after `=`).
 */
function positiveOnLine(t: string): boolean {
  for (let i = t.indexOf("E"); i >= 0; i = t.indexOf("E", i + 1)) {
    if (i > 0 && isWordChar(t.charCodeAt(i - 1))) continue;
    let j = i + 1;
    while (j < t.length && isUpperOrDigit(t.charCodeAt(j))) j++;
    // `ERR_PTR`, `EXT4_FOO`: a longer name, never a whole code.
    if (j === i + 1 || (j < t.length && isWordChar(t.charCodeAt(j)))) continue;
    let k = i - 1;
    while (k >= 0 && isSpace(t.charCodeAt(k))) k--;
    if (k >= 0 && t.charCodeAt(k) === 45) continue;
    if (ERRNO.has(t.slice(i, j))) return true;
  }
  return false;
}

/** What the `return` statements of a line may return (RET_* bits); all of them when the line does not say. */
function returnsOnLine(t: string): number {
  let out = 0;
  for (let i = t.indexOf("return"); i >= 0; i = t.indexOf("return", i + 1)) {
    if ((i > 0 && isWordChar(t.charCodeAt(i - 1))) || isWordChar(t.charCodeAt(i + 6))) continue;
    out |= returnedBy(t, skipSpace(t, i + 6));
  }
  return out;
}

/** The RET_* bits of the expression starting at `k` of `t`. */
function returnedBy(t: string, k: number): number {
  if (k >= t.length) return RET_ANY;
  const c = t.charCodeAt(k);
  // `return 0;`, `return (0);` (a label's `return (0);` counts as 0).
  if (c === 48 || c === 40) return RET_ZERO;
  if (c === 45) {
    const d = skipSpace(t, k + 1);
    if (d >= t.length) return RET_MINUS_ONE;
    const e = t.charCodeAt(d);
    if (e === 49 && !isWordChar(t.charCodeAt(d + 1))) return RET_MINUS_ONE;
    return e === 47 || e === 92 ? RET_ANY : 0;
  }
  // A comment or a line continuation before the value.
  if (c === 47 || c === 92) return RET_ANY;
  if (!isWordChar(c)) return 0;
  let j = k + 1;
  while (j < t.length && isWordChar(t.charCodeAt(j))) j++;
  return ERR_VAR.test(t.slice(k, j)) ? RET_ERR_VAR : 0;
}

function skipSpace(t: string, k: number): number {
  while (k < t.length && isSpace(t.charCodeAt(k))) k++;
  return k;
}

/** Per file: a deleted `err = -E...;` (the drop the `droppedCode` check looks for), or not. */
const dropsCache = new JobCache<FileDiff, boolean>();
const DELETED_CODE = /^\s*(\w+)\s*=\s*-\s*E[A-Z]/;

/** True when the patch deletes an error variable's `= -E...` somewhere in the file (a code a branch may no longer set). */
function dropsErrorCode(file: FileDiff): boolean {
  let drops = dropsCache.get(file);
  if (drops === undefined) {
    drops = false;
    for (const h of file.hunks) {
      for (const l of h.lines) {
        const m = l.kind === "del" ? DELETED_CODE.exec(l.text) : null;
        if (m?.[1] && ERR_VAR.test(m[1])) drops = true;
      }
    }
    dropsCache.set(file, drops);
  }
  return drops;
}

function isUpperOrDigit(ch: number): boolean {
  return (ch >= 65 && ch <= 90) || (ch >= 48 && ch <= 57);
}
