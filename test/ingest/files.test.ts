import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readInputs, STDIN_SOURCE } from "../../src/ingest/files.js";
import { isIngestFailure } from "../../src/ingest/item.js";
import type { IngestItem } from "../../src/ingest/item.js";
import { DEFAULT_LIMITS } from "../../src/limits.js";
import type { Limits } from "../../src/limits.js";

const fixtures = fileURLToPath(new URL("../fixtures/mail/", import.meta.url));
const examples = fileURLToPath(new URL("../../examples/", import.meta.url));
let dir = "";

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "lkreview-ingest-"));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function collect(paths: string[], limits: Limits = DEFAULT_LIMITS, stdin?: NodeJS.ReadableStream): Promise<IngestItem[]> {
  const out: IngestItem[] = [];
  for await (const item of readInputs(paths, limits, stdin)) out.push(item);
  return out;
}

function errorOf(item: IngestItem | undefined): { code: string; message: string } {
  if (!item || !isIngestFailure(item)) throw new Error("expected a failure item");
  return { code: item.error.code, message: item.error.message };
}

describe("readInputs", () => {
  it("reads a single .eml as one message named by its path", async () => {
    const path = join(fixtures, "x-patch-base64.eml");
    const items = await collect([path]);
    expect(items).toHaveLength(1);
    expect(items[0]?.source).toBe(path);
    expect(items[0] && !isIngestFailure(items[0]) && Buffer.from(items[0].raw).equals(readFileSync(path))).toBe(true);
  });

  it("reads git format-patch output as a one-message mbox", async () => {
    const path = join(examples, "livepatch-hook-leak.patch");
    const items = await collect([path]);
    expect(items.map((i) => i.source)).toEqual([`${path}#1`]);
  });

  it("reads a directory's files sorted by name, skipping dotfiles and subdirectories", async () => {
    const d = join(dir, "series");
    cpSync(join(fixtures, "series"), d, { recursive: true });
    writeFileSync(join(d, ".hidden.eml"), "Subject: hidden\n\nnot to be read\n");
    mkdirSync(join(d, "nested"));
    writeFileSync(join(d, "nested", "0000-inner.eml"), "Subject: nested\n\nnot to be read\n");
    const items = await collect([d]);
    expect(items.map((i) => i.source)).toEqual([
      join(d, "0000-cover-letter.eml"),
      join(d, "0001-livepatch-warn-once.eml"),
      join(d, "0002-livepatch-keep-last.eml"),
      join(d, "0003-livepatch-document.eml"),
      join(d, "0004-reply.eml"),
      join(d, "0005-lone-patch.eml"),
    ]);
    expect(items.every((i) => !isIngestFailure(i))).toBe(true);
  });

  it("gunzips a .gz mbox transparently", async () => {
    const path = join(dir, "three.mbox.gz");
    writeFileSync(path, gzipSync(readFileSync(join(fixtures, "three.mbox"))));
    const items = await collect([path]);
    expect(items.map((i) => i.source)).toEqual([`${path}#1`, `${path}#2`, `${path}#3`]);
    const third = items[2];
    expect(third && !isIngestFailure(third) && Buffer.from(third.raw).toString()).toContain("Subject: [PATCH 3/3] three\n");
  });

  it("refuses a gzip bomb with a clear error item instead of crashing", async () => {
    const path = join(dir, "bomb.eml.gz");
    // 64 MB of zeros compress to about 64 KB; the cap below is 1 MB.
    writeFileSync(path, gzipSync(Buffer.alloc(64 * 1024 * 1024)));
    const items = await collect([path, join(fixtures, "inline-crlf.eml")], { ...DEFAULT_LIMITS, maxGunzipBytes: 1024 * 1024 });
    expect(items).toHaveLength(2);
    const err = errorOf(items[0]);
    expect(err.code).toBe("LIMIT");
    expect(err.message).toBe(`${path}: gzip data expands beyond limits.maxGunzipBytes (1048576 bytes); refusing a possible decompression bomb`);
    // The batch goes on.
    expect(items[1] && isIngestFailure(items[1])).toBe(false);
  });

  it("reports corrupt gzip data as an I/O error item", async () => {
    const path = join(dir, "broken.mbox.gz");
    writeFileSync(path, Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08, 0x00]), Buffer.from("definitely not deflate data")]));
    const err = errorOf((await collect([path]))[0]);
    expect(err.code).toBe("IO");
    expect(err.message.startsWith(`${path}: cannot gunzip:`)).toBe(true);
  });

  it("reads stdin when no path or - is given", async () => {
    const data = readFileSync(join(fixtures, "three.mbox"));
    const fromNone = await collect([], DEFAULT_LIMITS, Readable.from([data.subarray(0, 100), data.subarray(100)]));
    expect(fromNone.map((i) => i.source)).toEqual([`${STDIN_SOURCE}#1`, `${STDIN_SOURCE}#2`, `${STDIN_SOURCE}#3`]);
    const eml = readFileSync(join(fixtures, "inline-crlf.eml"));
    const fromDash = await collect(["-"], DEFAULT_LIMITS, Readable.from([eml]));
    expect(fromDash.map((i) => i.source)).toEqual([STDIN_SOURCE]);
  });

  it("turns an unreadable path into an IO error item and goes on", async () => {
    const missing = join(dir, "no-such-file.eml");
    const items = await collect([missing, join(fixtures, "x-patch-base64.eml")]);
    expect(errorOf(items[0])).toEqual({ code: "IO", message: `${missing}: cannot read: no such file or directory` });
    expect(items[1]?.source).toBe(join(fixtures, "x-patch-base64.eml"));
  });

  it("refuses a single message over limits.maxMessageBytes", async () => {
    const err = errorOf((await collect([join(fixtures, "x-patch-base64.eml")], { ...DEFAULT_LIMITS, maxMessageBytes: 500 }))[0]);
    expect(err.code).toBe("LIMIT");
    expect(err.message).toMatch(/maxMessageBytes \(500 bytes\)$/);
  });

  it("reports an empty file as holding no message", async () => {
    const path = join(dir, "empty.eml");
    writeFileSync(path, "\n\n");
    expect(errorOf((await collect([path]))[0]).code).toBe("PARSE_MAIL");
  });
});
