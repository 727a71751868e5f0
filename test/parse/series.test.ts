import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readInputs } from "../../src/ingest/files.js";
import { isIngestFailure } from "../../src/ingest/item.js";
import { DEFAULT_LIMITS } from "../../src/limits.js";
import type { Patch, Series } from "../../src/model.js";
import { parseMail } from "../../src/parse/mime.js";
import { classifyMail } from "../../src/parse/patch.js";
import { groupSeries } from "../../src/parse/series.js";
import { parseSubject } from "../../src/parse/subject.js";
import { mailWith } from "../helpers/mail.js";

const seriesDir = fileURLToPath(new URL("../fixtures/mail/series/", import.meta.url));

/** Patches and covers of a directory, the way the pipeline collects them. */
async function patchesIn(dir: string): Promise<Patch[]> {
  const out: Patch[] = [];
  for await (const item of readInputs([dir], DEFAULT_LIMITS)) {
    if (isIngestFailure(item)) throw item.error;
    const c = classifyMail(await parseMail(item, DEFAULT_LIMITS));
    if (c.patch) out.push(c.patch);
  }
  return out;
}

/** A patch with only what grouping looks at. */
function p(subject: string, id: string, opts: { irt?: string; refs?: string[]; from?: string } = {}): Patch {
  const { isForward: _ignored, ...info } = parseSubject(subject);
  return {
    mail: mailWith({
      source: id,
      messageId: `<${id}>`,
      subject,
      from: { name: "", address: opts.from ?? "jane@example.org" },
      inReplyTo: opts.irt ? `<${opts.irt}>` : null,
      references: (opts.refs ?? (opts.irt ? [opts.irt] : [])).map((r) => `<${r}>`),
    }),
    subject: info,
    commitMessage: [],
    files: [],
  };
}

const shape = (series: Series[]): unknown =>
  series.map((s) => ({
    root: s.rootMessageId,
    version: s.version,
    total: s.total,
    cover: s.cover?.messageId ?? null,
    patches: s.patches.map((x) => x.mail.messageId),
  }));

