import type { CCall, CFunction } from "../../src/parse/c/types.js";
import { isKnownRelease } from "../data/pairs.js";
import { guardingIfs, handleOf, sameHandle } from "./c-flow.js";
import type { FlatNode } from "./c-flow.js";
import type { PatchIndex } from "./patch-index.js";

/**
 * Calls that give an acquired object to someone else's teardown, for the
 * `unreleased` rule: managed actions (`devm_add_action_or_reset()` and kin,
 * Documentation/driver-api/driver-model/devres.rst) and functions that link
 * the object into a parent (`foo_add_child(parent, obj)`), whose teardown
 * then frees it. Only what the diff shows counts as evidence.
 */

/** What the hand-over needs to know about the object: its handle and the variable that took it. */
export interface Owned {
  handle: string;
  /** The variable the acquisition's result went to, when it has one. */
  result: string;
  /** Release names that undo the object. */
  release: readonly string[];
  /** Release names of the function's other acquisitions. */
  foreign: ReadonlySet<string>;
}

/**
 * `devm_add_action(dev, fn, data)`, `devm_add_action_or_reset()`,
 * `drmm_add_action*()`, `kunit_add_action*()`: `fn(data)` runs when the
 * owner goes away. The `_or_reset` variants also run it when they fail
 * (include/linux/device/devres.h), so they hand over even on their failure
 * branch; the plain ones do not run it on failure.
 */
const MANAGED_ACTION = /^[a-z]\w*_add_action(_or_reset)?$/;

/** Verbs that link an object into a parent the callee is given: its teardown frees the object. */
const LINK_VERB = /(^|_)(add|link|insert|attach|enqueue|append|adopt|install|publish|hash)(_|$)/;

/** Verbs that may link the object into the parent, or may only fill in fields: a doubt, not a hand-over. */
const INIT_VERB = /(^|_)init(_|$)/;

/** Comment words that say someone else's teardown frees the object. */
const OWNERSHIP =
  /\b(owns?|owned by|ownership|belongs? to|(freed|released|cleaned up|torn down|dropped|put) (by|with|in|along|when|on|from)|frees? (it|them)|teardown|clean-?up of)\b/i;

/** Arguments that name no parent: literals, constants, sizes, flags. */
const NOT_PARENT = /^(NULL|true|false|-?\d\w*|"[^"]*"|'[^']*'|[A-Z][A-Z0-9_]*|sizeof\b.*)$/;

const MEMBER_CHAIN = /^[A-Za-z_]\w*((->|\.)[A-Za-z_]\w*)*$/;

