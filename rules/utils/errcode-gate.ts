import type { FileDiff } from "../../src/model.js";
import type { CFunction, CLine, CStmt } from "../../src/parse/c/types.js";
import { ERRNO } from "../data/errno.js";
import { pairFor } from "../data/pairs.js";
import { ERR_VAR, bareCond, branchStatements, callsDeep, compactEquals, failureSubject, isErrorLog, onlyLogs } from "./c-errors.js";
import { droppedCode } from "./errcode-shapes.js";
import { linesMayReport } from "./errcode-text-gate.js";
import type { NameEvidence } from "./patch-index.js";
import { JobCache } from "../../src/job-cache.js";
import { isWordChar } from "../../src/parse/c/tokenizer.js";
import { isSpace } from "./words-tokens.js";

/**
 * A first look at a function for the `errcode` rule, before it flattens the
 * body and asks its questions node by node: most int functions a patch
 * touches have nothing that could become a point. Each test below is the
 * cheap part of one check's own conditions (the statement kinds it needs,
 * the added line it anchors on), so a function that fails them all cannot
 * yield a finding, and one that passes any is judged in full as before.
 * Before the statements, the same conditions are asked of the lines
 * (./errcode-text-gate.ts), so a function they rule out is never parsed.
 */

/** `return ENOMEM;` or `ERR_PTR(EINVAL)` (whole statement). */
const POSITIVE_CODE = /^(?:ERR_PTR\s*\(\s*)?(E[A-Z0-9]+)\s*\)?$/;
/** `ret = EIO;`, `int err = EINVAL;`. */
const POSITIVE_ASSIGN = /^(?:\w+\s+)?(?:ret|err|rc|error|retval)\s*=\s*(E[A-Z0-9]+)$/;

/** The positive errno a return or expression statement hands out (`ENOMEM` in `return ENOMEM;`), or null. */
export function positiveCode(s: CStmt): string | null {
  if (s.kind !== "return" && s.kind !== "expr") return null;
  const text = s.kind === "return" ? s.expr : s.text;
  // Both patterns start with the `E` of the code or of ERR_PTR; the assignment ends in the code's last letter or digit.
  const last = text.charCodeAt(text.length - 1);
  const assignment = s.kind === "expr" && ((last >= 65 && last <= 90) || (last >= 48 && last <= 57));
  if (text.charCodeAt(0) !== 69 && !assignment) return null;
  const m = POSITIVE_CODE.exec(text) ?? (s.kind === "expr" ? POSITIVE_ASSIGN.exec(text) : null);
  return m?.[1] && ERRNO.has(m[1]) ? m[1] : null;
}

/** True when `name` allocates: a known or derived pair of kind alloc, or an allocator's name. */
export function isAllocCall(name: string, identifiers: NameEvidence): boolean {
  return pairFor(name, identifiers)?.kind === "alloc" || /(^|_)(alloc|zalloc|dup|kmalloc|kzalloc|vmalloc)(_|$)/.test(name);
}

/** Evidence of every name: what the patch shows only narrows which derived pairs count, never adds a kind. */
const ANY_NAME: NameEvidence = { has: () => true };

const allocTargetCache = new JobCache<CFunction, ReadonlySet<string>>();

/** The variables the function assigns from a call that may allocate (`p` in `p = kzalloc(...)`), whatever the patch shows. */
function allocTargets(fn: CFunction): ReadonlySet<string> {
  let set = allocTargetCache.get(fn);
  if (!set) {
    const out = new Set<string>();
    for (const s of fn.body) for (const c of callsDeep(s)) if (c.assignedTo !== null && isAllocCall(c.name, ANY_NAME)) out.add(c.assignedTo);
    set = out;
    allocTargetCache.set(fn, set);
  }
  return set;
}

/** Per error variable (a handful of names: ERR_VAR), the pattern of an assignment to it or its address taken. */
const assignPatterns = new Map<string, RegExp>();

/** True when `s` or a statement under it sets `v`, an error variable name. */
export function assignsIn(s: CStmt, v: string): boolean {
  let re = assignPatterns.get(v);
  if (!re) {
    re = new RegExp(`(^|[^\\w>.])${v}\\s*=[^=]|&${v}\\b`);
    assignPatterns.set(v, re);
  }
  const pattern = re;
  let found = false;
  const visit = (x: CStmt): void => {
    if (x.kind === "expr" && pattern.test(x.text)) found = true;
    if (x.calls.some((c) => c.assignedTo === v || c.args.some((a) => compactEquals(a, `&${v}`)))) found = true;
    if (x.kind === "block") x.body.forEach(visit);
    if (x.kind === "if") {
      visit(x.then);
      if (x.else) visit(x.else);
    }
    if (x.kind === "loop" || x.kind === "macro" || x.kind === "switch") visit(x.body);
  };
  visit(s);
  return found;
}

