import { describe, expect, it } from "vitest";
import { editDiff } from "../../bench/diff-shapes.js";
import { generateMessages } from "../../bench/generate.js";
import type { CorpusStats } from "../../bench/generate.js";
import { parsePatchBody } from "../../src/parse/diff.js";

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
});
