import { defineRule } from "../src/analyse/rule-api.js";
import type { CCall, CFunction, CStmt } from "../src/parse/c/types.js";
import { addedLines } from "./utils/added-lines.js";
import { enclosingLoops, flatten } from "./utils/c-flow.js";
import type { FlatNode } from "./utils/c-flow.js";
import { ERR_VAR, WARN_CALL, bareCond, branchStatements, callsDeep, failureSubject, isErrorLog, isUserspacePath, mayHoldErrorLog } from "./utils/c-errors.js";
import { patchIndex } from "./utils/patch-index.js";
import type { NameEvidence } from "./utils/patch-index.js";
import { refusingCounterpart, UNDO_VERB } from "./utils/undo-counterpart.js";
import { negatedLookup, notFoundAfterLoop } from "./utils/warn-lookup.js";

/**
 * `warn`: in a void teardown path (release, put, free, unregister, exit...),
 * a branch whose condition means a bug and that only prints an error and
 * returns. Nobody can act on the error, so WARN_ON_ONCE() (with its stack
 * trace) is the useful report (Documentation/process/coding-style.rst, "Do
 * not crash the kernel"). Also an undo loop that silently skips entries of a
 * kind it cannot undo, when the patch shows the matching apply step.
 */

/** Name words of teardown paths, with the noun the reply uses. */
const TEARDOWN: [RegExp, string][] = [
  [/unregister|deregister/, "unregister"],
  [/release|_put$|_put_|^put_|unref|_dec$|_dec_|unpin|uncharge/, "release"],
  [/free|dealloc|dispose/, "free"],
  [/remove|_del$|_del_|delete|unlink|detach|unbind/, "removal"],
  [/exit|cleanup|clean_up|teardown|tear_down|destroy|deinit|uninit|fini|shutdown|unload|stop|disable|close|kill|drop|discard|purge|unmap/, "teardown"],
  [/clear|revert|undo|unpatch|unapply|restore|unwind|rollback|roll_back/, "undo"],
];

/**
 * Teardown names where a message that lets the function carry on still means
 * a bug: the object's lifetime ends here (not `stop`, `disable` or `close`,
 * which user space can call while the object is busy).
 */
const CARRIES_ON = /destroy|free|release|_put$|_put_|^put_|exit|cleanup|clean_up|fini|deinit|uninit|unregister|deregister|teardown|tear_down|detach|remove/;

/** Handlers of user input: a plain error message is the right answer there. */
const USER_INPUT =
  /(?<!re)store|write|parse|param|_set$|_set_|ioctl|sysctl|proc_|_show|cmdline|setup_|__setup|_opt|option|input|(^|_)user(_|$)|from_user|to_user/;

const REFCOUNT = /ref|count|cnt|users|usage|_use\b|nr_/;

/** Messages that say the branch is expected (not a bug): an unsupported or optional case. */
const EXPECTED_CASE = /not supported|unsupported|optional|ignor\w*|skipp\w*|deprecated|fall(ing)? ?back|not available|unavailable|nothing to do/i;

function teardownKind(name: string): string | null {
  for (const [re, kind] of TEARDOWN) if (re.test(name)) return kind;
  return null;
}

/**
 * Calls that only leave a critical section before the message: an unlock,
 * restoring interrupts, re-enabling preemption or bottom halves.
 */
const LEAVES_SECTION =
  /unlock|_irqrestore$|^preempt_enable(_no_resched)?$|^local_irq_enable$|^local_bh_enable$|^rcu_read_unlock\w*$|^up(_read|_write)?$|^srcu_read_unlock$/;

/**
 * How a branch ends when it only logs (and maybe leaves a critical section
 * first): "return" when it then returns, "continue" when teardown carries
 * on after the message, null when the branch does anything else.
 */
function onlyLogs(then: CStmt): "return" | "continue" | null {
  const list = branchStatements(then);
  const last = list[list.length - 1];
  if (!last) return null;
  const returns = last.kind === "return" && last.expr === "";
  let logged = false;
  for (const s of returns ? list.slice(0, -1) : list) {
    // The statement's outer call decides; calls nested in its arguments only format the message.
    const outer = s.kind === "expr" ? s.calls[0] : undefined;
    if (!outer) return null;
    if (isErrorLog(outer)) logged = true;
    else if (!LEAVES_SECTION.test(outer.name)) return null;
  }
  if (!logged) return null;
  return returns ? "return" : "continue";
}

