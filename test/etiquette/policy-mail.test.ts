import { rmSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDovecot } from "../helpers/dovecot.js";
import type { Dovecot } from "../helpers/dovecot.js";
import { startSmtpSink } from "../helpers/smtp-sink.js";
import type { SmtpSink } from "../helpers/smtp-sink.js";
import { LIVEPATCH_LIST, patchMail, tempStore } from "../mail/fixtures.js";
import { replyMail, TWO_TODOS, watchOnce } from "./mail-fixtures.js";

let dovecot: Dovecot;
let sink: SmtpSink;
const dirs: string[] = [];
let boxN = 0;

beforeAll(async () => {
  [dovecot, sink] = await Promise.all([startDovecot(), startSmtpSink()]);
});
afterAll(async () => {
  // eslint-disable-next-line @typescript-eslint/no-unnecessary-condition -- unset if beforeAll failed early
  await Promise.all([dovecot?.destroy(), sink?.close()]);
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function setup(lists: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  const box = `etq${++boxN}`;
  const { store, dir } = await tempStore();
  dirs.push(dir);
  const cfg = { imap: { url: dovecot.url, mailbox: box }, smtp: { url: sink.url }, deliver: "send", lists, ...extra };
  return { box, store, cfg };
}

function repliesTo(patchId: string) {
  return sink.received.filter((m) => m.raw.includes(`In-Reply-To: ${patchId}`));
}

describe("recipient policy with real mail (Dovecot in, SMTP out)", () => {
  it("a muted author's patch is not reviewed and gets no mail; the first matching mute is the one logged", async () => {
    const { box, store, cfg } = await setup([{ list: LIVEPATCH_LIST, mute: ["*@spammy.example", "bob@*"] }]);
    await dovecot.append(box, patchMail({ id: "<mute-a@spammy.example>", subject: "[PATCH] livepatch: muted", from: "Bob <bob@spammy.example>" }));
    const r = await watchOnce(cfg, store);
    expect(r.code).toBe(0);
    expect(repliesTo("<mute-a@spammy.example>")).toHaveLength(0);
    expect(r.log).toContain(`policy: <mute-a@spammy.example>: muted by lists[${LIVEPATCH_LIST}].mute "*@spammy.example"`);
    expect(await store.reviewGet("<mute-a@spammy.example>")).toBeNull();
    await store.close();
  });

  it("a muted list address never gets bot mail; the author and the other Cc still do", async () => {
    const { box, store, cfg } = await setup([{ list: LIVEPATCH_LIST, mute: ["live-patching@vger.kernel.org"] }]);
    await dovecot.append(box, patchMail({ id: "<mute-l@example.org>", subject: "[PATCH] livepatch: list muted" }));
    const r = await watchOnce(cfg, store);
    const got = repliesTo("<mute-l@example.org>");
    expect(got).toHaveLength(1);
    expect(got[0]!.to.sort()).toEqual(["jane@example.org", "maint@example.com"]);
    expect(got[0]!.raw).not.toContain("live-patching@vger.kernel.org");
    expect(r.log).toContain("live-patching@vger.kernel.org gets no mail, muted by");
    await store.close();
  });

  it("reply_to_author with and without reply_all, and the author left out", async () => {
    const only = await setup([{ list: LIVEPATCH_LIST, reply_all: false }]);
    await dovecot.append(only.box, patchMail({ id: "<rta-1@example.org>", subject: "[PATCH] livepatch: author only" }));
    await watchOnce(only.cfg, only.store);
    expect(repliesTo("<rta-1@example.org>").map((m) => m.to.sort())).toEqual([["jane@example.org"]]);

    const all = await setup([{ list: LIVEPATCH_LIST }]);
    await dovecot.append(all.box, patchMail({ id: "<rta-2@example.org>", subject: "[PATCH] livepatch: reply all" }));
    const r = await watchOnce(all.cfg, all.store);
    expect(repliesTo("<rta-2@example.org>").map((m) => m.to.sort())).toEqual([["jane@example.org", "live-patching@vger.kernel.org", "maint@example.com"]]);
    expect(r.log).toContain(`policy: <rta-2@example.org>: author in To by lists[${LIVEPATCH_LIST}].reply_to_author`);

    const noAuthor = await setup([{ list: LIVEPATCH_LIST, reply_to_author: false }]);
    await dovecot.append(noAuthor.box, patchMail({ id: "<rta-3@example.org>", subject: "[PATCH] livepatch: no author" }));
    await watchOnce(noAuthor.cfg, noAuthor.store);
    const got = repliesTo("<rta-3@example.org>");
    expect(got.map((m) => m.to.sort())).toEqual([["live-patching@vger.kernel.org", "maint@example.com"]]);
    expect(got[0]!.raw).toMatch(/^To: live-patching@vger.kernel.org$/m);
    for (const s of [only, all, noAuthor]) await s.store.close();
  });

  it("a clean patch gets a short positive reply only when positive is on", async () => {
    const clean = ["\tklp_try_switch_task(task);"];
    const on = await setup([{ list: LIVEPATCH_LIST, positive: true }]);
    await dovecot.append(on.box, patchMail({ id: "<pos-1@example.org>", subject: "[PATCH] livepatch: clean one", added: clean }));
    await watchOnce(on.cfg, on.store);
    const got = repliesTo("<pos-1@example.org>");
    expect(got).toHaveLength(1);
    expect(got[0]!.raw).toContain("found no issues in this patch");

    const off = await setup([{ list: LIVEPATCH_LIST }]);
    await dovecot.append(off.box, patchMail({ id: "<pos-2@example.org>", subject: "[PATCH] livepatch: clean two", added: clean }));
    const r = await watchOnce(off.cfg, off.store);
    expect(repliesTo("<pos-2@example.org>")).toHaveLength(0);
    expect(r.log).toContain(`policy: <pos-2@example.org>: clean patch gets no reply, positive is off by lists[${LIVEPATCH_LIST}].positive`);
    for (const s of [on, off]) await s.store.close();
  });

  it("a per-person policy overrides the list's: mode off for one author", async () => {
    const p = await setup([{ list: LIVEPATCH_LIST }], { people: [{ match: "jane@example.org", mode: "off" }] });
    await dovecot.append(p.box, patchMail({ id: "<pp-1@example.org>", subject: "[PATCH] livepatch: person off" }));
    const r = await watchOnce(p.cfg, p.store);
    expect(repliesTo("<pp-1@example.org>")).toHaveLength(0);
    expect(r.log).toContain("policy: <pp-1@example.org>: mode off by people[jane@example.org].mode");
    await p.store.close();
  });

  it("embargo: nothing goes out before it ends; a point a human made meanwhile is dropped from the reply", async () => {
    const { box, store, cfg } = await setup([{ list: LIVEPATCH_LIST, embargo: "24h" }]);
    const t0 = new Date();
    await dovecot.append(box, patchMail({ id: "<emb-1@example.org>", subject: "[PATCH] livepatch: embargoed", added: TWO_TODOS }));
    const first = await watchOnce(cfg, store, t0);
    expect(first.code).toBe(0);
    expect(repliesTo("<emb-1@example.org>")).toHaveLength(0);
    expect(first.log).toContain(`by lists[${LIVEPATCH_LIST}].embargo "24h"`);

    await dovecot.append(
      box,
      replyMail({
        id: "<human-1@example.com>",
        from: "Some Maintainer <maint@example.com>",
        subject: "Re: [PATCH] livepatch: embargoed",
        inReplyTo: "<emb-1@example.org>",
        body: [
          "On Tue, Mar 04, 2025 at 09:15:07AM +0100, Jane Developer wrote:",
          "> +\t/* TODO: drop the fallback once all arches have it */",
          "",
          "Please resolve this before merging, not after.",
        ],
      }),
    );
    const early = await watchOnce(cfg, store, new Date(t0.getTime() + 3600_000));
    expect(early.code).toBe(0);
    expect(repliesTo("<emb-1@example.org>")).toHaveLength(0);

    const late = await watchOnce(cfg, store, new Date(t0.getTime() + 25 * 3600_000));
    expect(late.code).toBe(0);
    const got = repliesTo("<emb-1@example.org>");
    expect(got).toHaveLength(1);
    // One point left (the second TODO); the first line may still be quoted as context.
    expect(got[0]!.raw.match(/Is this TODO meant to stay/g)).toHaveLength(1);
    expect(got[0]!.raw).toMatch(/> \+\t\/\* TODO: count the retries \*\/\r\n\r\nIs this TODO/);
    expect(late.log).toContain("already raised by maint@example.com in <human-1@example.com>");
    await store.close();
  });
});
