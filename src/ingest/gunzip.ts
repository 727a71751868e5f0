import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { LkreviewError } from "../errors.js";

/** The two magic bytes that open every gzip member (RFC 1952, section 2.3.1). */
export function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Decompress a gzip stream chunk by chunk, failing with a LIMIT error once the
 * output passes `maxBytes`. The cap is what keeps a decompression bomb (a few
 * KB that expand to gigabytes) from burning a run; memory is flat either way
 * because nothing is buffered beyond the current chunk.
 */
export async function* gunzipCapped(input: AsyncIterable<Buffer>, source: string, maxBytes: number): AsyncGenerator<Buffer> {
  const gunzip = createGunzip();
  // Errors of either side reach us through `gunzip` (pipeline destroys it with
  // the cause); the promise itself is only awaited to avoid an unhandled rejection.
  const done = pipeline(Readable.from(input), gunzip).catch(() => undefined);
  let total = 0;
  try {
    for await (const chunk of gunzip as AsyncIterable<Buffer>) {
      total += chunk.length;
      if (total > maxBytes) {
        throw new LkreviewError("LIMIT", source, `gzip data expands beyond limits.maxGunzipBytes (${maxBytes} bytes); refusing a possible decompression bomb`);
      }
      yield chunk;
    }
  } catch (err) {
    if (err instanceof LkreviewError) throw err;
    throw new LkreviewError("IO", source, `cannot gunzip: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  } finally {
    gunzip.destroy();
    await done;
  }
}
