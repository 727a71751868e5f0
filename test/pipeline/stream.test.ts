import { describe, expect, it } from "vitest";
import { ConfigSchema } from "../../src/config.js";
import type { BatchEvent } from "../../src/pipeline.js";
import { reviewBatch, reviewStream } from "../../src/pipeline.js";
import { item, leakyFunction, patchBody, rawMail, stream } from "./mails.js";
import type { IngestItem } from "../../src/ingest/item.js";

const config = ConfigSchema.parse({});
const deps = { config, model: null, jobs: 1, now: () => new Date(0) };

async function events(items: IngestItem[], extra: { seriesWindow?: number } = {}): Promise<BatchEvent[]> {
  const out: BatchEvent[] = [];
  for await (const ev of reviewStream(stream(items), { ...deps, ...extra })) out.push(ev);
  return out;
}

function idOf(ev: BatchEvent): string {
  if (ev.kind === "reviewed") return ev.reviewed.review.messageId;
  if (ev.kind === "skipped") return ev.skipped.messageId;
  return ev.error.source;
}

const lone = (id: string, fn = "demo_probe"): IngestItem =>
  item(id, rawMail({ id, subject: "[PATCH] demo: Reset the hardware in probe", body: patchBody("drivers/demo/core.c", leakyFunction(fn)) }));

const part = (id: string, i: number, n: number, root: string | null, from?: string): IngestItem => {
  const spec: Parameters<typeof rawMail>[0] = {
    id,
    subject: `[PATCH v2 ${i}/${n}] demo: Part ${i}`,
    body: patchBody(`drivers/demo/part${i}.c`, leakyFunction(`demo_part${i}_init`)),
  };
  if (root) Object.assign(spec, { inReplyTo: root, references: [root] });
  if (from) spec.from = from;
  return item(id, rawMail(spec));
};

const cover = (id: string, n: number): IngestItem =>
  item(id, rawMail({ id, subject: `[PATCH v2 0/${n}] demo: Rework the probe path`, body: "This series reworks the probe path.\n\n-- \n2.47.1\n" }));

const reply = (id: string, to: string): IngestItem =>
  item(
    id,
    rawMail({
      id,
      subject: "Re: [PATCH] demo: Reset the hardware in probe",
      inReplyTo: to,
      references: [to],
      body: "> +\tp = kzalloc(sizeof(*p), GFP_KERNEL);\n\nLooks fine.\n",
    }),
  );

describe("reviewStream", () => {
  it("yields one event per message, in input order, while a series waits for its parts", async () => {
    const items = [
      lone("a@example.org"),
      reply("r1@example.org", "a@example.org"),
      item("junk", Buffer.from("this is not a mail at all\n")),
      cover("c@example.org", 2),
      lone("b@example.org", "demo_other_probe"),
      part("s1@example.org", 1, 2, "c@example.org"),
      reply("r2@example.org", "s1@example.org"),
      part("s2@example.org", 2, 2, "c@example.org"),
    ];
    const evs = await events(items);
    expect(evs.map((e) => e.kind)).toEqual(["reviewed", "skipped", "error", "reviewed", "reviewed", "reviewed", "skipped", "reviewed"]);
    expect(evs.map(idOf)).toEqual([
      "<a@example.org>",
      "<r1@example.org>",
      "junk",
      "<c@example.org>",
      "<b@example.org>",
      "<s1@example.org>",
      "<r2@example.org>",
      "<s2@example.org>",
    ]);
    const s1 = evs[5];
    const s2 = evs[7];
    if (s1?.kind !== "reviewed" || s2?.kind !== "reviewed") throw new Error("series parts not reviewed");
    expect(s1.reviewed.series).toBe(s2.reviewed.series);
    expect(s1.reviewed.series?.patches.map((p) => p.mail.messageId)).toEqual(["<s1@example.org>", "<s2@example.org>"]);
    expect(s1.reviewed.series?.cover?.messageId).toBe("<c@example.org>");
    // The lone patch's leak is found: the rules really ran.
    const a = evs[0];
    if (a?.kind !== "reviewed") throw new Error("lone patch not reviewed");
    expect(a.reviewed.review.findings.map((f) => f.rule)).toContain("unreleased");
  });

  it("groups a series whose parts arrive out of order, interleaved with other mail, without its cover", async () => {
    const root = "absent-cover@example.org";
    const items = [
      part("p3@example.org", 3, 3, root),
      lone("x1@example.org"),
      part("p1@example.org", 1, 3, root),
      reply("x2@example.org", "x1@example.org"),
      // Same thread root and version but another sender: not the same series.
      part("q1@example.org", 1, 3, root, "Tomas Berg <tberg@example.net>"),
      part("p2@example.org", 2, 3, root),
    ];
    const evs = await events(items);
    expect(evs.map(idOf)).toEqual(items.map((i) => `<${i.source}>`));
    const seriesOf = (id: string) => {
      const ev = evs.find((e) => idOf(e) === `<${id}>`);
      return ev?.kind === "reviewed" ? ev.reviewed.series : undefined;
    };
    expect(seriesOf("p1@example.org")?.patches.map((p) => p.subject.index)).toEqual([1, 2, 3]);
    expect(seriesOf("p3@example.org")).toBe(seriesOf("p1@example.org"));
    expect(seriesOf("q1@example.org")?.patches.map((p) => p.mail.messageId)).toEqual(["<q1@example.org>"]);
  });

  it("gives up waiting for a part after the window passes, and keeps the order", async () => {
    const items = [
      part("t1@example.org", 1, 2, "t0@example.org"),
      ...["l1", "l2", "l3", "l4"].map((n, i) => lone(`${n}@example.org`, `demo_fn${i}`)),
      part("t2@example.org", 2, 2, "t0@example.org"),
    ];
    const small = await events(items, { seriesWindow: 3 });
    expect(small.map(idOf)).toEqual(items.map((i) => `<${i.source}>`));
    const first = small[0];
    const last = small[5];
    if (first?.kind !== "reviewed" || last?.kind !== "reviewed") throw new Error("parts not reviewed");
    expect(first.reviewed.series?.patches.map((p) => p.subject.index)).toEqual([1]);
    expect(last.reviewed.series?.patches.map((p) => p.subject.index)).toEqual([2]);

    const roomy = await events(items);
    const a = roomy[0];
    if (a?.kind !== "reviewed") throw new Error("part not reviewed");
    expect(a.reviewed.series?.patches.map((p) => p.subject.index)).toEqual([1, 2]);
  });

  it("collects the same stream into a BatchResult for callers that want it whole", async () => {
    const result = await reviewBatch(stream([lone("a@example.org"), reply("r@example.org", "a@example.org")]), deps);
    expect(result.reviewed.map((r) => r.review.messageId)).toEqual(["<a@example.org>"]);
    expect(result.skipped.map((s) => s.messageId)).toEqual(["<r@example.org>"]);
    expect(result.errors).toEqual([]);
  });
});
