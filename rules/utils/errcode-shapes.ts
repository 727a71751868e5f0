import type { FileDiff } from "../../src/model.js";
import type { CFunction, CStmt } from "../../src/parse/c/types.js";
import { flatten, encloses, guardingIfs, labelCode } from "./c-flow.js";
import type { FlatNode } from "./c-flow.js";
import { bareCond, branchStatements, ERR_VAR, failureSubject, onlyLogs, returnsErrno } from "./c-errors.js";
import type { PatchIndex } from "./patch-index.js";

/**
 * Error-code shapes that span more than one branch, for the `errcode` rule:
 * a `PTR_ERR()` of another pointer than the one checked, a label that
 * returns a constant 0 to error jumps, a loop whose error is overwritten by
 * the next iteration, and evidence that a `-1` reaches an errno caller.
 */

const norm = (s: string): string => s.replace(/\s+/g, "").replace(/^\((.*)\)$/, "$1");
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** True when a statement before `at` assigns one of the two names from the other, or both in one chain. */
function aliased(nodes: readonly FlatNode[], at: FlatNode, a: string, b: string): boolean {
  const ea = esc(a);
  const eb = esc(b);
  const pair = new RegExp(`(^|[^\\w>.])(${ea}\\s*=\\s*&?${eb}|${eb}\\s*=\\s*&?${ea})\\b`);
  for (let i = 0; i < at.index; i++) {
    const s = (nodes[i] as FlatNode).stmt;
    if (s.kind === "expr" && pair.test(s.text.replace(/\s+/g, " "))) return true;
  }
  return false;
}

/** True when `v` is assigned (`v = ...`, `v += ...`) in the statement text. */
function assigns(text: string, v: string): boolean {
  return new RegExp(`(^|[^\\w>.])${v}\\s*(=[^=]|\\+=|-=|\\|=)`).test(text);
}

/** What an `IS_ERR(y)` branch passes on: `PTR_ERR(x)`/`ERR_CAST(x)` of another pointer x. */
export interface WrongPtrErr {
  line: number;
  checked: string;
  returned: string;
}

/**
 * `if (IS_ERR(task)) return PTR_ERR(st->task);`: the code comes from a
 * pointer that was not checked (often a field still NULL, so 0 = success).
 */
export function wrongPtrErr(nodes: readonly FlatNode[], at: FlatNode, s: CStmt & { kind: "if" }): WrongPtrErr | null {
  if (!s.cond.includes("IS_ERR")) return null;
  const m = /^IS_ERR(?:_OR_NULL)?\s*\(\s*(.+)\s*\)$/.exec(bareCond(s.cond));
  const checked = norm(m?.[1] ?? "");
  // Only a plain pointer or member is checked here; `IS_ERR(p = foo())` or a call is another shape.
  if (!/^[A-Za-z_][\w]*((->|\.)[A-Za-z_]\w*|\[\w+\])*$/.test(checked)) return null;
  const list = branchStatements(s.then);
  for (const x of list) {
    const text = x.kind === "return" ? x.expr : x.kind === "expr" ? x.text : "";
    const p = /(?:^|=\s*)(?:PTR_ERR|ERR_CAST)\s*\(\s*(.+?)\s*\)$/.exec(text);
    if (p?.[1]) {
      const returned = norm(p[1]);
      if (returned === checked || returned.replace(/^\([\w\s*]+\)/, "") === checked) return null;
      // The branch may have set the other pointer from the checked one first.
      if (list.some((y) => y.line < x.line && y.kind === "expr" && assigns(y.text, esc(returned)))) return null;
      // One value under two names (`clk = priv->clk = get(...)`, `priv->clk = clk`): the same code either way.
      if (aliased(nodes, at, checked, returned)) return null;
      return { line: x.line, checked, returned };
    }
  }
  return null;
}

/** True when the condition tests `v` for a negative or -1 value (`v < 0`, `unlikely(v == -1)`, `v <= 0`). */
function testsNegative(cond: string, v: string): boolean {
  const e = esc(v);
  return (
    new RegExp(`(^|[^\\w>.])${e}\\s*(<\\s*0|<=\\s*0|==\\s*-\\s*1)(?!\\w)`).test(bareCond(cond)) ||
    new RegExp(`^IS_ERR_VALUE\\s*\\(\\s*${e}\\s*\\)$`).test(bareCond(cond))
  );
}

/**
 * True when another function the patch shows passes `name`'s result straight
 * up as its own errno: `return name(...)`, an error variable (`ret`, `err`)
 * it returns later, or a variable of any name (`count`, `idx`) returned under
 * a check that found it negative (`if (count < 0) return count;`). A caller
 * that only compares the value (`== -1`) and returns a code of its own maps
 * it to an errno and passes nothing on.
 */
