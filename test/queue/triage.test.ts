import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { DEFAULT_LIMITS } from "../../src/limits.js";
import { parseMail } from "../../src/parse/mime.js";
import { classifyMail } from "../../src/parse/patch.js";
import { QUEUE_STORE_OPTIONS, runQueueCommand } from "../../src/queue/commands.js";
import type { Deliver } from "../../src/queue/send.js";
import { composeReply } from "../../src/report/lkml/compose.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/store.js";
import { draftFor, finding, newItem, PATCH_BODY } from "../store/fixtures.js";

const dir = mkdtempSync(join(tmpdir(), "lkreview-triage-"));
let n = 0;
let store: Store;
afterAll(() => rmSync(dir, { recursive: true, force: true }));
beforeEach(async () => {
  store = await openStore(join(dir, `t${++n}.sqlite`));
  return async () => store.close();
});

async function run(argv: string[], deliver?: Deliver): Promise<{ code: number; out: string; err: string }> {
  let out = "";
  let err = "";
  const code = await runQueueCommand(argv, store, {
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
    env: { USER: "petr" },
    ...(deliver ? { deliver } : {}),
  });
  return { code, out, err };
}

const PATCH_MAIL = [
  "From: Jane Developer <jane@example.org>",
  "To: live-patching@vger.kernel.org",
  "Cc: Some Maintainer <maint@example.com>",
  "Date: Tue, 4 Mar 2025 09:15:07 +0100",
  "Subject: [PATCH] livepatch: Track callback states per object",
  "Message-ID: <20250304081507.77-1-jane@example.org>",
  "",
  PATCH_BODY,
].join("\n");

const ERRCODE = finding("errcode", "error", "e0e0e0e0", { line: 13, endLine: 13 });
const TYPO = finding("typo", "note", "70707070", {
  class: "typo",
  file: "COMMIT_MSG",
  line: 1,
  endLine: 1,
  message: "callback -> callbacks",
  fix: { from: "callback", to: "callbacks" },
});

/** Queues the patch the way `review --enqueue` does: the composer's CRLF draft, the mail body as patch text. */
async function queueReviewed(): Promise<number> {
  const mail = await parseMail({ source: "t", raw: new TextEncoder().encode(PATCH_MAIL) }, DEFAULT_LIMITS);
  const patch = classifyMail(mail).patch!;
  const findings = [TYPO, ERRCODE];
  const composed = composeReply(patch, findings, {
    from: "lkreview <lkreview@example.net>",
    signature: ["lkreview", "Automated review; reply to this mail if a point is wrong."],
    version: "0.1.0",
    date: new Date("2025-03-05T10:00:00Z"),
  });
  const item = await store.upsertItem({
    messageId: mail.messageId,
    subject: mail.subject,
    author: "Jane Developer <jane@example.org>",
    listId: null,
    paths: ["kernel/livepatch/state.c"],
    findings,
    draft: composed!.raw,
    patch: mail.body,
  });
  return item.id;
}

const draftOf = (show: string): string => show.slice(show.indexOf("Draft reply:"));

describe("marking a false positive recomposes the draft", () => {
  it("drops the point from the draft, lists it apart, and counts consistently", async () => {
    const id = await queueReviewed();
    const before = (await run(["show", String(id)])).out;
    expect(draftOf(before)).toContain('"callbacks"');
    const oldId = /Message-ID: (<lkreview-[^>]+>)/.exec(draftOf(before))?.[1];

    expect((await run(["suppress", String(id), TYPO.fingerprint])).code).toBe(0);
    const after = (await run(["show", String(id)])).out;
    expect(after).toContain("Findings (1):\n  kernel/livepatch/state.c:13: ERROR:errcode:");
    expect(after).toContain(
      "Marked false positive (1), not counted and not in the draft:\n  COMMIT_MSG:1: NOTE:typo: callback -> callbacks (70707070) [false positive]",
    );
    const draft = draftOf(after);
    expect(draft).not.toContain('"callbacks"');
    expect(draft).not.toContain("> Track the state");
    expect(draft).toContain("> +\t\treturn 0;");
    expect(draft).toContain("On Tue, Mar 04, 2025 at 09:15:07AM +0100, Jane Developer wrote:");
    expect(draft).toContain("Cc: live-patching@vger.kernel.org, Some Maintainer <maint@example.com>");
    // A different set of points is a different reply: a new Message-ID, so an
    // outbox entry of the old draft can never be sent in its place.
    const newId = /Message-ID: (<lkreview-[^>]+>)/.exec(draft)?.[1];
    expect(newId).toBeDefined();
    expect(newId).not.toBe(oldId);
  });

  it("leaves a clean item without a draft when no point is left, and brings it back on undo", async () => {
    const id = await queueReviewed();
    await run(["suppress", String(id), TYPO.fingerprint]);
    expect((await run(["suppress", String(id), ERRCODE.fingerprint])).out).toBe(`item ${id}: ${ERRCODE.fingerprint} marked false positive; item is clean\n`);
    const show = (await run(["show", String(id)])).out;
    expect(show).toContain(`Item ${id}: clean`);
    expect(show).toContain("Findings (0):\n  none");
    expect(show).toContain("No draft reply.");
    expect((await run(["approve", String(id)])).err).toContain("has no draft reply to approve");
  });

  it("keeps a hand-edited draft and notes that it still makes the point", async () => {
    const id = await queueReviewed();
    const item = await store.getItem(id);
    await store.setDraft(id, item!.draft!.replace("Shouldn't it return -EINVAL?", "Please return -EINVAL here."), "petr");
    await run(["suppress", String(id), TYPO.fingerprint]);
    const show = (await run(["show", String(id)])).out;
    expect(draftOf(show)).toContain('"callbacks"');
    expect(draftOf(show)).toContain("Please return -EINVAL here.");
    expect(show).toMatch(
      /Notes \(1\):\n {2}\S+ \S+ petr: typo 70707070 was marked false positive, but the draft still makes that point; the draft was edited, so it was kept as it is\./,
    );
  });
});

