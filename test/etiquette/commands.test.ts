import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Stats } from "../../src/etiquette/stats.js";
import { openStore } from "../../src/store/open.js";
import { review } from "../store/etiquette-contract.js";
import { runMain } from "../helpers/run-main.js";
import type { MainRun } from "../helpers/run-main.js";

const root = join(import.meta.dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "lkreview-etq-cmd-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (args: string[], input = ""): Promise<MainRun> => runMain(args, input);

describe("lkreview b4-check", () => {
  it("prints b4's result list: warn or fail with the findings for a patch that has some, pass for a clean one", async () => {
    const leak = await run(["b4-check"], readFileSync(join(root, "examples", "livepatch-hook-leak.patch"), "utf8"));
    expect(leak.code).toBe(0);
    const results = JSON.parse(leak.stdout) as { tool: string; status: string; summary: string; details: string }[];
    expect(results).toHaveLength(1);
    expect(results[0]?.tool).toBe("lkreview");
    expect(["warn", "fail"]).toContain(results[0]?.status);
    expect(results[0]?.summary).toMatch(/^\d+ findings?: /);
    expect(results[0]?.details).toMatch(/^kernel\/livepatch\/\S+:\d+: (ERROR|WARNING|NOTE):[\w-]+: /m);

    const clean = await run(["b4-check"], readFileSync(join(root, "examples", "clean.patch"), "utf8"));
    expect(clean.code).toBe(0);
    expect(JSON.parse(clean.stdout)).toEqual([{ tool: "lkreview", status: "pass", summary: "no issues found" }]);
  });

  it("prints [] for a mail that is not a patch, and fails without JSON on input that is not mail", async () => {
    const reply = ["From: A <a@example.org>", "Subject: Re: [PATCH] x", "Message-ID: <r@example.org>", "", "Thanks!", ""].join("\n");
    expect(await run(["b4-check"], reply)).toMatchObject({ code: 0, stdout: "[]\n" });
    const junk = await run(["b4-check"], "not a mail at all");
    expect(junk.code).toBe(2);
    expect(junk.stdout).toBe("");
    expect(junk.stderr).toContain("lkreview b4-check: <stdin>");
  });
});

describe("lkreview stats", () => {
  it("computes per-rule and per-list figures, precision, replies per day and cost per review from known inputs", async () => {
    const db = join(dir, "stats.sqlite");
    const store = await openStore(db);
    const fp = (rule: string, fingerprint: string) => ({ rule, fingerprint, file: "kernel/livepatch/core.c", line: 1, message: "m", anchored: ["x"] });
    await store.reviewSave(
      review(1, {
        findings: [fp("errcode", "a"), fp("typo", "b")],
        repliedAt: "2025-03-04T10:00:00.000Z",
        promptTokens: 1000,
        completionTokens: 200,
        durationMs: 3000,
      }),
    );
    await store.reviewSave(
      review(2, { findings: [fp("errcode", "c")], repliedAt: "2025-03-06T10:00:00.000Z", promptTokens: 0, completionTokens: 0, durationMs: 1000 }),
    );
    await store.reviewSave(
      review(3, {
        findings: [fp("errcode", "d")],
        repliedAt: null,
        promptTokens: 500,
        completionTokens: 100,
        durationMs: 2000,
        listId: "netdev.vger.kernel.org",
      }),
    );
    const fb = { mailId: "<m@example.org>", who: "jane@example.org", listId: "live-patching.vger.kernel.org" };
    await store.feedbackAdd({ ...fb, reviewId: "<rev-1@example.org>", rule: "errcode", fingerprint: "a", verdict: "ack" });
    await store.feedbackAdd({ ...fb, reviewId: "<rev-2@example.org>", rule: "errcode", fingerprint: "c", verdict: "false-positive" });
    await store.feedbackAdd({ ...fb, mailId: "<m2@example.org>", reviewId: "<rev-1@example.org>", rule: "typo", fingerprint: "b", verdict: "ack" });
    await store.close();

    const r = await run(["stats", "--format", "json", "--db", db]);
    expect(r.code).toBe(0);
    const s = JSON.parse(r.stdout) as Stats;
    expect(s.reviews).toBe(3);
    expect(s.replies).toBe(2);
    expect(s.repliesPerDay).toEqual({ days: { "2025-03-04": 1, "2025-03-06": 1 }, mean: 0.67 });
    expect(s.perReview).toEqual({ promptTokens: 500, completionTokens: 100, totalTokens: 600, ms: 2000 });
    expect(s.byRule.errcode).toEqual({ sent: 2, confirmed: 1, falsePositive: 1, precision: 0.5 });
    expect(s.byRule.typo).toEqual({ sent: 1, confirmed: 1, falsePositive: 0, precision: 1 });
    expect(s.byList["live-patching.vger.kernel.org"]).toEqual({ sent: 3, confirmed: 2, falsePositive: 1, precision: 0.667 });
    expect(s.byList["netdev.vger.kernel.org"]).toBeUndefined();

    const text = await run(["stats", "--db", db]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("reviews: 3, replies sent: 2, replies per day: 0.67");
    expect(text.stdout).toMatch(/^errcode\s+2\s+1\s+1\s+50\.0%$/m);
    expect((await run(["stats", "--format", "xml", "--db", db])).code).toBe(2);
  });
});
