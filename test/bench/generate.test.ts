import { describe, expect, it } from "vitest";
import { editDiff } from "../../bench/diff-shapes.js";
import { generateMessages } from "../../bench/generate.js";
import type { CorpusStats } from "../../bench/generate.js";
import { ConfigSchema } from "../../src/config.js";
import type { IngestItem } from "../../src/ingest/item.js";
import { parsePatchBody } from "../../src/parse/diff.js";
import { reviewBatch } from "../../src/pipeline.js";

/** Each hunk's header counts against the lines it holds, by the rules of the unified format. */
function hunkCountsAgree(diff: string[]): { hunks: number; wrong: string[] } {
  let hunks = 0;
  const wrong: string[] = [];
  for (let i = 0; i < diff.length; i++) {
    const m = /^@@ -\d+,(\d+) \+\d+,(\d+) @@/.exec(diff[i] ?? "");
    if (!m) continue;
    hunks++;
    let oldLeft = Number(m[1]);
    let newLeft = Number(m[2]);
    let j = i + 1;
    while (oldLeft > 0 || newLeft > 0) {
      const l = diff[j++] ?? "@@";
      if (l.startsWith("+")) newLeft--;
      else if (l.startsWith("-")) oldLeft--;
      else if (l.startsWith(" ")) {
        oldLeft--;
        newLeft--;
      } else break;
    }
    if (oldLeft !== 0 || newLeft !== 0) wrong.push(diff[i] ?? "");
  }
  return { hunks, wrong };
}

describe("benchmark corpus generator", () => {
  const stats: CorpusStats = { messages: 0, patches: 0, bytes: 0, largestPatchLines: 0 };
  const messages = [...generateMessages({ bytes: 400_000, seed: 3 }, stats)];

  it("writes diffs whose hunk headers match their lines, and that parse into the files they name", () => {
    let files = 0;
    let hunks = 0;
    for (const m of messages) {
      const body = m.slice(m.indexOf("\n\n") + 2);
      const lines = body.split("\n");
      const check = hunkCountsAgree(lines);
      expect(check.wrong).toEqual([]);
      hunks += check.hunks;
      const parsed = parsePatchBody(body);
      files += parsed.files.length;
      expect(parsed.files.length).toBe(lines.filter((l) => l.startsWith("diff --git ")).length);
    }
    expect(files).toBeGreaterThan(50);
    expect(hunks).toBeGreaterThan(files);
  });

  it("mixes edits of existing code with new files, as real list traffic does", () => {
    const count = { added: 0, deleted: 0, context: 0 };
    const kinds = new Set<string>();
    for (const m of messages) {
      let inHunk = false;
      for (const l of m.split("\n")) {
        const file = /^diff --git a\/\S+ b\/(\S+)$/.exec(l)?.[1];
        if (file) kinds.add(/\.[ch]$/.test(file) ? "c" : file.startsWith("Documentation/") ? "doc" : file.replace(/.*\//, ""));
        if (l.startsWith("@@ ")) inHunk = true;
        else if (!inHunk || l === "-- ") inHunk = false;
        else if (l.startsWith("+")) count.added++;
        else if (l.startsWith("-")) count.deleted++;
        else if (l.startsWith(" ")) count.context++;
        else inHunk = false;
      }
    }
    const all = count.added + count.deleted + count.context;
    expect(count.deleted / all).toBeGreaterThan(0.02);
    expect(count.context / all).toBeGreaterThan(0.2);
    expect(count.added / all).toBeLessThan(0.8);
    expect([...kinds]).toEqual(expect.arrayContaining(["c", "doc", "Kconfig", "Makefile"]));
  });

  it("merges edits whose context windows meet into one hunk and numbers the new side after earlier edits", () => {
    const old = Array.from({ length: 30 }, (_, i) => `\tline${i};`);
    const d = editDiff("x.c", old, [
      { at: 2, del: 1, add: ["\tnew2;", "\tnew2b;"] },
      { at: 6, del: 0, add: ["\tnew6;"] },
      { at: 20, del: 2, add: [] },
    ]);
    const headers = d.lines.filter((l) => l.startsWith("@@"));
    expect(headers).toEqual(["@@ -1,9 +1,11 @@", "@@ -18,8 +20,6 @@"]);
    expect(hunkCountsAgree(d.lines).wrong).toEqual([]);
    expect([d.added, d.deleted]).toEqual([3, 3]);
  });

  /** The share of patches the rules-only review answers with a reply, over an archive of about `bytes`. */
  async function replyShare(slips: number | undefined, bytes: number): Promise<{ share: number; rules: Set<string> }> {
    const opts = slips === undefined ? { bytes, seed: 5 } : { bytes, seed: 5, slips };
    const mails = [...generateMessages(opts, { messages: 0, patches: 0, bytes: 0, largestPatchLines: 0 })];
    async function* items(): AsyncGenerator<IngestItem> {
      for (const [i, m] of mails.entries()) yield { source: `generated#${i}`, raw: Buffer.from(m) };
    }
    const result = await reviewBatch(items(), { config: ConfigSchema.parse({}), model: null, jobs: 1, now: () => new Date(0) });
    const patches = result.reviewed.filter((r) => r.patch.subject.index !== 0);
    const rules = new Set(patches.flatMap((r) => r.review.findings.map((f) => f.rule)));
    return { share: patches.filter((r) => r.review.reply !== null).length / patches.length, rules };
  }

  it("leaves most patches clean, as on a real list: about one in five draws a reply, and every defect class still occurs", async () => {
    const { share, rules } = await replyShare(undefined, 3_000_000);
    expect(share).toBeGreaterThan(0.1);
    expect(share).toBeLessThan(0.35);
    expect([...rules]).toEqual(expect.arrayContaining(["typo", "unreleased", "errcode", "warn"]));
  });

  it("still writes the old mix, where nearly every patch has a slip, at slips 1", async () => {
    const { share } = await replyShare(1, 600_000);
    expect(share).toBeGreaterThan(0.85);
  });
});
