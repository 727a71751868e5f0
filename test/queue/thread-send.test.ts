import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { sendApproved } from "../../src/queue/send.js";
import { openStore } from "../../src/store/open.js";
import { startSmtpSink } from "../helpers/smtp-sink.js";
import type { SmtpSink } from "../helpers/smtp-sink.js";
import { runMain } from "../helpers/run-main.js";
import type { MainRun } from "../helpers/run-main.js";

/**
 * `queue send` reads the thread before a queued draft goes out: a point a
 * human already made on the same lines is taken out of the draft (real
 * SQLite store, real SMTP server receiving what is sent).
 */

let dir: string;
let sink: SmtpSink;
let config: string;
let n = 0;
let db: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lkreview-thread-send-"));
  sink = await startSmtpSink();
  config = join(dir, "lkreview.json");
  writeFileSync(config, JSON.stringify({ from: "lkreview <bot@lkreview.example>", smtp: { url: sink.url } }));
});
afterAll(async () => {
  await sink.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  db = join(dir, `t${++n}.sqlite`);
  sink.received.length = 0;
});

const run = (args: string[], input = ""): Promise<MainRun> => runMain([...args, "--config", config, "--db", db], input, { USER: "petr" });

const PATCH_ID = "<hook-set@example.org>";
const PATCH = [
  "From: Jane Developer <jane@example.org>",
  "To: linux-kernel@vger.kernel.org",
  "Cc: Some Maintainer <maint@example.com>",
  "Date: Tue, 4 Mar 2025 09:15:07 +0100",
  "Subject: [PATCH] wren: Check the hook value",
  `Message-ID: ${PATCH_ID}`,
  "",
  "Check the hook value.",
  "",
  "Signed-off-by: Jane Developer <jane@example.org>",
  "---",
  "diff --git a/drivers/misc/wren.c b/drivers/misc/wren.c",
  "index 1111111..2222222 100644",
  "--- a/drivers/misc/wren.c",
  "+++ b/drivers/misc/wren.c",
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
  "+\t\treturn -1;",
  "",
].join("\n");

const LOGGED_ZERO = "This reports an error but returns 0";
const MINUS_ONE = "Returning -1 makes callers see -EPERM.";

/** A reviewer's reply in the patch's thread, as the watch records it. */
async function humanSays(quoted: string[], comment: string, id = "<maint-1@example.com>"): Promise<void> {
  const store = await openStore(db);
  try {
    await store.threadAdd({
      messageId: id,
      parents: [PATCH_ID],
      from: "maint@example.com",
      body: ["On Tue, Jane Developer wrote:", ...quoted, "", comment, ""].join("\n"),
    });
  } finally {
    await store.close();
  }
}

/** Queues the review, approves the draft; returns the item id. */
async function queueAndApprove(): Promise<number> {
  const r = await run(["review", "--no-model", "--enqueue", "-"], PATCH);
  expect(r.code).toBe(0);
  const store = await openStore(db);
  const item = await store.getItemByMessageId(PATCH_ID);
  await store.close();
  expect(item?.draft).toContain(MINUS_ONE);
  expect(item?.draft).toContain(LOGGED_ZERO);
  expect((await run(["queue", "approve", String(item?.id)])).code).toBe(0);
  return item?.id ?? 0;
}

/** The body of a received message, unfolded, CRLF as LF. */
const bodyOf = (raw: string): string =>
  raw
    .replace(/\r\n/g, "\n")
    .split("\n\n")
    .slice(1)
    .join("\n\n")
    .replace(/\n(?!\n)/g, " ");

