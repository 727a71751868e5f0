import type { CCall, CFunction, CStmt } from "../../src/parse/c/types.js";
import { isErrorLog } from "./c-errors.js";
import type { FlatNode } from "./c-flow.js";

/**
 * Lookups that must succeed in a teardown path (for `warn`): a negated
 * lookup of the object the caller hands in, and a search loop whose "not
 * found" exit only logs. Either way a miss means the caller has a bug.
 */

/** Calls that look an object up in our own tables by key: `foo_find(id)`, `xa_load(&xa, id)`. */
export const FINDS = /find|lookup|search|^xa_load$|^idr_find$|^radix_tree_lookup$/;

/** True when `s` is one parenthesised group: `(a, f(b))`, not `(a) && g(b)`. */
function oneGroup(s: string): boolean {
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === "(") depth++;
    else if (s[i] === ")" && --depth === 0 && i < s.length - 1) return false;
  }
  return depth === 0;
}

/** Calls a membership test may make: reading a table, a list or a bit of our own. */
const MEMBERSHIP_READ =
  /find|lookup|search|^xa_load$|^idr_find$|^radix_tree_lookup$|^list_empty(_careful)?$|^hlist_unhashed$|^list_is_\w+$|^test_bit$|^READ_ONCE$|^rcu_access_pointer$|^rcu_dereference\w*$/;

/**
 * True for a bool helper the patch shows whose body only answers "is this
 * one of ours?": every return compares a parameter with stored state
 * (`return READ_ONCE(cur) == nb;`) or asks a table or list about it.
 */
export function isMembershipHelper(helper: CFunction | undefined): boolean {
  if (!helper || !helper.complete || !/\bbool\b/.test(helper.returnType) || helper.params.length === 0) return false;
  const returns = helper.body.filter((s): s is Extract<CStmt, { kind: "return" }> => s.kind === "return");
  if (returns.length === 0 || helper.body.length > 4) return false;
  const param = new RegExp(`(?<![\\w>.])(${helper.params.map((p) => p.replace(/\W/g, "")).join("|")})(?!\\w)`);
  return returns.every((r) => {
    if (!param.test(r.expr)) return false;
    const compares = /[!=]=/.test(r.expr);
    const asks = r.calls.length > 0 && r.calls.every((c) => MEMBERSHIP_READ.test(c.name));
    return (compares && r.calls.every((c) => MEMBERSHIP_READ.test(c.name))) || asks;
  });
}

/**
 * The lookup call a condition negates (`!foo_find(ops->id)`,
 * `foo_lookup(key) == NULL`, `!foo_is_registered(nb)` for a membership
 * helper the patch shows): in an unregister or remove path, an object that
 * was never registered is the caller's bug, not a runtime failure.
 */
export function negatedLookup(at: FlatNode, cond: string, helperOf: (name: string) => CFunction | undefined): CCall | null {
  const c = cond.replace(/\s+/g, "");
  const m = /^!(\w+)(\(.*\))$/.exec(c) ?? /^(\w+)(\(.*\))==NULL$/.exec(c);
  // One call and its arguments, not `!foo(a) && bar(b)`.
  const call = m && oneGroup(m[2] ?? "") ? at.stmt.calls.find((x) => x.name === m[1]) : undefined;
  if (!call) return null;
  return FINDS.test(call.name) || (c.startsWith("!") && isMembershipHelper(helperOf(call.name))) ? call : null;
}

/** Conditions that match one entry of a search: `a == b`, `!strcmp(...)`, `foo_match(...)`. */
const MATCHES = /==|\b\w*(match|cmp|equal|same)\w*\s*\(/;

/** Calls that may stand before the "not found" message: leaving a critical section. */
const LEAVES = /unlock|_irqrestore$|^preempt_enable\w*$|^local_irq_enable$|^local_bh_enable$|^up(_read|_write)?$/;

/**
 * A search loop whose match leaves the function (`goto out;` past the
 * message, or `return;`) and whose fall-through, right after the loop, only
 * logs an error: the "not found" case of a lookup that must succeed. Returns
 * the message statement, or null.
 */
export function notFoundAfterLoop(nodes: readonly FlatNode[], loop: FlatNode): CStmt | null {
  const s = loop.stmt;
  if (s.kind !== "loop") return null;
  const step = loop.path[loop.path.length - 1];
  const parent = step?.parent;
  if (!step || parent?.kind !== "block") return null;
  // The statements after the loop up to a label or the end of the block.
  const after: CStmt[] = [];
  let label: string | null = null;
  for (const x of parent.body.slice(step.child + 1)) {
    if (x.kind === "label") {
      label = x.name;
      break;
    }
    if (x.kind === "return" && x.expr === "") break;
    after.push(x);
  }
  let log: CStmt | null = null;
  for (const x of after) {
    const outer = x.kind === "expr" ? x.calls[0] : undefined;
    if (!outer) return null;
    if (isErrorLog(outer)) log ??= x;
    else if (!LEAVES.test(outer.name)) return null;
  }
  if (!log) return null;
  // A match inside the loop that jumps past the message.
  const inLoop = nodes.filter((n) => n.path.some((p) => p.parent === s));
  const exits = inLoop.some((n) => {
    const x = n.stmt;
    const jumps = (x.kind === "goto" && x.label === label) || (x.kind === "return" && x.expr === "");
    if (!jumps) return false;
    const guard = [...n.path].reverse().find((p) => p.parent.kind === "if" && p.child === 0)?.parent;
    return guard?.kind === "if" && MATCHES.test(guard.cond);
  });
  return exits ? log : null;
}
