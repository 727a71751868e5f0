import { afterAll, describe, expect, it } from "vitest";
import { LkreviewError } from "../../src/errors.js";
import { openStore } from "../../src/store/open.js";
import { reportableFindings, withSuppressions } from "../../src/store/queue-rules.js";
import type { Store } from "../../src/store/store.js";
import { draftFor, finding, newItem } from "./fixtures.js";

/**
 * The one store contract, run against every implementation. `freshDb` returns
 * the `--db` value of a new, empty database (a SQLite path or a postgres URL).
 */
export function storeContract(name: string, freshDb: () => Promise<string>): void {
  describe(`store contract: ${name}`, () => {
    const open: Store[] = [];
    const fresh = async (): Promise<{ db: string; store: Store }> => {
      const db = await freshDb();
      const store = await openStore(db);
      open.push(store);
      return { db, store };
    };
    afterAll(async () => {
      for (const s of open) await s.close().catch(() => undefined);
    });

    it("migrates on open, again as a no-op, and from several openers at once", async () => {
      const db = await freshDb();
      const stores = await Promise.all([openStore(db), openStore(db), openStore(db)]);
      open.push(...stores);
      const [a, b] = stores;
      await a.upsertItem(newItem(1));
      const again = await openStore(db);
      open.push(again);
      expect((await again.listItems()).map((i) => i.messageId)).toEqual([newItem(1).messageId]);
      expect(await b.getItemByMessageId(newItem(1).messageId)).not.toBeNull();
    });

    it("records Message-IDs seen once", async () => {
      const { store } = await fresh();
      expect(await store.hasSeen("<a@example.org>")).toBe(false);
      expect(await store.markSeen("<a@example.org>", "imap:INBOX/1")).toBe(true);
      expect(await store.markSeen("<a@example.org>", "imap:INBOX/1")).toBe(false);
      expect(await store.hasSeen("<a@example.org>")).toBe(true);
    });

    it("derives state and priority from findings, and updates an item in place", async () => {
      const { store } = await fresh();
      const clean = await store.upsertItem(newItem(1));
      const note = await store.upsertItem(newItem(2, { findings: [finding("typo", "note", "aa01")], draft: draftFor(2) }));
      const error = await store.upsertItem(
        newItem(3, { findings: [finding("typo", "note", "aa02"), finding("errcode", "error", "aa03")], draft: draftFor(3) }),
      );
      expect(clean.state).toBe("clean");
      expect(note.state).toBe("needs-attention");
      expect(error.priority).toBeLessThan(note.priority);
      expect(note.priority).toBeLessThan(clean.priority);
      expect((await store.listItems()).map((i) => i.id)).toEqual([error.id, note.id, clean.id]);

      const again = await store.upsertItem(newItem(1, { findings: [finding("warn", "warning", "aa04")], draft: draftFor(1) }));
      expect(again.id).toBe(clean.id);
      expect(again.state).toBe("needs-attention");
      expect(again.createdAt).toBe(clean.createdAt);
      expect(await store.listItems()).toHaveLength(3);
    });

    it("keeps untrusted text byte for byte", async () => {
      const { store } = await fresh();
      const subject = `[PATCH] <script>alert(1)</script> 'x' "y" \u00e9\u4e2d ; DROP TABLE items; --`;
      const item = await store.upsertItem(newItem(1, { subject, author: `"O'Brien, <img src=x onerror=alert(1)>" <ob@example.org>` }));
      const back = await store.getItem(item.id);
      expect(back?.subject).toBe(subject);
      expect(back?.author).toContain("<img src=x onerror=alert(1)>");
      expect(back?.patch).toBe(newItem(1).patch);
    });

    it("allows new/needs-attention/clean -> approved -> sent and any -> dismissed, nothing else", async () => {
      const { store } = await fresh();
      const item = await store.upsertItem(newItem(1, { findings: [finding("errcode", "error", "bb01")], draft: draftFor(1) }));
      await expect(store.setState(item.id, "sent", "maint")).rejects.toThrow(`item ${item.id}: cannot go from needs-attention to sent`);
      expect((await store.setState(item.id, "approved", "maint")).state).toBe("approved");
      expect((await store.setState(item.id, "sent", "maint")).state).toBe("sent");
      const err = await store.setState(item.id, "approved", "maint").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LkreviewError);
      expect((err as LkreviewError).code).toBe("USAGE");
      expect((err as LkreviewError).message).toBe(`item ${item.id}: cannot go from sent to approved`);
      expect((await store.setState(item.id, "dismissed", "maint")).state).toBe("dismissed");
      await expect(store.setState(item.id, "approved", "maint")).rejects.toThrow("cannot go from dismissed to approved");
      await expect(store.setState(9999, "approved", "maint")).rejects.toThrow("item 9999: no such item");
      const other = await store.upsertItem(newItem(2));
      await expect(store.setState(other.id, "needs-attention", "maint")).rejects.toThrow("cannot go from clean to needs-attention");
    });

    it("keeps an approval across a re-review only when the draft is unchanged", async () => {
      const { store } = await fresh();
      const spec = newItem(1, { findings: [finding("errcode", "error", "bb02")], draft: draftFor(1) });
      const item = await store.upsertItem(spec);
      await store.setState(item.id, "approved", "maint");
      expect((await store.upsertItem(spec)).state).toBe("approved");
      expect((await store.upsertItem({ ...spec, draft: `${draftFor(1)}More.\n` })).state).toBe("needs-attention");
    });

    it("filters by state, list, author, path and since, and sorts", async () => {
      const { store } = await fresh();
      const a = await store.upsertItem(newItem(1, { findings: [finding("errcode", "error", "cc01")], draft: draftFor(1) }));
      const b = await store.upsertItem(newItem(2, { author: "Bob Hacker <bob@example.com>", listId: "bpf.vger.kernel.org", paths: ["kernel/bpf/verifier.c"] }));
      const c = await store.upsertItem(newItem(3, { paths: ["samples/livepatch/livepatch-100%_sample.c"] }));
      const ids = (items: { id: number }[]): number[] => items.map((i) => i.id).sort((x, y) => x - y);
      expect(ids(await store.listItems({ state: "clean" }))).toEqual([b.id, c.id]);
      expect(ids(await store.listItems({ listId: "bpf.vger.kernel.org" }))).toEqual([b.id]);
      expect(ids(await store.listItems({ author: "BOB" }))).toEqual([b.id]);
      expect(ids(await store.listItems({ path: "kernel/bpf" }))).toEqual([b.id]);
      expect(ids(await store.listItems({ path: "100%_" }))).toEqual([c.id]);
      // `%` and `_` are literal characters in a filter, not wildcards.
      expect(ids(await store.listItems({ path: "livepatch%state" }))).toEqual([]);
      expect(ids(await store.listItems({ since: "2000-01-01" }))).toEqual([a.id, b.id, c.id]);
      expect(await store.listItems({ since: "2999-01-01" })).toEqual([]);
      await expect(store.listItems({ since: "yesterday-ish" })).rejects.toThrow("not a date");
      expect((await store.listItems({ sort: "id", dir: "desc" })).map((i) => i.id)).toEqual([c.id, b.id, a.id]);
      expect((await store.listItems({ sort: "author", dir: "asc" }))[0]?.id).toBe(b.id);
      expect(await store.listItems({ sort: "id", limit: 2 })).toHaveLength(2);
    });

    it("edits drafts, assigns and notes; a sent draft is frozen", async () => {
      const { store } = await fresh();
      const item = await store.upsertItem(newItem(1, { findings: [finding("errcode", "error", "dd01")], draft: draftFor(1) }));
      expect((await store.setDraft(item.id, "edited\n", "maint")).draft).toBe("edited\n");
      expect((await store.assign(item.id, "Petr <petr@example.com>")).assignee).toBe("Petr <petr@example.com>");
      const noted = await store.addNote(item.id, "maint", "wait for v2");
      expect(noted.notes.map((n) => [n.who, n.text])).toEqual([["maint", "wait for v2"]]);
      await store.setState(item.id, "approved", "maint");
      await store.setState(item.id, "sent", "maint");
      await expect(store.setDraft(item.id, "late\n", "maint")).rejects.toThrow("already sent");
    });

    it("stores drafts with LF, removes a draft, and filters by assignee and fingerprint", async () => {
      const { store } = await fresh();
      const crlf = draftFor(1).replace(/\n/g, "\r\n");
      const a = await store.upsertItem(newItem(1, { findings: [finding("errcode", "error", "ee01")], draft: crlf }));
      const b = await store.upsertItem(newItem(2, { findings: [finding("typo", "note", "ee02")], draft: draftFor(2) }));
      expect(a.draft).toBe(draftFor(1));
      // The same review queued again (CRLF as composed) keeps its approval: the draft did not change.
      await store.setState(a.id, "approved", "maint");
      expect((await store.upsertItem(newItem(1, { findings: [finding("errcode", "error", "ee01")], draft: crlf }))).state).toBe("approved");
      expect((await store.setDraft(b.id, "x\r\ny\r\n", "maint")).draft).toBe("x\ny\n");
      expect((await store.setDraft(b.id, null, "lkreview", "draft removed")).draft).toBeNull();
      await store.assign(b.id, "miroslav");
      expect((await store.listItems({ assignee: "miroslav" })).map((i) => i.id)).toEqual([b.id]);
      expect((await store.listItems({ assignee: null })).map((i) => i.id)).toEqual([a.id]);
      expect((await store.listItems({ fingerprint: "ee02" })).map((i) => i.id)).toEqual([b.id]);
      expect(await store.listItems({ fingerprint: "ee0" })).toEqual([]);
    });

    it("suppresses a false positive visibly and reversibly, across items", async () => {
      const { store } = await fresh();
      const fp = finding("errcode", "error", "ee01");
      const keep = finding("typo", "note", "ee02", { class: "typo" });
      const one = await store.upsertItem(newItem(1, { findings: [fp], draft: draftFor(1) }));
      const two = await store.upsertItem(newItem(2, { findings: [fp, keep], draft: draftFor(2) }));
      await store.suppress({ rule: "errcode", fingerprint: "ee01", reason: "returns 0 on purpose", who: "maint" });
      expect(await store.isSuppressed("errcode", "ee01")).toBe(true);
      expect(await store.isSuppressed("typo", "ee01")).toBe(false);
      expect((await store.listSuppressions()).map((s) => [s.rule, s.fingerprint, s.reason, s.who])).toEqual([
        ["errcode", "ee01", "returns 0 on purpose", "maint"],
      ]);
      const oneAfter = await store.getItem(one.id);
      expect(oneAfter?.state).toBe("clean");
      expect(oneAfter?.findings[0]?.tags).toContain("suppressed");
      const twoAfter = await store.getItem(two.id);
      expect(twoAfter?.state).toBe("needs-attention");
      expect(reportableFindings(twoAfter!.findings).map((f) => f.fingerprint)).toEqual(["ee02"]);
      // A later patch with the same point is not reported again.
      const three = await store.upsertItem(newItem(3, { findings: [fp], draft: draftFor(3) }));
      expect(three.state).toBe("clean");
      expect(reportableFindings(three.findings)).toEqual([]);
      // The helper a draft composer uses gives the same answer before the upsert.
      const tagged = await withSuppressions(store, [fp, keep]);
      expect(reportableFindings(tagged).map((f) => f.fingerprint)).toEqual(["ee02"]);

      await store.unsuppress("errcode", "ee01");
      expect(await store.listSuppressions()).toEqual([]);
      expect((await store.getItem(one.id))?.state).toBe("needs-attention");
      expect((await store.getItem(three.id))?.findings[0]?.tags).not.toContain("suppressed");
    });

    it("keeps an outbox that never sends one reply twice", async () => {
      const { store } = await fresh();
      const entry = { messageId: "<r1@example.net>", recipients: ["jane@example.org"], raw: draftFor(1), listId: "lp", itemId: 1 };
      expect(await store.outboxPut(entry)).toBe(true);
      expect(await store.outboxPut(entry)).toBe(false);
      expect(await store.outboxPut({ ...entry, messageId: "<r2@example.net>", listId: null, itemId: null })).toBe(true);
      const now = new Date();
      expect((await store.outboxDue(now)).map((e) => e.messageId)).toEqual(["<r1@example.net>", "<r2@example.net>"]);
      await store.outboxMarkRetry("<r2@example.net>", "421 try later", new Date(now.getTime() + 60_000));
      expect((await store.outboxDue(now)).map((e) => e.messageId)).toEqual(["<r1@example.net>"]);
      expect((await store.outboxDue(new Date(now.getTime() + 120_000))).map((e) => e.messageId)).toContain("<r2@example.net>");
      await store.outboxMarkSent("<r1@example.net>", now);
      const sent = await store.outboxGet("<r1@example.net>");
      expect(sent).toMatchObject({ state: "sent", attempts: 1, recipients: ["jane@example.org"], itemId: 1, listId: "lp" });
      expect(await store.outboxSentSince("lp", new Date(now.getTime() - 1000))).toBe(1);
      expect(await store.outboxSentSince(null, new Date(now.getTime() - 1000))).toBe(0);
      await store.outboxMarkFailed("<r2@example.net>", "550 no such user");
      expect(await store.outboxGet("<r2@example.net>")).toMatchObject({ state: "failed", attempts: 2, lastError: "550 no such user" });
      expect(await store.outboxDue(new Date(now.getTime() + 120_000))).toEqual([]);
      expect(await store.outboxGet("<none@example.net>")).toBeNull();
    });

    it("keeps IMAP checkpoints, GitHub fingerprints and the model cache", async () => {
      const { store } = await fresh();
      expect(await store.getImapCheckpoint("bot@example.org", "INBOX")).toBeNull();
      await store.setImapCheckpoint("bot@example.org", "INBOX", { uidValidity: "1700000000", lastUid: 42 });
      await store.setImapCheckpoint("bot@example.org", "INBOX", { uidValidity: "1700000000", lastUid: 3_000_000_000 });
      expect(await store.getImapCheckpoint("bot@example.org", "INBOX")).toEqual({ uidValidity: "1700000000", lastUid: 3_000_000_000 });
      await store.githubRecord("torvalds/linux", 7, ["f1", "f2"]);
      await store.githubRecord("torvalds/linux", 7, ["f2", "f3"]);
      expect([...(await store.githubPosted("torvalds/linux", 7))].sort()).toEqual(["f1", "f2", "f3"]);
      expect((await store.githubPosted("torvalds/linux", 8)).size).toBe(0);
      expect(await store.cacheGet("k")).toBeNull();
      await store.cachePut("k", "v1");
      await store.cachePut("k", "v2");
      expect(await store.cacheGet("k")).toBe("v2");
    });

    it("hands out work once, and again only after the lease runs out", async () => {
      const { store } = await fresh();
      expect(await store.workEnqueue("a", "pa")).toBe(true);
      expect(await store.workEnqueue("a", "pa")).toBe(false);
      await store.workEnqueue("b", "pb");
      await store.workEnqueue("c", "pc");
      const first = await store.workClaim("w1", 2, 60_000);
      expect(first).toHaveLength(2);
      const second = await store.workClaim("w2", 5, 60_000);
      expect(second).toHaveLength(1);
      expect(new Set([...first, ...second].map((w) => w.key))).toEqual(new Set(["a", "b", "c"]));
      expect(await store.workClaim("w3", 5, 60_000)).toEqual([]);
      for (const w of first) await store.workComplete(w.key);

      // w2 "dies" holding its claim; a short lease lets w3 take it over.
      await store.workEnqueue("d", "pd");
      const short = await store.workClaim("w2", 1, 1);
      expect(short.map((w) => w.key)).toEqual(["d"]);
      await new Promise((r) => setTimeout(r, 30));
      const taken = await store.workClaim("w3", 5, 60_000);
      expect(taken).toEqual([{ key: "d", payload: "pd" }]);
      for (const w of [...second, ...taken]) await store.workComplete(w.key);
      expect(await store.workClaim("w4", 5, 0)).toEqual([]);
      expect(await store.workEnqueue("a", "pa")).toBe(false);
    });
  });
}