describe("queue send", () => {
  it("dates the reply at sending, in CRLF, with the Message-ID unchanged", async () => {
    const id = await queueReviewed();
    const msgId = /Message-ID: (<[^>]+>)/.exec((await store.getItem(id))!.draft!)![1]!;
    await run(["approve", String(id)]);
    let raw = "";
    const start = Date.now();
    expect((await run(["send"], async (_i, e) => void (raw = e.raw))).code).toBe(0);
    const date = /\r\nDate: ([^\r\n]+)\r\n/.exec(raw)?.[1] ?? "";
    expect(date).not.toBe("Wed, 05 Mar 2025 10:00:00 +0000");
    expect(Math.abs(Date.parse(date) - start)).toBeLessThan(5000);
    expect(date).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);
    expect(raw.match(/^Date:/gm)).toHaveLength(1);
    expect(raw).toContain(`\r\nMessage-ID: ${msgId}\r\n`);
    expect(raw.replace(/\r\n/g, "")).not.toContain("\n");
    expect(raw).toContain("\r\n\r\nOn Tue, Mar 04, 2025");
  });

  it("adds a Date to a hand-written draft that has none", async () => {
    const item = await store.upsertItem(newItem(1, { findings: [finding("errcode", "error", "d001")], draft: draftFor(1) }));
    await run(["approve", String(item.id)]);
    let raw = "";
    await run(["send"], async (_i, e) => void (raw = e.raw));
    expect(raw).toMatch(/\r\nDate: [A-Z][a-z]{2}, \d{2} .* \+0000\r\nMessage-ID: <lkreview\.1@example\.net>\r\n/);
  });
});

describe("queue show of a CRLF draft", () => {
  it("prints no ? at line ends, and the draft is stored with LF", async () => {
    const id = await queueReviewed();
    expect((await store.getItem(id))!.draft).not.toContain("\r");
    const out = (await run(["show", String(id)])).out;
    expect(out.split("\n").filter((l) => l.endsWith("?") && !l.includes("EINVAL"))).toEqual([]);
    expect(out).toContain("From: lkreview <lkreview@example.net>\nTo: Jane Developer <jane@example.org>\n");
    expect(out).toContain("Subject: Re: [PATCH] livepatch: Track callback states per object\nDate: ");
  });
});

describe("queue assign and note", () => {
  it("assigns, unassigns, notes, shows them and filters the list by assignee", async () => {
    const a = await store.upsertItem(newItem(1, { findings: [finding("errcode", "error", "a001")], draft: draftFor(1) }));
    const b = await store.upsertItem(newItem(2));
    expect(await run(["assign", String(a.id), "miroslav"])).toMatchObject({ code: 0, out: `item ${a.id}: assigned to miroslav\n` });
    expect(await run(["note", String(a.id), "checked", "with", "Petr"])).toMatchObject({ code: 0, out: `item ${a.id}: note added (1 in all)\n` });
    const show = (await run(["show", String(a.id)])).out;
    expect(show).toContain("Assignee:   miroslav\n");
    expect(show).toMatch(/Notes \(1\):\n {2}\d{4}-\d{2}-\d{2} \d{2}:\d{2} petr: checked with Petr\n/);
    const ids = async (args: string[]): Promise<number[]> =>
      (JSON.parse((await run(["list", "--format", "json", ...args])).out) as { id: number }[]).map((x) => x.id);
    expect(await ids(["--assignee", "miroslav"])).toEqual([a.id]);
    expect(await ids(["--assignee", "-"])).toEqual([b.id]);
    expect(await run(["assign", String(a.id), "-"])).toMatchObject({ out: `item ${a.id}: unassigned\n` });
    expect((await run(["show", String(a.id)])).out).toContain("Assignee:   -\n");
    expect((await run(["note", String(a.id), " "])).err).toContain(`item ${a.id}: the note is empty`);
    expect((await run(["assign", "999", "x"])).code).toBe(2);
  });
});

describe("opening the queue's store", () => {
  it("refuses a SQLite path that does not exist, creating nothing", async () => {
    const missing = join(dir, "typo", "x.sqlite");
    await expect(openStore(missing, QUEUE_STORE_OPTIONS)).rejects.toThrow(`no store at ${missing}; run review --enqueue or watch first`);
    expect(existsSync(join(dir, "typo"))).toBe(false);
  });
});
