import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/limits.js";
import { parsePatchBody } from "../../src/parse/diff.js";
import type { ParsedBody } from "../../src/parse/diff.js";
import { parseSubject } from "../../src/parse/subject.js";
import { mutatedFrom, resultOrLkError, SEED_BODY } from "./seeds.js";

/**
 * The subject parser and the diff parser on arbitrary and mutated text: the
 * subject parser always answers with sane numbers; the diff parser returns
 * files whose line numbers are consistent, or a BAD_DIFF/LIMIT error.
 */

describe("parseSubject under fuzzing", () => {
  const piece = fc.oneof(
    fc.constantFrom(
      "[",
      "]",
      "[PATCH",
      "PATCH",
      "RFC",
      "v",
      "v0",
      "v99999999999999999999",
      "0/",
      "/0",
      "1/2",
      "5/4",
      "Re:",
      "re :",
      "AW:",
      "Fwd:",
      "tr:",
      "[1]",
      "(2)",
      " ",
      "\t",
      "\r\n",
      "\0",
      "\u2028",
      ",",
      "net-next",
      "9999/9999",
    ),
    fc.string({ maxLength: 6 }),
  );
  it("any subject gets version >= 1 and 0 <= index <= total, and never throws", () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.array(piece, { maxLength: 40 }).map((p) => p.join("")),
          fc.string({ unit: "binary", maxLength: 300 }),
        ),
        (subject) => {
          const s = parseSubject(subject);
          expect(Number.isSafeInteger(s.version) && s.version >= 1).toBe(true);
          expect(s.total).toBeGreaterThanOrEqual(1);
          expect(s.index).toBeGreaterThanOrEqual(0);
          expect(s.index).toBeLessThanOrEqual(s.total);
          expect(s.title).not.toMatch(/[\t\r\n]/);
          expect(subject.length >= s.title.length).toBe(true);
          if (s.isReply) expect(s.isPatch && !s.isReply).toBe(false);
        },
      ),
      { numRuns: 10_000 },
    );
  });

  it("ends quickly on 100,000 opening brackets or prefixes", () => {
    for (const s of ["[".repeat(100_000), "Re: ".repeat(50_000), "[PATCH] ".repeat(30_000), `[${"a".repeat(100_000)}`, "[]".repeat(50_000)]) {
      expect(parseSubject(s).version).toBe(1);
    }
  });
});

function checkParsed(p: ParsedBody, maxLineLength: number): void {
  expect(p.hasDiff).toBe(p.files.length > 0);
  for (const line of p.commitMessage) expect(line.length).toBeLessThanOrEqual(maxLineLength);
  for (const f of p.files) {
    expect(f.path).not.toBe("");
    for (const h of f.hunks) {
      for (const l of h.lines) {
        expect(l.text.length).toBeLessThanOrEqual(maxLineLength);
        if (l.kind === "add") {
          expect(l.raw.startsWith("+")).toBe(true);
          expect(l.oldLine).toBeNull();
          expect(Number.isInteger(l.newLine)).toBe(true);
        } else if (l.kind === "del") {
          expect(l.raw.startsWith("-")).toBe(true);
          expect(l.newLine).toBeNull();
        }
      }
    }
  }
}

describe("parsePatchBody under fuzzing", () => {
  it("mutated patch bodies give files or BAD_DIFF/LIMIT, never another exception", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedFrom([SEED_BODY, SEED_BODY.replace(/\n/g, "\r\n")], 8), async (bytes) => {
        const r = await resultOrLkError(() => parsePatchBody(bytes.toString("utf8"), "<fuzz@example.org>"));
        if ("error" in r) {
          expect(["BAD_DIFF", "LIMIT"]).toContain(r.error.code);
          expect(r.error.message.startsWith("<fuzz@example.org>: ")).toBe(true);
        } else checkParsed(r.ok, DEFAULT_LIMITS.maxLineLength);
      }),
      { numRuns: 5_000 },
    );
  });

  it("diff-ish token soup", async () => {
    const token = fc.constantFrom(
      "diff --git a/x.c b/x.c\n",
      "diff -u a b\n",
      "--- a/x.c\n",
      "--- /dev/null\n",
      "+++ b/x.c\n",
      "+++ /dev/null\n",
      "@@ -1,2 +1,3 @@\n",
      "@@ -0,0 +1 @@ f\n",
      "@@ -99999999999,1 +1,99999999999 @@\n",
      "@@ @@\n",
      "Index: x\n",
      "====\n",
      "Binary files a/x and b/x differ\n",
      "GIT binary patch\n",
      "new file mode 100644\n",
      "deleted file mode 100644\n",
      "rename from a\n",
      "rename to b\n",
      "\\ No newline at end of file\n",
      "+",
      "-",
      " ",
      "\n",
      "\r\n",
      "\r",
      "\0",
      "---\n",
      "-- \n",
      "From: x\n",
      "Subject: y\n",
      "\n",
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(token, fc.string({ maxLength: 10 })), { maxLength: 60 }), async (parts) => {
        const r = await resultOrLkError(() => parsePatchBody(parts.join(""), "soup"));
        if ("error" in r) expect(["BAD_DIFF", "LIMIT"]).toContain(r.error.code);
        else checkParsed(r.ok, DEFAULT_LIMITS.maxLineLength);
      }),
      { numRuns: 3_000 },
    );
  });

  it("honours small line and diff-line limits on mutated bodies", async () => {
    const limits = { maxDiffLines: 15, maxLineLength: 40 };
    await fc.assert(
      fc.asyncProperty(mutatedFrom([SEED_BODY], 4), async (bytes) => {
        const r = await resultOrLkError(() => parsePatchBody(bytes.toString("utf8"), "small", limits));
        if ("error" in r) expect(["BAD_DIFF", "LIMIT"]).toContain(r.error.code);
        else {
          checkParsed(r.ok, limits.maxLineLength);
          const lines = r.ok.files.reduce((n, f) => n + f.hunks.reduce((m, h) => m + h.lines.length, 0), 0);
          expect(lines).toBeLessThanOrEqual(limits.maxDiffLines);
        }
      }),
      { numRuns: 1_000 },
    );
  });
});
