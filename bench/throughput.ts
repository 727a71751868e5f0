import { stat } from "node:fs/promises";
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { ConfigSchema } from "../src/config.js";
import type { Config } from "../src/config.js";
import { readInputs } from "../src/ingest/files.js";
import { reviewStream } from "../src/pipeline.js";
import type { BatchDeps } from "../src/pipeline.js";
import { toMbox } from "../src/report/lkml/mbox.js";
import { runCheckpatch } from "./checkpatch.js";
import type { CheckpatchRun } from "./checkpatch.js";

/**
 * `npm run bench:throughput -- FILE [--jobs N] [--checkpatch-limit N]`:
 * reviews an mbox with the rules only (no model, no store) through the whole
 * pipeline (split, MIME, diff, series window, rules, reply) and prints
 * patches/s, MB/s, p50 and p99 per-patch time, the largest patch's time and
 * peak RSS. With `CHECKPATCH=/path/to/checkpatch.pl` the same patches also go
 * through `checkpatch.pl --no-tree --terse` and the ratio of the two times is
 * printed. The last line is the one other tools read:
 * `throughput: patches_per_s=N mb_per_s=M peak_rss_mb=R`.
 */

/**
 * Enough patches that the sample's mix of small fixes and big drivers is the
 * archive's (200 moved the ratio by a fifth between runs), few enough that
 * checkpatch.pl is done in about a minute.
 */
const DEFAULT_CHECKPATCH_LIMIT = 1000;

/**
 * The patches checkpatch.pl gets, evenly spread over an input of unknown
 * length: every `step`-th patch is kept, and when more than twice the
 * limit are held the step doubles and every other one goes. So a 1 GB run
 * holds a couple of thousand ids, not one per patch (which grew the live
 * heap and slowed the very run being measured).
 */
export class EvenSample {
  private step = 1;
  private kept: { patch: number; source: string }[] = [];

  /** `limit` 0: every patch. */
  constructor(private readonly limit: number) {}

  /** Patch number `patch` (0, 1, 2, ... in input order) and its source. */
  offer(patch: number, source: string): void {
    if (patch % this.step !== 0) return;
    this.kept.push({ patch, source });
    if (this.limit > 0 && this.kept.length > 2 * this.limit) {
      this.step *= 2;
      this.kept = this.kept.filter((k) => k.patch % this.step === 0);
    }
  }

  /** At most `limit` of the kept patches, evenly spread, in input order. */
  picks(): { patch: number; source: string }[] {
    const n = this.kept.length;
    if (this.limit === 0 || n <= this.limit) return this.kept;
    const out: { patch: number; source: string }[] = [];
    for (let k = 0; k < this.limit; k++) out.push(this.kept[Math.floor((k * n) / this.limit)] as { patch: number; source: string });
    return out;
  }
}

export interface ThroughputOptions {
  file: string;
  /** Rule threads; 1 (the default) measures one core. */
  jobs?: number;
  /** Worker script for jobs > 1 (tests pass a bundled one). */
  workerEntry?: string | URL;
  /** checkpatch.pl to compare with (default: $CHECKPATCH). */
  checkpatch?: string;
  /**
   * Only N patches (default 1,000), spread evenly over the input, go to
   * checkpatch (about 50 ms a patch); our time is prorated to them. 0: all.
   */
  checkpatchLimit?: number;
  config?: Config;
}

export interface ThroughputReport {
  file: string;
  bytes: number;
  jobs: number;
  threads: number;
  messages: number;
  patches: number;
  errors: number;
  seconds: number;
  patchesPerSecond: number;
  mbPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  largest: { lines: number; ms: number; messageId: string };
  peakRssMb: number;
  replyBytes: number;
  checkpatch?: CheckpatchRun & { oursSeconds: number; ratio: number };
}

/** The value at quantile `q` of sorted numbers (nearest rank). */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] ?? 0;
}

