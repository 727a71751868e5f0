import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { formatReport, runAccuracy } from "../../bench/accuracy.js";
import { loadCorpus } from "../../bench/corpus.js";
import typo from "../../rules/typo.js";

/**
 * The benchmark on a tiny corpus written here: the counts it reports follow
 * from known inputs (the real typo rule, alone, on hand-written patches).
 */

function mail(n: number, subject: string, message: string[], file: string, lines: string[]): string {
  const added = lines.filter((l) => l.startsWith("+")).length;
  const ctx = lines.length - added;
  return [
    "From 0000000000000000000000000000000000000000 Mon Sep 17 00:00:00 2001",
    "From: Jane Developer <jane@example.org>",
    `Date: Wed, 1 Jan 2025 12:0${n}:00 +0100`,
    `Subject: [PATCH] ${subject}`,
    `Message-ID: <20250101120${n}00.${n}-1-jane@example.org>`,
    "To: live-patching@vger.kernel.org",
    "",
    ...message,
    "",
    "Signed-off-by: Jane Developer <jane@example.org>",
    "---",
    `diff --git a/${file} b/${file}`,
    "index 1111111..2222222 100644",
    `--- a/${file}`,
    `+++ b/${file}`,
    `@@ -10,${ctx} +10,${lines.length} @@`,
    ...lines,
    "-- ",
    "2.47.1",
    "",
  ].join("\n");
}

let dir = "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "lkreview-bench-"));
  // 1: two labelled typos; the rule finds one of them (hit) and misses a word it does not know (miss).
  await writeFile(
    join(dir, "01-hit-and-miss.patch"),
    mail(1, "livepatch: Comment the state", ["Add comments."], "kernel/livepatch/core.c", [
      " int x;",
      "+/* We recieve the state here. */",
      "+/* The value is flibbertyjibbet. */",
      " int y;",
    ]),
  );
  // 2: a clean patch with a real typo nobody labelled: one false positive on a clean patch.
  await writeFile(
    join(dir, "02-clean-with-finding.patch"),
    mail(2, "module: Comment the loader", ["Add a comment."], "kernel/module/main.c", [" int a;", "+/* Load the sucess path. */"]),
  );
  // 3: a clean patch with nothing to say.
  await writeFile(
    join(dir, "03-clean.patch"),
    mail(3, "module: Initialise the list", ["Initialise it early."], "kernel/module/main.c", [" int a;", "+/* Initialise the behaviour. */"]),
  );
  // 4: a finding on a line the labels accept for another reason: neither hit nor false positive.
  await writeFile(
    join(dir, "04-acceptable.patch"),
    mail(4, "livepatch: Note the order", ["Note the order."], "kernel/livepatch/state.c", [
      " int a;",
      "+/* Callbacks run in order. */",
      "+/* Every adress is kept. */",
    ]),
  );
  const manifest = [
    {
      file: "01-hit-and-miss.patch",
      kind: "positive",
      expected: [
        { class: "typo", file: "kernel/livepatch/core.c", line_text: "/* We recieve the state here. */", reviewer_quote: "receive" },
        { class: "typo", file: "kernel/livepatch/core.c", line_text: "\t/* The value is flibbertyjibbet. */" },
      ],
      acceptable_extra_lines: [],
    },
    { file: "02-clean-with-finding.patch", kind: "negative", expected: [], acceptable_extra_lines: [] },
    { file: "03-clean.patch", kind: "negative", expected: [], acceptable_extra_lines: [] },
  ];
  await writeFile(join(dir, "manifest.json"), JSON.stringify(manifest));
  // A second manifest, as another contributor's classes would add.
  const extra = [
    {
      file: "04-acceptable.patch",
      kind: "positive",
      expected: [{ class: "warn", file: "kernel/livepatch/state.c", line_text: "/* Callbacks run in order. */" }],
      acceptable_extra_lines: ["/* Every adress is kept. */"],
    },
  ];
  await writeFile(join(dir, "manifest.extra.json"), JSON.stringify(extra));
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe("accuracy benchmark", () => {
  it("merges manifest.json with every manifest.*.json", async () => {
    const entries = await loadCorpus(dir);
    expect(entries.map((e) => e.file)).toEqual(["01-hit-and-miss.patch", "02-clean-with-finding.patch", "03-clean.patch", "04-acceptable.patch"]);
  });

  it("counts hits, misses and false positives per class", async () => {
    const r = await runAccuracy(dir, { rules: [typo] });
    expect(r.errors).toEqual([]);
    expect(r.perClass.get("typo")).toEqual({ tp: 1, fp: 1, fn: 1 });
    expect(r.perClass.get("warn")).toEqual({ tp: 0, fp: 0, fn: 1 });
    expect(r.overall).toEqual({ tp: 1, fp: 1, fn: 2 });
    expect(r.cleanPatches).toBe(2);
    expect(r.cleanWithFindings).toBe(1);
    expect(r.fpPerClean).toBe(0.5);
    expect(r.falsePositives.map((f) => `${f.corpusFile}:${f.line}`)).toEqual(["02-clean-with-finding.patch:11"]);
  });

  it("ends with the summary line and lists misses when verbose", async () => {
    const text = formatReport(await runAccuracy(dir, { rules: [typo] }), true);
    const lines = text.split("\n");
    expect(lines[lines.length - 1]).toBe("accuracy: precision=0.50 recall=0.33 fp_per_clean=0.50");
    expect(text).toContain("01-hit-and-miss.patch: kernel/livepatch/core.c:12: typo");
    expect(text).toContain("02-clean-with-finding.patch: kernel/module/main.c:11: typo: sucess -> success");
  });
});
