import { bareCond } from "./c-errors.js";
import type { FlatNode, Step } from "./c-flow.js";

/**
 * Exits on which a conditional acquisition holds nothing, for `unreleased`.
 * A reference taken only when it can be (`if (m && !try_module_get(m)) m = NULL;`,
 * `if (!kref_get_unless_zero(&o->ref)) o = NULL;`) leaves the object pointer
 * NULL on the paths where nothing was taken, so an exit that runs only when
 * that pointer is NULL (or an error pointer) leaks nothing: the exit to blame
 * is a later one, where the object is certainly held.
 */

/** The object pointers a handle hangs off: `o->ref` -> ["o->ref", "o"], `&m` -> ["m"]. */
function prefixes(handle: string): string[] {
  const out: string[] = [];
  const parts = handle.split(/(->|\.)/);
  let cur = "";
  for (let i = 0; i < parts.length; i += 2) {
    cur += (i > 0 ? (parts[i - 1] ?? "") : "") + (parts[i] ?? "");
    out.push(cur);
  }
  return out;
}

/** The expression a condition proves NULL (or an error pointer): `!m`, `m == NULL`, `IS_ERR_OR_NULL(m)`; null otherwise. */
function provedNull(part: string): string | null {
  const c = bareCond(part).replace(/\s+/g, "");
  const m = /^!([\w>.-]+)$/.exec(c) ?? /^([\w>.-]+)==NULL$/.exec(c) ?? /^NULL==([\w>.-]+)$/.exec(c) ?? /^(?:IS_ERR|IS_ERR_OR_NULL)\(([\w>.-]+)\)$/.exec(c);
  return m?.[1] ?? null;
}

/** The expression a condition proves non-NULL: `m`, `m != NULL`. */
function provedSet(part: string): string | null {
  const c = bareCond(part).replace(/\s+/g, "");
  const m = /^([A-Za-z_][\w>.-]*)$/.exec(c) ?? /^([\w>.-]+)!=NULL$/.exec(c);
  return m?.[1] ?? null;
}

/** The top-level `&&` parts of a condition: every one holds when the branch runs. */
function conjuncts(cond: string): string[] {
  const c = bareCond(cond);
  const out: string[] = [];
  let depth = 0;
  let cur = "";
  for (let i = 0; i < c.length; i++) {
    const ch = c.charAt(i);
    if (ch === "(") depth++;
    else if (ch === ")") depth--;
    if (depth === 0 && ch === "&" && c[i + 1] === "&") {
      out.push(cur.trim());
      cur = "";
      i++;
      continue;
    }
    if (depth === 0 && ch === "|" && c[i + 1] === "|") return [c];
    cur += ch;
  }
  out.push(cur.trim());
  return out;
}

/**
 * True when `exit` runs only while the acquired object's pointer (the
 * handle or a pointer it hangs off) is NULL or an error pointer: inside the
 * then-branch of `if (!m ...)` (`&&` parts count, `||` ones do not) or the
 * else-branch of `if (m)`. Nothing is held there, whichever way the
 * acquisition went.
 */
export function onlyWhenNull(exit: FlatNode, handle: string): boolean {
  if (!handle) return false;
  let objects: Set<string> | null = null;
  for (let k = exit.path.length - 1; k >= 0; k--) {
    const step = exit.path[k] as Step;
    const s = step.parent;
    if (s.kind !== "if") continue;
    const held = (objects ??= new Set(prefixes(handle.replace(/^[&*]+/, ""))));
    if (step.child === 0 && conjuncts(s.cond).some((p) => held.has(provedNull(p) ?? ""))) return true;
    if (step.child === 1 && held.has(provedSet(s.cond) ?? "")) return true;
  }
  return false;
}
