import { bareCond } from "./c-errors.js";
import type { CStmt, IfStmt } from "../../src/parse/c/types.js";
import type { FlatNode, Step } from "./c-flow.js";
import { JobCache } from "../../src/job-cache.js";

/**
 * Exits on which a conditional acquisition holds nothing, for `unreleased`.
 * A reference taken only when it can be (`if (m && !try_module_get(m)) m = NULL;`,
 * `if (!kref_get_unless_zero(&o->ref)) o = NULL;`) leaves the object pointer
 * NULL on the paths where nothing was taken, so an exit that runs only when
 * that pointer is NULL (or an error pointer) leaks nothing: the exit to blame
 * is a later one, where the object is certainly held.
 */

/**
 * True when `x` is one of the object pointers `handle` hangs off, or the
 * handle itself: `o->ref` hangs off `o` and `o->ref`, `a.b.c` off `a`, `a.b`
 * and `a.b.c`. A test of the prefix against the handle, so the question
 * asked for every (acquisition, exit) pair builds no list.
 */
function hangsOff(handle: string, x: string): boolean {
  if (handle === x) return true;
  if (!handle.startsWith(x)) return false;
  return handle.startsWith("->", x.length) || handle.charCodeAt(x.length) === 46; // "."
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

/**
 * What each top-level `&&` part of a condition proves NULL (every part holds
 * when the branch runs), "" for a part that proves nothing; the whole
 * condition as one part when it has a top-level `||`.
 */
function nullsOf(cond: string): string[] {
  const c = bareCond(cond);
  const out: string[] = [];
  let depth = 0;
  // Each part is cut once where it ends, not built up a character at a time.
  let start = 0;
  for (let i = 0; i < c.length; i++) {
    // Char codes: 40 "(", 41 ")", 38 "&", 124 "|".
    const ch = c.charCodeAt(i);
    if (ch === 40) depth++;
    else if (ch === 41) depth--;
    if (depth !== 0) continue;
    if (ch === 38 && c.charCodeAt(i + 1) === 38) {
      out.push(provedNull(c.slice(start, i).trim()) ?? "");
      i++;
      start = i + 1;
    } else if (ch === 124 && c.charCodeAt(i + 1) === 124) return [provedNull(c) ?? ""];
  }
  // Parts proved as they are cut: one list per condition, not a list of parts and one of proofs.
  out.push(provedNull(c.slice(start).trim()) ?? "");
  return out;
}

/** Per `if`: what its then-branch proves NULL (one entry per `&&` part, "" for none) and what its else-branch proves set. */
interface IfProofs {
  nulls: string[];
  set: string;
}

/** Proofs per `if` statement: every (acquisition, exit) pair asks about the same few conditions. */
const proofCache = new JobCache<CStmt, IfProofs>();

function proofsOf(s: IfStmt): IfProofs {
  let p = proofCache.get(s);
  if (!p) {
    p = { nulls: nullsOf(s.cond), set: provedSet(s.cond) ?? "" };
    proofCache.set(s, p);
  }
  return p;
}

/** `handle` without its leading `&` and `*`. */
function objectOf(handle: string): string {
  let i = 0;
  while (i < handle.length && (handle.charCodeAt(i) === 38 || handle.charCodeAt(i) === 42)) i++;
  return i === 0 ? handle : handle.slice(i);
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
  let object: string | null = null;
  for (let k = exit.path.length - 1; k >= 0; k--) {
    const step = exit.path[k] as Step;
    const s = step.parent;
    if (s.kind !== "if" || step.child > 1) continue;
    object ??= objectOf(handle);
    const p = proofsOf(s);
    if (step.child === 0) {
      for (const x of p.nulls) if (hangsOff(object, x)) return true;
    } else if (hangsOff(object, p.set)) return true;
  }
  return false;
}
