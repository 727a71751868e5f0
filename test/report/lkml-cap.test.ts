import { describe, expect, it } from "vitest";
import { MAX_POINTS_PER_REPLY, composeReply } from "../../src/report/lkml/compose.js";
import { COMPOSE_OPTS, buildPatch, fileDiff, finding } from "./fixtures.js";

/** A patch with the same slip on every one of `n` added lines. */
function manyLines(n: number) {
  const lines = Array.from({ length: n }, (_, i) => `+\tpr_err("step ${i} failed\\n");`);
  const file = fileDiff("drivers/misc/steps.c", [{ start: 10, fn: "static int steps_run(void)", lines }]);
  return buildPatch({ files: [file] });
}

describe("a reply with many points", () => {
  it(`shows at most ${MAX_POINTS_PER_REPLY} points, the most severe first, and says how many it left out`, () => {
    const patch = manyLines(40);
    const findings = Array.from({ length: 40 }, (_, i) =>
      finding({ file: "drivers/misc/steps.c", line: 10 + i, message: `Point number ${i}.`, severity: i === 35 ? "error" : "warning" }),
    );
    const reply = composeReply(patch, findings, COMPOSE_OPTS);
    const body = reply?.body ?? "";
    const points = body.split("\n").filter((l) => /^Point number \d+\.$/.test(l));
    expect(points).toHaveLength(MAX_POINTS_PER_REPLY);
    expect(points).toContain("Point number 35.");
    expect(points[0]).toBe("Point number 0.");
    expect(body).toContain(`there are ${40 - MAX_POINTS_PER_REPLY} more points of the same kinds further down.`);
    expect(body.indexOf("further down.")).toBeLessThan(body.indexOf("\n-- \n"));
  });

  it("says nothing extra when every point fits", () => {
    const patch = manyLines(3);
    const findings = [0, 1, 2].map((i) => finding({ file: "drivers/misc/steps.c", line: 10 + i, message: `Point number ${i}.` }));
    const body = composeReply(patch, findings, COMPOSE_OPTS)?.body ?? "";
    expect(body).not.toContain("I stopped here");
    expect(body.split("\n").filter((l) => l.startsWith("Point number"))).toHaveLength(3);
  });
});
