import { describe, expect, it } from "vitest";
import { patchIndex } from "../../rules/utils/patch-index.js";
import type { RuleContext } from "../../src/analyse/rule-api.js";
import type { FileDiff, Patch, Series } from "../../src/model.js";
import { extractFunctions } from "../../src/parse/c/functions.js";
import type { CFunction } from "../../src/parse/c/types.js";
import { hunkLines, makePatch } from "../helpers/make-patch.js";

/**
 * The patch index of each part of a series: the parts share what they can
 * (the name answers, the functions collected once), yet each still sees its
 * own version of a function first, and a run that sees other functions (a
 * tree view) is not handed another run's.
 */

const WHOLE_HELPER = `
+static int ring_fill(struct ring *r)
+{
+	return ring_push(r, 1);
+}`;

/** A stretch of the helper's body only: the function is shown, but not whole. */
const PART_OF_HELPER = `
 	int n;
+	n = ring_push(r, 2);
 	return n;`;

function part(code: string, start: number, fn = ""): Patch {
  return makePatch({ files: [{ path: "drivers/misc/ring.c", hunks: [{ start, fn, lines: hunkLines(code) }] }] });
}

function seriesOf(patches: Patch[]): Series {
  return { rootMessageId: "<s@example.org>", version: 1, total: patches.length, cover: null, patches };
}

/** One engine run's view of the functions: one list per file diff, as the engine keeps them. */
function runFunctions(): (file: FileDiff) => CFunction[] {
  const lists = new Map<FileDiff, CFunction[]>();
  return (file) => {
    let fns = lists.get(file);
    if (!fns) lists.set(file, (fns = extractFunctions(file)));
    return fns;
  };
}

function ctxFor(patch: Patch, series: Series | null, functions: (file: FileDiff) => CFunction[]): RuleContext {
  return { patch, series, options: {}, functions, report: () => undefined };
}

describe("patch index over a series", () => {
  it("gives each part its own partial version of a function, and a whole one over any partial one", () => {
    const first = part(PART_OF_HELPER, 10, "static int ring_fill(struct ring *r)");
    const second = part(PART_OF_HELPER, 10, "static int ring_fill(struct ring *r)");
    const third = part(WHOLE_HELPER, 40);
    const pair = seriesOf([first, second]);
    const functions = runFunctions();
    const one = patchIndex(ctxFor(first, pair, functions)).functions.get("ring_fill");
    const two = patchIndex(ctxFor(second, pair, functions)).functions.get("ring_fill");
    expect(one?.file).toBe("drivers/misc/ring.c");
    expect(one).not.toBe(two);
    expect(one).toBe(functions(first.files[0] as FileDiff)[0]);
    expect(two).toBe(functions(second.files[0] as FileDiff)[0]);

    // Another review (a run of its own) of the parts with a third that shows the helper whole.
    const all = seriesOf([first, second, third]);
    const run = runFunctions();
    const whole = run(third.files[0] as FileDiff)[0];
    expect(whole?.complete).toBe(true);
    for (const p of all.patches) expect(patchIndex(ctxFor(p, all, run)).functions.get("ring_fill")).toBe(whole);
  });

  it("shares the name answers and the calls reached between the parts", () => {
    const first = part(PART_OF_HELPER, 10, "static int ring_fill(struct ring *r)");
    const third = part(WHOLE_HELPER, 40);
    const s = seriesOf([first, third]);
    const functions = runFunctions();
    const a = patchIndex(ctxFor(first, s, functions));
    const b = patchIndex(ctxFor(third, s, functions));
    expect(a.identifiers).toBe(b.identifiers);
    expect(a.identifiers.has("ring_push")).toBe(true);
    expect(b.identifiers.has("ring_pop")).toBe(false);
    expect(a.reachOf("ring_fill")?.has("ring_push")).toBe(true);
    expect(b.reachOf("ring_fill")).toBe(a.reachOf("ring_fill"));
  });

  it("does not hand a run the functions another run collected from other lists", () => {
    const first = part(PART_OF_HELPER, 10, "static int ring_fill(struct ring *r)");
    const third = part(WHOLE_HELPER, 40);
    const s = seriesOf([first, third]);
    const before = patchIndex(ctxFor(first, s, runFunctions())).functions.get("ring_fill");
    // A second run (as with a tree view) extracts the functions anew: its index must hold its own.
    const again = runFunctions();
    const after = patchIndex(ctxFor(third, s, again)).functions.get("ring_fill");
    expect(after).not.toBe(before);
    expect(after).toBe(again(third.files[0] as FileDiff)[0]);
  });

  it("indexes a patch outside any series over its own files", () => {
    const lone = part(WHOLE_HELPER, 40);
    const functions = runFunctions();
    const index = patchIndex(ctxFor(lone, null, functions));
    expect(index.functions.get("ring_fill")).toBe(functions(lone.files[0] as FileDiff)[0]);
    expect(index.identifiers.has("ring_fill")).toBe(true);
  });

  it("unites the calls of a function a lone patch shows twice, and follows them into the helpers it shows", () => {
    const partial = `
 	int n;
+	n = ring_drain(r);
 	return n;`;
    const pusher = `
+static int ring_push(struct ring *r, int v)
+{
+	return ring_kick(r, v);
+}`;
    const lone = makePatch({
      files: [
        { path: "drivers/misc/ring.c", hunks: [{ start: 10, fn: "static int ring_fill(struct ring *r)", lines: hunkLines(partial) }] },
        { path: "drivers/misc/ring-core.c", hunks: [{ start: 40, fn: "", lines: hunkLines(WHOLE_HELPER + pusher) }] },
      ],
    });
    const functions = runFunctions();
    const index = patchIndex(ctxFor(lone, null, functions));
    const whole = functions(lone.files[1] as FileDiff)[0];
    expect(whole?.complete).toBe(true);
    expect(index.functions.get("ring_fill")).toBe(whole);
    const reach = index.reachOf("ring_fill");
    expect(reach?.has("ring_drain")).toBe(true);
    expect(reach?.has("ring_push")).toBe(true);
    // Through ring_push, which the patch shows too.
    expect(reach?.has("ring_kick")).toBe(true);
    expect(index.reachOf("ring_kick")).toBeUndefined();
  });
});