export function callersPassOn(index: PatchIndex, name: string): boolean {
  for (const g of index.functions.values()) {
    if (g.name === name || !returnsErrno(g) || !g.lines.some((l) => l.text.includes(name))) continue;
    const nodes = flatten(g);
    for (const n of nodes) {
      for (const c of n.stmt.calls) {
        if (c.name !== name) continue;
        if (n.stmt.kind === "return" && norm(n.stmt.expr).startsWith(`${name}(`)) return true;
        const v = c.assignedTo;
        if (!v || !/^[A-Za-z_]\w*$/.test(v)) continue;
        for (const r of nodes) {
          if (r.index <= n.index || r.stmt.kind !== "return" || norm(r.stmt.expr) !== v) continue;
          if (ERR_VAR.test(v)) return true;
          if (guardingIfs(r).some((gd) => gd.kind === "if" && testsNegative(gd.cond, v))) return true;
        }
      }
    }
  }
  return false;
}

/** Names of labels that lead out of the function. */
const EXIT_LABEL = /^(out|err|fail|error|exit|done|end|bail|ret|return|cleanup|unlock|free|put|release|unwind)|_(out|exit|unlock|free|put|release|cleanup)$/i;
/** Calls an exit label makes to clean up (and nothing else). */
const CLEANUP_CALL =
  /free|put|release|unlock|destroy|unregister|deregister|_del|remove|close|cleanup|unmap|disable|unprepare|drop|fini|exit|dput|iput|fput|kvfree|vfree|up_read|up_write|^up$/;

/** A label whose code ends in a constant `return 0;` that error jumps reach with the code in `var`. */
export interface ZeroLabel {
  line: number;
  label: string;
  var: string;
  guard: CStmt;
}

/**
 * `err = foo(); if (err) goto out; ... out: kfree(x); return 0;`: the
 * error set before the jump never reaches the caller. Only jumps whose
 * guard tests an error variable set by a call (or set in the branch) count.
 */
export function zeroLabels(fn: CFunction, nodes: readonly FlatNode[], assignedByCall: (at: FlatNode, v: string) => boolean): ZeroLabel[] {
  const out: ZeroLabel[] = [];
  for (const g of nodes) {
    if (g.stmt.kind !== "goto") continue;
    const code = labelCode(fn, nodes, g.stmt.label);
    if (!code?.known || code.ret?.kind !== "return" || norm(code.ret.expr) !== "0" || code.label.line < g.stmt.line) continue;
    // An exit label (`out:`, `err_free:`) that only cleans up; a label in the middle of the work
    // (`skip_feature:` after an optional step) returns 0 on purpose.
    if (!EXIT_LABEL.test(g.stmt.label) || !code.calls.every((c) => CLEANUP_CALL.test(c.name))) continue;
    const guard = guardingIfs(g)[0];
    if (guard?.kind !== "if") continue;
    const guardNode = nodes.find((x) => x.stmt === guard);
    const subj = failureSubject(guard.cond);
    let v = subj && ERR_VAR.test(subj) && guardNode && assignedByCall(guardNode, subj) ? subj : "";
    if (!v) {
      // `if (!p) { err = -ENOMEM; goto out; }`
      for (const x of branchStatements(guard.then)) {
        const m = x.kind === "expr" ? /^(\w+)\s*=\s*-E[A-Z0-9]+$/.exec(x.text) : null;
        if (m?.[1] && ERR_VAR.test(m[1])) v = m[1];
      }
    }
    if (!v) continue;
    // The label looks at the code itself (`if (err) pr_warn(...)`): ignoring it there is a choice.
    const labelNode = nodes.find((x) => x.stmt === code.label);
    const under = labelNode ? nodes.filter((x) => x.index > labelNode.index && x.stmt.line <= (code.ret?.line ?? 0)) : [];
    if (under.some((x) => new RegExp(`\\b${v}\\b`).test(x.stmt.kind === "if" ? x.stmt.cond : x.stmt.kind === "expr" ? x.stmt.text : ""))) continue;
    out.push({ line: code.ret.line, label: g.stmt.label, var: v, guard });
  }
  return out;
}

/** An `if (ret) pr_err(...);` inside a loop whose `ret` the next iteration overwrites before the function returns it. */
export interface LoopOverwrite {
  node: FlatNode;
  var: string;
}

/**
 * `for_each(...) { ret = foo(x); if (ret) pr_err(...); } return ret;`: a
 * later success sets `ret` back to 0 and hides the earlier failure. Only
 * when the function returns that variable right after the loop.
 */
