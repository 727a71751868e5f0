import type { RuleContext } from "../../src/analyse/rule-api.js";
import type { FileDiff, Patch } from "../../src/model.js";
import type { CCall, CFunction } from "../../src/parse/c/types.js";
import { callsDeep } from "./c-errors.js";

/**
 * What the whole patch (and its series) shows, for rules that judge one
 * function with knowledge of the others: every identifier it mentions (the
 * evidence that a release like `foo_put()` exists), and the calls each
 * function it shows makes (a helper the patch adds may do the release).
 */

export interface PatchIndex {
  identifiers: Set<string>;
  /** Function name -> every call name it makes, directly or through other shown functions (3 levels). */
  reach: Map<string, Set<string>>;
  /** Function name -> the function itself. */
  functions: Map<string, CFunction>;
}

/** One index per patch and engine run: a run with a tree view sees other functions than one without. */
const cache = new WeakMap<Patch, { functions: RuleContext<unknown>["functions"]; index: PatchIndex }>();

const C_FILE = /\.(c|h)$/;

function filesOf(ctx: RuleContext<unknown>): FileDiff[] {
  const files = [...ctx.patch.files];
  for (const p of ctx.series?.patches ?? []) if (p !== ctx.patch) files.push(...p.files);
  return files;
}

/**
 * Per file diff and per function, kept while the parsed patch lives: each
 * part of a series builds its index over all the parts, so without these an
 * N-part series would scan its text N times over.
 */
const fileIdentifiers = new WeakMap<FileDiff, readonly string[]>();
const functionCalls = new WeakMap<CFunction, ReadonlySet<string>>();

function identifiersOf(file: FileDiff): readonly string[] {
  let ids = fileIdentifiers.get(file);
  if (!ids) {
    const set = new Set<string>();
    for (const h of file.hunks) {
      for (const l of h.lines) {
        if (l.text.length > 4000) continue;
        for (const m of l.text.matchAll(/[A-Za-z_]\w*/g)) set.add(m[0]);
      }
      for (const m of h.functionContext.matchAll(/[A-Za-z_]\w*/g)) set.add(m[0]);
    }
    ids = [...set];
    fileIdentifiers.set(file, ids);
  }
  return ids;
}

function callsOf(fn: CFunction): ReadonlySet<string> {
  let calls = functionCalls.get(fn);
  if (!calls) {
    const set = new Set<string>();
    for (const s of fn.body) for (const c of callsDeep(s)) set.add(c.name);
    calls = set;
    functionCalls.set(fn, calls);
  }
  return calls;
}

/** The index for the patch under review; computed once per patch. */
export function patchIndex(ctx: RuleContext<unknown>): PatchIndex {
  const hit = cache.get(ctx.patch);
  if (hit && hit.functions === ctx.functions) return hit.index;
  const identifiers = new Set<string>();
  const direct = new Map<string, Set<string>>();
  const functions = new Map<string, CFunction>();
  for (const file of filesOf(ctx)) {
    for (const id of identifiersOf(file)) identifiers.add(id);
    if (!C_FILE.test(file.path)) continue;
    for (const fn of ctx.functions(file)) {
      const calls = callsOf(fn);
      const prev = direct.get(fn.name);
      if (prev) for (const c of calls) prev.add(c);
      else direct.set(fn.name, new Set(calls));
      if (!functions.has(fn.name) || fn.complete) functions.set(fn.name, fn);
    }
  }
  const reach = new Map<string, Set<string>>();
  for (const [name, calls] of direct) {
    const all = new Set(calls);
    let frontier = [...calls];
    for (let depth = 0; depth < 3 && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const c of frontier) {
        for (const d of direct.get(c) ?? []) {
          if (!all.has(d)) {
            all.add(d);
            next.push(d);
          }
        }
      }
      frontier = next;
    }
    reach.set(name, all);
  }
  const index = { identifiers, reach, functions };
  cache.set(ctx.patch, { functions: ctx.functions, index });
  return index;
}

/** True when `call` is, or reaches through a function the patch shows, one of `names`. */
export function callReaches(index: PatchIndex, call: CCall, names: readonly string[]): boolean {
  if (names.includes(call.name)) return true;
  const r = index.reach.get(call.name);
  return r ? names.some((n) => r.has(n)) : false;
}
