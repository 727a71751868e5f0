import { describe, expect, it } from "vitest";
import type { Mail } from "../../src/model.js";
import { SeriesCollector } from "../../src/mail/series-collector.js";
import type { Part } from "../../src/mail/series-collector.js";

const T0 = new Date("2025-03-04T08:15:00Z");

function part(id: string, index: number, total: number, opts: { replyTo?: string; from?: string; version?: number; uid?: number; at?: Date } = {}): Part {
  const mail = {
    messageId: id,
    from: { name: "", address: opts.from ?? "jane@example.org" },
    inReplyTo: opts.replyTo ?? null,
    references: opts.replyTo ? [opts.replyTo] : [],
  } as unknown as Mail;
  return {
    source: id,
    uid: opts.uid ?? index + 1,
    arrival: opts.at ?? T0,
    mail,
    patch: index === 0 ? null : ({ mail, subject: {}, commitMessage: [], files: [] } as never),
    index,
    total,
    version: opts.version ?? 1,
  };
}

describe("series collection", () => {
  it("holds parts until all have arrived, in any order, then hands them over together in index order", () => {
    const c = new SeriesCollector(600_000);
    c.add(part("<p2>", 2, 3, { replyTo: "<cover>" }));
    c.add(part("<p1>", 1, 3, { replyTo: "<cover>" }));
    expect(c.takeReady(T0)).toEqual([]);
    c.add(part("<cover>", 0, 3));
    c.add(part("<p3>", 3, 3, { replyTo: "<cover>" }));
    const ready = c.takeReady(T0);
    expect(ready).toHaveLength(1);
    expect(ready[0]!.complete).toBe(true);
    expect(ready[0]!.series.rootMessageId).toBe("<cover>");
    expect(ready[0]!.series.patches.map((p) => p.mail.messageId)).toEqual(["<p1>", "<p2>", "<p3>"]);
    expect(c.size).toBe(0);
  });

  it("gives up waiting after the wait, measured from the first part's arrival", () => {
    const c = new SeriesCollector(600_000);
    c.add(part("<p1>", 1, 2, { uid: 7 }));
    expect(c.pendingUids()).toEqual([7]);
    expect(c.nextDeadline()).toEqual(new Date(T0.getTime() + 600_000));
    expect(c.takeReady(new Date(T0.getTime() + 599_999))).toEqual([]);
    const ready = c.takeReady(new Date(T0.getTime() + 600_000));
    expect(ready.map((r) => r.complete)).toEqual([false]);
    expect(c.nextDeadline()).toBeNull();
  });

  it("keeps series of other authors, versions or threads apart, and a lone patch needs no wait", () => {
    const c = new SeriesCollector(600_000);
    c.add(part("<a1>", 1, 2, { replyTo: "<a0>" }));
    c.add(part("<b1>", 1, 2, { replyTo: "<a0>", version: 2 }));
    c.add(part("<c1>", 1, 2, { replyTo: "<a0>", from: "joe@example.org" }));
    c.add(part("<d1>", 1, 2, { replyTo: "<d0>" }));
    c.add(part("<lone>", 1, 1));
    const ready = c.takeReady(T0);
    expect(ready.map((r) => r.series.patches[0]!.mail.messageId)).toEqual(["<lone>"]);
    expect(c.size).toBe(4);
  });

  it("a wait of 0 reviews whatever is there at once, and a part seen twice counts once", () => {
    const c = new SeriesCollector(0);
    c.add(part("<p1>", 1, 4));
    c.add(part("<p1>", 1, 4));
    const ready = c.takeReady(T0);
    expect(ready).toHaveLength(1);
    expect(ready[0]!.parts).toHaveLength(1);
  });
});
