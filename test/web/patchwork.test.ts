import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkDescription, checkStateFor, reportPatchworkCheck } from "../../src/patchwork.js";
import { startPatchworkServer } from "../helpers/patchwork-server.js";
import type { PatchworkServer } from "../helpers/patchwork-server.js";
import { finding } from "../store/fixtures.js";

let pw: PatchworkServer;
beforeAll(async () => {
  pw = await startPatchworkServer({
    tokens: { "tok-maint": "petr", "tok-user": "random" },
    maintainers: ["petr"],
    patches: [
      { id: 41, msgid: "<20250304081507.1234-3-jane@example.org>", name: "[v3,2/3] livepatch: Track callback states per object" },
      { id: 42, msgid: "<other@example.org>", name: "[PATCH] other" },
    ],
  });
});
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset if beforeAll failed early
  await pw?.close();
});

describe("Patchwork check", () => {
  it("derives state and description from the findings that still count", () => {
    const err = finding("errcode", "error", "p1");
    const warn = finding("warn", "warning", "p2");
    const note = finding("typo", "note", "p3");
    expect(checkStateFor([err, note])).toBe("fail");
    expect(checkStateFor([warn, note])).toBe("warning");
    expect(checkStateFor([{ ...err, tags: ["suppressed"] }])).toBe("success");
    expect(checkStateFor([])).toBe("success");
    expect(checkDescription([err, note, { ...note, fingerprint: "p4" }])).toBe("lkreview: 1 error, 2 notes");
    expect(checkDescription([])).toBe("lkreview found nothing to comment on");
  });

  it("finds the patch by Message-ID and posts the check with a link to the item", async () => {
    const id = await reportPatchworkCheck(
      { url: pw.url, token: "tok-maint" },
      {
        messageId: "<20250304081507.1234-3-jane@example.org>",
        state: "fail",
        description: "lkreview: 1 error\nsecond line",
        targetUrl: "http://127.0.0.1:8080/items/7",
      },
    );
    expect(id).toBe(41);
    expect(pw.log).toContain("GET /api/patches/?msgid=20250304081507.1234-3-jane%40example.org");
    expect(pw.checks.get(41)).toEqual([
      { id: 1, state: "fail", context: "lkreview", description: "lkreview: 1 error second line", target_url: "http://127.0.0.1:8080/items/7", user: "petr" },
    ]);
    // A versioned API root works the same way.
    expect(
      await reportPatchworkCheck(
        { url: `${pw.url}/api/1.2/`, token: "tok-maint" },
        { messageId: "<other@example.org>", state: "success", description: "ok", targetUrl: null },
      ),
    ).toBe(42);
  });

  it("returns null for a patch Patchwork does not track", async () => {
    const r = await reportPatchworkCheck(
      { url: pw.url, token: "tok-maint" },
      { messageId: "<nope@example.org>", state: "success", description: "", targetUrl: null },
    );
    expect(r).toBeNull();
  });

  it("reports Patchwork's refusal in one line", async () => {
    const report = { messageId: "<other@example.org>", state: "warning" as const, description: "x", targetUrl: null };
    await expect(reportPatchworkCheck({ url: pw.url, token: "bad" }, report)).rejects.toThrow(
      `${pw.url}/api/patches/42/checks/: Patchwork answered 401: Invalid token.`,
    );
    await expect(reportPatchworkCheck({ url: pw.url, token: "tok-user" }, report)).rejects.toThrow(
      "Patchwork answered 403: You do not have permission to perform this action.",
    );
    await expect(reportPatchworkCheck({ url: "http://127.0.0.1:1", token: "tok-maint" }, report)).rejects.toThrow("cannot reach Patchwork");
  });
});
