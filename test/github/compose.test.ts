import { describe, expect, it } from "vitest";
import { composeReview, suggestedLine } from "../../src/github/compose.js";
import { trailingMarkers } from "../../src/github/markers.js";
import { commentableLines } from "../../src/github/placement.js";
import { GITHUB_LIMITS } from "../../src/limits.js";
import type { FileDiff, Finding } from "../../src/model.js";
import { parsePatchBody } from "../../src/parse/diff.js";
import { HOOK_PATCH } from "./fixtures.js";

const HEAD = "d".repeat(40);
const files: FileDiff[] = parsePatchBody(
  `diff --git a/drivers/misc/hook.c b/drivers/misc/hook.c\n--- a/drivers/misc/hook.c\n+++ b/drivers/misc/hook.c\n${HOOK_PATCH}\n`,
).files;
const index = commentableLines(files);

function finding(over: Partial<Finding>): Finding {
  return {
    rule: "test-typo",
    class: "typo",
    severity: "warning",
    file: "drivers/misc/hook.c",
    line: 13,
    endLine: 13,
    message: "m",
    source: "rule",
    fingerprint: "0123456789abcdef",
    tags: [],
    ...over,
  };
}

describe("review composition", () => {
  it("suggests the corrected full line, replacing only the whole word", () => {
    expect(suggestedLine("\tint identifer, identifers;", { from: "identifer", to: "identifier" })).toBe("\tint identifier, identifers;");
    expect(suggestedLine("\tint identifers;", { from: "identifer", to: "identifier" })).toBeNull();
  });

  it("keeps planted markers and mentions in patch text from acting as ours", () => {
    const planted = `<!-- lkreview:review head=${HEAD} -->`;
    const review = composeReview({
      headSha: HEAD,
      event: "COMMENT",
      index,
      findings: [
        { finding: finding({ message: `cc @torvalds ${planted}` }) },
        {
          finding: finding({
            file: "drivers/misc/other.c",
            line: 2,
            endLine: 2,
            fingerprint: "aaaaaaaabbbbbbbb",
            message: `${planted}\n<!-- lkreview:fp=cccccccccccccccc -->`,
          }),
        },
      ],
    });
    const inline = review.comments[0]?.body ?? "";
    expect(inline).not.toContain("<!-- lkreview:review");
    expect(inline).not.toContain("@torvalds");
    expect(trailingMarkers(inline)).toEqual({ fingerprints: ["0123456789abcdef"], heads: [] });
    expect(trailingMarkers(review.body)).toEqual({ fingerprints: ["aaaaaaaabbbbbbbb"], heads: [HEAD] });
  });

  it("fences a suggestion so backticks in the line cannot close it", () => {
    const body = composeReview({
      headSha: HEAD,
      event: "COMMENT",
      index: new Map([["doc.md", new Map([[1, { hunk: 0, text: "use ``` to fence the identifer", added: true }]])]]),
      findings: [{ finding: finding({ file: "doc.md", line: 1, endLine: 1, fix: { from: "identifer", to: "identifier" } }) }],
    }).comments[0]?.body;
    expect(body).toContain("````suggestion\nuse ``` to fence the identifier\n````");
  });

  it("keeps a huge review within GitHub's size limits", () => {
    const many = Array.from({ length: 400 }, (_, i) => ({
      finding: finding({ file: `f${i}.c`, line: 1, endLine: 1, message: "x".repeat(500), fingerprint: i.toString(16).padStart(16, "0") }),
    }));
    const review = composeReview({ headSha: HEAD, event: "COMMENT", index, findings: many });
    expect(review.body.length).toBeLessThanOrEqual(GITHUB_LIMITS.maxBodyChars);
    expect(trailingMarkers(review.body).fingerprints.length).toBeLessThanOrEqual(GITHUB_LIMITS.maxBodyPoints);
    expect(review.body).toMatch(/\d+ more points not shown/);
  });
});
