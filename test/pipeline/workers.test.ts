import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRulePool } from "../../src/analyse/workers.js";
import { ConfigSchema } from "../../src/config.js";
import { readInputs } from "../../src/ingest/files.js";
import type { BatchResult } from "../../src/pipeline.js";
import { reviewBatch } from "../../src/pipeline.js";
import { item, leakyFunction, patchBody, rawMail, stream } from "./mails.js";

/**
 * The rule pool against the real worker script. Node cannot run the .ts
 * entry, so it is bundled with esbuild first (as `npm run build` would
 * compile it), into node_modules/.cache so its bare imports resolve.
 */

const root = join(import.meta.dirname, "..", "..");
const config = ConfigSchema.parse({});
let entry = "";

beforeAll(async () => {
  const dir = join(root, "node_modules", ".cache", "lkr-pipeline");
  mkdirSync(dir, { recursive: true });
  entry = join(dir, `rule-worker-${process.pid}.mjs`);
  await build({
    entryPoints: [join(root, "src", "analyse", "rule-worker.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    packages: "external",
    outfile: entry,
    logLevel: "silent",
  });
});

afterAll(() => {
  if (entry) rmSync(entry, { force: true });
});

function summary(result: BatchResult): Map<string, string[]> {
  return new Map(
    result.reviewed.map((r) => [
      r.review.messageId,
      r.all.map((f) => `${f.rule}|${f.file}:${f.line}-${f.endLine}|${f.fingerprint}|${f.message}|${f.tags.join(",")}`),
    ]),
  );
}

describe("rule worker pool", () => {
  it("finds exactly what the in-process rules find on the corpus, in the same order", async () => {
    const corpus = join(root, "test", "corpus");
    const base = { config, model: null, now: () => new Date(0) };
    const inProcess = await reviewBatch(readInputs([corpus], config.limits), { ...base, jobs: 1 });
    let threads = -1;
    const pooled = await reviewBatch(readInputs([corpus], config.limits), { ...base, jobs: 2, workerEntry: entry, onRunner: (t) => (threads = t) });
    expect(threads).toBe(2);
    expect(inProcess.reviewed.length).toBeGreaterThan(50);
    expect([...summary(pooled).keys()]).toEqual([...summary(inProcess).keys()]);
    expect(summary(pooled)).toEqual(summary(inProcess));
    expect(pooled.reviewed.map((r) => r.review.reply)).toEqual(inProcess.reviewed.map((r) => r.review.reply));
    expect(pooled.errors).toEqual(inProcess.errors);
  });

  /** Twelve patches that each leak what they register, reviewed with no `jobs` given on a machine of `cores` cores. */
  async function reviewTwelve(cores: number): Promise<{ result: BatchResult; threads: number[] }> {
    const items = Array.from({ length: 12 }, (_, i) =>
      item(
        `p${i}`,
        rawMail({ id: `p${i}@example.org`, subject: `[PATCH] demo: Fix probe ${i}`, body: patchBody("drivers/demo/core.c", leakyFunction(`demo_probe${i}`)) }),
      ),
    );
    const threads: number[] = [];
    const result = await reviewBatch(stream(items), { config, model: null, cores, workerEntry: entry, onRunner: (t) => threads.push(t) });
    expect(result.reviewed.map((r) => r.review.messageId)).toEqual(items.map((_, i) => `<p${i}@example.org>`));
    expect(result.reviewed.every((r) => r.all.some((f) => f.rule === "unreleased"))).toBe(true);
    return { result, threads };
  }

  it("starts the pool by itself once there are more than a handful of patches", async () => {
    // Four cores: three rule threads, the main thread keeps one for parsing and replies.
    expect((await reviewTwelve(4)).threads).toEqual([3]);
  });

  it("keeps the rules in the main thread by itself on fewer than four cores", async () => {
    expect((await reviewTwelve(2)).threads).toEqual([]);
  });

  it("falls back to the calling thread when the worker script is missing", async () => {
    const runner = createRulePool(config, { size: 2, entry: join(root, "no-such-worker.js") });
    expect(runner.threads).toBe(0);
    await runner.close();
  });
  it("reports at the diff's own line numbers past 2^31, in process and in the pool alike", async () => {
    const far = 3_000_000_000;
    const body = patchBody("drivers/demo/core.c", [
      "static int demo_probe(struct demo_dev *d)",
      "{",
      "\td->buf = kzalloc(64, GFP_KERNEL);",
      "\tif (!d->buf) {",
      '\t\tdev_err(d->dev, "no memory\\n");',
      "\t\treturn 0;",
      "\t}",
      "\treturn ENOMEM;",
      "}",
    ]).replace("@@ -10,2 +10,", `@@ -${far},2 +${far},`);
    const items = () => stream([item("far", rawMail({ id: "far@example.org", subject: "[PATCH] demo: far lines", body }))]);
    const base = { config, model: null, now: () => new Date(0) };
    const inProcess = await reviewBatch(items(), { ...base, jobs: 1 });
    const pooled = await reviewBatch(items(), { ...base, jobs: 2, workerEntry: entry });
    const lines = (r: BatchResult): number[] => r.reviewed.flatMap((x) => x.review.findings.filter((f) => f.rule === "errcode").map((f) => f.line));
    // The `return 0;` under the failed allocation and the positive ENOMEM, where the diff puts them.
    expect(lines(inProcess)).toEqual([far + 7, far + 9]);
    expect(lines(pooled)).toEqual(lines(inProcess));
  });
});
