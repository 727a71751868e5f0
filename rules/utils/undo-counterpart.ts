import type { CFunction, CStmt } from "../../src/parse/c/types.js";
import { flatten } from "./c-flow.js";
import { bareCond, branchStatements, returnsErrno } from "./c-errors.js";
import type { PatchIndex } from "./patch-index.js";

/**
 * The step an undo path undoes, for the `warn` rule: a function whose name
 * differs from the undo's by its verb (`foo_write_keys` for
 * `foo_restore_keys`, `foo_apply_fixups` for `foo_revert_fixups`), and
 * whether that step refuses a given state with an error code. A state the
 * forward step refuses never reaches its undo, so a silent skip there hides
 * a bug rather than handling a case.
 */

/** Undo verbs in a function name. */
export const UNDO_VERB = /(^|_)(clear|revert|undo|unapply|unpatch|restore|unwind|rollback|roll_back)(_|$)/;

/** Verbs of the forward step whose refusals the undo may rely on. */
const FORWARD_VERBS = ["apply", "patch", "do", "set", "write", "commit", "install", "save", "prepare", "enable"];

/** One part of a state test: a member or variable compared with a constant, or a flag bit tested. */
const STATE_PART = /^!?\(?[A-Za-z_][\w>.\-[\]]*\s*(==|!=|<=|>=|<|>|&)\s*(?:[A-Z][A-Z0-9_]*|\d+)\)?$/;

/** True when the condition reads only the object's own state against constants (`k->type != FOO_BRANCH`). */
export function isStateTest(cond: string): boolean {
  const parts = bareCond(cond)
    .split(/&&|\|\|/)
    .map((p) => p.trim());
  return parts.length > 0 && parts.every((p) => STATE_PART.test(p));
}

/**
 * The condition with the roots of member accesses blanked: `ko->type != X`,
 * `k->type != X` and `keys[i].type != X` test one state.
 */
function stateKey(cond: string): string {
  return bareCond(cond)
    .replace(/\s+/g, "")
    .replace(/(?<![\w>.\]])[A-Za-z_]\w*(?:\[[^\]]*\])*(?=->|\.)/g, "_")
    .replace(/\./g, "->");
}

/** True when the branch fails with an error code: `return -E...`, `ERR_PTR(-E...)`, or `err = -E...;` then a jump. */
function refusesWithCode(then: CStmt): boolean {
  const list = branchStatements(then);
  const code = (e: string): boolean => /^(ERR_PTR\()?-E[A-Z][A-Z0-9_]*\)?$/.test(e.replace(/\s+/g, ""));
  if (list.some((x) => x.kind === "return" && code(x.expr))) return true;
  const sets = list.some((x) => x.kind === "expr" && /^\w+\s*=\s*-\s*E[A-Z][A-Z0-9_]*$/.test(x.text));
  return sets && list.some((x) => x.kind === "goto" || x.kind === "break" || x.kind === "return");
}

/** Names the forward step of `name` may have: the undo verb swapped for each forward verb. */
function forwardNames(name: string): string[] {
  if (!UNDO_VERB.test(name)) return [];
  const out = FORWARD_VERBS.map((v) => name.replace(UNDO_VERB, `$1${v}$3`));
  const rest = name.replace(UNDO_VERB, "$1").replace(/^_|_$/g, "");
  out.push(`${rest}_apply`);
  return out.filter((c) => c !== name);
}

/**
 * The forward step the patch shows for the undo function `fn` when it
 * refuses the state `cond` tests with an error code, or null. Both sides
 * must test the same state (member roots may be named differently).
 */
export function refusingCounterpart(fn: CFunction, index: PatchIndex, cond: string): string | null {
  if (!isStateTest(cond)) return null;
  const key = stateKey(cond);
  for (const name of forwardNames(fn.name)) {
    const g = index.functions.get(name);
    if (!g || !returnsErrno(g)) continue;
    for (const n of flatten(g)) {
      if (n.stmt.kind === "if" && stateKey(n.stmt.cond) === key && refusesWithCode(n.stmt.then)) return name;
    }
  }
  return null;
}
