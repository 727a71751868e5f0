import { describe, expect, it } from "vitest";
import { runRules } from "../../src/analyse/engine.js";
import { lineIndexOf } from "../../src/analyse/line-index.js";
import { defineRule } from "../../src/analyse/rule-api.js";
import { COMMIT_MSG } from "../../src/model.js";
import type { Patch } from "../../src/model.js";
import { hunkLines, makePatch } from "../helpers/make-patch.js";

/** What the index must agree with: every new-side line in a map, filled in patch order. */
const upTo = (n: number): number[] => Array.from({ length: n + 1 }, (_, i) => i);

function expected(patch: Patch, path: string): Map<number, { text: string; added: boolean }> {
  const out = new Map<number, { text: string; added: boolean }>();
  for (const f of patch.files) {
    if (f.path !== path) continue;
    for (const h of f.hunks) for (const l of h.lines) if (l.newLine !== null) out.set(l.newLine, { text: l.text, added: l.kind === "add" });
  }
  return out;
}

function expectSameLines(patch: Patch, path: string, numbers: readonly number[]): void {
  const index = lineIndexOf(patch, path);
  const want = expected(patch, path);
  for (const n of numbers) {
    const line = want.get(n);
    expect(index.textAt(n)).toBe(line?.text);
    if (line) expect(index.addedAt(n)).toBe(line.added);
  }
}

describe("line index", () => {
  it("finds every new-side line of a file's hunks, and nothing between them", () => {
    const patch = makePatch({
      files: [
        {
          path: "a.c",
          hunks: [
            { start: 3, lines: hunkLines(" one\n-gone\n+two\n three") },
            { start: 20, lines: hunkLines("-x\n+four\n+five") },
          ],
        },
        { path: "b.c", hunks: [{ start: 1, lines: hunkLines("+other") }] },
      ],
    });
    expectSameLines(patch, "a.c", upTo(25));
    expect(lineIndexOf(patch, "a.c").textAt(4)).toBe("two");
    expect(lineIndexOf(patch, "a.c").textAt(4.5)).toBeUndefined();
    expect(lineIndexOf(patch, "missing.c").textAt(1)).toBeUndefined();
  });

  it("finds the lines of a path with hundreds of hunks", () => {
    const hunks = Array.from({ length: 300 }, (_, i) => ({ start: 10 * i + 1, lines: hunkLines(` ctx ${i}\n+added ${i}`) }));
    const patch = makePatch({ files: [{ path: "a.c", hunks }] });
    expectSameLines(patch, "a.c", upTo(3_005));
    expect(lineIndexOf(patch, "a.c").textAt(2_992)).toBe("added 299");
    expect(lineIndexOf(patch, "a.c").addedAt(2_992)).toBe(true);
  });

  it("lets a later part of the same path win where they overlap", () => {
    const patch = makePatch({
      files: [
        { path: "a.c", hunks: [{ start: 5, lines: hunkLines(" old\n old2") }] },
        { path: "a.c", hunks: [{ start: 6, lines: hunkLines("+new\n keep") }] },
      ],
    });
    expectSameLines(patch, "a.c", upTo(8));
    expect(lineIndexOf(patch, "a.c").textAt(6)).toBe("new");
    expect(lineIndexOf(patch, "a.c").addedAt(6)).toBe(true);
  });

  it("reads the commit message by line from 1", () => {
    const patch = makePatch({ commitMessage: ["Title.", "", "Body."] });
    const index = lineIndexOf(patch, COMMIT_MSG);
    expect([0, 1, 2, 3, 4].map((n) => index.textAt(n))).toEqual([undefined, "Title.", "", "Body.", undefined]);
    expect(index.addedAt(3)).toBe(true);
  });

  it("falls back to a map where line numbers stop counting (past 2^53)", () => {
    // From 2^53 on, the diff walker's `n++` leaves n as it is: both lines get the same number, and the later one counts.
    const start = 2 ** 53;
    const patch = makePatch({ files: [{ path: "big.c", hunks: [{ start, lines: hunkLines(" ctx\n+FIXME added") }] }] });
    expectSameLines(patch, "big.c", [start - 2, start - 1, start, start + 2]);
    expect(lineIndexOf(patch, "big.c").addedAt(start)).toBe(true);

    const fixme = defineRule({
      meta: { id: "fixme", class: "other", severity: "note", description: "test rule", messages: { found: "FIXME" } },
      create: (ctx) => ({
        hunk(hunk, file) {
          for (const l of hunk.lines) if (l.newLine !== null && l.text.includes("FIXME")) ctx.report({ messageId: "found", file: file.path, line: l.newLine });
        },
      }),
    });
    expect(runRules(patch, null, { rules: [fixme] }).findings.map((f) => f.line)).toEqual([start]);
  });
});
