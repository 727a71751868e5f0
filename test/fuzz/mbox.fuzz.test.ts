import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LkreviewError } from "../../src/errors.js";
import { isIngestFailure } from "../../src/ingest/item.js";
import type { IngestItem } from "../../src/ingest/item.js";
import { splitMbox } from "../../src/ingest/mbox.js";
import { DEFAULT_LIMITS } from "../../src/limits.js";
import type { Limits } from "../../src/limits.js";
import { mutatedFrom, SEED_MAILS, seedMbox } from "./seeds.js";

/**
 * The streaming mbox splitter on arbitrary and mutated mboxes, cut into
 * arbitrary chunks: it always ends, yields messages or LkreviewError items,
 * never yields more bytes than it was given, and honours its limits.
 */

async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function split(data: Buffer, chunk: number, limits: Limits = DEFAULT_LIMITS): Promise<IngestItem[]> {
  const out: IngestItem[] = [];
  for await (const item of splitMbox(chunked(data, chunk), "fuzz.mbox", limits)) out.push(item);
  return out;
}

function checkItems(items: IngestItem[], input: Buffer, limits: Limits): void {
  let total = 0;
  for (const item of items) {
    if (isIngestFailure(item)) {
      expect(item.error).toBeInstanceOf(LkreviewError);
      expect(item.error.code).toBe("LIMIT");
      expect(item.error.message).not.toMatch(/[\r\n]/);
      expect(item.error.message.startsWith("fuzz.mbox")).toBe(true);
      continue;
    }
    expect(item.source).toMatch(/^fuzz\.mbox#\d+$/);
    expect(item.raw.byteLength).toBeGreaterThan(0);
    expect(item.raw.byteLength).toBeLessThanOrEqual(limits.maxMessageBytes);
    total += item.raw.byteLength;
  }
  // Separator lines are dropped and `>From` loses a byte: never more out than in.
  expect(total).toBeLessThanOrEqual(input.length);
}

const mbox = seedMbox();
const chunkSize = fc.oneof(fc.integer({ min: 1, max: 64 }), fc.constant(65_536));

describe("splitMbox under fuzzing", () => {
  it("arbitrary bytes: items or LIMIT failures, never an exception", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4_000 }), chunkSize, async (bytes, size) => {
        const input = Buffer.from(bytes);
        checkItems(await split(input, size), input, DEFAULT_LIMITS);
      }),
      { numRuns: 1_000 },
    );
  });

  it("mutated mboxes (flipped bytes, cuts, duplicated lines, CR/NUL/U+2028, huge lines)", async () => {
    await fc.assert(
      fc.asyncProperty(mutatedFrom([mbox], 8), chunkSize, async (input, size) => {
        checkItems(await split(input, Math.max(size, 7)), input, DEFAULT_LIMITS);
      }),
      { numRuns: 800 },
    );
  });

  it("small limits are honoured on mutated input: oversized messages and message counts become LIMIT items", async () => {
    const limits: Limits = { ...DEFAULT_LIMITS, maxMessageBytes: 600, maxMessagesPerFile: 3 };
    await fc.assert(
      fc.asyncProperty(mutatedFrom([mbox], 4), async (input) => {
        const items = await split(input, 97, limits);
        checkItems(items, input, limits);
        expect(items.filter((i) => !isIngestFailure(i)).length).toBeLessThanOrEqual(3);
      }),
      { numRuns: 400 },
    );
  });

  it("an mbox of N unmutated seeds splits into exactly those N messages, whatever the chunking", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.nat({ max: SEED_MAILS.length - 1 }), { minLength: 1, maxLength: 6 }), chunkSize, async (picks, size) => {
        const mails = picks.map((i) => SEED_MAILS[i] ?? "");
        const items = await split(Buffer.from(seedMbox(mails)), size);
        expect(items.map((i) => (isIngestFailure(i) ? i.error.message : Buffer.from(i.raw).toString("utf8")))).toEqual(
          mails.map((m) => m.replace(/\r\n/g, "\n")),
        );
      }),
      { numRuns: 300 },
    );
  });
});
