import type { FileDiff } from "../../src/model.js";
import type { CFunction } from "../../src/parse/c/types.js";
import { ERRNO } from "../data/errno.js";
import { ERR_VAR, mayHoldErrorLog } from "./c-errors.js";
import { isSpace } from "./words-tokens.js";
import { isWordChar } from "../../src/parse/c/tokenizer.js";
import { JobCache } from "../../src/job-cache.js";

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
/** `return (...)`: the loop check strips one pair of parentheses, so `return (ret);` hands back `ret` to it. */
const RET_PAREN = 8;
const RET_ANY = RET_ZERO | RET_MINUS_ONE | RET_ERR_VAR | RET_PAREN;

/**
 * False when the text of `fn` rules out every check; `kernel`, `positiveOk`
 * and `errno` are the gate's view of the function. Every flag only ever
 * turns on as lines are read, so the answer is the same whichever line
 * settles it: the searches that let most passing functions through run
 * first and stop as soon as a check's conditions are all seen, the costlier
 * ones (codes, loops, log calls) run only for what is still open after them.
 */
export function linesMayReport(fn: CFunction, file: FileDiff, kernel: boolean, positiveOk: boolean, errno: boolean): boolean {
  // `return ENOMEM;`, `ret = EIO;`; an IS_ERR() branch (PTR_ERR of another pointer, IS_ERR_OR_NULL).
  if (!errno) return (kernel || positiveOk) && fn.lines.some((l) => codeOrIsErrOnLine(l.text, kernel, positiveOk));
  let bang = false;
  let returnsZero = false;
  let addedIf = false;
  let addedExit = false;
  let addedReturns = 0;
  let returnsVar = false;
  for (const l of fn.lines) {
    const t = l.text;
    if (!bang && t.includes("!")) bang = true;
    const returns = t.includes("return") ? returnsOnLine(t) : 0;
    if (returns & RET_ZERO) returnsZero = true;
    if (returns & (RET_ERR_VAR | RET_PAREN)) returnsVar = true;
    if (l.kind === "add") {
      // `return -1;` on an added line.
      if (returns & RET_MINUS_ONE) return true;
      addedReturns |= returns;
      if (!addedIf && hasWord(t, "if")) addedIf = true;
      if (!addedExit && hasWord(t, "goto")) addedExit = true;
    }
    // A `return 0` after an error (anchored on it or on its `if`), or a label's added `return 0;`.
    if (returnsZero && (addedIf || addedReturns & RET_ZERO)) return true;
    // A jump or `return ret` leaving the code 0 under a check that tests `!p` (or logs: below).
    if (bang && (addedExit || addedReturns & RET_ERR_VAR)) return true;
  }
  const exit = addedExit || (addedReturns & RET_ERR_VAR) !== 0;
  let log = false;
  for (const l of fn.lines) {
    const t = l.text;
    if (codeOrIsErrOnLine(t, kernel, positiveOk)) return true;
    // A loop's `if (ret) pr_err(...);` (or `if (ret) ;`: a branch of no statements) overwritten by the next
    // iteration counts only when the function then returns that error variable.
    if (returnsVar && loopOnLine(t)) return true;
    // The jump's check may log instead of testing `!p`.
    if (!bang && !log && mayHoldErrorLog(t)) {
      if (exit) return true;
      log = true;
    }
  }
  // The same jump when the patch deleted the code its branch set and added a print in its place (the exit itself unchanged).
  return (log || bang) && dropsErrorCodeIn(fn, file) && addsPrint(fn);
}

/**
 * Every name `droppedCode` takes for a print (`pr_info`, `dev_warn`,
 * `netdev_dbg`, `foo_err_once`) holds one of these parts.
 */
const PRINT_PART = /printk|pr_|dev_|_err|_warn|_info|_notice|_dbg|_crit/;

/** True when an added line may start a print statement: `droppedCode` wants one added in the branch. */
function addsPrint(fn: CFunction): boolean {
  for (const l of fn.lines) if (l.kind === "add" && PRINT_PART.test(l.text)) return true;
  return false;
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
  // Asked of most lines, which hold none: the iterators' names hold `for` too, so one search rules out three.
  if (t.includes("for") && (hasWord(t, "for") || t.includes("for_each") || t.includes("foreach"))) return true;
  return hasWord(t, "while") || hasWord(t, "do");
}

/**
 * `IS_ERR` anywhere (when `isErr`), or (when `positive`) an errno name the positive-code
 * check could match: `ENOMEM` standing alone and not written `-ENOMEM` (the
 * check wants the code at the start of the statement, after `ERR_PTR(` or
 * after `=`). Both hold an `E`, so one hop from `E` to `E` answers both.
 */
function codeOrIsErrOnLine(t: string, isErr: boolean, positive: boolean): boolean {
  for (let i = t.indexOf("E"); i >= 0; i = t.indexOf("E", i + 1)) {
    if (isErr && i >= 3 && t.startsWith("IS_ERR", i - 3)) return true;
    if (!positive || (i > 0 && isWordChar(t.charCodeAt(i - 1)))) continue;
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
  if (c === 48) return RET_ZERO;
  if (c === 40) return RET_ZERO | RET_PAREN;
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

/**
 * Per file, where the patch deletes an error variable's `= -E...;` (the drop
 * the `droppedCode` check looks for): the new-side number of the line kept
 * or added before each such deletion, as `droppedCode` reads it.
 */
const dropsCache = new JobCache<FileDiff, readonly number[]>();
const DELETED_CODE = /^\s*(\w+)\s*=\s*-\s*E[A-Z]/;

/**
 * True when the patch deletes an error variable's `= -E...` inside `fn` (a
 * code a branch may no longer set): `droppedCode` wants the line before the
 * deletion between the branch's `if` and its exit, both lines of `fn`.
 */
function dropsErrorCodeIn(fn: CFunction, file: FileDiff): boolean {
  let anchors = dropsCache.get(file);
  if (anchors === undefined) {
    const found: number[] = [];
    for (const h of file.hunks) {
      let prev: number | null = null;
      for (const l of h.lines) {
        if (l.kind !== "del") prev = l.newLine;
        else if (prev !== null) {
          const m = DELETED_CODE.exec(l.text);
          if (m?.[1] && ERR_VAR.test(m[1])) found.push(prev);
        }
      }
    }
    anchors = found;
    dropsCache.set(file, anchors);
  }
  if (anchors.length === 0) return false;
  // The lines' lowest and highest numbers, not the first and last: the C view does not promise their order.
  let lo = Infinity;
  let hi = -Infinity;
  for (const l of fn.lines) {
    if (l.newLine < lo) lo = l.newLine;
    if (l.newLine > hi) hi = l.newLine;
  }
  for (const a of anchors) if (a >= lo && a < hi) return true;
  return false;
}

function isUpperOrDigit(ch: number): boolean {
  return (ch >= 65 && ch <= 90) || (ch >= 48 && ch <= 57);
}