describe("queue send reads the thread first", () => {
  it("drops the point a human already made on the same line and sends the rest", async () => {
    const id = await queueAndApprove();
    await humanSays(["> +\tif (val > WREN_MAX)", "> +\t\treturn -1;"], "-1 is -EPERM; please return -ERANGE.");
    const sent = await run(["queue", "send"]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain(`item ${id}: sent`);
    expect(sent.stdout).toContain(
      `item ${id}: warning: dropped from the draft, already raised in the thread: errcode at drivers/misc/wren.c:22 (maint@example.com in <maint-1@example.com>)`,
    );
    expect(sink.received).toHaveLength(1);
    const body = bodyOf(sink.received[0]?.raw ?? "");
    expect(body).toContain(LOGGED_ZERO);
    expect(body).not.toContain("-EPERM");
    expect(sink.received[0]?.raw).not.toContain("> +\t\treturn -1;");

    const store = await openStore(db);
    try {
      const item = await store.getItem(id);
      expect(item?.state).toBe("sent");
      expect(item?.notes.map((x) => x.text)).toEqual([expect.stringContaining("already raised in the thread: errcode at drivers/misc/wren.c:22")]);
      // The review record learns the reply went out, with only the point it made.
      const rec = await store.reviewGet(PATCH_ID);
      expect(rec?.repliedAt).not.toBeNull();
      expect(rec?.findings.map((f) => f.message)).toEqual([expect.stringContaining(LOGGED_ZERO)]);
    } finally {
      await store.close();
    }
    const stats = JSON.parse((await run(["stats", "--format", "json"])).stdout) as { replies: number; byRule: Record<string, { sent: number }> };
    expect(stats.replies).toBe(1);
    expect(stats.byRule.errcode?.sent).toBe(1);
  });

  it("sends nothing when humans made every point, and says who made which", async () => {
    const id = await queueAndApprove();
    await humanSays(['> +\t\tpr_err("invalid hook value %ld\\n", val);', "> +\t\treturn 0;"], "This should return -EINVAL.", "<maint-1@example.com>");
    await humanSays(["> +\t\treturn -1;"], "And -ERANGE here.", "<maint-2@example.com>");
    const sent = await run(["queue", "send"]);
    expect(sent.code).toBe(0);
    expect(sent.stdout).toContain(`item ${id}: not sent, dismissed: humans in the thread already made every point:`);
    expect(sink.received).toHaveLength(0);
    const store = await openStore(db);
    try {
      const item = await store.getItem(id);
      expect(item?.state).toBe("dismissed");
      const note = item?.notes.at(-1)?.text ?? "";
      expect(note).toContain("errcode at drivers/misc/wren.c:19 (maint@example.com in <maint-1@example.com>)");
      expect(note).toContain("errcode at drivers/misc/wren.c:22 (maint@example.com in <maint-2@example.com>)");
    } finally {
      await store.close();
    }
  });

  it("never rewrites a draft a maintainer edited: it goes out as written, with one warning line", async () => {
    const id = await queueAndApprove();
    const store = await openStore(db);
    const item = await store.getItem(id);
    const edited = (item?.draft ?? "").replace("Shouldn't it return -EINVAL?", "Shouldn't it return -EINVAL? (I agree with the bot here.)");
    await store.setDraft(id, edited, "petr");
    await store.setState(id, "approved", "petr");
    await store.close();
    await humanSays(["> +\t\treturn -1;"], "-ERANGE, please.");
    const sent = await run(["queue", "send"]);
    expect(sent.code).toBe(0);
    const warnings = sent.stdout.split("\n").filter((l) => l.includes("warning"));
    expect(warnings).toEqual([
      `item ${id}: warning: a human already raised errcode at drivers/misc/wren.c:22 (maint@example.com in <maint-1@example.com>), but the draft was edited, so it goes out as written`,
    ]);
    expect(sink.received).toHaveLength(1);
    expect(bodyOf(sink.received[0]?.raw ?? "")).toContain("I agree with the bot here.");
    expect(bodyOf(sink.received[0]?.raw ?? "")).toContain("-EPERM");
  });

  it("a reply the outbox delivered outside this command still reaches the review record", async () => {
    const id = await queueAndApprove();
    const store = await openStore(db);
    try {
      // No transport: the draft only goes to the outbox; something else (the watch) delivers it.
      const first = await sendApproved(store, undefined, "petr");
      expect(first.queued).toEqual([id]);
      const item = await store.getItem(id);
      const replyId = /^Message-ID: (.+)$/im.exec(item?.draft ?? "")?.[1]?.trim() ?? "";
      expect(replyId).not.toBe("");
      await store.outboxMarkSent(replyId, new Date());
      const second = await sendApproved(store, undefined, "petr");
      expect(second.sent).toEqual([id]);
      const rec = await store.reviewGet(PATCH_ID);
      expect(rec?.replyMessageId).toBe(replyId);
      expect(rec?.repliedAt).not.toBeNull();
    } finally {
      await store.close();
    }
  });

  it("sends an approved draft unchanged when nobody in the thread made its points", async () => {
    const id = await queueAndApprove();
    await humanSays(["> +int wren_hook_set(struct wren_hook *hook, long val)"], "Looks fine to me.");
    const sent = await run(["queue", "send"]);
    expect(sent.stdout).toBe(`item ${id}: sent\n`);
    expect(sink.received).toHaveLength(1);
    const body = bodyOf(sink.received[0]?.raw ?? "");
    expect(body).toContain(LOGGED_ZERO);
    expect(body).toContain("-EPERM");
  });
});