export async function measureThroughput(opts: ThroughputOptions): Promise<ThroughputReport> {
  const config = opts.config ?? ConfigSchema.parse({});
  const jobs = opts.jobs ?? 1;
  const deps: BatchDeps = { config, model: null, jobs, now: () => new Date(0) };
  if (opts.workerEntry) deps.workerEntry = opts.workerEntry;
  const bytes = (await stat(opts.file)).size;
  // Per-patch times in a growable typed array: a million patches cost 8 MB, not a million objects.
  let times = new Float64Array(4096);
  let patches = 0;
  let messages = 0;
  let errors = 0;
  let replyBytes = 0;
  let threads = 0;
  const largest = { lines: -1, ms: 0, messageId: "" };
  const wanted = opts.checkpatchLimit ?? DEFAULT_CHECKPATCH_LIMIT;
  const sample = opts.checkpatch ? new EvenSample(wanted) : null;

  const start = performance.now();
  for await (const ev of reviewStream(readInputs([opts.file], config.limits), { ...deps, onRunner: (t: number) => (threads = t) })) {
    messages++;
    if (ev.kind === "error") errors++;
    if (ev.kind !== "reviewed") continue;
    const r = ev.reviewed;
    if (r.composed) replyBytes += toMbox([r.composed]).length;
    if (r.patch.subject.index === 0) continue;
    const ms = ev.timing.parseMs + ev.timing.rulesMs + ev.timing.postMs;
    if (patches === times.length) {
      const grown = new Float64Array(times.length * 2);
      grown.set(times);
      times = grown;
    }
    times[patches++] = ms;
    let lines = 0;
    for (const f of r.patch.files) for (const h of f.hunks) lines += h.lines.length;
    if (lines > largest.lines) Object.assign(largest, { lines, ms, messageId: r.review.messageId });
    sample?.offer(patches - 1, r.patch.mail.source);
  }
  const seconds = (performance.now() - start) / 1000;
  const sorted = times.slice(0, patches).sort();
  const report: ThroughputReport = {
    file: opts.file,
    bytes,
    jobs,
    threads,
    messages,
    patches,
    errors,
    seconds,
    patchesPerSecond: patches / seconds,
    mbPerSecond: bytes / 1048576 / seconds,
    p50Ms: quantile(sorted, 0.5),
    p99Ms: quantile(sorted, 0.99),
    largest,
    peakRssMb: process.resourceUsage().maxRSS / 1024,
    replyBytes,
  };
  if (opts.checkpatch) {
    const kept = sample?.picks() ?? [];
    const picked = new Set(kept.map((k) => k.patch));
    const chosen = kept.map((k) => k.source);
    const run = await runCheckpatch(opts.checkpatch, opts.file, new Set(chosen), config);
    // Our whole run's time, prorated by the per-patch effort of the patches checkpatch saw.
    let part = 0;
    let all = 0;
    for (let i = 0; i < patches; i++) {
      all += times[i] ?? 0;
      if (picked.has(i)) part += times[i] ?? 0;
    }
    const oursSeconds = all > 0 ? seconds * (part / all) : seconds;
    report.checkpatch = { ...run, oursSeconds, ratio: oursSeconds > 0 ? run.seconds / oursSeconds : 0 };
  }
  return report;
}

const f1 = (n: number): string => n.toFixed(1);

/** The human lines, then the summary line last. */
export function formatReport(r: ThroughputReport): string {
  const lines = [
    `input: ${r.file} (${f1(r.bytes / 1048576)} MB), jobs ${r.jobs} (${r.threads} worker threads)`,
    `messages: ${r.messages}, patches: ${r.patches}, errors: ${r.errors}, reply text: ${f1(r.replyBytes / 1048576)} MB`,
    `time: ${r.seconds.toFixed(2)} s`,
    `patches/s: ${f1(r.patchesPerSecond)}`,
    `MB/s: ${f1(r.mbPerSecond)}`,
    `per-patch time: p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms`,
    `largest patch: ${Math.max(0, r.largest.lines)} diff lines in ${r.largest.ms.toFixed(1)} ms (${r.largest.messageId})`,
    `peak RSS: ${f1(r.peakRssMb)} MB`,
  ];
  if (r.checkpatch) {
    const c = r.checkpatch;
    lines.push(
      `checkpatch: ${c.patches} patches in ${c.seconds.toFixed(2)} s (${c.invocations} runs, ${c.outputLines} output lines); lkreview on the same: ${c.oursSeconds.toFixed(3)} s`,
      `ratio_vs_checkpatch=${f1(c.ratio)}`,
    );
  }
  lines.push(`throughput: patches_per_s=${f1(r.patchesPerSecond)} mb_per_s=${f1(r.mbPerSecond)} peak_rss_mb=${f1(r.peakRssMb)}`);
  return `${lines.join("\n")}\n`;
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: { jobs: { type: "string" }, "checkpatch-limit": { type: "string" } },
  });
  const file = positionals[0];
  if (!file) {
    process.stderr.write("usage: npm run bench:throughput -- FILE [--jobs N] [--checkpatch-limit N]   (CHECKPATCH=path/to/checkpatch.pl to compare)\n");
    return 2;
  }
  const opts: ThroughputOptions = { file, jobs: Number(values.jobs ?? "1") };
  const limit = values["checkpatch-limit"];
  if (limit !== undefined) {
    opts.checkpatchLimit = Number(limit);
    if (!Number.isInteger(opts.checkpatchLimit) || opts.checkpatchLimit < 0) {
      process.stderr.write(`throughput: --checkpatch-limit wants a whole number of patches (0: all), not "${limit}"\n`);
      return 2;
    }
  }
  const checkpatch = process.env["CHECKPATCH"];
  if (checkpatch) opts.checkpatch = checkpatch;
  process.stdout.write(formatReport(await measureThroughput(opts)));
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`throughput: ${err instanceof Error ? err.message : String(err)}\n`);
      process.exit(2);
    },
  );
}
