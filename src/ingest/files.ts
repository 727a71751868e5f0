import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { LkreviewError } from "../errors.js";
import type { Limits } from "../limits.js";
import { gunzipCapped, isGzip } from "./gunzip.js";
import type { IngestItem } from "./item.js";
import { splitMbox } from "./mbox.js";

/** The source name used for standard input in items and error lines. */
export const STDIN_SOURCE = "<stdin>";

/**
 * Every message from the given inputs, in order, as a stream of items.
 *
 * - no path, or `-`: standard input;
 * - a directory: its regular files sorted by name (not recursive; dotfiles skipped);
 * - a file: an mbox when it starts with a `From ` line (this includes
 *   `git format-patch` output, a one-message mbox), otherwise one message
 *   (`.eml`); gzip data (by magic number) is decompressed under
 *   `limits.maxGunzipBytes`.
 *
 * An unreadable path or a broken file becomes a failure item (`{ source, error }`)
 * and the batch goes on with the next one.
 */
export async function* readInputs(paths: readonly string[], limits: Limits, stdin: NodeJS.ReadableStream = process.stdin): AsyncGenerator<IngestItem> {
  const list = paths.length === 0 ? ["-"] : paths;
  for (const path of list) {
    if (path === "-") {
      yield* readStream(stdinChunks(stdin), STDIN_SOURCE, limits);
      continue;
    }
    let isDir: boolean;
    try {
      isDir = (await stat(path)).isDirectory();
    } catch (err) {
      yield ioFailure(path, err);
      continue;
    }
    if (!isDir) {
      yield* readFileInput(path, limits);
      continue;
    }
    let names: string[];
    try {
      names = (await readdir(path)).filter((n) => !n.startsWith(".")).sort(byCodeUnits);
    } catch (err) {
      yield ioFailure(path, err);
      continue;
    }
    for (const name of names) {
      const child = join(path, name);
      try {
        // Follows symlinks on purpose; subdirectories are left alone.
        if (!(await stat(child)).isFile()) continue;
      } catch (err) {
        yield ioFailure(child, err);
        continue;
      }
      yield* readFileInput(child, limits);
    }
  }
}

/** Locale-independent order, so two machines list a directory the same way. */
function byCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function readFileInput(path: string, limits: Limits): AsyncGenerator<IngestItem> {
  return readStream(createReadStream(path) as AsyncIterable<Buffer>, path, limits);
}

async function* stdinChunks(stdin: NodeJS.ReadableStream): AsyncGenerator<Buffer> {
  for await (const chunk of stdin) yield typeof chunk === "string" ? Buffer.from(chunk, "utf8") : chunk;
}

/** Sniff the content, then split it as an mbox or take it as one message. */
async function* readStream(input: AsyncIterable<Buffer>, source: string, limits: Limits): AsyncGenerator<IngestItem> {
  try {
    let { head, rest } = await peek(input, 2);
    if (isGzip(head)) {
      ({ head, rest } = await peek(gunzipCapped(rest, source, limits.maxGunzipBytes), FROM_.length));
    } else if (head.length < FROM_.length) {
      ({ head, rest } = await peek(rest, FROM_.length));
    }
    if (head.subarray(0, FROM_.length).equals(FROM_)) {
      yield* splitMbox(rest, source, limits);
    } else {
      yield await readOne(rest, source, limits);
    }
  } catch (err) {
    yield err instanceof LkreviewError ? { source, error: err } : ioFailure(source, err);
  }
}

const FROM_ = Buffer.from("From ");

async function readOne(input: AsyncIterable<Buffer>, source: string, limits: Limits): Promise<IngestItem> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of input) {
    size += chunk.length;
    if (size > limits.maxMessageBytes) {
      // Returning from the loop closes the input; nothing more is read.
      return {
        source,
        error: new LkreviewError("LIMIT", source, `message exceeds limits.maxMessageBytes (${limits.maxMessageBytes} bytes)`),
      };
    }
    parts.push(chunk);
  }
  const raw = Buffer.concat(parts, size);
  if (raw.toString("latin1").trim() === "") {
    return { source, error: new LkreviewError("PARSE_MAIL", source, "empty input, no message in it") };
  }
  return { source, raw };
}

/**
 * Read at least `n` bytes (or all there is) and hand back those bytes plus a
 * stream that replays them before the remainder, so content can be sniffed
 * without reading a whole file.
 */
async function peek(input: AsyncIterable<Buffer>, n: number): Promise<{ head: Buffer; rest: AsyncIterable<Buffer> }> {
  const iter = input[Symbol.asyncIterator]();
  const seen: Buffer[] = [];
  let size = 0;
  let ended = false;
  while (size < n) {
    const r = await iter.next();
    if (r.done) {
      ended = true;
      break;
    }
    seen.push(r.value);
    size += r.value.length;
  }
  const head = Buffer.concat(seen, size);
  async function* rest(): AsyncGenerator<Buffer> {
    try {
      if (head.length > 0) yield head;
      if (ended) return;
      for (;;) {
        const r = await iter.next();
        if (r.done) return;
        yield r.value;
      }
    } finally {
      // Stopped early (a limit hit downstream): close the underlying file.
      if (!ended) await iter.return?.();
    }
  }
  return { head, rest: rest() };
}

function ioFailure(source: string, err: unknown): IngestItem {
  return {
    source,
    error: new LkreviewError("IO", source, `cannot read: ${reason(err)}`, { cause: err }),
  };
}

/** `ENOENT: no such file or directory, open 'x'` -> `no such file or directory`: the path is already in the item. */
function reason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const m = /^[A-Z]+: ([^,]+)/.exec(message);
  return m?.[1] ?? message;
}
