import { describe, expect, it } from "vitest";
import { generateMessages } from "../../bench/generate.js";
import type { CorpusStats } from "../../bench/generate.js";
import { ruleOptionsFor } from "../../src/analyse/analyse.js";
import { runRules } from "../../src/analyse/engine.js";
import { ConfigSchema } from "../../src/config.js";
import { splitMbox } from "../../src/ingest/mbox.js";
import { isIngestFailure } from "../../src/ingest/item.js";
import type { Patch } from "../../src/model.js";
import { parseMail } from "../../src/parse/mime.js";
import { classifyMail } from "../../src/parse/patch.js";
import { SeriesWindow } from "../../src/parse/series-window.js";
import { reviewStream } from "../../src/pipeline.js";
import { mailWith } from "../helpers/mail.js";

const config = ConfigSchema.parse({});

/** A generated archive (series interleaved with other mail, replies, medium patches) as one mbox stream. */
async function* archive(bytes: number, seed: number): AsyncGenerator<Buffer> {
  const stats: CorpusStats = { messages: 0, patches: 0, bytes: 0, largestPatchLines: 0 };
  for (const msg of generateMessages({ bytes, seed, hugeRate: 0 }, stats)) yield Buffer.from(msg);
}

describe("streaming a large archive", () => {
  it("finds what reviewing each patch alone finds, and groups every series threaded under its cover", async () => {
    // Reference: everything in memory, grouped by groupSeries over the whole input.
    const patches: { patch: Patch; cover: boolean }[] = [];
    for await (const it of splitMbox(archive(800_000, 7), "gen", config.limits)) {
      if (isIngestFailure(it)) continue;
      const c = classifyMail(await parseMail(it, config.limits), config.limits);
      if (c.patch && (c.kind === "patch" || c.kind === "cover")) patches.push({ patch: c.patch, cover: c.kind === "cover" });
    }
    // The generator threads every part under its cover letter: that is the truth to group by.
    // (groupSeries over a whole batch would also join covers of the same author, version
    // and size, which carry no threading headers; the window lets a series go once complete.)
    const byRoot = new Map<string, Patch[]>();
    for (const { patch } of patches) {
      const root = patch.mail.inReplyTo;
      if (!root || patch.subject.index === 0 || patch.subject.total === 1) continue;
      byRoot.set(root, [...(byRoot.get(root) ?? []), patch]);
    }
    const seriesOf = new Map<Patch, string[]>();
    for (const { patch } of patches) {
      if (patch.subject.index === 0) continue;
      const root = patch.mail.inReplyTo;
      const members = root && patch.subject.total > 1 ? (byRoot.get(root) ?? []) : [patch];
      seriesOf.set(
        patch,
        [...members].sort((a, b) => a.subject.index - b.subject.index).map((q) => q.mail.messageId),
      );
    }
    const expected = new Map<string, { series: string[] | null; findings: string[] }>();
    for (const { patch, cover } of patches) {
      const { findings } = runRules(patch, null, ruleOptionsFor({ config, coverLetter: cover }));
      expected.set(patch.mail.messageId, { series: seriesOf.get(patch) ?? null, findings: findings.map((f) => `${f.fingerprint}:${f.line}`) });
    }
    expect(patches.length).toBeGreaterThan(80);
    expect([...seriesOf.values()].some((ids) => ids.length > 2)).toBe(true);

    const got = new Map<string, { series: string[] | null; findings: string[] }>();
    for await (const ev of reviewStream(splitMbox(archive(800_000, 7), "gen", config.limits), { config, model: null, jobs: 1 })) {
      if (ev.kind !== "reviewed") continue;
      const r = ev.reviewed;
      got.set(r.review.messageId, { series: r.series?.patches.map((p) => p.mail.messageId) ?? null, findings: r.all.map((f) => `${f.fingerprint}:${f.line}`) });
    }
    // The generator's parts stand alone, so the findings match those of each patch reviewed by itself.
    expect(new Map([...got].map(([k, v]) => [k, v.series]))).toEqual(new Map([...expected].map(([k, v]) => [k, v.series])));
    expect(new Map([...got].map(([k, v]) => [k, v.findings]))).toEqual(new Map([...expected].map(([k, v]) => [k, v.findings])));
  });

  it("holds a bounded number of patches in the series window however long the input", () => {
    const window = new SeriesWindow<null>(50);
    let most = 0;
    for (let seq = 0; seq < 20_000; seq++) {
      // Every third message is a part of a series that never completes.
      const total = seq % 3 === 0 ? 4 : 1;
      const patch = fakePatch(`m${seq}@example.org`, 1, total, `author${seq % 7}@example.org`, seq % 3 === 0 ? `root${seq}@example.org` : null);
      window.add({ seq, patch, data: null });
      most = Math.max(most, window.size);
    }
    // The cap (50 messages since a series' last part) bounds what waits: here a third of 50, plus the newest.
    expect(most).toBeLessThanOrEqual(18);
    const left = window.size;
    expect(window.flushAll().reduce((n, g) => n + g.entries.length, 0)).toBe(left);
    expect(window.size).toBe(0);
  });
});

function fakePatch(id: string, index: number, total: number, from: string, root: string | null): Patch {
  return {
    mail: mailWith({
      source: id,
      messageId: `<${id}>`,
      from: { name: "", address: from },
      inReplyTo: root ? `<${root}>` : null,
      references: root ? [`<${root}>`] : [],
    }),
    subject: { tags: [], isPatch: true, isRfc: false, isReply: false, version: 1, index, total, title: "" },
    commitMessage: [],
    files: [],
  };
}
