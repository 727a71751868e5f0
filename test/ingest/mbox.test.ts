import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LkreviewError } from "../../src/errors.js";
import { isIngestFailure } from "../../src/ingest/item.js";
import type { IngestItem } from "../../src/ingest/item.js";
import { splitMbox } from "../../src/ingest/mbox.js";
import { DEFAULT_LIMITS } from "../../src/limits.js";
import type { Limits } from "../../src/limits.js";

const fixture = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../fixtures/mail/${name}`, import.meta.url)));
const example = (name: string): Buffer => readFileSync(fileURLToPath(new URL(`../../examples/${name}`, import.meta.url)));

async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.length; i += size) yield data.subarray(i, i + size);
}

async function split(data: Buffer, limits: Limits = DEFAULT_LIMITS, chunk = 65536): Promise<IngestItem[]> {
  const out: IngestItem[] = [];
  for await (const item of splitMbox(chunked(data, chunk), "box", limits)) out.push(item);
  return out;
}

function text(item: IngestItem | undefined): string {
  if (!item || isIngestFailure(item)) throw new Error(`expected a message, got ${item ? item.error.message : "nothing"}`);
  return Buffer.from(item.raw).toString("utf8");
}

describe("splitMbox", () => {
  it("splits three messages, numbers them and un-escapes >From lines", async () => {
    const items = await split(fixture("three.mbox"));
    expect(items.map((i) => i.source)).toEqual(["box#1", "box#2", "box#3"]);
    const first = text(items[0]);
    expect(first.startsWith("From: Jane Developer <jane@example.org>\n")).toBe(true);
    // mboxrd: one `>` is removed, whatever the depth; the separator's blank line is not part of the message.
    expect(first.endsWith("First message.\nFrom the changelog: this line was escaped.\n>From here two were.\n")).toBe(true);
  });

  it("does not split on From lines in prose", async () => {
    const second = text((await split(fixture("three.mbox")))[1]);
    expect(second).toContain("\nFrom inside a paragraph is not a separator.\n\nFrom the spec: neither is this one.\n");
    expect(second).toContain("Subject: [PATCH 2/3] two\n");
  });

  it("keeps the last message even without a final newline", async () => {
    const third = text((await split(fixture("three.mbox")))[2]);
    expect(third.endsWith("Third message, no trailing newline at the very end.")).toBe(true);
  });

  it("gives the same messages whatever the chunk boundaries", async () => {
    const data = fixture("three.mbox");
    const whole = (await split(data)).map(text);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 97 }), async (size) => {
        expect((await split(data, DEFAULT_LIMITS, size)).map(text)).toEqual(whole);
      }),
      { numRuns: 40 },
    );
  });

  it("splits the same way line by line (tiny chunks) and a whole chunk at a time", async () => {
    // Lines that matter to the splitter: separators strict and loose, prose, escapes, blank and CR-only lines.
    const vocabulary = [
      "From jane@example.org Thu Mar  6 10:01:22 2025",
      "From git@z Thu Jan  1 00:00:00 1970",
      "From x 12:30",
      "From the spec: not a separator",
      "From ",
      ">From escaped",
      ">>From twice",
      ">not from",
      "Subject: s",
      "body text",
      "",
      "\r",
      "\r\r",
    ];
    const doc = fc.tuple(fc.array(fc.constantFrom(...vocabulary), { maxLength: 40 }), fc.boolean());
    const show = (items: IngestItem[]): string[] => items.map((i) => `${i.source} ${isIngestFailure(i) ? i.error.message : text(i)}`);
    await fc.assert(
      fc.asyncProperty(doc, fc.integer({ min: 2, max: 40 }), async ([lines, finalNewline], size) => {
        const data = Buffer.from(`From a Thu Mar  6 10:01:22 2025\n${lines.join("\n")}${finalNewline ? "\n" : ""}`);
        const whole = show(await split(data));
        expect(show(await split(data, DEFAULT_LIMITS, 1))).toEqual(whole);
        expect(show(await split(data, DEFAULT_LIMITS, size))).toEqual(whole);
      }),
      { numRuns: 300 },
    );
  });

  it("drops only the blank line before a separator when whole chunks are split at once", async () => {
    const box = Buffer.from(
      "From a Thu Mar  6 10:01:22 2025\r\nSubject: one\r\n\r\nbody\r\n\r\n\r\n" + "From b Thu Mar  6 10:01:23 2025\nSubject: two\n\n>From x\nFrom the spec\n\n",
    );
    const items = await split(box);
    expect(items.map(text)).toEqual(["Subject: one\r\n\r\nbody\r\n\r\n", "Subject: two\n\nFrom x\nFrom the spec\n"]);
  });

  it("reads git format-patch output as a one-message mbox", async () => {
    const items = await split(example("livepatch-hook-leak.patch"));
    expect(items).toHaveLength(1);
    expect(items[0]?.source).toBe("box#1");
    const msg = text(items[0]);
    expect(msg.startsWith("Message-ID: <20250304081507.48213-1-jane@example.org>\n")).toBe(true);
    expect(msg).toContain("+\tret = klp_hook_register(obj);\n");
    expect(msg.endsWith("-- \n2.39.5\n")).toBe(true);
  });

  it("handles CRLF mboxes", async () => {
    const crlf = Buffer.from(fixture("three.mbox").toString("latin1").replace(/\n/g, "\r\n"), "latin1");
    const items = await split(crlf, DEFAULT_LIMITS, 5);
    expect(items).toHaveLength(3);
    expect(text(items[0]).endsWith("From the changelog: this line was escaped.\r\n>From here two were.\r\n")).toBe(true);
  });

  it("turns an oversized message into an error item and goes on", async () => {
    const big = "x".repeat(5000);
    const box = Buffer.from(
      `From a Thu Mar  6 10:01:22 2025\nSubject: small\n\nhi\n\n` +
        `From b Thu Mar  6 10:01:23 2025\nSubject: big\n\n${big}\n\n` +
        `From c Thu Mar  6 10:01:24 2025\nSubject: small again\n\nhi\n`,
    );
    const items = await split(box, { ...DEFAULT_LIMITS, maxMessageBytes: 1000 }, 300);
    expect(items.map((i) => i.source)).toEqual(["box#1", "box#2", "box#3"]);
    const failure = items[1];
    expect(failure && isIngestFailure(failure)).toBe(true);
    if (failure && isIngestFailure(failure)) {
      expect(failure.error).toBeInstanceOf(LkreviewError);
      expect(failure.error.code).toBe("LIMIT");
      expect(failure.error.message).toMatch(/^box#2: message of \d+ bytes exceeds limits\.maxMessageBytes \(1000\)$/);
    }
    expect(text(items[2])).toContain("Subject: small again\n");
  });

  it("stops after limits.maxMessagesPerFile with one error item", async () => {
    const items = await split(fixture("three.mbox"), { ...DEFAULT_LIMITS, maxMessagesPerFile: 2 });
    expect(items).toHaveLength(3);
    const last = items[2];
    expect(last && isIngestFailure(last) && last.error.code).toBe("LIMIT");
  });

  it("passes a line longer than the carry buffer through intact", async () => {
    const long = "y".repeat(200_000);
    const box = Buffer.from(`From a Thu Mar  6 10:01:22 2025\nSubject: long\n\n${long}\nend\n`);
    const items = await split(box, DEFAULT_LIMITS, 4096);
    expect(items).toHaveLength(1);
    expect(text(items[0])).toBe(`Subject: long\n\n${long}\nend\n`);
  });

  it("streams a large generated mbox message by message", async () => {
    const count = 20_000;
    // About 24 MB, produced lazily: the splitter never sees the file as a whole.
    async function* generate(): AsyncGenerator<Buffer> {
      const batch: string[] = [];
      for (let n = 1; n <= count; n++) {
        batch.push(
          `From jane@example.org Thu Mar  6 10:01:22 2025\nFrom: Jane <jane@example.org>\nSubject: [PATCH] message ${n}\nMessage-ID: <gen-${n}@example.org>\n\n` +
            `${"+\tklp_hook_put(hook);\n".repeat(50)}>From the generator, message ${n}\n\n`,
        );
        if (batch.length === 50) yield Buffer.from(batch.splice(0).join(""));
      }
      if (batch.length > 0) yield Buffer.from(batch.join(""));
    }
    let seen = 0;
    let last = "";
    for await (const item of splitMbox(generate(), "big.mbox", DEFAULT_LIMITS)) {
      seen++;
      last = text(item);
      expect(item.source).toBe(`big.mbox#${seen}`);
    }
    expect(seen).toBe(count);
    expect(last).toContain(`Message-ID: <gen-${count}@example.org>\n`);
    expect(last.endsWith(`From the generator, message ${count}\n`)).toBe(true);
  });
});