function rootOf(h: string): string {
  return h.split(/->|\.|\[/)[0] ?? "";
}

/** True when `arg` names the object itself: its handle, or the variable that took it. */
function isObject(o: Owned, arg: string | undefined): boolean {
  const h = handleOf(arg);
  if (h === "") return false;
  return h === o.handle || (o.result !== "" && h === handleOf(o.result));
}

/** True when `arg` names the object or the structure it hangs off (`priv` for `priv->fwl`). */
function relatesTo(o: Owned, arg: string | undefined): boolean {
  const h = handleOf(arg);
  if (h === "" || NOT_PARENT.test(h)) return false;
  if (isObject(o, arg) || (o.handle !== "" && sameHandle(o.handle, h) && (h.includes("->") || h.includes(".")))) return true;
  // The structure the object hangs off: `priv` for `priv->fwl`, by handle or by the variable that took it.
  return [o.handle, handleOf(o.result)].some((x) => (x.includes("->") || x.includes(".")) && rootOf(x) === h);
}

/** The function a callback argument names: `(void (*)(void *))clk_disable_unprepare` gives the last identifier. */
function callbackName(arg: string | undefined): string {
  return /([A-Za-z_]\w*)\s*$/.exec((arg ?? "").trim())?.[1] ?? "";
}

/**
 * `"reset"` when `call` is an `_or_reset` managed action whose callback
 * releases the object, `"plain"` for the plain variant, null otherwise. The
 * callback counts when it is the release itself, reaches it through a
 * function the patch shows, or is unseen and takes the object (no evidence
 * it does something else); a callback that is another object's release or a
 * shown function that never reaches the release hands nothing over.
 */
export function managedAction(call: CCall, o: Owned, index: PatchIndex): "reset" | "plain" | null {
  const m = MANAGED_ACTION.exec(call.name);
  if (!m || call.args.length < 3) return null;
  const fn = callbackName(call.args[1]);
  if (fn === "" || !relatesTo(o, call.args[2])) return null;
  let runsRelease: boolean;
  if (o.release.includes(fn)) runsRelease = true;
  else if (index.functions.has(fn)) runsRelease = o.release.some((r) => index.reachOf(fn)?.has(r) === true);
  else runsRelease = !o.foreign.has(fn) && !isKnownRelease(fn);
  if (!runsRelease) return null;
  return m[1] ? "reset" : "plain";
}

/** A call that passes the object whole together with a parent it may be linked into. */
export interface LinkCall {
  call: CCall;
  /** Position of the object among the arguments. */
  objectArg: number;
  parent: string;
  /** Position of the parent among the arguments. */
  parentArg: number;
}

/**
 * `klp_like_add_child(parent, obj)`: the object passed whole beside another
 * structure that is not a local of this function (a local aggregate, like
 * the `&sg` of `sg_init_one(&sg, buf, len)`, owns nothing after return).
 */
export function linkCall(call: CCall, o: Owned, locals: ReadonlySet<string>): LinkCall | null {
  if (MANAGED_ACTION.test(call.name) || o.release.includes(call.name) || isKnownRelease(call.name)) return null;
  const objectArg = call.args.findIndex((a) => isObject(o, a));
  if (objectArg < 0) return null;
  for (let i = 0; i < call.args.length; i++) {
    if (i === objectArg) continue;
    const h = handleOf(call.args[i]);
    if (!MEMBER_CHAIN.test(h) || NOT_PARENT.test(h) || locals.has(rootOf(h))) continue;
    // A field of the object itself is no parent.
    if (rootOf(h) === rootOf(o.handle) || (o.result !== "" && rootOf(h) === rootOf(handleOf(o.result)))) continue;
    return { call, objectArg, parent: h, parentArg: i };
  }
  return null;
}

/**
 * True when an unseen callee's name and argument order say it links the
 * object into the parent: a link verb in either order (`list_add()` puts
 * the new entry first), or an init verb with the parent first
 * (`foo_init_child(parent, child)` sets the child up inside its parent).
 */
export function linksByName(link: LinkCall): boolean {
  return LINK_VERB.test(link.call.name) || (INIT_VERB.test(link.call.name) && link.parentArg < link.objectArg);
}

/**
 * True when an unseen callee initialises the object and is given a parent
 * after it (`foo_init(obj, parent)`): it may only point the object at the
 * parent, or may link it there. A doubt for the wording, not a hand-over.
 */
export function initsByName(link: LinkCall): boolean {
  return INIT_VERB.test(link.call.name) && link.objectArg < link.parentArg;
}

/** True when a comment between the two lines says another owner's teardown frees the object. */
export function ownershipComment(fn: CFunction, from: number, to: number): boolean {
  return fn.comments.some((c) => c.line >= from && c.line <= to && OWNERSHIP.test(c.text));
}

/**
 * True when `exit` lies on the failure branch of `call` (`if (ret)` right
 * after `ret = call(...)` with nothing assigning `ret` in between, or
 * `if (call(...))`): a hand-over that failed handed nothing over.
 */
export function onFailureOf(nodes: readonly FlatNode[], at: number, call: CCall, exit: FlatNode): boolean {
  const v = call.assignedTo;
  const tests = v === null ? null : new RegExp(`(^|[^\\w>.])${v.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}\\b`);
  for (const g of guardingIfs(exit)) {
    if (g.kind !== "if" || g.line < call.line) continue;
    if (g.calls.includes(call)) return true;
    if (!tests?.test(g.cond)) continue;
    const gi = nodes.findIndex((n) => n.stmt === g);
    let reassigned = false;
    for (let i = at + 1; i < gi; i++) {
      const s = (nodes[i] as FlatNode).stmt;
      if (s.calls.some((c) => c.assignedTo === v) || (s.kind === "expr" && tests.test(s.text) && /[^=!<>]=[^=]/.test(s.text))) reassigned = true;
    }
    if (!reassigned) return true;
  }
  return false;
}
