import { afterAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open.js";
import type { ReviewRecord, Store } from "../../src/store/store.js";

/** A review record of a made-up livepatch patch. */
export function review(n: number, over: Partial<Omit<ReviewRecord, "createdAt">> = {}): Omit<ReviewRecord, "createdAt"> {
  return {
    messageId: `<rev-${n}@example.org>`,
    listId: "live-patching.vger.kernel.org",
    author: "Jane@Example.org",
    titleKey: "livepatch: retry the switch",
    version: n,
    part: 1,
    total: 1,
    findings: [
      {
        rule: "errcode",
        fingerprint: `fp${n}`,
        file: "kernel/livepatch/core.c",
        line: 12,
        message: "Shouldn't this return -EINVAL?",
        anchored: ["\treturn 0;"],
      },
    ],
    replyMessageId: `<lkreview-${n}@example.org>`,
    recipients: ["jane@example.org", "live-patching@vger.kernel.org"],
    repliedAt: null,
    promptTokens: 100 * n,
    completionTokens: 10 * n,
    durationMs: 1000,
    ...over,
  };
}

/** The etiquette part of the store contract, run against every implementation. */
export function etiquetteContract(name: string, freshDb: () => Promise<string>): void {
  describe(`etiquette store contract: ${name}`, () => {
    const open: Store[] = [];
    const fresh = async (): Promise<Store> => {
      const store = await openStore(await freshDb());
      open.push(store);
      return store;
    };
    afterAll(async () => {
      for (const s of open) await s.close().catch(() => undefined);
    });

    it("saves review records, replaces them by Message-ID, and finds them by reply and by title", async () => {
      const store = await fresh();
      await store.reviewSave(review(2));
      await store.reviewSave(review(3, { findings: [] }));
      await store.reviewSave(review(9, { author: "bob@example.org" }));
      const first = await store.reviewGet("<rev-2@example.org>");
      expect(first?.author).toBe("jane@example.org");
      expect(first?.findings[0]?.anchored).toEqual(["\treturn 0;"]);
      await store.reviewSave(review(2, { repliedAt: "2025-03-04T10:00:00.000Z" }));
      const again = await store.reviewGet("<rev-2@example.org>");
      expect(again?.repliedAt).toBe("2025-03-04T10:00:00.000Z");
      expect(again?.createdAt).toBe(first?.createdAt);
      expect((await store.reviewByReply("<lkreview-3@example.org>"))?.messageId).toBe("<rev-3@example.org>");
      expect(await store.reviewByReply("<nothing@example.org>")).toBeNull();
      expect((await store.reviewsByTitle("JANE@example.org", "livepatch: retry the switch")).map((r) => r.version)).toEqual([2, 3]);
      expect(await store.reviewsList()).toHaveLength(3);
      expect(await store.reviewsList("2999-01-01")).toEqual([]);
      await expect(store.reviewsList("not a date")).rejects.toThrow("not a date");
    });

    it("records feedback once per mail and finding", async () => {
      const store = await fresh();
      const f = {
        mailId: "<fb@example.org>",
        reviewId: "<rev-1@example.org>",
        rule: "errcode",
        fingerprint: "fp1",
        verdict: "ack" as const,
        who: "Petr@example.com",
        listId: null,
      };
      expect(await store.feedbackAdd(f)).toBe(true);
      expect(await store.feedbackAdd(f)).toBe(false);
      expect(await store.feedbackAdd({ ...f, mailId: "<fb2@example.org>", verdict: "false-positive" })).toBe(true);
      expect((await store.feedbackList()).map((e) => [e.mailId, e.verdict, e.who]).sort()).toEqual([
        ["<fb2@example.org>", "false-positive", "petr@example.com"],
        ["<fb@example.org>", "ack", "petr@example.com"],
      ]);
    });

    it("keeps thread replies and finds them by any parent, never by a longer id containing it", async () => {
      const store = await fresh();
      expect(await store.threadAdd({ messageId: "<r1@example.com>", parents: ["<p1@example.org>"], from: "Maint@example.com", body: "> +x\nno" })).toBe(true);
      expect(await store.threadAdd({ messageId: "<r1@example.com>", parents: ["<p1@example.org>"], from: "maint@example.com", body: "" })).toBe(false);
      await store.threadAdd({ messageId: "<r2@example.com>", parents: ["<p1@example.org>", "<r1@example.com>"], from: "a@example.com", body: "b" });
      await store.threadAdd({ messageId: "<r3@example.com>", parents: ["<xp1@example.org>"], from: "a@example.com", body: "c" });
      await store.threadAdd({ messageId: "<r4@example.com>", parents: ["<p%1@example.org>"], from: "a@example.com", body: "d" });
      const got = await store.threadReplies("<p1@example.org>");
      expect(got.map((r) => r.messageId)).toEqual(["<r1@example.com>", "<r2@example.com>"]);
      expect(got[0]).toMatchObject({ from: "maint@example.com", body: "> +x\nno", parents: ["<p1@example.org>"] });
      expect((await store.threadReplies("<p%1@example.org>")).map((r) => r.messageId)).toEqual(["<r4@example.com>"]);
    });

    it("holds replies until they are due, once per patch, and closes them", async () => {
      const store = await fresh();
      expect(await store.deferPut({ messageId: "<p1@example.org>", listId: null, dueAt: "2025-03-05T08:00:00.000Z", payload: "{}" })).toBe(true);
      expect(await store.deferPut({ messageId: "<p1@example.org>", listId: null, dueAt: "2025-03-09T08:00:00.000Z", payload: "{}" })).toBe(false);
      await store.deferPut({ messageId: "<p2@example.org>", listId: "l", dueAt: "2025-03-04T08:00:00.000Z", payload: '{"a":1}' });
      expect(await store.deferDue(new Date("2025-03-04T07:00:00Z"))).toEqual([]);
      expect((await store.deferDue(new Date("2025-03-06T00:00:00Z"))).map((d) => d.messageId)).toEqual(["<p2@example.org>", "<p1@example.org>"]);
      await store.deferDone("<p2@example.org>", "sent");
      const left = await store.deferDue(new Date("2025-03-06T00:00:00Z"));
      expect(left.map((d) => [d.messageId, d.state])).toEqual([["<p1@example.org>", "pending"]]);
    });
  });
}
