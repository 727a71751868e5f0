import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open.js";
import { startOpenAiServer } from "../helpers/openai-server.js";
import type { OpenAiTestServer } from "../helpers/openai-server.js";
import { runMain } from "../helpers/run-main.js";

/**
 * Batch `lkreview review` with the store (SQLite, as by default) applies the
 * watch's etiquette: versions, series, the thread, suppressions, the review
 * record for `stats`, and with --enqueue the list and person policy.
 */

let dir: string;
let server: OpenAiTestServer;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lkreview-batch-ety-"));
  server = await startOpenAiServer();
});
afterAll(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = runMain;

interface MailSpec {
  id: string;
  subject: string;
  diff: string[];
  from?: string;
  listId?: string;
  inReplyTo?: string;
}

function mail(m: MailSpec): string {
  return [
    `From: ${m.from ?? "Jane Developer <jane@example.org>"}`,
    "To: linux-kernel@vger.kernel.org",
    "Cc: Some Maintainer <maint@example.com>",
    "Date: Tue, 4 Mar 2025 09:15:07 +0100",
    `Subject: ${m.subject}`,
    `Message-ID: ${m.id}`,
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`, `References: ${m.inReplyTo}`] : []),
    ...(m.listId ? [`List-Id: <${m.listId}>`] : []),
    "",
    "Check the hook value.",
    "",
    "Signed-off-by: Jane Developer <jane@example.org>",
    "---",
    "diff --git a/drivers/misc/wren.c b/drivers/misc/wren.c",
    "index 1111111..2222222 100644",
    "--- a/drivers/misc/wren.c",
    "+++ b/drivers/misc/wren.c",
    ...m.diff,
    "",
  ].join("\n");
}

/** Two points for the errcode rule: an error logged then 0 returned, and a bare -1. */
function hookSet(range: string): string[] {
  return [
    "@@ -10,3 +10,13 @@ static int wren_setup(struct wren *w)",
    " {",
    " \tint ret;",
    " \treturn 0;",
    "+}",
    "+",
    "+int wren_hook_set(struct wren_hook *hook, long val)",
    "+{",
    "+\tif (val < 0) {",
    '+\t\tpr_err("invalid hook value %ld\\n", val);',
    "+\t\treturn 0;",
    "+\t}",
    "+\tif (val > WREN_MAX)",
    `+\t\treturn ${range};`,
  ];
}

const LOGGED_ZERO = "This reports an error but returns 0, so the caller thinks it worked.";
const MINUS_ONE = "Returning -1 makes callers see -EPERM.";

interface JsonRun {
  reviews: { messageId: string; findings: { rule: string; message: string; tags?: string[] }[]; reply: string | null }[];
}

describe("batch review with the store", () => {
  it("v2 then v3: the point v3 fixed is not repeated, the one it kept says (also raised on v2); stats counts both reviews", async () => {
    const db = join(dir, "versions.sqlite");
    const v2 = await run(
      ["review", "--no-model", "--db", db, "-"],
      mail({ id: "<v2@example.org>", subject: "[PATCH v2] wren: Check the hook value", diff: hookSet("-1") }),
    );
    expect(v2.code).toBe(0);
    expect(v2.stdout).toContain(LOGGED_ZERO);
    expect(v2.stdout).toContain(MINUS_ONE);

    const v3mail = mail({ id: "<v3@example.org>", subject: "[PATCH v3] wren: Check the hook value", diff: hookSet("-ERANGE") });
    const v3 = await run(["review", "--no-model", "--db", db, "-"], v3mail);
    expect(v3.code).toBe(0);
    expect(v3.stdout).not.toContain(MINUS_ONE);
    expect(v3.stdout).toMatch(/Shouldn't it return -EINVAL\? \(also raised\s+on v2\)/);

    // Reviewing v3 again gives the same reply: its own record is no "earlier version".
    const json = await run(["review", "--no-model", "--db", db, "--format", "json", "-"], v3mail);
    const doc = JSON.parse(json.stdout) as JsonRun;
    expect(doc.reviews[0]?.findings.map((f) => [f.message.endsWith("(also raised on v2)"), f.tags ?? []])).toEqual([[true, ["also-raised"]]]);

    const stats = await run(["stats", "--format", "json", "--db", db]);
    expect(stats.code).toBe(0);
    const s = JSON.parse(stats.stdout) as { reviews: number; replies: number; perReview: { ms: number } };
    expect(s.reviews).toBe(2);
    // Printed, not sent: no reply counts as sent until `queue send` delivers one.
    expect(s.replies).toBe(0);
    expect(s.perReview.ms).toBeGreaterThan(0);
  });

  it("records the model's tokens per review for stats", async () => {
    const db = join(dir, "tokens.sqlite");
    server.enqueue({ kind: "json", answer: { findings: [], doubts: [] }, usage: { prompt: 700, completion: 30 } });
    const env = { OPENAI_BASE_URL: server.url, OPENAI_API_KEY: "sk-test", LKREVIEW_MODEL: "test-model" };
    const r = await run(
      ["review", "--db", db, "--no-cache", "-"],
      mail({ id: "<tok@example.org>", subject: "[PATCH] wren: Check the hook value", diff: hookSet("-1") }),
      env,
    );
    expect(r.code).toBe(0);
    const s = JSON.parse((await run(["stats", "--format", "json", "--db", db])).stdout) as { perReview: { promptTokens: number; completionTokens: number } };
    expect(s.perReview).toMatchObject({ promptTokens: 700, completionTokens: 30 });
  });

  it("a fingerprint a maintainer marked false is not reported again, and stays tagged in the JSON", async () => {
    const db = join(dir, "suppressed.sqlite");
    const first = mail({ id: "<s1@example.org>", subject: "[PATCH] wren: Check the hook value", diff: hookSet("-1") });
    expect((await run(["review", "--no-model", "--db", db, "--enqueue", "-"], first)).code).toBe(0);
    const store = await openStore(db);
    const item = (await store.listItems())[0];
    const minusOne = item?.findings.find((f) => f.message.startsWith(MINUS_ONE));
    expect(minusOne).toBeDefined();
    await store.suppress({ rule: minusOne!.rule, fingerprint: minusOne!.fingerprint, reason: "the caller maps -1 itself", who: "maint" });
    await store.close();

    const again = mail({ id: "<s2@example.org>", subject: "[PATCH v2] wren: Check the hook value", diff: hookSet("-1") });
    const reply = await run(["review", "--no-model", "--db", db, "-"], again);
    expect(reply.stdout).toContain(LOGGED_ZERO);
    expect(reply.stdout).not.toContain(MINUS_ONE);
    const doc = JSON.parse((await run(["review", "--no-model", "--db", db, "--format", "json", "-"], again)).stdout) as JsonRun;
    expect(doc.reviews[0]?.findings.find((f) => f.message.startsWith(MINUS_ONE))?.tags).toEqual(["suppressed"]);
  });

  it("within one run, a point that a later part of the series rewrites is asked as 'fixed later in 2/2?'", async () => {
    const db = join(dir, "series.sqlite");
    const one = mail({ id: "<p1@example.org>", subject: "[PATCH 1/2] wren: Check the hook value", diff: hookSet("-1") });
    const two = mail({
      id: "<p2@example.org>",
      subject: "[PATCH 2/2] wren: Use a real error code",
      inReplyTo: "<p1@example.org>",
      diff: [
        "@@ -20,4 +20,4 @@ int wren_hook_set(struct wren_hook *hook, long val)",
        " \t\treturn 0;",
        " \t}",
        " \tif (val > WREN_MAX)",
        "-\t\treturn -1;",
        "+\t\treturn -ERANGE;",
      ],
    });
    const mbox = [one, two].map((m) => `From jane@example.org Tue Mar  4 09:15:07 2025\n${m}`).join("\n");
    const r = await run(["review", "--no-model", "--db", db, "--format", "json", "-"], mbox);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as JsonRun;
    const first = doc.reviews.find((x) => x.messageId === "<p1@example.org>");
    const minusOne = first?.findings.find((f) => f.message.startsWith(MINUS_ONE));
    expect(minusOne?.message).toMatch(/\(fixed later in 2\/2\?\)$/);
    expect(minusOne?.tags).toEqual(["fixed-later"]);
    expect(first?.reply).toMatch(/\(fixed later in\s+2\/2\?\)/);
  });

  it("drops a point a human already made in the thread, tagging it in the JSON", async () => {
    const db = join(dir, "thread.sqlite");
    const store = await openStore(db);
    await store.threadAdd({
      messageId: "<human@example.com>",
      parents: ["<t1@example.org>"],
      from: "maint@example.com",
      body: ["On Tue, Jane Developer wrote:", "> +\tif (val > WREN_MAX)", "> +\t\treturn -1;", "", "Please return -ERANGE here.", ""].join("\n"),
    });
    await store.close();
    const r = await run(
      ["review", "--no-model", "--db", db, "--format", "json", "-"],
      mail({ id: "<t1@example.org>", subject: "[PATCH] wren: Check the hook value", diff: hookSet("-1") }),
    );
    expect(r.code).toBe(0);
    expect(r.stderr).toContain("already raised by maint@example.com in <human@example.com>");
    const review = (JSON.parse(r.stdout) as JsonRun).reviews[0];
    expect(review?.findings.find((f) => f.message.startsWith(MINUS_ONE))?.tags).toEqual(["raised-in-thread"]);
    expect(review?.reply).toContain(LOGGED_ZERO.split(" ").slice(0, 5).join(" "));
    expect(review?.reply).not.toContain("-EPERM");
  });

  it("--no-store keeps today's behaviour: both points, no etiquette", async () => {
    const r = await run(
      ["review", "--no-model", "--no-store", "--format", "json", "-"],
      mail({ id: "<n@example.org>", subject: "[PATCH v3] wren: Check the hook value", diff: hookSet("-1") }),
    );
    const doc = JSON.parse(r.stdout) as JsonRun;
    expect(doc.reviews[0]?.findings.map((f) => f.tags ?? [])).toEqual([[], []]);
  });
});

describe("batch review --enqueue under the list and person policy", () => {
  it("a muted author's patch is not queued (one stderr line naming the rule), a list with mode off is queued without a draft", async () => {
    const db = join(dir, "policy.sqlite");
    const config = join(dir, "policy.json");
    writeFileSync(
      config,
      JSON.stringify({
        lists: [
          { list: "quiet.example.org", mode: "off" },
          { list: "*", mute: ["*@noisy.example.net"] },
        ],
      }),
    );
    const muted = mail({
      id: "<m@noisy.example.net>",
      from: "Bob <bob@noisy.example.net>",
      subject: "[PATCH] wren: Check the hook value",
      diff: hookSet("-1"),
    });
    const off = mail({ id: "<o@example.org>", listId: "quiet.example.org", subject: "[PATCH] wren: Check the hook value", diff: hookSet("-1") });
    const normal = mail({ id: "<q@example.org>", subject: "[PATCH] wren: Check the hook value", diff: hookSet("-1") });
    const mbox = [muted, off, normal].map((m) => `From x Tue Mar  4 09:15:07 2025\n${m}`).join("\n");
    const r = await run(["review", "--no-model", "--config", config, "--db", db, "--enqueue", "-"], mbox);
    expect(r.code).toBe(0);
    const mutedLines = r.stderr.split("\n").filter((l) => l.includes("<m@noisy.example.net>"));
    expect(mutedLines).toEqual(['lkreview: policy: <m@noisy.example.net>: muted by lists[*].mute "*@noisy.example.net"; not queued']);
    // Only the unmuted patch's draft is printed.
    expect(r.stdout.match(/^In-Reply-To: .*$/gm)).toEqual(["In-Reply-To: <q@example.org>"]);

    const store = await openStore(db);
    try {
      const items = await store.listItems({ sort: "id" });
      expect(items.map((i) => [i.messageId, i.draft === null])).toEqual([
        ["<o@example.org>", true],
        ["<q@example.org>", false],
      ]);
      expect(items[0]?.findings).toHaveLength(2);
    } finally {
      await store.close();
    }
  });
});
