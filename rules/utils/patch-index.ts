import type { RuleContext } from "../../src/analyse/rule-api.js";
import type { FileDiff, Patch } from "../../src/model.js";
import type { CCall, CFunction } from "../../src/parse/c/types.js";
import { callsDeep } from "./c-errors.js";
import { mentions } from "./mentions.js";

/**
 * What the whole patch (and its series) shows, for rules that judge one
 * function with knowledge of the others: every identifier it mentions (the
 * evidence that a release like `foo_put()` exists), and the calls each
 * function it shows makes (a helper the patch adds may do the release).
 */

/** "Does the patch mention this identifier?": evidence that a release such as `foo_put()` exists. */
export interface NameEvidence {
  has(name: string): boolean;
}

export interface PatchIndex {
  /** The identifiers the patch (and its series) mentions. */
  readonly identifiers: NameEvidence;
  /** Every call name `name` makes, directly or through other shown functions (3 levels); followed on first use. */
  reachOf(name: string): ReadonlySet<string> | undefined;
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
const fileTexts = new WeakMap<FileDiff, string>();
const functionCalls = new WeakMap<CFunction, ReadonlySet<string>>();

/** Longer lines are generated data or hostile input, not code worth indexing. */
const MAX_INDEXED_LINE = 4000;

/** The text of a file diff the identifier evidence is searched in: every hunk's `@@` context and lines, joined. */
function indexedText(file: FileDiff): string {
  let text = fileTexts.get(file);
  if (text === undefined) {
    const parts: string[] = [];
    for (const h of file.hunks) {
      parts.push(h.functionContext);
      for (const l of h.lines) if (l.text.length <= MAX_INDEXED_LINE) parts.push(l.text);
    }
    text = parts.join("\n");
    fileTexts.set(file, text);
  }
  return text;
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

class LazyPatchIndex implements PatchIndex {
  readonly functions = new Map<string, CFunction>();
  private readonly byName = new Map<string, CFunction[]>();
  private readonly direct = new Map<string, ReadonlySet<string>>();
  private readonly reach = new Map<string, ReadonlySet<string>>();
  private readonly answers = new Map<string, boolean>();

  constructor(
    private readonly files: readonly FileDiff[],
    functionsOf: (file: FileDiff) => CFunction[],
  ) {
    for (const file of files) {
      if (!C_FILE.test(file.path)) continue;
      for (const fn of functionsOf(file)) {
        const same = this.byName.get(fn.name);
        if (same) same.push(fn);
        else this.byName.set(fn.name, [fn]);
        if (!this.functions.has(fn.name) || fn.complete) this.functions.set(fn.name, fn);
      }
    }
  }

  /**
   * Asked a handful of times per patch (does the patch mention `foo_put`?),
   * so each question searches the text instead of every identifier of a
   * 20,000-line patch going into a set first. Answers are remembered.
   */
  readonly identifiers: NameEvidence = {
    has: (name: string): boolean => {
      let known = this.answers.get(name);
      if (known === undefined) {
        known = /^[A-Za-z_]\w*$/.test(name) && this.files.some((f) => mentions(indexedText(f), name));
        this.answers.set(name, known);
      }
      return known;
    },
  };

  /** The calls of every shown function named `name` (a series may show it twice). */
  private directOf(name: string): ReadonlySet<string> | undefined {
    let calls = this.direct.get(name);
    if (!calls) {
      const fns = this.byName.get(name);
      if (!fns) return undefined;
      const set = new Set<string>();
      for (const fn of fns) for (const c of callsOf(fn)) set.add(c);
      calls = set;
      this.direct.set(name, calls);
    }
    return calls;
  }

  reachOf(name: string): ReadonlySet<string> | undefined {
    const hit = this.reach.get(name);
    if (hit) return hit;
    const calls = this.directOf(name);
    if (!calls) return undefined;
    const all = new Set(calls);
    let frontier = [...calls];
    for (let depth = 0; depth < 3 && frontier.length > 0; depth++) {
      const next: string[] = [];
      for (const c of frontier) {
        for (const d of this.directOf(c) ?? []) {
          if (!all.has(d)) {
            all.add(d);
            next.push(d);
          }
        }
      }
      frontier = next;
    }
    this.reach.set(name, all);
    return all;
  }
}

/** The index for the patch under review; computed once per patch, its parts as they are asked for. */
export function patchIndex(ctx: RuleContext<unknown>): PatchIndex {
  // The engine hands each run one arrow function (no `this`); its identity tells runs apart.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- compared and passed on, never called through ctx
  const functions = ctx.functions;
  const hit = cache.get(ctx.patch);
  if (hit?.functions === functions) return hit.index;
  const index = new LazyPatchIndex(filesOf(ctx), functions);
  cache.set(ctx.patch, { functions, index });
  return index;
}

/** True when `call` is, or reaches through a function the patch shows, one of `names`. */
export function callReaches(index: PatchIndex, call: CCall, names: readonly string[]): boolean {
  if (names.includes(call.name)) return true;
  const r = index.reachOf(call.name);
  return r ? names.some((n) => r.has(n)) : false;
}