const assignedCache = new JobCache<CFunction, readonly string[]>();

/** The error variables some expression statement of the function assigns: the only ones "still 0" can be said of. */
function assignedErrVars(fn: CFunction): readonly string[] {
  let names = assignedCache.get(fn);
  if (!names) {
    const out: string[] = [];
    const visit = (s: CStmt): void => {
      if (s.kind === "expr") addAssignedErrVars(s.text, out);
      else if (s.kind === "block") s.body.forEach(visit);
      else if (s.kind === "if") {
        visit(s.then);
        if (s.else) visit(s.else);
      } else if (s.kind === "loop" || s.kind === "switch" || s.kind === "macro") visit(s.body);
    };
    fn.body.forEach(visit);
    names = out;
    assignedCache.set(fn, names);
  }
  return names;
}

/**
 * Adds to `out` the error variables (ERR_VAR's names) `text` assigns, as
 * `lastAssignment` in the rule finds one: the whole name, not a member
 * (`p->ret`, `s.err`), then `=` (not `==`), `+=`, `-=` or `|=`. Every
 * assignment holds an `=`, so the scan hops from one `=` to the next and
 * reads the name backwards; most statements are calls without one.
 */
function addAssignedErrVars(text: string, out: string[]): void {
  for (let i = text.indexOf("="); i >= 0; i = text.indexOf("=", i + 1)) {
    let j = i - 1;
    const op = text.charCodeAt(j);
    if (op === 43 || op === 45 || op === 124) j--;
    else if (i + 1 >= text.length || text.charCodeAt(i + 1) === 61) {
      // `==` (its second `=` is read next and finds no name before it) or a trailing `=`.
      continue;
    }
    while (j >= 0 && isSpace(text.charCodeAt(j))) j--;
    const end = j + 1;
    while (j >= 0 && isWordChar(text.charCodeAt(j))) j--;
    if (end === j + 1) continue;
    const before = text.charCodeAt(j);
    if (before === 62 || before === 46) continue;
    const name = text.slice(j + 1, end);
    if (ERR_VAR.test(name) && !out.includes(name)) out.push(name);
  }
}

/** What the rule judges in this function: the same flags the full pass tests. */
export interface GateView {
  fn: CFunction;
  file: FileDiff;
  added: ReadonlySet<number>;
  /** Kernel code (not userspace): positive codes, `-1`, PTR_ERR of another pointer. */
  kernel: boolean;
  /** Positive codes are judged (not in XFS, which uses them on purpose). */
  positiveOk: boolean;
  /** An int errno function in kernel code: every other check. */
  errno: boolean;
}

/** A fact gathered on the way that only counts at the end: an added `return 0;` under a label (for a label's point). */
interface Seen {
  labelReturn0: boolean;
}

/** False when no check of the rule can report in `fn`: the rule may skip it. */
export function mayReport(view: GateView): boolean {
  const fn = view.fn;
  // The kernel-doc checks compare every return with the codes the comment names (`-EINVAL`), if it names any.
  if (fn.complete && fn.kernelDoc && namesCode(fn.kernelDoc)) return true;
  if (!linesMayReport(fn, view.file, view.kernel, view.positiveOk, view.errno)) return false;
  const seen: Seen = { labelReturn0: false };
  const body = fn.body;
  for (let i = 0; i < body.length; i++) if (stmtMayReport(view, seen, body[i] as CStmt, null, false, body, i)) return true;
  // A label whose code ends in `return 0;` reached by a jump: the point sits on that return.
  return view.errno && seen.labelReturn0 && fn.lines.some((l) => l.text.includes("goto"));
}

/** True when a line of the comment names an error code (`-EINVAL`). */
function namesCode(doc: readonly CLine[]): boolean {
  for (const l of doc) if (l.text.includes("-E")) return true;
  return false;
}

/** True when the patch adds a line within [from, to] of `fn`. */
function addsWithin(fn: CFunction, from: number, to: number): boolean {
  for (const l of fn.lines) if (l.kind === "add" && l.newLine >= from && l.newLine <= to) return true;
  return false;
}

/** True when a label comes before `siblings[at]` in its block. */
function labelBefore(siblings: readonly CStmt[] | null, at: number): boolean {
  if (!siblings) return false;
  for (let i = at - 1; i >= 0; i--) if (siblings[i]?.kind === "label") return true;
  return false;
}

/**
 * `guard` is the innermost `if` whose then-branch holds `s` (none across a
 * loop), `inLoop` whether a loop holds it, `siblings[at]` is `s` when its
 * parent is a block.
 */