/** Calls a bug condition may use: reading our own state, not asking hardware or a callee. */
const STATE_READ =
  /^(list_empty|list_empty_careful|hlist_empty|hlist_unhashed|atomic_read|atomic64_read|atomic_long_read|refcount_read|kref_read|test_bit|READ_ONCE|RB_EMPTY_NODE|RB_EMPTY_ROOT|completion_done|work_pending|delayed_work_pending|timer_pending|mutex_is_locked)$/;

/** Assignments that only find an object we already own (so "missing" means a bug). */
const LOOKUP = /find|lookup|search|drvdata|container_of|^to_|_from_|xa_load|idr_find|radix_tree_lookup|(^|_)get(_locked|_rcu)?$/;

/** Kinds of teardown that take an object the caller registered or added earlier. */
const TAKES_REGISTERED = new Set(["unregister", "removal"]);

/** Calls that read a key from user space: its lookup may fail without any bug. */
const USER_KEY = /^(kstrto\w+|sscanf|simple_strto\w+|copy_from_user|strncpy_from_user|simple_write_to_buffer|memdup_user\w*|get_user|match_\w+)$/;

/** True when the condition reads hardware or a callee's result (a runtime failure, not a bug); `allowed` is a lookup the caller accepts. */
function testsCallResult(nodes: readonly FlatNode[], at: FlatNode, cond: string, allowed: CCall | null = null): boolean {
  const subj = failureSubject(cond);
  if (subj && ERR_VAR.test(subj)) return true;
  if (bareCond(cond).includes("IS_ERR")) return true;
  if (at.stmt.calls.some((c) => c !== allowed && !STATE_READ.test(c.name))) return true;
  const roots = new Set([...cond.matchAll(/(?<![\w>.])([a-z_]\w*)/g)].map((m) => m[1] ?? ""));
  for (let i = at.index - 1; i >= 0 && i > at.index - 8; i--) {
    for (const call of (nodes[i] as FlatNode).stmt.calls) {
      const root = (call.assignedTo ?? "").split(/->|\./)[0] ?? "";
      if (root && roots.has(root)) return !LOOKUP.test(call.name);
    }
  }
  return false;
}

/** True when the function reads a key from user space anywhere (a store or write handler by another name). */
function readsUserKey(nodes: readonly FlatNode[]): boolean {
  return nodes.some((n) => n.stmt.calls.some((c) => USER_KEY.test(c.name)));
}

/** `x->type != FOO_BAR` (&& another), the shape of "not a kind we can undo". */
function isKindMismatch(cond: string): boolean {
  const parts = bareCond(cond)
    .split("&&")
    .map((p) => p.trim());
  return parts.length > 0 && parts.every((p) => /^[\w>.\-[\]()]+\s*!=\s*[A-Z][A-Z0-9_]{2,}$/.test(p));
}

/** The verbs of the step an undo verb (UNDO_VERB) undoes. */
const APPLY_VERBS = ["apply", "patch", "do", "set", "write"];

/** True when the patch shows the step this function undoes: `klp_clear_relocs` for `klp_write_relocs`, `clear_relocate_add` for `apply_relocate_add`. */
function counterpartShown(fn: CFunction, identifiers: NameEvidence): boolean {
  const m = UNDO_VERB.exec(fn.name);
  if (!m) return false;
  const candidates = APPLY_VERBS.map((v) => fn.name.replace(UNDO_VERB, `$1${v}$3`));
  const rest = fn.name.replace(UNDO_VERB, "$1").replace(/^_|_$/g, "");
  candidates.push(`${rest}_apply`);
  return candidates.some((c) => c !== fn.name && identifiers.has(c));
}

