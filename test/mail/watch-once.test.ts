import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWatch } from "../../src/mail/watch.js";
import { startDovecot } from "../helpers/dovecot.js";
import type { Dovecot } from "../helpers/dovecot.js";
import { notmuchThread } from "../helpers/notmuch.js";
import { startSmtpSink } from "../helpers/smtp-sink.js";
import type { SmtpSink } from "../helpers/smtp-sink.js";
import { BOT, coverMail, logSink, patchMail, tempStore, testConfig, TODO_RULE } from "./fixtures.js";

let dovecot: Dovecot;
let sink: SmtpSink;
const dirs: string[] = [];

beforeAll(async () => {
  [dovecot, sink] = await Promise.all([startDovecot(), startSmtpSink()]);
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset if beforeAll failed early
  await Promise.all([dovecot?.destroy(), sink?.close()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

let boxN = 0;
/** Each test watches a mailbox of its own on the shared Dovecot. */
function mailbox(): string {
  return `list${++boxN}`;
}

async function once(over: Record<string, unknown>, store: Awaited<ReturnType<typeof tempStore>>["store"]) {
  const { lines, log } = logSink();
  const printed: string[] = [];
  const code = await runWatch({
    config: testConfig(over),
    store,
    once: true,
    log,
    print: (t) => printed.push(t),
    rules: [TODO_RULE],
    version: "0.1.0",
    outboxBackoffMs: 0,
  });
  return { code, lines, printed };
}

function receivedFor(messageIdOfPatch: string) {
  return sink.received.filter((m) => m.raw.includes(`In-Reply-To: ${messageIdOfPatch}`));
}

describe("watch --once against a real Dovecot", () => {
  it("dry-run writes one .eml per reviewed patch, sets the keyword, and a second run writes nothing", async () => {
    const box = mailbox();
    const { store, dir } = await tempStore();
    dirs.push(dir);
    const outbox = join(dir, "outbox");
    await dovecot.append(box, patchMail({ id: "<dry-1@example.org>", subject: "[PATCH] livepatch: Re-check the stack on retry" }));
    const cfg = { imap: { url: dovecot.url, mailbox: box }, deliver: "dry-run", outbox };
    const first = await once(cfg, store);
    expect(first.code).toBe(0);
    const files = readdirSync(outbox);
    expect(files).toHaveLength(1);
    const eml = readFileSync(join(outbox, files[0] as string), "utf8");
    expect(eml).toMatch(/^Subject: Re: \[PATCH\] livepatch: Re-check the stack on retry$/m);
    expect(eml).toMatch(/^In-Reply-To: <dry-1@example.org>$/m);
    expect(eml).toContain("Is this TODO meant to stay in the patch?");
    expect(first.printed.join("")).toContain("Is this TODO meant to stay");
    expect(await dovecot.flagsOf(box, "<dry-1@example.org>")).toContain("$LKReviewed");

    rmSync(outbox, { recursive: true });
    const second = await once(cfg, store);
    expect(second.code).toBe(0);
    expect(existsSync(outbox)).toBe(false);
    expect(second.printed).toHaveLength(0);
    await store.close();
  });

  it("send: the reply reaches SMTP with the envelope of To and Cc, threads under the patch in notmuch, and is sent once", async () => {
    const box = mailbox();
    const { store, dir } = await tempStore();
    dirs.push(dir);
    const patch = patchMail({ id: "<send-1@example.org>", subject: "[PATCH] livepatch: Re-check the stack on retry" });
    await dovecot.append(box, patch);
    const cfg = { imap: { url: dovecot.url, mailbox: box }, smtp: { url: sink.url }, deliver: "send" };
    const first = await once(cfg, store);
    expect(first.lines.join("\n")).not.toContain("s3cret-pass");
    expect(first.code).toBe(0);
    const got = receivedFor("<send-1@example.org>");
    expect(got).toHaveLength(1);
    const reply = got[0]!;
    expect(reply.from).toBe("bot@example.org");
    expect(reply.to.sort()).toEqual(["jane@example.org", "live-patching@vger.kernel.org", "maint@example.com"]);
    const replyId = /^Message-ID: (<[^>]+>)/im.exec(reply.raw)?.[1];
    expect(replyId).toBeDefined();
    expect((await store.outboxGet(replyId!))?.state).toBe("sent");

    const thread = notmuchThread([patch, reply.raw], "<send-1@example.org>");
    expect(thread).toHaveLength(1);
    expect(thread[0]!.id).toBe("send-1@example.org");
    expect(thread[0]!.children.map((c) => c.id)).toEqual([replyId!.slice(1, -1)]);

    // The list echoes the bot's reply into the mailbox: never reviewed, nothing sent again.
    await dovecot.append(box, reply.raw);
    const second = await once(cfg, store);
    expect(second.code).toBe(0);
    expect(receivedFor("<send-1@example.org>")).toHaveLength(1);
    await store.close();
  });

  it("reviews only livepatch patches from humans: not replies, not the bot, not Auto-Submitted; Precedence: bulk is no reason to skip", async () => {
    const box = mailbox();
    const { store, dir } = await tempStore();
    dirs.push(dir);
    const outbox = join(dir, "outbox");
    const subject = (s: string) => `[PATCH] ${s}`;
    await dovecot.append(box, patchMail({ id: "<sel-list@example.org>", subject: subject("on the list") }));
    await dovecot.append(
      box,
      patchMail({
        id: "<sel-path@example.org>",
        subject: subject("by path"),
        listId: "linux-kernel.vger.kernel.org",
        path: "arch/x86/include/asm/livepatch.h",
      }),
    );
    await dovecot.append(
      box,
      patchMail({ id: "<sel-other@example.org>", subject: subject("net stuff"), listId: "netdev.vger.kernel.org", path: "net/core/dev.c" }),
    );
    await dovecot.append(box, patchMail({ id: "<sel-reply@example.org>", subject: "Re: [PATCH] livepatch: something" }));
    await dovecot.append(box, patchMail({ id: "<sel-bot@example.org>", subject: subject("from the bot"), from: BOT }));
    await dovecot.append(box, patchMail({ id: "<sel-auto@example.org>", subject: subject("automated"), extraHeaders: ["Auto-Submitted: auto-generated"] }));
    await dovecot.append(box, patchMail({ id: "<sel-autono@example.org>", subject: subject("auto no"), extraHeaders: ["Auto-Submitted: no"] }));
    const r = await once({ imap: { url: dovecot.url, mailbox: box }, deliver: "dry-run", outbox }, store);
    expect(r.code).toBe(0);
    const replied = readdirSync(outbox).map((f) => /^In-Reply-To: (\S+)$/m.exec(readFileSync(join(outbox, f), "utf8"))?.[1]);
    expect(replied.sort()).toEqual(["<sel-autono@example.org>", "<sel-list@example.org>", "<sel-path@example.org>"]);
    await store.close();
  });

  it("waits for a series' missing parts, then reviews the parts together, each with its own reply", async () => {
    const box = mailbox();
    const { store, dir } = await tempStore();
    dirs.push(dir);
    const outbox = join(dir, "outbox");
    const cfg = { imap: { url: dovecot.url, mailbox: box }, deliver: "dry-run", outbox, watch: { seriesWaitSeconds: 3600 } };
    await dovecot.append(box, coverMail("<ser-0@example.org>", "[PATCH v2 0/2] livepatch: retry rework"));
    await dovecot.append(box, patchMail({ id: "<ser-1@example.org>", subject: "[PATCH v2 1/2] livepatch: one", inReplyTo: "<ser-0@example.org>" }));
    const first = await once(cfg, store);
    expect(first.code).toBe(0);
    expect(existsSync(outbox)).toBe(false);
    expect(first.lines.join("\n")).toContain("left pending");

    await dovecot.append(box, patchMail({ id: "<ser-2@example.org>", subject: "[PATCH v2 2/2] livepatch: two", inReplyTo: "<ser-0@example.org>" }));
    const second = await once(cfg, store);
    expect(second.code).toBe(0);
    const replied = readdirSync(outbox).map((f) => /^In-Reply-To: (\S+)$/m.exec(readFileSync(join(outbox, f), "utf8"))?.[1]);
    expect(replied.sort()).toEqual(["<ser-1@example.org>", "<ser-2@example.org>"]);
    await store.close();
  });

  it("reviews an incomplete series once its wait has passed (wait 0), and one whose first part arrived long ago", async () => {
    const box = mailbox();
    const { store, dir } = await tempStore();
    dirs.push(dir);
    const outbox = join(dir, "outbox");
    await dovecot.append(box, patchMail({ id: "<inc-1@example.org>", subject: "[PATCH 1/3] livepatch: one" }));
    const r0 = await once({ imap: { url: dovecot.url, mailbox: box }, deliver: "dry-run", outbox, watch: { seriesWaitSeconds: 0 } }, store);
    expect(r0.code).toBe(0);
    expect(readdirSync(outbox)).toHaveLength(1);

    const old = new Date(Date.now() - 2 * 3600 * 1000);
    await dovecot.append(box, patchMail({ id: "<old-1@example.org>", subject: "[PATCH 1/2] livepatch: old one" }), { internalDate: old });
    const r1 = await once({ imap: { url: dovecot.url, mailbox: box }, deliver: "dry-run", outbox, watch: { seriesWaitSeconds: 600 } }, store);
    expect(r1.code).toBe(0);
    expect(readdirSync(outbox)).toHaveLength(2);
    await store.close();
  });

  it("a UIDVALIDITY change (mailbox recreated) rescans without sending anything twice", async () => {
    const box = mailbox();
    const { store, dir } = await tempStore();
    dirs.push(dir);
    const a = patchMail({ id: "<uv-1@example.org>", subject: "[PATCH] livepatch: uv one" });
    const b = patchMail({ id: "<uv-2@example.org>", subject: "[PATCH] livepatch: uv two" });
    await dovecot.append(box, a);
    const cfg = { imap: { url: dovecot.url, mailbox: box }, smtp: { url: sink.url }, deliver: "send" };
    await once(cfg, store);
    expect(receivedFor("<uv-1@example.org>")).toHaveLength(1);
    await dovecot.recreate(box, [a, b]);
    const r = await once(cfg, store);
    expect(r.code).toBe(0);
    expect(r.lines.join("\n")).toContain("UIDVALIDITY changed");
    expect(receivedFor("<uv-1@example.org>")).toHaveLength(1);
    expect(receivedFor("<uv-2@example.org>")).toHaveLength(1);
    await store.close();
  });

  it("queue mode keeps the review and its draft in the triage queue, sends nothing", async () => {
    const box = mailbox();
    const { store, dir } = await tempStore();
    dirs.push(dir);
    await dovecot.append(box, patchMail({ id: "<q-1@example.org>", subject: "[PATCH] livepatch: queued" }));
    const before = sink.received.length;
    const r = await once({ imap: { url: dovecot.url, mailbox: box }, deliver: "queue" }, store);
    expect(r.code).toBe(0);
    const item = await store.getItemByMessageId("<q-1@example.org>");
    expect(item?.draft).toContain("Is this TODO meant to stay");
    expect(item?.paths).toEqual(["kernel/livepatch/transition.c"]);
    expect(sink.received.length).toBe(before);
    await store.close();
  });
});
