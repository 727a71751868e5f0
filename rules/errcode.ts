import { defineRule } from "../src/analyse/rule-api.js";
import type { CCall, CFunction, CStmt } from "../src/parse/c/types.js";
import { addedLines } from "./utils/added-lines.js";
import { blocked, breaksAway, flatten, guardingIfs, labelCode } from "./utils/c-flow.js";
import type { FlatNode, Step } from "./utils/c-flow.js";
import {
  ERR_VAR,
  OPTIONAL_WORDS,
  bareCond,
  branchStatements,
  callsDeep,
  commentsBetween,
  compactEquals,
  failureSubject,
  isErrorLog,
  isUserspacePath,
  onlyLogs,
  returnsErrno,
} from "./utils/c-errors.js";
import { callersPassOn, droppedCode, loopOverwrites, wrongPtrErr, zeroLabels } from "./utils/errcode-shapes.js";
import { assignsIn, isAllocCall, mayReport, positiveCode } from "./utils/errcode-gate.js";
import { docGaps, positiveCodes, reportDocGaps } from "./utils/kdoc-gaps.js";
import { patchIndex } from "./utils/patch-index.js";
import type { PatchIndex } from "./utils/patch-index.js";
import { isWordChar } from "../src/parse/c/tokenizer.js";

/**
 * `errcode`: error paths that report success or the wrong kind of code.
 * Only int functions whose result is an errno are judged; logging and
 * returning 0 on purpose (optional features, deprecated parameters) is left
 * alone when the message or a comment says so.
 */

/** Functions whose int result is not an errno even when it is -1: comparisons, lookups of an index. */
const NON_ERRNO_NAME = /cmp|compare|_to_|_sort|find|index|idx|lookup|search|_pos$|_pos_|ffs|fls|bsearch|_order$|sign|diff|dist|_nr$|count|_len$|parse_|str/i;

const LOOKS_OK = (text: string): boolean => OPTIONAL_WORDS.test(text);

/** The node that last assigns `v` before `at` on every path (dominating assignment), or null. */
function lastAssignment(nodes: readonly FlatNode[], at: FlatNode, v: string): FlatNode | null {
  const assign = new RegExp(`(^|[^\\w>.])${v}\\s*(=[^=]|\\+=|-=|\\|=)`);
  for (let i = at.index - 1; i >= 0; i--) {
    const n = nodes[i] as FlatNode;
    if (n.stmt.kind !== "expr" || !assign.test(n.stmt.text)) continue;
    // A sibling branch that jumps or breaks away never brings its value here.
    if (blocked(n, at) || breaksAway(n, at)) continue;
    const depth = n.path.length - 1;
    const dominates =
      depth < at.path.length &&
      n.path.slice(0, depth + 1).every((s, k) => {
        const o = at.path[k];
        return o?.parent === s.parent && (k < depth ? o.child === s.child : o.child > s.child);
      });
    return dominates ? n : null;
  }
  return null;
}

/** True when `v` is 0 right before `guardNode`: set to 0, or set by a call whose failure was checked already. */
function stillZero(nodes: readonly FlatNode[], guardNode: FlatNode, v: string): boolean {
  const last = lastAssignment(nodes, guardNode, v);
  if (last?.stmt.kind !== "expr") return false;
  const text = last.stmt.text;
  for (let i = last.index + 1; i < guardNode.index; i++) {
    const s = (nodes[i] as FlatNode).stmt;
    if (s.calls.some((c) => c.args.some((a) => compactEquals(a, `&${v}`)))) return false;
  }
  if (new RegExp(`(^|\\s)${v}\\s*=\\s*0$`).test(text)) return true;
  const call = last.stmt.calls.find((c) => c.assignedTo === v);
  if (!call) return false;
  // `ret = foo(); if (ret) goto err;` leaves ret == 0 for everything after the check.
  for (let i = last.index + 1; i < guardNode.index; i++) {
    const s = (nodes[i] as FlatNode).stmt;
    if (s.kind === "if" && s.else === null && new RegExp(`^(${v}|${v}\\s*!=\\s*0)$`).test(bareCond(s.cond))) {
      const exits = branchStatements(s.then).some((x) => x.kind === "return" || x.kind === "goto");
      if (exits) return true;
    }
  }
  return false;
}

/**
 * Text that may say the path is deliberate: log strings in the branch and
 * comments around it. A comment above the branch counts only up to the
 * statement before it: `goto out; /* optional *\/` speaks for that jump, not
 * for the next branch.
 */
