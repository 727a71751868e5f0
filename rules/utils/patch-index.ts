import type { RuleContext } from "../../src/analyse/rule-api.js";
import type { FileDiff, Patch, Series } from "../../src/model.js";
import type { CCall, CFunction } from "../../src/parse/c/types.js";
import { callsDeep } from "./c-errors.js";
import { mentions } from "./mentions.js";
import { JobCache } from "../../src/job-cache.js";

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
const cache = new JobCache<Patch, { functions: RuleContext<unknown>["functions"]; index: PatchIndex }>();

/** What the parts of a series see alike, shared by their indexes (each part used to build its own over all the parts). */
const seriesViews = new JobCache<Series, SeriesView>();

const C_FILE = /\.(c|h)$/;

/** The patch's files, then those of the other parts of its series. */
function filesOf(ctx: RuleContext<unknown>): FileDiff[] {
  const files = [...ctx.patch.files];
  for (const p of ctx.series?.patches ?? []) if (p !== ctx.patch) files.push(...p.files);
  return files;
}

/**
 * Per file diff and per function, kept for the rule run (see JobCache):
 * each part of a series builds its index over all the parts, so without
 * these an N-part series would scan its text N times over.
 */
const fileTexts = new JobCache<FileDiff, string>();
const functionCalls = new JobCache<CFunction, ReadonlySet<string>>();

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

/** A name shown more than once: every function of that name and the part of each, in file order. */
interface Repeat {
  fns: CFunction[];
  parts: number[];
  /** The calls of them all, once asked. */
  calls?: ReadonlySet<string>;
}

/**
 * The functions a list of file diffs shows, by name, with the calls each
 * name reaches. The same for every part of a series: which files come
 * first changes only which of two same-named functions `functions` picks.
 * One map holds every name; only names shown twice get a list (most
 * patches have none), and only a view over several parts notes parts.
 */
class Shown {
  /** Name -> the last complete function of that name, else the first, in file order. */
  readonly functions = new Map<string, CFunction>();
  /** Names shown more than once, in the order they were first repeated. */
  private readonly repeats = new Map<string, Repeat>();
  /** For a view over several parts, name -> the part of the first function of that name. */
  private readonly firstPart: Map<string, number> | null;
  private readonly reach = new Map<string, ReadonlySet<string>>();

  constructor(lists: readonly { fns: readonly CFunction[]; part: number }[]) {
    const part0 = lists[0]?.part ?? 0;
    this.firstPart = lists.some((l) => l.part !== part0) ? new Map<string, number>() : null;
    for (const { fns, part } of lists) {
      for (const fn of fns) {
        const name = fn.name;
        const seen = this.functions.get(name);
        if (seen === undefined) {
          this.functions.set(name, fn);
          this.firstPart?.set(name, part);
          continue;
        }
        const repeat = this.repeats.get(name);
        if (repeat) {
          repeat.fns.push(fn);
          repeat.parts.push(part);
        } else {
          // Repeated for the first time: the one function seen so far is the one the map holds.
          this.repeats.set(name, { fns: [seen, fn], parts: [this.firstPart?.get(name) ?? part0, part] });
        }
        if (fn.complete) this.functions.set(name, fn);
      }
    }
  }

  /**
   * `functions` as a part sees it, its own files first: the same map unless
   * a name it shows is also shown by an earlier part and the pick differs.
   */
  functionsFor(part: number): Map<string, CFunction> {
    // Over one part, every part's own files are all the files.
    if (!this.firstPart) return this.functions;
    let own: Map<string, CFunction> | null = null;
    for (const [name, repeat] of this.repeats) {
      const pick = pickFor(repeat, part);
      if (pick === this.functions.get(name)) continue;
      if (!own) {
        // Copied by forEach: the Map constructor would build an entry pair per function.
        const copy = new Map<string, CFunction>();
        this.functions.forEach((fn, key) => copy.set(key, fn));
        own = copy;
      }
      own.set(name, pick);
    }
    return own ?? this.functions;
  }

  /** The calls of every shown function named `name` (a series may show it twice). */
  private directOf(name: string): ReadonlySet<string> | undefined {
    const repeat = this.repeats.get(name);
    if (!repeat) {
      const fn = this.functions.get(name);
      return fn ? callsOf(fn) : undefined;
    }
    if (!repeat.calls) {
      const set = new Set<string>();
      for (const fn of repeat.fns) for (const c of callsOf(fn)) set.add(c);
      repeat.calls = set;
    }
    return repeat.calls;
  }

  reachOf(name: string): ReadonlySet<string> | undefined {
    const hit = this.reach.get(name);
    if (hit) return hit;
    const calls = this.directOf(name);
    if (!calls) return undefined;
    const all = new Set(calls);
    let frontier: Iterable<string> = calls;
    for (let depth = 0; depth < 3; depth++) {
      const next: string[] = [];
      for (const c of frontier) {
        const deeper = this.directOf(c);
        if (!deeper) continue;
        for (const d of deeper) {
          if (!all.has(d)) {
            all.add(d);
            next.push(d);
          }
        }
      }
      if (next.length === 0) break;
      frontier = next;
    }
    this.reach.set(name, all);
    return all;
  }
}

