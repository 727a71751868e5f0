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

async function setup() {
  const box = `fb${++boxN}`;
  const { store, dir } = await tempStore();
  dirs.push(dir);
  const cfg = {
    imap: { url: dovecot.url, mailbox: box },
    smtp: { url: sink.url },
    deliver: "send",
    lists: [{ list: LIVEPATCH_LIST, maintainers: ["Petr Maintainer <petr@example.com>"] }],
  };
  return { box, store, cfg };
}

function repliesTo(patchId: string) {
  return sink.received.filter((m) => m.raw.includes(`In-Reply-To: ${patchId}`));
}

const replyIdOf = (raw: string): string => /^Message-ID: (<[^>]+>)/im.exec(raw)?.[1] ?? "";

/** A reply to the bot's mail that quotes its point and gives a command under it. */
function feedbackMail(id: string, from: string, patchId: string, botReplyId: string, command: string): string {
  return replyMail({
    id,
    from,
    subject: "Re: [PATCH] livepatch: feedback",
    inReplyTo: botReplyId,
    references: [patchId],
    body: [
      "On Thu, Mar 06, 2025 at 10:00:00AM +0000, lkreview wrote:",
      "> > +\t/* TODO: drop the fallback once all arches have it */",
      "> > +\tklp_try_switch_task(task);",
      "> ",
      "> Is this TODO meant to stay in the patch?",
      "",
      command,
      "",
      "-- ",
      "Jane",
    ],
  });
}

describe("versions and feedback by mail, through Dovecot and SMTP", () => {
  it("v2 then v3: the point v3 fixed is not repeated, the one it did not fix says (also raised on v2)", async () => {
    const { box, store, cfg } = await setup();
    await dovecot.append(box, patchMail({ id: "<ver-2@example.org>", subject: "[PATCH v2] livepatch: Retry the switch", added: TWO_TODOS }));
    await watchOnce(cfg, store);
    const v2 = repliesTo("<ver-2@example.org>");
    expect(v2).toHaveLength(1);
    expect(v2[0]!.raw.match(/Is this TODO meant to stay/g)).toHaveLength(2);

    // v3 drops the first TODO and keeps the second.
    const v3Lines = ["\tklp_try_switch_task(task);", "\t/* TODO: count the retries */"];
    await dovecot.append(box, patchMail({ id: "<ver-3@example.org>", subject: "[PATCH v3] livepatch: Retry the switch", added: v3Lines }));
    await watchOnce(cfg, store);
    const v3 = repliesTo("<ver-3@example.org>");
    expect(v3).toHaveLength(1);
    expect(v3[0]!.raw.match(/Is this TODO meant to stay/g)).toHaveLength(1);
    expect(v3[0]!.raw).toContain("(also raised on v2)");
    expect(v3[0]!.raw).not.toContain("drop the fallback");
    await store.close();
  });

  it("the author's false-positive reply suppresses the point: the same line in the next version is not reported", async () => {
    const { box, store, cfg } = await setup();
    const added = ["\t/* TODO: drop the fallback once all arches have it */", "\tklp_try_switch_task(task);"];
    await dovecot.append(box, patchMail({ id: "<fp-1@example.org>", subject: "[PATCH] livepatch: feedback", added }));
    await watchOnce(cfg, store);
    const sent = repliesTo("<fp-1@example.org>");
    expect(sent).toHaveLength(1);
    const botReply = replyIdOf(sent[0]!.raw);
    // The list echoes the bot's reply, then the author answers it.
    await dovecot.append(box, sent[0]!.raw);
    await dovecot.append(
      box,
      feedbackMail("<fp-cmd@example.org>", "Jane Developer <jane@example.org>", "<fp-1@example.org>", botReply, "lkreview: false-positive test-todo"),
    );
    const r = await watchOnce(cfg, store);
    expect(r.code).toBe(0);
    expect(r.log).toMatch(
      /feedback: <fp-cmd@example.org>: test-todo [0-9a-f]+ at kernel\/livepatch\/transition.c:43 marked false positive by jane@example.org \(the patch author\)/,
    );
    const suppressions = await store.listSuppressions();
    expect(suppressions.map((s) => [s.rule, s.who])).toEqual([["test-todo", "jane@example.org"]]);

    await dovecot.append(box, patchMail({ id: "<fp-2@example.org>", subject: "[PATCH v2] livepatch: feedback", added }));
    const next = await watchOnce(cfg, store);
    expect(next.code).toBe(0);
    expect(repliesTo("<fp-2@example.org>")).toHaveLength(0);
    expect(next.log).toContain('<fp-2@example.org> "[PATCH v2] livepatch: feedback": 0 finding(s)');
    await store.close();
  });

  it("the same command from a stranger is ignored and logged; a maintainer's ack counts as confirmed", async () => {
    const { box, store, cfg } = await setup();
    await dovecot.append(box, patchMail({ id: "<st-1@example.org>", subject: "[PATCH] livepatch: feedback" }));
    await watchOnce(cfg, store);
    const sent = repliesTo("<st-1@example.org>");
    expect(sent).toHaveLength(1);
    const botReply = replyIdOf(sent[0]!.raw);
    await dovecot.append(
      box,
      feedbackMail("<st-cmd@example.net>", "Random Person <random@example.net>", "<st-1@example.org>", botReply, "lkreview: false-positive"),
    );
    const r = await watchOnce(cfg, store);
    expect(r.log).toContain(
      `feedback: <st-cmd@example.net>: ignored, random@example.net is not the patch author, a maintainer of ${LIVEPATCH_LIST} or a recipient of ${botReply}`,
    );
    expect(await store.listSuppressions()).toEqual([]);
    expect(await store.feedbackList()).toEqual([]);

    await dovecot.append(box, feedbackMail("<st-ack@example.com>", "Petr Maintainer <petr@example.com>", "<st-1@example.org>", botReply, "lkreview: ack"));
    const acked = await watchOnce(cfg, store);
    expect(acked.log).toContain("confirmed by petr@example.com (a maintainer of the list)");
    expect((await store.feedbackList()).map((f) => [f.verdict, f.who])).toEqual([["ack", "petr@example.com"]]);
    expect(await store.listSuppressions()).toEqual([]);
    await store.close();
  });
});