function intentText(fn: CFunction, nodes: readonly FlatNode[], g: CStmt): string {
  const strings = callsDeep(g.kind === "if" ? g.then : g)
    .map((c) => c.args.join(" "))
    .join(" ");
  let from = g.line - 3;
  for (const n of nodes) if (n.stmt.endLine < g.line && n.stmt.endLine >= from) from = n.stmt.endLine + 1;
  return strings + " " + commentsBetween(fn, from, g.endLine);
}

/**
 * "Unsupported" names a rejected value, not an optional feature, when an
 * error-level message prints that value (`"unsupported key type %u"`): the
 * input is refused, so returning 0 lets it through.
 */
function refusesValue(log: CCall | null): boolean {
  if (!log || !/_err|_crit|_alert|_emerg/.test(log.name)) return false;
  const fmt = log.args.find((a) => a.includes('"')) ?? "";
  return /\b(unsupported|not supported)\b[^"]*%/i.test(fmt) || /%[-+ #0-9.]*[a-z]+\s+(is\s+)?(unsupported|not supported)\b/i.test(fmt);
}

/** True when the intent text says the path is deliberate, unless the message refuses a value it prints. */
function looksDeliberate(text: string, log: CCall | null): boolean {
  if (!LOOKS_OK(text)) return false;
  if (!refusesValue(log)) return true;
  return OPTIONAL_WORDS.test(text.replace(/\b(unsupported|not supported)\b/gi, ""));
}

/**
 * What a line needs for the checks outside errno functions: an errno-like
 * constant or IS_ERR (`/\bE[A-Z0-9]|IS_ERR/`). Every match holds an `E`, so
 * the scan hops from one `E` to the next instead of trying the pattern at
 * each character of every line.
 */
function errnoOrIsErr(text: string): boolean {
  for (let i = text.indexOf("E"); i >= 0; i = text.indexOf("E", i + 1)) {
    const next = text.charCodeAt(i + 1);
    if (((next >= 65 && next <= 90) || (next >= 48 && next <= 57)) && (i === 0 || !isWordChar(text.charCodeAt(i - 1)))) return true;
    if (i >= 3 && text.startsWith("IS_ERR", i - 3)) return true;
  }
  return false;
}

/** The points that say an error path returns success. */
const ZERO_IDS = new Set(["loggedZero", "failedZero", "fallThrough", "stillZero", "stillZeroGoto", "stillZeroGotoUnseen"]);

export default defineRule({
  meta: {
    id: "errcode",
    class: "errcode",
    severity: "warning",
    description: "Error paths that return 0, a positive errno or -1 instead of a negative error code.",
    messages: {
      loggedZero: "This reports an error but returns 0, so the caller thinks it worked. Shouldn't it return {code}?",
      failedZero: "If {failed}() fails, this returns 0 and the caller never learns about it. Shouldn't it return {code}?",
      fallThrough: "This logs the failure but then returns 0, so the caller thinks it worked. Should it return {code} here?",
      stillZero: "{var} is still 0 here, so this error path returns success. Should {var} be set to an error code first?",
      stillZeroGoto: "This error path jumps to {label} with {var} still 0, so the function returns success. Should {var} be set to an error code first?",
      stillZeroGotoUnseen:
        "{var} is still 0 here, while the other jumps to {label} carry an error code in {var}, so this error path probably returns success. Should {var} be set to an error code first?",
      droppedCode:
        "This branch no longer sets {var} = {code}, and {var} is still 0 here, so this error path returns success. Should it keep setting {var} = {code}?",
      ptrErrNull: "When {var} is NULL, PTR_ERR() gives 0 and this returns success. Should the NULL case return an error code, or is IS_ERR() meant here?",
      positive: "Kernel functions return negative error codes; {code} here is positive. Shouldn't it be -{code}?",
      minusOne: "Returning -1 makes callers see -EPERM. Shouldn't this return a proper error code such as -EINVAL?",
      wrongPtrErr:
        "This checks IS_ERR({checked}) but returns the code of {returned}, which is not the pointer that failed. Shouldn't it be PTR_ERR({checked})?",
      labelZero: "The error paths that jump to {label} set {var}, but {label} ends in return 0, so the caller never sees the error. Shouldn't it return {var}?",
      loopOverwrite:
        "{var} is overwritten by the next iteration, so a later success hides this failure and the function returns 0 after the loop. Should the loop stop here, or keep the first error?",
      docPromises: "The kernel-doc says this function returns {code}, but it never does. Is the Return: section out of date?",
      docMissing: "This returns {code}, which the kernel-doc's Return: section does not mention. Should the comment list it?",
      docMismatch: "The kernel-doc says this function returns {promised}, but here it returns {code}. Should one of them change?",
    },
  },
  create(ctx) {
    return {
      cFunction(fn, file) {
        const user = isUserspacePath(file.path);
        const added = addedLines(fn);
        // Thread functions (`int fn(void *data)`) return a value nobody reads.
        const threadFn = fn.params.length === 1 && fn.signature.includes("void") && /\(\s*void\s*\*\s*\w+\s*\)/.test(fn.signature);
        const errnoFn = returnsErrno(fn) && !fn.returnType.includes("ssize_t") && !threadFn;
        // Outside errno functions only an errno constant, an IS_ERR() check or a kernel-doc Return: can be wrong.
        if ((!errnoFn || user) && !(fn.complete && fn.kernelDoc) && (user || !fn.lines.some((l) => errnoOrIsErr(l.text)))) return;
        const positiveOk = !user && !file.path.startsWith("fs/xfs/");
        if (!mayReport({ fn, file, added, kernel: !user, positiveOk, errno: errnoFn && !user })) return;
        const nodes = flatten(fn);
        // Asked only on the way to a finding (allocation names, callers of a `-1` helper).
        let patchIdx: PatchIndex | undefined;
        const index = (): PatchIndex => (patchIdx ??= patchIndex(ctx));
        // Whether a `-1` here reads as an errno: one answer for every `return -1;` of the function.
        let minusOneErr: boolean | undefined;
        const seenLines = new Set<number>();
        const gaps = docGaps(fn, nodes);
        // A branch that returns 0 after an error is where the promised code went missing:
        // one point there, worded with the code the kernel-doc promises (issue: one bug, one point).
        let zeroReported = false;
        const guessed = gaps?.missing.length === 1 ? (gaps.missing[0] ?? null) : null;
        const report = (messageId: string, line: number, data: Record<string, string>, endLine = line): void => {
          if (seenLines.has(line)) return;
          seenLines.add(line);
          if (ZERO_IDS.has(messageId)) zeroReported = true;
          ctx.report({ messageId, data, file: file.path, line, endLine });
        };

        for (const n of nodes) {
          const s = n.stmt;
          // Positive errno: `return ENOMEM;`, `ERR_PTR(EINVAL)`, `ret = EIO;`.
          if (positiveOk && added.has(s.line)) {
            const code = positiveCode(s);
            if (code) report("positive", s.line, { code });
          }
          if (s.kind === "return" && !user && errnoFn && added.has(s.line) && compactEquals(s.expr, "-1")) {
            minusOneErr ??= minusOneIsError(fn, nodes, index);
            if (minusOneErr) report("minusOne", s.line, {});
          }
          if (s.kind === "if" && !user) {
            const w = wrongPtrErr(nodes, n, s);
            if (w && added.has(w.line)) report("wrongPtrErr", w.line, { checked: w.checked, returned: w.returned });
          }
          if (!errnoFn || user) continue;

          // `if (IS_ERR_OR_NULL(p)) return PTR_ERR(p);` returns 0 for NULL.
          if (s.kind === "if" && s.cond.includes("IS_ERR_OR_NULL")) {
            const m = /^IS_ERR_OR_NULL\s*\(\s*(.+?)\s*\)$/.exec(bareCond(s.cond));
            const v = m?.[1]?.replace(/\s+/g, "");
            const ptrErr = v ? branchStatements(s.then).find((x) => x.kind === "return" && x.expr.replace(/\s+/g, "") === `PTR_ERR(${v})`) : undefined;
            if (v && ptrErr && added.has(ptrErr.line)) report("ptrErrNull", ptrErr.line, { var: v });
          }

          if (s.kind === "if" && s.else === null) {
            const then = branchStatements(s.then);
            const ret0 = then.find((x) => x.kind === "return" && compactEquals(x.expr, "0"));
            // The log call, the subject's assignment and the intent text are looked up only once a finding is in sight.
            if (ret0 && (added.has(ret0.line) || added.has(s.line))) {
              const log = callsDeep(s.then).find(isErrorLog) ?? null;
              if (!looksDeliberate(intentText(fn, nodes, s), log)) {
                const subj = failureSubject(s.cond);
                const subjCall = subj ? findAssigningCall(nodes, n, subj) : null;
                const allocFail = subjCall !== null && bareCond(s.cond).startsWith("!") && isAllocCall(subjCall, index().identifiers);
                const errFail = subj !== null && ERR_VAR.test(subj) && subjCall !== null;
                const strongLog = log !== null && !log.name.includes("warn");
                const code = allocFail
                  ? "-ENOMEM"
                  : subj && ERR_VAR.test(subj)
                    ? subj
                    : s.cond.includes("IS_ERR") && subj
                      ? `PTR_ERR(${subj})`
                      : (guessed ?? "-EINVAL");
                if (strongLog || (log && (allocFail || errFail))) report("loggedZero", ret0.line, { code }, ret0.line);
                else if (!log && (allocFail || errFail) && subjCall) report("failedZero", ret0.line, { failed: subjCall, code }, ret0.line);
              }
            }
            // `if (ret) pr_err(...);` followed straight by `return 0;`.
            if (!ret0 && onlyLogs(then)) {
              const parent = n.path[n.path.length - 1];
              const next = parent?.parent.kind === "block" ? parent.parent.body[parent.child + 1] : undefined;
              const subj = failureSubject(s.cond);
              if (
                next?.kind === "return" &&
                compactEquals(next.expr, "0") &&
                (added.has(s.line) || added.has(next.line)) &&
                subj &&
                ERR_VAR.test(subj) &&
                callsDeep(s.then).some(isErrorLog) &&
                findAssigningCall(nodes, n, subj) &&
                !LOOKS_OK(intentText(fn, nodes, s))
              ) {
                report("fallThrough", s.line, { code: subj }, next.line);
              }
            }
          }

          // `goto out` / `return ret` with ret still 0 after a failure.
          if (s.kind === "goto" || (s.kind === "return" && ERR_VAR.test(s.expr))) {
            const guard = innermostGuard(n);
            if (guard?.kind !== "if") continue;
            // An exit the patch left alone counts when the patch deleted its branch's error code.
            const dropped = added.has(s.line) ? null : droppedCode(file, guard, s, added);
            if (!added.has(s.line) && !dropped) continue;
            let v = s.kind === "return" ? s.expr : "";
            let label = "";
            let unseen = false;
            if (s.kind === "goto") {
              const code = labelCode(fn, nodes, s.label);
              label = s.label;
              if (code === null && !fn.complete) {
                // The label lies outside the view: judge only when other jumps to it carry the code in a variable.
                v = errVarOfOtherJumps(nodes, n, s.label) ?? dropped?.var ?? "";
                unseen = true;
              } else {
                if (code?.ret?.kind !== "return" || code.label.line < s.line) continue;
                v = code.ret.expr;
                if (!ERR_VAR.test(v)) continue;
                // The label sets the code itself (`err_nomem: ret = -ENOMEM;`): the jump needs none.
                const from = code.label.line;
                const to = code.ret.line;
                if (nodes.some((x) => x.stmt.line >= from && x.stmt.line < to && assignsIn(x.stmt, v))) continue;
              }
            }
            if (!ERR_VAR.test(v) || guard.cond.includes(v)) continue;
            // "Nothing found, nothing to do" often returns 0 on purpose: only a logged error, a failed
            // allocation or an ERR_PTR counts as evidence that this is an error path.
            const guardNode = nodeOf(nodes, n, guard);
            if (!guardNode) continue;
            const gsubj = failureSubject(guard.cond);
            const gCall = gsubj ? findAssigningCall(nodes, guardNode, gsubj) : null;
            const isError =
              callsDeep(guard.then).some(isErrorLog) ||
              guard.cond.includes("IS_ERR") ||
              (gCall !== null && bareCond(guard.cond).startsWith("!") && isAllocCall(gCall, index().identifiers));
            if (!isError || assignsIn(guard.then, v) || LOOKS_OK(intentText(fn, nodes, guard))) continue;
            if (!stillZero(nodes, guardNode, v)) continue;
            if (dropped) {
              if (dropped.var === v) report("droppedCode", dropped.at, { var: v, code: dropped.code }, s.line);
              continue;
            }
            if (s.kind === "goto") report(unseen ? "stillZeroGotoUnseen" : "stillZeroGoto", s.line, { label, var: v });
            else report("stillZero", s.line, { var: v });
          }
        }
        // Notifier callbacks answer NOTIFY_* codes, and many return 0 whatever happened on purpose.
        const notifier = /struct\s+notifier_block\s*\*/.test(fn.signature);
        if (errnoFn && !user && !notifier) {
          const assignedByCall = (at: FlatNode, v: string): boolean => findAssigningCall(nodes, at, v) !== null;
          for (const z of mayZeroLabel(nodes, added) ? zeroLabels(fn, nodes, assignedByCall) : []) {
            if (added.has(z.line) && !LOOKS_OK(intentText(fn, nodes, z.guard))) report("labelZero", z.line, { label: z.label, var: z.var });
          }
          for (const o of loopOverwrites(nodes)) {
            const s = o.node.stmt;
            const touched = fn.lines.some((l) => l.kind === "add" && l.newLine >= s.line && l.newLine <= s.endLine);
            if (touched && !LOOKS_OK(intentText(fn, nodes, s))) report("loopOverwrite", s.line, { var: o.var }, s.endLine);
          }
        }
        if (gaps) {
          // `ret = ENOMEM;` where the doc promises -ENOMEM is one slip: the positive-errno point covers it.
          if (gaps.missing.length > 0) {
            const positive = positiveCodes(nodes);
            gaps.missing = gaps.missing.filter((c) => !positive.has(c));
          }
          reportDocGaps(gaps, added, zeroReported, report);
        }
      },
    };
  },
});

/**
 * True when a `return -1;` of `fn` hands out an errno: no other return is a
 * positive number, and either the name does not say "index or comparison"
 * with no other return of a plain non-error variable, or some other return
 * is an -E code, or a caller in the patch passes the value up as its own
 * error (the costly question, asked last). The `-1` itself counts for none
 * of these, so the answer is the same for every `-1` of the function.
 */
function minusOneIsError(fn: CFunction, nodes: readonly FlatNode[], index: () => PatchIndex): boolean {
  const returned: string[] = [];
  for (const o of nodes) if (o.stmt.kind === "return") returned.push(o.stmt.expr.replace(/\s/g, ""));
  if (returned.some((e) => /^\d+$/.test(e) && e !== "0")) return false;
  const byName = !NON_ERRNO_NAME.test(fn.name) && !returned.some((e) => /^[a-z]\w*$/.test(e) && !ERR_VAR.test(e));
  return byName || returned.some((e) => /-E[A-Z]/.test(e)) || callersPassOn(index(), fn.name);
}

/** A label's `return 0;` needs a jump to it and, to be reported, an added `return 0;`. */
function mayZeroLabel(nodes: readonly FlatNode[], added: ReadonlySet<number>): boolean {
  let jump = false;
  let ret0 = false;
  for (const n of nodes) {
    const s = n.stmt;
    if (s.kind === "goto") jump = true;
    else if (s.kind === "return" && !ret0 && added.has(s.line)) ret0 = compactEquals(s.expr, "0") || compactEquals(s.expr, "(0)");
    if (jump && ret0) return true;
  }
  return false;
}

/** The `if` whose then-branch holds `n` most closely (`guardingIfs(n)[0]`, without the list). */
function innermostGuard(n: FlatNode): CStmt | null {
  for (let i = n.path.length - 1; i >= 0; i--) {
    const step = n.path[i] as Step;
    if (step.parent.kind === "if" && step.child === 0) return step.parent;
    if (step.parent.kind === "loop") return null;
  }
  return null;
}

/** The node of `stmt`, an ancestor of `n`: it comes before `n` in source order. */
function nodeOf(nodes: readonly FlatNode[], n: FlatNode, stmt: CStmt): FlatNode | null {
  for (let i = n.index - 1; i >= 0; i--) if ((nodes[i] as FlatNode).stmt === stmt) return nodes[i] as FlatNode;
  return null;
}

function findAssigningCall(nodes: readonly FlatNode[], at: FlatNode, v: string): string | null {
  const inCond = at.stmt.calls.find((c) => c.assignedTo === v);
  if (inCond) return inCond.name;
  let assigns: RegExp | undefined;
  // A plain name must appear as written for the pattern to match: a cheap test first.
  const plain = /^\w+$/.test(v);
  for (let i = at.index - 1; i >= 0 && i > at.index - 30; i--) {
    const n = nodes[i] as FlatNode;
    const c = n.stmt.calls.find((x) => x.assignedTo === v);
    if (c) return c.name;
    if (n.stmt.kind === "expr" && (!plain || n.stmt.text.includes(v)) && (assigns ??= new RegExp(`(^|[^\\w>.])${v}\\s*=[^=]`)).test(n.stmt.text)) return null;
  }
  return null;
}

/** The error variable that other jumps to `label` carry (`if (ret) goto label;` before `at`), or null. */
function errVarOfOtherJumps(nodes: readonly FlatNode[], at: FlatNode, label: string): string | null {
  for (let i = at.index - 1; i >= 0; i--) {
    const n = nodes[i] as FlatNode;
    if (n.stmt.kind !== "goto" || n.stmt.label !== label) continue;
    const g = guardingIfs(n)[0];
    const subj = g?.kind === "if" ? failureSubject(g.cond) : null;
    if (subj && ERR_VAR.test(subj)) return subj;
  }
  return null;
}
