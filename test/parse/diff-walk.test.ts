import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DiffWalkError, walkDiff } from "../../src/parse/diff-walk.js";
import type { DiffWalk } from "../../src/parse/diff-walk.js";
import { parseDiffOracle } from "../helpers/parse-diff-oracle.js";

/**
 * The diff walk against parse-diff (the library it replaced, still a dev
 * dependency) and the old search for `+++ ` lines: on any text, both read the
 * same files, names, hunks, lines and `+++` lines, or both reject it.
 */

type Outcome = DiffWalk | { rejected: true };

function outcome(read: () => DiffWalk): Outcome {
  try {
    return read();
  } catch {
    return { rejected: true };
  }
}

function expectSameAsParseDiff(diff: string, maxLineLength: number): void {
  const ours = outcome(() => walkDiff(diff, maxLineLength));
  const theirs = outcome(() => parseDiffOracle(diff, maxLineLength));
  expect(ours).toStrictEqual(theirs);
}

/** Whole lines a mail's diff part may hold, well-formed and broken. */
const LINES = [
  "diff --git a/x.c b/x.c",
  "diff --git a/a b/b c/d",
  "diff --git a/sp ace.c b/sp ace.c",
  'diff --git "a/q x.c" "b/q x.c"',
  "diff --git 'a/q' 'b/q'",
  "diff --git a/x\u2028y b/z",
  "diff --git a/x\r b/y",
  "diff --git i/x w/x",
  "diff --git 1/o 2/o",
  "diff -u old new",
  "diff\ta/t b/t",
  "diff",
  "index 1234abc..5678def 100644",
  "index 1234abc..5678def",
  "index 12..34 1006 44",
  "new file mode 100644",
  "new file mode 100644 ",
  "deleted file mode 100644",
  "old mode 100644",
  "new mode 100755",
  "similarity index 90%",
  "rename from a.c",
  "rename to b.c",
  "--- a/x.c",
  "+++ b/x.c",
  "--- /dev/null",
  "+++ /dev/null",
  "--- a/x.c\t2024-01-01 10:00:00.123456789 +0100",
  "+++ b/x.c 2024-01-01 10:00:00 -0000",
  '--- "a/q x.c"',
  '+++ \\"b/q x.c\\"',
  "+++ '",
  '--- "\\"',
  "+++ \\'",
  "diff --git a/p\u2029 b/q",
  "--- -+a/x",
  "---\tc/x",
  "+++\u00a0o/y",
  "---",
  "+++",
  "@@ -1,3 +1,4 @@ int f(void)",
  "@@ -1 +1 @@",
  "@@ -1,2 +1 @@",
  "@@ -0,0 +1 @@",
  "@@ -1,0 +0,0 @@",
  "@@ -0,0 +0,0 @@",
  "@@ -5,2 +5,2  @@",
  "@@ -1, +1, @@ x",
  "@@\t-1\t+1\t@@\tf\r",
  "@@ -1 +1 @@ a\u2028b",
  "@@ -99999999999999999999 +1 @@",
  "@@ -1 +1 @@ a/x b/y",
  "@@ @@",
  "-",
  "+",
  " ",
  "",
  "-x",
  "+y",
  " ctx",
  "--x",
  "++y",
  "+++ added",
  "\\ No newline at end of file",
  "\\ No newline at end of file ",
  "\\ other",
  "-- ",
  "2.40.0",
  "Binary files a/x and b/x differ",
  "GIT binary patch",
  "Index: x",
  "====",
];

const line = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...LINES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
  {
    weight: 1,
    arbitrary: fc
      .array(fc.constantFrom("a", "b", "o", "2", "/", " ", '"', "'", "\\", "-", "+", "@", ",", "1", "\t", "\r", "\u2028", "\u2029", "diff "), {
        maxLength: 16,
      })
      .map((p) => p.join("")),
  },
);

describe("walkDiff", () => {
  it("reads every diff-like text as parse-diff did", () => {
    fc.assert(
      fc.property(fc.array(line, { maxLength: 40 }), fc.constantFrom(4, 80), (lines, max) => {
        expectSameAsParseDiff(lines.join("\n"), max);
      }),
      { numRuns: 20_000 },
    );
  });

  it("reads well-formed git diffs as parse-diff did", () => {
    const body = fc.array(fc.constantFrom(" a", "-b", "+c", ""), { maxLength: 8 });
    const file = fc.tuple(fc.constantFrom("x.c", "dir/y.h", "a b"), fc.array(body, { minLength: 1, maxLength: 3 })).map(([path, hunks]) =>
      [
        `diff --git a/${path} b/${path}`,
        "index 1111111..2222222 100644",
        `--- a/${path}`,
        `+++ b/${path}`,
        ...hunks.flatMap((h) => {
          const old = h.filter((l) => !l.startsWith("+")).length;
          const now = h.filter((l) => !l.startsWith("-")).length;
          return [`@@ -3,${old} +4,${now} @@ fn`, ...h];
        }),
      ].join("\n"),
    );
    fc.assert(
      fc.property(fc.array(file, { minLength: 1, maxLength: 4 }), fc.boolean(), (files, signed) => {
        const diff = files.join("\n") + (signed ? "\n-- \n2.40.0\n" : "\n");
        expectSameAsParseDiff(diff, 80);
      }),
      { numRuns: 3_000 },
    );
  });

  it("gives a hunk's lines their numbers, kinds and text", () => {
    const {
      files: [file],
    } = walkDiff("diff --git a/x.c b/x.c\n--- a/x.c\n+++ b/x.c\n@@ -10,2 +20,2 @@ int f(void)\n a\n-b\n+c\n\\ No newline at end of file\n", 80);
    expect(file?.hunks[0]?.functionContext).toBe("int f(void)");
    expect(file?.hunks[0]?.lines).toStrictEqual([
      { kind: "ctx", text: "a", raw: " a", newLine: 20, oldLine: 10 },
      { kind: "del", text: "b", raw: "-b", newLine: null, oldLine: 11 },
      { kind: "add", text: "c", raw: "+c", newLine: 21, oldLine: null },
    ]);
  });

  it("rejects a no-newline marker right after a hunk header, as parse-diff did", () => {
    const diff = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n\\ No newline at end of file\n";
    expect(() => walkDiff(diff, 80)).toThrow(DiffWalkError);
    expect(() => parseDiffOracle(diff, 80)).toThrow();
  });

  it("reads a hostile diff line of 100,000 name prefixes in linear time", () => {
    const { files } = walkDiff(`diff --git ${"a/".repeat(100_000)}\n${"o/ ".repeat(50_000)}x`, 80);
    expect(files).toHaveLength(1);
    expect(files[0]?.from).toBeUndefined();
  });
});
