import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeCorpus } from "../../bench/generate.js";
import type { CorpusStats } from "../../bench/generate.js";
import { EvenSample, formatReport, measureThroughput, quantile } from "../../bench/throughput.js";

const SUMMARY = /^throughput: patches_per_s=\d+\.\d mb_per_s=\d+\.\d peak_rss_mb=\d+\.\d$/;

let dir = "";
let mbox = "";
let stats: CorpusStats;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "lkreview-throughput-"));
  mbox = join(dir, "tiny.mbox");
  stats = await writeCorpus(mbox, { bytes: 150_000, seed: 3 });
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A stand-in for checkpatch.pl: records how it was called and answers in --terse form. */
function standIn(name: string): { script: string; log: string } {
  const log = join(dir, `${name}.log`);
  const script = join(dir, `${name}.pl`);
  writeFileSync(
    script,
    [
      "use strict;",
      `open(my $log, '>>', '${log}') or die;`,
      'print $log join(" ", @ARGV), "\\n";',
      "for my $f (grep { !/^--/ } @ARGV) {",
      "  open(my $h, '<', $f) or die \"$f: $!\";",
      "  my $subject = '';",
      "  while (<$h>) { $subject = $1 if /^Subject: (.*)/; }",
      '  print "$f:1: WARNING: checked $subject\\n";',
      "}",
      "exit 1;",
    ].join("\n"),
  );
  return { script, log };
}

describe("throughput benchmark", () => {
  it("reviews a generated corpus and ends with the summary line", async () => {
    expect(stats.patches).toBeGreaterThan(10);
    const report = await measureThroughput({ file: mbox });
    expect(report.patches).toBe(stats.patches);
    expect(report.messages).toBe(stats.messages);
    expect(report.errors).toBe(0);
    expect(report.p99Ms).toBeGreaterThanOrEqual(report.p50Ms);
    const lines = formatReport(report).trimEnd().split("\n");
    expect(lines.at(-1)).toMatch(SUMMARY);
    expect(lines.some((l) => /^per-patch time: p50 \d+\.\d\d ms, p99 \d+\.\d\d ms$/.test(l))).toBe(true);
    expect(lines.some((l) => l.startsWith("ratio_vs_checkpatch="))).toBe(false);
  });

  it("runs the same patches through CHECKPATCH and prints the ratio", async () => {
    const { script, log } = standIn("sample");
    const report = await measureThroughput({ file: mbox, checkpatch: script, checkpatchLimit: 5 });
    expect(report.checkpatch?.patches).toBe(5);
    expect(report.checkpatch?.outputLines).toBe(5);
    const calls = readFileSync(log, "utf8").trim().split("\n");
    expect(calls).toHaveLength(1);
    expect(calls[0]?.startsWith("--no-tree --terse ")).toBe(true);
    expect(calls[0]?.split(" ").filter((a) => a.endsWith(".patch"))).toHaveLength(5);
    const lines = formatReport(report).trimEnd().split("\n");
    expect(lines.at(-2)).toMatch(/^ratio_vs_checkpatch=\d+\.\d$/);
    expect(lines.at(-1)).toMatch(SUMMARY);
  });

  it("sends every patch of a small archive to CHECKPATCH unless told otherwise", async () => {
    const { script, log } = standIn("all");
    const report = await measureThroughput({ file: mbox, checkpatch: script });
    expect(report.checkpatch?.patches).toBe(stats.patches);
    const again = await measureThroughput({ file: mbox, checkpatch: script, checkpatchLimit: 0 });
    expect(again.checkpatch?.patches).toBe(stats.patches);
    expect(readFileSync(log, "utf8").trim().split("\n")).toHaveLength(2 * Math.ceil(stats.patches / 100));
  });

  it("samples patches evenly over an input of unknown length, holding few at a time", () => {
    const sample = new EvenSample(100);
    for (let i = 0; i < 100_000; i++) sample.offer(i, `m#${i}`);
    const picks = sample.picks();
    expect(picks).toHaveLength(100);
    expect(picks[0]?.patch).toBe(0);
    // Spread over the whole input: no gap more than twice the even one, the last pick in the last stretch.
    for (let k = 1; k < picks.length; k++) expect((picks[k]?.patch ?? 0) - (picks[k - 1]?.patch ?? 0)).toBeLessThanOrEqual(2000);
    expect(picks.at(-1)?.patch).toBeGreaterThan(100_000 - 2000);
    expect(picks.every((p) => p.source === `m#${p.patch}`)).toBe(true);
    const all = new EvenSample(0);
    for (let i = 0; i < 5000; i++) all.offer(i, `m#${i}`);
    expect(all.picks()).toHaveLength(5000);
  });

  it("takes nearest-rank quantiles", () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(quantile(sorted, 0.5)).toBe(5);
    expect(quantile(sorted, 0.99)).toBe(10);
    expect(quantile(new Float64Array(0), 0.5)).toBe(0);
  });
});