describe("groupSeries", () => {
  it("makes one item alone its own series, a cover letter with no patches or a patch with no cover", () => {
    const cover = p("[PATCH v3 0/2] livepatch: tidy the klp hooks", "c0", { irt: "old-thread" });
    const part = p("[PATCH v3 2/2] livepatch: drop the unused hook", "c2", { irt: "c0" });
    expect(shape(groupSeries([cover]))).toEqual([{ root: "<c0>", version: 3, total: 2, cover: "<c0>", patches: [] }]);
    expect(shape(groupSeries([part]))).toEqual([{ root: "<c2>", version: 3, total: 2, cover: null, patches: ["<c2>"] }]);
    // Alone or beside an unrelated patch, an item is grouped the same way.
    const other = p("[PATCH] module: fix a typo", "m1", { from: "joe@example.com" });
    expect(shape(groupSeries([part, other]).slice(0, 1))).toEqual(shape(groupSeries([part])));
    expect(groupSeries([cover])[0]?.cover).toBe(cover.mail);
  });

  it("groups a v2 0/3..3/3 thread and keeps an unrelated lone patch apart", async () => {
    const items = await patchesIn(seriesDir);
    // The reply in the directory is not a patch and never reaches grouping.
    expect(items).toHaveLength(5);
    expect(shape(groupSeries(items))).toEqual([
      {
        root: "<20250306090122.7001-0-jane@example.org>",
        version: 2,
        total: 3,
        cover: "<20250306090122.7001-0-jane@example.org>",
        patches: ["<20250306090122.7001-1-jane@example.org>", "<20250306090122.7001-2-jane@example.org>", "<20250306090122.7001-3-jane@example.org>"],
      },
      {
        root: "<20250307101500.9100-1-joe@example.com>",
        version: 1,
        total: 1,
        cover: null,
        patches: ["<20250307101500.9100-1-joe@example.com>"],
      },
    ]);
  });

  it("sorts patches by index whatever the input order", async () => {
    const items = await patchesIn(seriesDir);
    const shuffled = [items[3], items[4], items[1], items[0], items[2]].filter((x): x is Patch => x !== undefined);
    const [series] = groupSeries(shuffled);
    expect(series?.patches.map((x) => x.subject.index)).toEqual([1, 2, 3]);
    expect(series?.cover?.messageId).toBe("<20250306090122.7001-0-jane@example.org>");
  });

  it("threads under 1/N when there is no cover letter, also with --chain-reply-to", () => {
    const series = groupSeries([
      p("[PATCH 1/3] a", "p1"),
      p("[PATCH 2/3] b", "p2", { irt: "p1" }),
      p("[PATCH 3/3] c", "p3", { irt: "p2", refs: ["p1", "p2"] }),
    ]);
    expect(shape(series)).toEqual([{ root: "<p1>", version: 1, total: 3, cover: null, patches: ["<p1>", "<p2>", "<p3>"] }]);
  });

  it("keeps the patches of a series together when the cover is not in the input", () => {
    const series = groupSeries([
      p("[PATCH v3 3/3] c", "p3", { irt: "cover" }),
      p("[PATCH v3 1/3] a", "p1", { irt: "cover" }),
      p("[PATCH v3 2/3] b", "p2", { irt: "cover" }),
    ]);
    expect(shape(series)).toEqual([{ root: "<p1>", version: 3, total: 3, cover: null, patches: ["<p1>", "<p2>", "<p3>"] }]);
  });

  it("does not merge a v2 posted in reply to the v1 thread", () => {
    const series = groupSeries([
      p("[PATCH 0/2] x", "v1-0"),
      p("[PATCH 1/2] a", "v1-1", { irt: "v1-0" }),
      p("[PATCH 2/2] b", "v1-2", { irt: "v1-0" }),
      p("[PATCH v2 0/2] x", "v2-0", { irt: "v1-0" }),
      p("[PATCH v2 1/2] a", "v2-1", { irt: "v2-0", refs: ["v1-0", "v2-0"] }),
      p("[PATCH v2 2/2] b", "v2-2", { irt: "v2-0", refs: ["v1-0", "v2-0"] }),
    ]);
    expect(shape(series)).toEqual([
      { root: "<v1-0>", version: 1, total: 2, cover: "<v1-0>", patches: ["<v1-1>", "<v1-2>"] },
      { root: "<v2-0>", version: 2, total: 2, cover: "<v2-0>", patches: ["<v2-1>", "<v2-2>"] },
    ]);
  });

  it("groups unthreaded git format-patch files by sender, version and total", () => {
    const series = groupSeries([
      p("[PATCH 1/2] a", "a1"),
      p("[PATCH 1/2] other", "b1", { from: "joe@example.com" }),
      p("[PATCH 2/2] b", "a2"),
      p("[PATCH 2/2] other", "b2", { from: "joe@example.com" }),
    ]);
    expect(shape(series)).toEqual([
      { root: "<a1>", version: 1, total: 2, cover: null, patches: ["<a1>", "<a2>"] },
      { root: "<b1>", version: 1, total: 2, cover: null, patches: ["<b1>", "<b2>"] },
    ]);
  });

  it("keeps two lone patches in one thread as two series, but joins a 0/1 cover", () => {
    expect(groupSeries([p("[PATCH] a", "a", { irt: "bug-report" }), p("[PATCH] b", "b", { irt: "bug-report" })])).toHaveLength(2);
    expect(shape(groupSeries([p("[PATCH 0/1] why", "c0"), p("[PATCH 1/1] what", "c1", { irt: "c0" })]))).toEqual([
      { root: "<c0>", version: 1, total: 1, cover: "<c0>", patches: ["<c1>"] },
    ]);
  });
});
