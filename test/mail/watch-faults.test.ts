import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWatch } from "../../src/mail/watch.js";
import { openStore } from "../../src/store/open.js";
import { startDovecot } from "../helpers/dovecot.js";
import type { Dovecot } from "../helpers/dovecot.js";
import { startSmtpSink } from "../helpers/smtp-sink.js";
import type { SmtpSink } from "../helpers/smtp-sink.js";
import { buildChild, removeChild, runChild as runChildFile } from "./child.js";
import { logSink, patchMail, tempStore, testConfig, TODO_RULE } from "./fixtures.js";

let dovecot: Dovecot;
let polling: Dovecot;
let sink: SmtpSink;
let child = "";
const dirs: string[] = [];

beforeAll(async () => {
  [dovecot, polling, sink, child] = await Promise.all([
    startDovecot(),
    // No IDLE in the capability list: the watcher must poll.
    startDovecot({ capability: "IMAP4rev1 LITERAL+ SASL-IR LOGIN-REFERRALS ID ENABLE UIDPLUS NAMESPACE" }),
    startSmtpSink(),
    buildChild("faults"),
  ]);
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset if beforeAll failed early
  await Promise.all([dovecot?.destroy(), polling?.destroy(), sink?.close()]);
  removeChild(child);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function repliesTo(id: string) {
  return sink.received.filter((m) => m.raw.includes(`In-Reply-To: ${id}`));
}

/** Waits for a condition the watcher brings about (a deadline, not a timing assertion). */
async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function runChild(config: Record<string, unknown>, db: string, env: NodeJS.ProcessEnv = {}) {
  return runChildFile(child, config, db, env);
}

describe("watch under faults", () => {
  it("Dovecot restarted in the middle of IDLE: the watcher reconnects and misses nothing", async () => {
    const box = "idle";
    const { store, dir } = await tempStore();
    dirs.push(dir);
    const { lines, log } = logSink();
    // The mailbox exists (with some list chatter) before the watcher starts.
    await dovecot.append(box, "From: a@example.org\r\nSubject: hello\r\nMessage-ID: <chat@example.org>\r\n\r\nhi\r\n");
    const controller = new AbortController();
    const running = runWatch({
      config: testConfig({ imap: { url: dovecot.url, mailbox: box }, smtp: { url: sink.url }, deliver: "send" }),
      store,
      once: false,
      log,
      signal: controller.signal,
      rules: [TODO_RULE],
      version: "0.1.0",
      reconnect: { minMs: 100, maxMs: 400 },
    });
    await dovecot.append(box, patchMail({ id: "<idle-1@example.org>", subject: "[PATCH] livepatch: idle one" }));
    await until("the first reply", () => repliesTo("<idle-1@example.org>").length === 1);
    expect(lines.join("\n")).toContain("(IDLE,");
    expect(lines.filter((l) => l.startsWith("watching "))).toHaveLength(1);

    await dovecot.stop();
    await until("the drop to be noticed", () => lines.some((l) => l.includes("connection dropped")));
    await dovecot.start();
    // Arrives before or while the watcher reconnects: found through the checkpoint.
    await dovecot.append(box, patchMail({ id: "<idle-2@example.org>", subject: "[PATCH] livepatch: idle two" }));
    await until("the second reply", () => repliesTo("<idle-2@example.org>").length === 1);
    expect(lines.filter((l) => l.startsWith("watching ")).length).toBeGreaterThanOrEqual(2);
    // Arrives during the new IDLE.
    await dovecot.append(box, patchMail({ id: "<idle-3@example.org>", subject: "[PATCH] livepatch: idle three" }));
    await until("the third reply", () => repliesTo("<idle-3@example.org>").length === 1);

    controller.abort();
    expect(await running).toBe(0);
    for (const id of ["<idle-1@example.org>", "<idle-2@example.org>", "<idle-3@example.org>"]) expect(repliesTo(id)).toHaveLength(1);
    await store.close();
  });

  it("polls when the server offers no IDLE", async () => {
    const box = "poll";
    const { store, dir } = await tempStore();
    dirs.push(dir);
    const { lines, log } = logSink();
    const controller = new AbortController();
    const running = runWatch({
      config: testConfig({ imap: { url: polling.url, mailbox: box, pollSeconds: 0.2 }, smtp: { url: sink.url }, deliver: "send" }),
      store,
      once: false,
      log,
      signal: controller.signal,
      rules: [TODO_RULE],
      version: "0.1.0",
    });
    await polling.append(box, patchMail({ id: "<poll-0@example.org>", subject: "[PATCH] livepatch: poll zero" }));
    await until("the watcher to start", () => lines.some((l) => l.startsWith("watching ")));
    await polling.append(box, patchMail({ id: "<poll-1@example.org>", subject: "[PATCH] livepatch: poll one" }));
    await until("the reply", () => repliesTo("<poll-1@example.org>").length === 1);
    controller.abort();
    expect(await running).toBe(0);
    expect(lines.join("\n")).toContain("polling every 0.2s");
    expect(repliesTo("<poll-0@example.org>")).toHaveLength(1);
    await store.close();
  });

  it("killed between SMTP acceptance and recording it: the restart finds the list's echo and sends nothing twice", async () => {
    const box = "crash";
    const { store: s0, dir, db } = await tempStore();
    await s0.close();
    dirs.push(dir);
    await dovecot.append(box, patchMail({ id: "<crash-1@example.org>", subject: "[PATCH] livepatch: crash one" }));
    const cfg = { imap: { url: dovecot.url, mailbox: box }, smtp: { url: sink.url }, deliver: "send" };

    const killed = await runChild(cfg, db, { LKREVIEW_TEST_CRASH_AFTER_SMTP: "1" });
    expect(killed.signal).toBe("SIGKILL");
    expect(repliesTo("<crash-1@example.org>")).toHaveLength(1);

    // The list delivers our reply back into the watched mailbox.
    await dovecot.append(box, repliesTo("<crash-1@example.org>")[0]!.raw);
    const restarted = await runChild(cfg, db);
    expect(restarted.code).toBe(0);
    expect(restarted.stderr).toContain("already echoed");
    expect(repliesTo("<crash-1@example.org>")).toHaveLength(1);

    const again = await runChild(cfg, db);
    expect(again.code).toBe(0);
    expect(repliesTo("<crash-1@example.org>")).toHaveLength(1);
    const store = await openStore(db);
    expect(await store.outboxDue(new Date(Date.now() + 86_400_000))).toHaveLength(0);
    await store.close();
  });

  it("killed the same way with no echo in the mailbox: the reply is sent again, once, with the same Message-ID", async () => {
    const box = "crash-noecho";
    const { store: s0, dir, db } = await tempStore();
    await s0.close();
    dirs.push(dir);
    await dovecot.append(box, patchMail({ id: "<crash-2@example.org>", subject: "[PATCH] livepatch: crash two" }));
    const cfg = { imap: { url: dovecot.url, mailbox: box }, smtp: { url: sink.url }, deliver: "send" };
    const killed = await runChild(cfg, db, { LKREVIEW_TEST_CRASH_AFTER_SMTP: "1" });
    expect(killed.signal).toBe("SIGKILL");
    const restarted = await runChild(cfg, db);
    expect(restarted.code).toBe(0);
    await runChild(cfg, db);
    const copies = repliesTo("<crash-2@example.org>");
    expect(copies).toHaveLength(2);
    const ids = copies.map((c) => /^Message-ID: (\S+)/im.exec(c.raw)?.[1]);
    expect(ids[0]).toBeDefined();
    expect(ids[1]).toBe(ids[0]);
  });
});