export function loopOverwrites(nodes: readonly FlatNode[]): LoopOverwrite[] {
  const out: LoopOverwrite[] = [];
  for (const loop of nodes) {
    if (loop.stmt.kind !== "loop") continue;
    let last = loop.index;
    while (last + 1 < nodes.length && encloses(loop, nodes[last + 1] as FlatNode)) last++;
    for (let i = loop.index + 1; i <= last; i++) {
      const n = nodes[i] as FlatNode;
      const s = n.stmt;
      if (s.kind !== "if" || s.else !== null) continue;
      const v = failureSubject(s.cond);
      if (!v || !ERR_VAR.test(v) || !/^!?\s*\w+(\s*(<|!=)\s*0)?$/.test(bareCond(s.cond))) continue;
      const then = branchStatements(s.then);
      if (!onlyLogs(then)) continue;
      // Set by a call earlier in this iteration, on the same level as the check.
      if (!setByCallBefore(n, v)) continue;
      if (returnedAfter(nodes, loop, last, v)) out.push({ node: n, var: v });
    }
  }
  return out;
}

/**
 * True when the last earlier statement of the check's own block that names
 * `v` assigns it from a call (`ret = foo(x); obj->done = true; if (ret)`),
 * with no jump between: so the check sees this iteration's result.
 */
function setByCallBefore(check: FlatNode, v: string): boolean {
  const step = check.path[check.path.length - 1];
  if (step?.parent.kind !== "block") return false;
  const word = new RegExp(`\\b${v}\\b`);
  for (let k = step.child - 1; k >= 0; k--) {
    const s = step.parent.body[k] as CStmt;
    if (s.calls.some((c) => c.assignedTo === v)) return s.kind === "expr";
    if (s.kind !== "expr" || word.test(s.text)) return false;
  }
  return false;
}

/**
 * True when, after the loop, the function returns `v` with nothing reading
 * or resetting it first. A label on the way (`out: mutex_unlock(...);
 * return ret;`) is fallen into, so the loop's value still arrives there.
 */
function returnedAfter(nodes: readonly FlatNode[], loop: FlatNode, last: number, v: string): boolean {
  const depth = loop.path.length;
  const word = new RegExp(`\\b${v}\\b`);
  for (let i = last + 1; i < nodes.length; i++) {
    const n = nodes[i] as FlatNode;
    if (n.path.length < depth) return false;
    const s = n.stmt;
    if (s.kind === "return") return n.path.length === depth && norm(s.expr) === v;
    if (s.kind === "goto" || s.kind === "loop" || (s.kind === "label" && s.name === "case")) return false;
    const text = s.kind === "if" ? s.cond : s.kind === "expr" ? s.text : "";
    if (word.test(text)) return false;
  }
  return false;
}

/** An error code the patch removed from a branch that still jumps out, and the branch's new line to anchor on. */
export interface DroppedCode {
  var: string;
  code: string;
  /** The first added line of the branch (its new log call, say). */
  at: number;
}

/** Print calls of any level: a branch that only prints sets no code. */
const PRINT = /^(printk|pr_\w+|dev_\w+|netdev_\w+|\w+_(err|warn|info|notice|dbg|crit)(_ratelimited|_once)?)$/;

/**
 * `if (!p) { -err = -ENOMEM; +pr_err(...); goto err; }`: the patch deleted
 * the branch's `err = -E...;` (the `-` line sits between the branch's header
 * and its exit) and put only prints in its place, so the jump now carries
 * whatever `err` held before. Null unless the branch's statements besides the
 * exit are all prints, at least one of them added.
 */
export function droppedCode(file: FileDiff, guard: CStmt, exit: CStmt, added: ReadonlySet<number>): DroppedCode | null {
  if (guard.kind !== "if") return null;
  // The branch: the exit plus prints, one of them added (asked of most exits, so in one pass without copies).
  let hasExit = false;
  let at: number | undefined;
  for (const x of branchStatements(guard.then)) {
    if (x === exit) {
      hasExit = true;
      continue;
    }
    if (!(x.kind === "expr" && x.calls[0] !== undefined && PRINT.test(x.calls[0].name) && x.text.startsWith(x.calls[0].name))) return null;
    if (at === undefined && added.has(x.line)) at = x.line;
  }
  if (!hasExit || at === undefined) return null;
  for (const h of file.hunks) {
    let prev: number | null = null;
    for (const l of h.lines) {
      if (l.kind !== "del") {
        prev = l.newLine;
        continue;
      }
      if (prev === null || prev < guard.line || prev >= exit.line) continue;
      const m = /^\s*(\w+)\s*=\s*(-\s*E[A-Z][A-Z0-9_]*)\s*;/.exec(l.text);
      if (m?.[1] && m[2] && ERR_VAR.test(m[1])) return { var: m[1], code: m[2].replace(/\s+/g, ""), at };
    }
  }
  return null;
}