export default defineRule({
  meta: {
    id: "warn",
    class: "warn",
    severity: "warning",
    description: "A void teardown path that only prints an error for a condition that means a bug; WARN_ON_ONCE() would show it.",
    messages: {
      refcount: "This is a void {kind} path, so nobody can act on the error, and it means a refcounting bug somewhere. WARN_ON_ONCE() would make it visible.",
      notFound:
        "This is a void {kind} path, so nobody can act on the error, and a caller that hands in something never registered has a bug. WARN_ON_ONCE() would make it visible.",
      state: "This is a void {kind} path, so nobody can act on the error, and the condition means a bug somewhere. WARN_ON_ONCE() would make it visible.",
      silentRefused:
        "{counterpart}() refuses this case with an error code, so it cannot reach this undo path unless something is broken, and skipping it silently hides that. Shouldn't this be WARN_ON_ONCE()?",
      silentSkip:
        "Is it OK to just continue here? An entry of another kind means something this function cannot undo, and it is skipped silently. A WARN_ON_ONCE() would make that visible.",
    },
  },
  create(ctx) {
    return {
      cFunction(fn, file) {
        if (!fn.isVoid || isUserspacePath(file.path)) return;
        const kind = teardownKind(fn.name);
        // A module's `__exit` function takes no input at all, whatever words its name holds (`foo_users_exit`).
        if (!kind || (USER_INPUT.test(fn.name) && !/\b__exit\b/.test(fn.signature))) return;
        if (fn.params.some((p) => p === "buf" || p === "kp" || p === "ubuf")) return;
        // Every point but an undo path's silent skip is about an error-level message: none in the text, no need to parse the body.
        if (kind !== "undo" && !UNDO_VERB.test(fn.name) && !fn.lines.some((l) => mayHoldErrorLog(l.text))) return;
        const added = addedLines(fn);
        const nodes = flatten(fn);
        for (const n of nodes) {
          const s = n.stmt;
          // A search loop whose fall-through only logs: the object the caller hands in must be there.
          if (s.kind === "loop" && CARRIES_ON.test(fn.name) && !readsUserKey(nodes)) {
            const log = notFoundAfterLoop(nodes, n);
            const text = log ? log.calls.map((c) => c.args.join(" ")).join(" ") : "";
            if (log && added.has(log.line) && !EXPECTED_CASE.test(text)) {
              ctx.report({ messageId: "notFound", data: { kind }, file: file.path, line: log.line, endLine: log.endLine });
            }
          }
          if (s.kind !== "if" || s.else !== null) continue;
          const range = [s.line, s.endLine];
          const touches = fn.lines.some((l) => l.kind === "add" && l.newLine >= (range[0] ?? 0) && l.newLine <= (range[1] ?? 0));
          if (!touches) continue;
          if (/WARN|BUG/.test(s.cond) || callsDeep(s.then).some((c) => WARN_CALL.test(c.name))) continue;

          const ends = onlyLogs(s.then);
          // A message that lets teardown carry on (`if (pool->busy) pr_err(...);`) is as blind; not for undo loops.
          if (ends === "return" || (ends === "continue" && CARRIES_ON.test(fn.name))) {
            // `if (!foo_find(ops->id))` in an unregister path: never registered is a caller bug, unless the key came from user space.
            const helperOf = (name: string): CFunction | undefined => patchIndex(ctx).functions.get(name);
            const lookup = TAKES_REGISTERED.has(kind) && ends === "return" && !readsUserKey(nodes) ? negatedLookup(n, bareCond(s.cond), helperOf) : null;
            if (testsCallResult(nodes, n, s.cond, lookup)) continue;
            const text = callsDeep(s.then)
              .map((c) => c.args.join(" "))
              .join(" ");
            if (EXPECTED_CASE.test(text)) continue;
            const messageId = lookup ? "notFound" : REFCOUNT.test(s.cond) ? "refcount" : "state";
            ctx.report({ messageId, data: { kind }, file: file.path, line: s.line, endLine: s.endLine });
            continue;
          }

          const only = branchStatements(s.then);
          // A silent skip of a state the forward step refuses with an error: it cannot happen by construction.
          const silent =
            only.length === 1 && ((only[0]?.kind === "continue" && enclosingLoops(n).length > 0) || (only[0]?.kind === "return" && only[0].expr === ""));
          if (silent && added.has(s.line) && UNDO_VERB.test(fn.name)) {
            const counterpart = refusingCounterpart(fn, patchIndex(ctx), s.cond);
            if (counterpart) {
              ctx.report({ messageId: "silentRefused", data: { counterpart }, file: file.path, line: s.line, endLine: s.endLine });
              continue;
            }
          }
          if (kind === "undo" && only.length === 1 && only[0]?.kind === "continue" && enclosingLoops(n).length > 0 && isKindMismatch(s.cond)) {
            if (!added.has(s.line) || !counterpartShown(fn, patchIndex(ctx).identifiers)) continue;
            ctx.report({ messageId: "silentSkip", file: file.path, line: s.line, endLine: s.endLine });
          }
        }
      },
    };
  },
});