/** The last complete function of a repeated name, else the first, with `part`'s own ones first. */
function pickFor(repeat: Repeat, part: number): CFunction {
  const { fns, parts } = repeat;
  let first: CFunction | null = null;
  let complete: CFunction | null = null;
  // The part's own functions, then the others, each in file order.
  for (let pass = 0; pass < 2; pass++) {
    for (let i = 0; i < fns.length; i++) {
      if ((parts[i] === part) !== (pass === 0)) continue;
      const fn = fns[i] as CFunction;
      first ??= fn;
      if (fn.complete) complete = fn;
    }
  }
  return (complete ?? first) as CFunction;
}

/**
 * The file diffs of a patch and its series, and what every part asks of
 * them alike: whether a name is mentioned, and the functions they show.
 */
class SeriesView {
  private readonly answers = new Map<string, boolean>();
  /** The functions, and the function lists they were collected from (one per C file, in order). */
  private shown: { shown: Shown; lists: readonly CFunction[][] } | null = null;

  /** `files` in order, `parts` the part of each. */
  constructor(
    private readonly files: readonly FileDiff[],
    private readonly parts: readonly number[],
  ) {}

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

  /**
   * The functions as one run's `functionsOf` gives them: the ones collected
   * before when the run gives the very same lists (the engine keeps one list
   * per file diff), else null (a run with a tree view sees other functions).
   */
  shownFor(functionsOf: (file: FileDiff) => CFunction[]): Shown | null {
    const lists: CFunction[][] = [];
    const byPart: { fns: CFunction[]; part: number }[] = [];
    for (let i = 0; i < this.files.length; i++) {
      const file = this.files[i] as FileDiff;
      if (!C_FILE.test(file.path)) continue;
      const fns = functionsOf(file);
      lists.push(fns);
      byPart.push({ fns, part: this.parts[i] ?? 0 });
    }
    if (this.shown) {
      const before = this.shown.lists;
      return before.length === lists.length && lists.every((l, i) => l === before[i]) ? this.shown.shown : null;
    }
    const shown = new Shown(byPart);
    this.shown = { shown, lists };
    return shown;
  }

  /** The functions of one run that cannot share (see shownFor). */
  ownShown(functionsOf: (file: FileDiff) => CFunction[]): Shown {
    const byPart: { fns: CFunction[]; part: number }[] = [];
    for (let i = 0; i < this.files.length; i++) {
      const file = this.files[i] as FileDiff;
      if (C_FILE.test(file.path)) byPart.push({ fns: functionsOf(file), part: this.parts[i] ?? 0 });
    }
    return new Shown(byPart);
  }
}

/** One part's index over its series view, for one engine run. */
class PartIndex implements PatchIndex {
  /** Worked out on first use: most patches only ever ask whether a name is mentioned. */
  private shown: Shown | null = null;
  private picked: Map<string, CFunction> | null = null;
  readonly identifiers: NameEvidence;

  constructor(
    private readonly view: SeriesView,
    private readonly part: number,
    private readonly functionsOf: (file: FileDiff) => CFunction[],
  ) {
    this.identifiers = view.identifiers;
  }

  private shownNow(): Shown {
    return (this.shown ??= this.view.shownFor(this.functionsOf) ?? this.view.ownShown(this.functionsOf));
  }

  get functions(): Map<string, CFunction> {
    return (this.picked ??= this.shownNow().functionsFor(this.part));
  }

  reachOf(name: string): ReadonlySet<string> | undefined {
    return this.shownNow().reachOf(name);
  }
}

/** The view for the patch under review: its series' (shared by the parts), or its own when it has none or is not among its parts. */
function viewOf(ctx: RuleContext<unknown>): { view: SeriesView; part: number } {
  const series = ctx.series;
  const part = series ? series.patches.indexOf(ctx.patch) : -1;
  // A patch listed twice would come first and again later in the shared order.
  if (!series || part < 0 || series.patches.lastIndexOf(ctx.patch) !== part) {
    const files = filesOf(ctx);
    return { view: new SeriesView(files, new Array<number>(files.length).fill(0)), part: 0 };
  }
  let view = seriesViews.get(series);
  if (!view) {
    const files: FileDiff[] = [];
    const parts: number[] = [];
    series.patches.forEach((p, i) => {
      for (const f of p.files) {
        files.push(f);
        parts.push(i);
      }
    });
    view = new SeriesView(files, parts);
    seriesViews.set(series, view);
  }
  return { view, part };
}

/** The index for the patch under review; computed once per patch, its parts as they are asked for. */
export function patchIndex(ctx: RuleContext<unknown>): PatchIndex {
  // The engine hands each run one arrow function (no `this`); its identity tells runs apart.
  // eslint-disable-next-line @typescript-eslint/unbound-method -- compared and passed on, never called through ctx
  const functions = ctx.functions;
  const hit = cache.get(ctx.patch);
  if (hit?.functions === functions) return hit.index;
  const { view, part } = viewOf(ctx);
  const index = new PartIndex(view, part, functions);
  cache.set(ctx.patch, { functions, index });
  return index;
}

/** True when `call` is, or reaches through a function the patch shows, one of `names`. */
export function callReaches(index: PatchIndex, call: CCall, names: readonly string[]): boolean {
  if (names.includes(call.name)) return true;
  const r = index.reachOf(call.name);
  return r ? names.some((n) => r.has(n)) : false;
}
