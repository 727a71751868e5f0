import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DiffWalkError, WalkedLine, walkDiff } from "../../src/parse/diff-walk.js";
import type { DiffWalk } from "../../src/parse/diff-walk.js";
import type { DiffLine } from "../../src/model.js";
import { parseDiffOracle } from "../helpers/parse-diff-oracle.js";

/**
 * The diff walk against parse-diff (the library it replaced, still a dev
 * dependency) and the old search for `+++ ` lines: on any text, both read the
 * same files, names, hunks, lines and `+++` lines, or both reject it.
 */

type Outcome = DiffWalk | { rejected: true };

/** A line as plain data: the walk's lines make `raw` when asked, the oracle's hold it. */
function plainLine(l: DiffLine): DiffLine {
  return { kind: l.kind, text: l.text, raw: l.raw, newLine: l.newLine, oldLine: l.oldLine };
}

function outcome(read: () => DiffWalk): Outcome {
  try {
    const walk = read();
    return { ...walk, files: walk.files.map((f) => ({ ...f, hunks: f.hunks.map((h) => ({ ...h, lines: h.lines.map(plainLine) })) })) };
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

/** Name pieces that the plain-name fast paths must turn away: blanks, quotes, separators, tags, time stamps. */
const namePiece = fc.constantFrom("x", "y.c", "a/", "b/", " b/", " ", '"', "'", "\\", "\t", "\r", "\u00a0", "\u2028", "2024-01-01 10:00:00 +0100", "-");
const name = fc.array(namePiece, { maxLength: 5 }).map((p) => p.join(""));
const number = fc.constantFrom("", "0", "1", "12", "123456789", "1234567890", "99999999999999999999");
const count = fc.constantFrom("", ",", ",0", ",3", ",123456789", ",1234567890", ",,1");
const blank = fc.constantFrom(" ", "  ", "\t", "");

/** The header lines the fast paths read (`diff --git a/x b/y`, `--- a/x`, `@@ -1,2 +3,4 @@`), near misses included. */
const headerLine = fc.oneof(
  fc.tuple(name, name, fc.constantFrom(" b/", " w/", '" "b/', " ")).map(([x, y, sep]) => `diff --git a/${x}${sep}${y}`),
  fc.tuple(fc.constantFrom("---", "+++", "----"), fc.constantFrom(" a/", " b/", " o/", "  a/", "\ta/", " /", ' "a/'), name).map((p) => p.join("")),
  fc
    .tuple(blank, number, count, blank, number, count, blank, fc.constantFrom("@@", "@@ f(x)", "@@@", "@"))
    .map(([s1, a, b, s2, c, d, s3, close]) => `@@${s1}-${a}${b}${s2}+${c}${d}${s3}${close}`),
);

describe("walkDiff", () => {
  it("reads git's usual header lines, and their near misses, as parse-diff did", () => {
    const body = fc.array(fc.constantFrom(" a", "-b", "+c", ""), { maxLength: 4 });
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.array(headerLine, { minLength: 1, maxLength: 4 }), body), { minLength: 1, maxLength: 4 }), (parts) => {
        expectSameAsParseDiff(parts.flatMap(([headers, lines]) => [...headers, ...lines]).join("\n"), 80);
      }),
      { numRuns: 20_000 },
    );
  });

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
    expect(file?.hunks[0]?.lines.map(plainLine)).toStrictEqual([
      { kind: "ctx", text: "a", raw: " a", newLine: 20, oldLine: 10 },
      { kind: "del", text: "b", raw: "-b", newLine: null, oldLine: 11 },
      { kind: "add", text: "c", raw: "+c", newLine: 21, oldLine: null },
    ]);
  });

  it("keeps an over-long line as sent with no text, and each hunk's own lines", () => {
    const long = `+${"x".repeat(81)}`;
    const {
      files: [file],
    } = walkDiff(`--- a/x.c\n+++ b/x.c\n@@ -1,1 +1,2 @@\n a\n${long}\n@@ -9 +10 @@\n-b\n+c\n`, 80);
    expect(file?.hunks.map((h) => h.lines.map((l) => [l.kind, l.text, l.raw]))).toStrictEqual([
      [
        ["ctx", "a", " a"],
        ["add", "", long],
      ],
      [
        ["del", "b", "-b"],
        ["add", "c", "+c"],
      ],
    ]);
  });

  it("keeps a context line sent without its space (blank, or mangled) exactly as sent", () => {
    const {
      files: [file],
    } = walkDiff("--- a/x.c\n+++ b/x.c\n@@ -1,3 +1,3 @@\n\nxy\n a\n", 80);
    expect(file?.hunks[0]?.lines.map((l) => [l.kind, l.text, l.raw])).toStrictEqual([
      ["ctx", "", ""],
      ["ctx", "y", "xy"],
      ["ctx", "a", " a"],
    ]);
  });

  it("writes each line to JSON as a plain line with what was sent", () => {
    const long = `+${"x".repeat(81)}`;
    const lines = walkDiff(`--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,3 @@\n a\n\n${long}\n`, 80).files[0]?.hunks[0]?.lines;
    expect(JSON.parse(JSON.stringify(lines))).toStrictEqual([
      { kind: "ctx", text: "a", raw: " a", newLine: 1, oldLine: 1 },
      { kind: "ctx", text: "", raw: "", newLine: 2, oldLine: 2 },
      { kind: "add", text: "", raw: long, newLine: 3, oldLine: null },
    ]);
  });

  it("tells which lines' raw text is not their prefix and text, walked or plain", () => {
    const long = `+${"x".repeat(81)}`;
    const walked = walkDiff(`--- a/x.c\n+++ b/x.c\n@@ -1,2 +1,3 @@\n a\n\n${long}\n`, 80).files[0]?.hunks[0]?.lines ?? [];
    expect(walked.map((l) => WalkedLine.rawApart(l))).toStrictEqual([null, "", long]);
    const plain: DiffLine[] = walked.map(plainLine);
    expect(plain.map((l) => WalkedLine.rawApart(l))).toStrictEqual([null, "", long]);
  });

  it("keeps a hunk cut short by the end of the diff with the lines it has", () => {
    const {
      files: [file],
    } = walkDiff("--- a/x.c\n+++ b/x.c\n@@ -1,5 +1,5 @@\n a\n-b", 80);
    expect(file?.hunks[0]?.lines.map((l) => l.raw)).toStrictEqual([" a", "-b"]);
  });

  it("rejects a no-newline marker right after a hunk header, as parse-diff did", () => {
    const diff = "--- a/x\n+++ b/x\n@@ -1 +1 @@\n\\ No newline at end of file\n";
    expect(() => walkDiff(diff, 80)).toThrow(DiffWalkError);
    expect(() => parseDiffOracle(diff, 80)).toThrow();
  });

  it("reads a hunk header whose function context is a million characters, with and without a CR at its end", () => {
    const tail = "x ".repeat(500_000);
    for (const [end, context] of [
      ["", tail.trim()],
      ["\r", ""],
    ] as const) {
      const { files } = walkDiff(`--- a/x\n+++ b/x\n@@ -1 +1 @@ ${tail}${end}\n-a\n+b\n`, 80);
      expect(files[0]?.hunks[0]?.functionContext).toBe(context);
      expect(files[0]?.hunks[0]?.lines.map((l) => l.raw)).toStrictEqual(["-a", "+b"]);
    }
  });

  it("reads a hostile diff line of 100,000 name prefixes in linear time", () => {
    const { files } = walkDiff(`diff --git ${"a/".repeat(100_000)}\n${"o/ ".repeat(50_000)}x`, 80);
    expect(files).toHaveLength(1);
    expect(files[0]?.from).toBeUndefined();
  });
});
