import { describe, expect, it } from "vitest";
import { flatten } from "../../rules/utils/c-flow.js";
import type { PatchIndex } from "../../rules/utils/patch-index.js";
import type { Acquisition } from "../../rules/utils/release-match.js";
import { releaseSites } from "../../rules/utils/release-sites.js";
import { extractFunctions } from "../../src/parse/c/functions.js";
import type { CCall } from "../../src/parse/c/types.js";
import { hunkLines, makePatch } from "../helpers/make-patch.js";

/** The statements that release an acquisition, asked for stretch by stretch as the rule walks its exits. */
describe("releaseSites", () => {
  const patch = makePatch({
    files: [
      {
        path: "drivers/misc/pool.c",
        hunks: [
          {
            start: 1,
            fn: "",
            lines: hunkLines(`
+static int pool_fill(struct pool *p)
+{
+	kfree(p->old);
+	p->buf = kzalloc(64, GFP_KERNEL);
+	if (pool_check(p))
+		kfree(p->buf);
+	pool_log(p);
+	kfree(p->buf);
+	return 0;
+}`),
          },
        ],
      },
    ],
  });
  const fn = extractFunctions(patch.files[0] as (typeof patch.files)[number])[0];
  const index: PatchIndex = { identifiers: { has: () => true }, reachOf: () => undefined, functions: new Map() };
  const nodes = fn ? flatten(fn) : [];
  const at = nodes.findIndex((n) => n.stmt.calls.some((c) => c.name === "kzalloc"));
  const node = nodes[at];
  const call = node?.stmt.calls.find((c) => c.name === "kzalloc") as CCall;
  const acq = (): Acquisition => ({
    node: node as Acquisition["node"],
    call,
    info: { kind: "alloc", release: ["kfree"], handle: "result" },
    handle: "p->buf",
    ownCheck: null,
    foreign: new Set<string>(),
  });
  const frees = nodes.filter((n) => n.stmt.calls.some((c) => c.name === "kfree" && c.args[0] === "p->buf")).map((n) => n.index);

  it("lists the releases of the object after the acquisition, extending as later exits ask", () => {
    const a = acq();
    expect(frees).toHaveLength(2);
    expect(releaseSites(nodes, index, a, at + 1, frees[0] as number)).toEqual([frees[0]]);
    expect(releaseSites(nodes, index, a, at + 1, nodes.length - 1)).toEqual(frees);
  });

  it("looks back before the stretch first asked about when asked from an earlier statement", () => {
    const a = acq();
    expect(releaseSites(nodes, index, a, at + 1, nodes.length - 1)).toEqual(frees);
    // `kfree(p->old)` above names another object: still not a release of this one.
    expect(releaseSites(nodes, index, a, 0, nodes.length - 1)).toEqual(frees);
  });
});
