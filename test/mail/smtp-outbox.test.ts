import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runWatch } from "../../src/mail/watch.js";
import type { Store } from "../../src/store/store.js";
import { startDovecot } from "../helpers/dovecot.js";
import type { Dovecot } from "../helpers/dovecot.js";
import { startSmtpSink } from "../helpers/smtp-sink.js";
import type { SmtpSink } from "../helpers/smtp-sink.js";
import { LIVEPATCH_LIST, logSink, patchMail, tempStore, testConfig, TODO_RULE } from "./fixtures.js";

let dovecot: Dovecot;
const sinks: SmtpSink[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  dovecot = await startDovecot();
});

afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset if beforeAll failed early
  await Promise.all([dovecot?.destroy(), ...sinks.map((s) => s.close())]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function sinkWith(opts: Parameters<typeof startSmtpSink>[0]): Promise<SmtpSink> {
  const s = await startSmtpSink(opts);
  sinks.push(s);
  return s;
}

let boxN = 0;
async function setUp(patches: number): Promise<{ box: string; store: Store }> {
  const box = `smtp${++boxN}`;
  for (let i = 1; i <= patches; i++) {
    await dovecot.append(box, patchMail({ id: `<${box}-${i}@example.org>`, subject: `[PATCH] livepatch: change ${i} in ${box}` }));
  }
  const { store, dir } = await tempStore();
  dirs.push(dir);
  return { box, store };
}

async function once(store: Store, over: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) {
  const { lines, log } = logSink();
  const code = await runWatch({ config: testConfig(over), store, once: true, log, env, rules: [TODO_RULE], version: "0.1.0", outboxBackoffMs: 0 });
  return { code, lines };
}

describe("the SMTP outbox against a real SMTP server", () => {
  it("421 then accept: retried, delivered exactly once", async () => {
    const sink = await sinkWith({ script: [421] });
    const { box, store } = await setUp(1);
    const cfg = { imap: { url: dovecot.url, mailbox: box }, smtp: { url: sink.url }, deliver: "send" };
    const first = await once(store, cfg);
    expect(sink.received).toHaveLength(0);
    expect(first.lines.join("\n")).toMatch(/will retry .*SMTP 421/);
    const second = await once(store, cfg);
    expect(second.code).toBe(0);
    expect(sink.attempts()).toBe(2);
    expect(sink.received).toHaveLength(1);
    await once(store, cfg);
    expect(sink.received).toHaveLength(1);
    await store.close();
  });

  it("550: the reply is stopped with the server's answer and never retried", async () => {
    const sink = await sinkWith({ script: [550] });
    const { box, store } = await setUp(1);
    const cfg = { imap: { url: dovecot.url, mailbox: box }, smtp: { url: sink.url }, deliver: "send" };
    const first = await once(store, cfg);
    expect(first.code).toBe(3);
    expect(first.lines.join("\n")).toMatch(/failed, SMTP 550: Mailbox unavailable/);
    await once(store, cfg);
    expect(sink.attempts()).toBe(1);
    expect(sink.received).toHaveLength(0);
    expect(await store.outboxDue(new Date(Date.now() + 86_400_000))).toHaveLength(0);
    await store.close();
  });

  it("a per-list hourly limit leaves extra replies pending", async () => {
    const sink = await sinkWith({});
    const { box, store } = await setUp(3);
    const cfg = {
      imap: { url: dovecot.url, mailbox: box },
      smtp: { url: sink.url },
      deliver: "send",
      lists: [{ list: LIVEPATCH_LIST, max_per_hour: 2 }],
    };
    const r = await once(store, cfg);
    expect(r.code).toBe(0);
    expect(sink.received).toHaveLength(2);
    expect(r.lines.join("\n")).toContain("limit 2");
    const due = await store.outboxDue(new Date());
    expect(due).toHaveLength(1);
    expect(due[0]?.state).toBe("pending");
    await store.close();
  });

  it("authenticates with credentials from the environment and never prints the password", async () => {
    const sink = await sinkWith({ auth: { user: "bot", pass: "smtp-Pa55" } });
    const { box, store } = await setUp(1);
    const cfg = { imap: { url: dovecot.url, mailbox: box }, smtp: { url: `smtp://127.0.0.1:${sink.port}` }, deliver: "send" };
    const bad = await once(store, cfg, { LKREVIEW_SMTP_USER: "bot", LKREVIEW_SMTP_PASS: "wrong" });
    expect(bad.code).toBe(2);
    expect(bad.lines.join("\n")).toContain("authentication refused");
    expect(sink.received).toHaveLength(0);
    const good = await once(store, cfg, { LKREVIEW_SMTP_USER: "bot", LKREVIEW_SMTP_PASS: "smtp-Pa55" });
    expect(good.code).toBe(0);
    expect(sink.received).toHaveLength(1);
    expect(sink.received[0]?.user).toBe("bot");
    expect([...bad.lines, ...good.lines].join("\n")).not.toMatch(/smtp-Pa55|s3cret-pass|wrong/);
    await store.close();
  });
});
