import { describe, expect, it } from "vitest";
import { runRules } from "../../src/analyse/engine.js";
import { LkreviewError } from "../../src/errors.js";
import { DEFAULT_LIMITS } from "../../src/limits.js";
import type { Mail } from "../../src/model.js";
import { parsePatchBody } from "../../src/parse/diff.js";
import { classifyMail } from "../../src/parse/patch.js";
import { RULES } from "../../rules/index.js";
import { mailWith } from "../helpers/mail.js";

/** limits.maxDiffLines and limits.maxLineLength as the parse layer enforces them. */

function body(added: string[]): string {
  return [
    "Fix the retry path.",
    "",
    "Signed-off-by: Jane Developer <jane@example.org>",
    "---",
    "diff --git a/kernel/livepatch/transition.c b/kernel/livepatch/transition.c",
    "--- a/kernel/livepatch/transition.c",
    "+++ b/kernel/livepatch/transition.c",
    `@@ -10,2 +10,${2 + added.length} @@ static void klp_retry(void)`,
    " {",
    ...added.map((l) => `+${l}`),
    " }",
    "",
  ].join("\n");
}

function mail(b: string): Mail {
  return mailWith({ source: "t.eml", messageId: "<limits@example.org>", subject: "[PATCH] livepatch: Retry", date: "Tue, 4 Mar 2025 09:15:07 +0100", body: b });
}

describe("limits.maxDiffLines", () => {
  const b = body(Array.from({ length: 20 }, (_, i) => `\tx${i} = ${i};`));

  it("is a LIMIT error naming the message when passed through classifyMail", () => {
    let caught: unknown;
    try {
      classifyMail(mail(b), { ...DEFAULT_LIMITS, maxDiffLines: 10 });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(LkreviewError);
    expect((caught as LkreviewError).code).toBe("LIMIT");
    expect((caught as LkreviewError).message).toBe("<limits@example.org>: diff of 26 lines exceeds limits.maxDiffLines (10); not reviewed");
  });

  it("lets a diff at the limit through, and uses the defaults when no limits are given", () => {
    expect(classifyMail(mail(b), { ...DEFAULT_LIMITS, maxDiffLines: 26 }).kind).toBe("patch");
    expect(classifyMail(mail(b)).kind).toBe("patch");
  });
});

describe("limits.maxLineLength", () => {
  const long = `\t/* ${"recieve ".repeat(20)}*/`;
  const limits = { maxDiffLines: DEFAULT_LIMITS.maxDiffLines, maxLineLength: 100 };

  it("keeps an over-long line as sent for quoting but shows the rules an empty line", () => {
    const parsed = parsePatchBody(body(["\t/* recieve once */", long]), "t", limits);
    const lines = parsed.files[0]?.hunks[0]?.lines ?? [];
    expect(lines[2]?.raw).toBe(`+${long}`);
    expect(lines[2]?.text).toBe("");
    expect(lines[2]?.newLine).toBe(12);
  });

  it("is not an error: the rules skip that line and still report the others", () => {
    const c = classifyMail(mail(body(["\t/* recieve once */", long])), { ...DEFAULT_LIMITS, maxLineLength: 100 });
    expect(c.kind).toBe("patch");
    const found = runRules(c.patch!, null, { rules: RULES }).findings.filter((f) => f.rule === "typo");
    expect(found.map((f) => f.line)).toEqual([11]);
  });

  it("applies to commit-message lines too", () => {
    const parsed = parsePatchBody(`${"A".repeat(150)}\n\n${body([])}`, "t", limits);
    expect(parsed.commitMessage[0]).toBe("");
    expect(parsed.commitMessage[2]).toBe("Fix the retry path.");
  });
});