function stmtMayReport(view: GateView, seen: Seen, s: CStmt, guard: CStmt | null, inLoop: boolean, siblings: readonly CStmt[] | null, at: number): boolean {
  const added = view.added;
  switch (s.kind) {
    case "expr":
      return view.positiveOk && added.has(s.line) && positiveCode(s) !== null;
    case "return":
      if (view.positiveOk && added.has(s.line) && positiveCode(s) !== null) return true;
      if (!view.errno) return false;
      if (added.has(s.line)) {
        if (compactEquals(s.expr, "-1")) return true;
        // What a label runs ends at a later `return` in the label's own block.
        if ((compactEquals(s.expr, "0") || compactEquals(s.expr, "(0)")) && labelBefore(siblings, at)) seen.labelReturn0 = true;
      }
      return ERR_VAR.test(s.expr) && exitMayReport(view, s, guard, s.expr);
    case "goto":
      return view.errno && exitMayReport(view, s, guard, null);
    case "if":
      if (ifMayReport(view, s, inLoop, siblings, at)) return true;
      if (stmtMayReport(view, seen, s.then, s, inLoop, null, 0)) return true;
      return s.else !== null && stmtMayReport(view, seen, s.else, guard, inLoop, null, 0);
    case "block":
      for (let i = 0; i < s.body.length; i++) if (stmtMayReport(view, seen, s.body[i] as CStmt, guard, inLoop, s.body, i)) return true;
      return false;
    case "loop":
      return stmtMayReport(view, seen, s.body, null, true, null, 0);
    case "switch":
    case "macro":
      return stmtMayReport(view, seen, s.body, guard, inLoop, null, 0);
    default:
      return false;
  }
}

/** The branch checks: PTR_ERR of another pointer, IS_ERR_OR_NULL, `return 0` after an error, a log then `return 0`, a loop's overwritten error. */
function ifMayReport(view: GateView, s: CStmt & { kind: "if" }, inLoop: boolean, siblings: readonly CStmt[] | null, at: number): boolean {
  const added = view.added;
  const list = branchStatements(s.then);
  if (view.kernel && s.cond.includes("IS_ERR") && list.some((x) => added.has(x.line))) return true;
  if (!view.errno || s.else !== null) return false;
  // The full pass anchors on the branch's first `return 0` or on the `if` line.
  const ret0 = list.find((x) => x.kind === "return" && compactEquals(x.expr, "0"));
  if (ret0) return added.has(ret0.line) || added.has(s.line);
  if (!onlyLogs(list)) return false;
  const next = siblings?.[at + 1];
  if (next?.kind === "return" && compactEquals(next.expr, "0") && (added.has(s.line) || added.has(next.line))) return true;
  // Over the added lines, not the numbers between: a statement's range may span a gap of millions of unseen lines.
  return inLoop && addsWithin(view.fn, s.line, s.endLine);
}

/**
 * A `goto` or `return ret` under a failed check that leaves the code 0: the
 * exit (or the branch's new log line, when the patch dropped its code) is
 * added, an error variable set elsewhere may reach it unchanged, and the
 * check looks like an error (a log, IS_ERR, a failed allocation).
 */
function exitMayReport(view: GateView, s: CStmt, guard: CStmt | null, returned: string | null): boolean {
  if (guard?.kind !== "if") return false;
  const cond = guard.cond;
  if (returned !== null && cond.includes(returned)) return false;
  if (!view.added.has(s.line) && !droppedCode(view.file, guard, s, view.added)) return false;
  // The check must look like an error. Asked before the walks over the whole body below: most exits are `if (ret) goto out;`.
  const logged = cond.includes("IS_ERR") || logsDeep(guard.then);
  // Else only a failed allocation of the tested pointer (`if (!p)` after `p = kzalloc(...)`) makes it an error path.
  const subject = logged || !bareCond(cond).startsWith("!") ? null : failureSubject(cond);
  if (!logged && subject === null) return false;
  // The code that goes back (`ret`, `err`) must be set before the check (so it can still be 0), and neither tested nor set by the branch.
  let carried = false;
  for (const v of assignedErrVars(view.fn)) {
    if ((returned === null || returned === v) && !cond.includes(v) && !assignsIn(guard.then, v)) {
      carried = true;
      break;
    }
  }
  return carried && (logged || (subject !== null && allocTargets(view.fn).has(subject)));
}

/** True when `s` or a statement under it calls an error-level log (callsDeep(s).some(isErrorLog) without the list). */
function logsDeep(s: CStmt): boolean {
  for (const c of s.calls) if (isErrorLog(c)) return true;
  switch (s.kind) {
    case "block":
      for (const x of s.body) if (logsDeep(x)) return true;
      return false;
    case "if":
      return logsDeep(s.then) || (s.else !== null && logsDeep(s.else));
    case "loop":
    case "switch":
    case "macro":
      return logsDeep(s.body);
    default:
      return false;
  }
}
