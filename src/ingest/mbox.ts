import { LkreviewError } from "../errors.js";
import type { Limits } from "../limits.js";
import type { IngestItem } from "./item.js";

/**
 * Streaming mbox splitter. Memory stays flat whatever the file size: only the
 * message being assembled is held, and a message over `limits.maxMessageBytes`
 * is counted, not kept, then reported as one failure item.
 *
 * Separator lines (`From <sender> <date>`) follow the mboxrd family
 * (https://www.loc.gov/preservation/digital/formats/fdd/fdd000385.shtml) but
 * tolerate what git and lore actually write:
 * - the first line of the stream, if it starts with `From `, always opens a message;
 * - after a blank line, `From <token> ...` with a `hh:mm` time in it opens one
 *   (lore `From git@z Thu Jan  1 00:00:00 1970`, git `From <sha> Mon Sep 17 00:00:00 2001`);
 * - without a blank line before it, only a strict ctime-style line opens one,
 *   so prose such as "From the spec:" in an unescaped commit message stays text.
 *
 * `>From `, `>>From `... lines lose one `>` (mboxrd un-escaping). The blank line
 * that precedes a separator belongs to the mbox format and is dropped.
 */
export async function* splitMbox(stream: AsyncIterable<Buffer | Uint8Array>, source: string, limits: Limits): AsyncGenerator<IngestItem> {
  const splitter = new MboxSplitter(source, limits);
  // The unfinished line so far, as pieces: joined once when its LF arrives,
  // so a long line delivered in tiny chunks (a slow pipe) costs linear time.
  let carry: Buffer[] = [];
  let carryLen = 0;
  for await (const chunk of stream) {
    const buf = toBuffer(chunk);
    let pos = 0;
    if (carryLen > 0) {
      const nl = buf.indexOf(LF);
      if (nl !== -1) {
        pos = nl + 1;
        splitter.line(Buffer.concat([...carry, buf.subarray(0, pos)], carryLen + pos), true);
        carry = [];
        carryLen = 0;
      }
    }
    // Every complete line of the chunk at once; only the unfinished tail is carried.
    const end = buf.lastIndexOf(LF) + 1;
    if (end > pos) {
      splitter.lines(buf, pos, end);
      pos = end;
    }
    if (pos < buf.length) {
      // Copy so the (possibly large) chunk is not kept alive by a few bytes.
      carry.push(Buffer.from(buf.subarray(pos)));
      carryLen += buf.length - pos;
    }
    if (carryLen > MAX_PENDING_LINE) {
      // A line this long cannot be a separator: hand it over as content so a
      // file without newlines cannot grow the carry without bound.
      splitter.line(Buffer.concat(carry, carryLen), false);
      carry = [];
      carryLen = 0;
    }
    yield* splitter.drain();
    if (splitter.stopped) return;
  }
  if (carryLen > 0) splitter.line(Buffer.concat(carry, carryLen), true);
  splitter.finish();
  yield* splitter.drain();
}

const LF = 0x0a;
const CR = 0x0d;
const GT = 0x3e;
const FROM_ = Buffer.from("From ");
/** Longer partial lines are passed on as content (separators are short). */
const MAX_PENDING_LINE = 64 * 1024;

/** `From <sender> <anything with a hh:mm time>`: enough after a blank line. */
const LOOSE_SEPARATOR = /^From \S+ .*\b\d{1,2}:\d{2}\b/;
/** `From <sender> Www Mmm dd hh:mm[:ss] [TZ] yyyy`, the asctime form mbox writers use. */
const STRICT_SEPARATOR =
  /^From \S+ +(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) +(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) +\d{1,2} +\d{1,2}:\d{2}(?::\d{2})? +(?:[A-Z]{2,5} +)?\d{4}\s*$/;

function toBuffer(chunk: Buffer | Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function startsWith(line: Buffer, prefix: Buffer, at = 0): boolean {
  return line.length - at >= prefix.length && line.compare(prefix, 0, prefix.length, at, at + prefix.length) === 0;
}

/** True when `buf[start, end)`, complete lines, holds one that is not blank. */
function hasTextLine(buf: Buffer, start: number, end: number): boolean {
  let i = start;
  while (i < end) {
    if (buf[i] === LF) i += 1;
    else if (buf[i] === CR && buf[i + 1] === LF) i += 2;
    else return true;
  }
  return false;
}

/** Line-by-line state machine; emits finished items into a queue the generator drains. */
class MboxSplitter {
  stopped = false;
  private readonly out: IngestItem[] = [];
  private parts: Buffer[] = [];
  private size = 0;
  private oversized = false;
  private inMessage = false;
  private hasText = false;
  private pendingBlank: Buffer | null = null;
  private prevBlank = false;
  private atStart = true;
  private midLine = false;
  private count = 0;

  constructor(
    private readonly source: string,
    private readonly limits: Limits,
  ) {}

  *drain(): Generator<IngestItem> {
    while (this.out.length > 0) {
      const item = this.out.shift();
      if (item) yield item;
    }
  }

  /** One line including its LF (`complete`), or a fragment of an overlong line. */
  line(line: Buffer, complete: boolean): void {
    if (this.stopped) return;
    if (this.midLine) {
      this.append(line);
      this.midLine = !complete;
      return;
    }
    const atStart = this.atStart;
    this.atStart = false;
    if (complete && startsWith(line, FROM_) && this.isSeparator(line, atStart)) {
      this.finish();
      this.inMessage = true;
      this.prevBlank = false;
      return;
    }
    // Text before the first separator is kept as a message of its own rather
    // than lost; an all-blank preamble is dropped in finish().
    this.inMessage = true;
    if (this.pendingBlank) {
      this.append(this.pendingBlank);
      this.pendingBlank = null;
    }
    const blank = complete && (line.length === 1 || (line.length === 2 && line[0] === CR));
    if (blank) {
      this.pendingBlank = line;
      this.prevBlank = true;
      return;
    }
    this.prevBlank = false;
    this.hasText = true;
    let start = 0;
    while (start < line.length && line[start] === GT) start++;
    if (start > 0 && startsWith(line, FROM_, start)) line = line.subarray(1);
    this.append(line);
    this.midLine = !complete;
  }

  /**
   * The complete lines `buf[start, end)` (`end` just past an LF), with the
   * same effect as passing each one to `line()`. Only lines that open with
   * `From ` or `>...From ` can be separators or need un-escaping; those few
   * take the line-by-line path, and the ordinary lines between them are
   * appended as one slice, so the cost per line is a native search.
   */
  lines(buf: Buffer, start: number, end: number): void {
    let pos = start;
    // The first line may continue an overlong line or open the stream.
    while (pos < end && (this.midLine || this.atStart)) {
      const next = buf.indexOf(LF, pos) + 1;
      this.line(buf.subarray(pos, next), true);
      pos = next;
    }
    let runStart = pos;
    let from = buf.indexOf(FROM_, pos);
    while (from !== -1 && from < end) {
      let lineStart = from;
      while (lineStart > runStart && buf[lineStart - 1] === GT) lineStart--;
      if (lineStart > runStart && buf[lineStart - 1] !== LF) {
        from = buf.indexOf(FROM_, from + 1);
        continue;
      }
      this.run(buf, runStart, lineStart);
      runStart = buf.indexOf(LF, from) + 1;
      this.line(buf.subarray(lineStart, runStart), true);
      from = buf.indexOf(FROM_, runStart);
    }
    this.run(buf, runStart, end);
  }

  /**
   * Complete lines none of which opens with `From ` or `>...From `: all
   * content, except that a blank last line is held back in case a separator
   * follows (it is then the mbox's, not the message's).
   */
  private run(buf: Buffer, start: number, end: number): void {
    if (start >= end || this.stopped) return;
    this.inMessage = true;
    if (this.pendingBlank) {
      this.append(this.pendingBlank);
      this.pendingBlank = null;
    }
    // Start of the last line when it is blank (`\n` or `\r\n`), else `end`.
    let textEnd = end;
    if (end - 1 === start || buf[end - 2] === LF) textEnd = end - 1;
    else if (buf[end - 2] === CR && (end - 2 === start || buf[end - 3] === LF)) textEnd = end - 2;
    if (textEnd > start) this.append(buf.subarray(start, textEnd));
    if (textEnd < end) {
      this.pendingBlank = buf.subarray(textEnd, end);
      this.prevBlank = true;
      this.hasText ||= hasTextLine(buf, start, textEnd);
    } else {
      this.prevBlank = false;
      this.hasText = true;
    }
  }

  /** Close the message being assembled, if any, and queue it. */
  finish(): void {
    if (!this.inMessage || this.stopped) return;
    const { parts, size, oversized, hasText } = this;
    this.parts = [];
    this.size = 0;
    this.oversized = false;
    this.hasText = false;
    this.pendingBlank = null;
    this.midLine = false;
    this.inMessage = false;
    if (!hasText && !oversized) return;
    if (this.count >= this.limits.maxMessagesPerFile) {
      this.stopped = true;
      this.out.push({
        source: this.source,
        error: new LkreviewError("LIMIT", this.source, `more than ${this.limits.maxMessagesPerFile} messages (limits.maxMessagesPerFile); the rest is skipped`),
      });
      return;
    }
    this.count++;
    const source = `${this.source}#${this.count}`;
    if (oversized) {
      this.out.push({
        source,
        error: new LkreviewError("LIMIT", source, `message of ${size} bytes exceeds limits.maxMessageBytes (${this.limits.maxMessageBytes})`),
      });
      return;
    }
    this.out.push({ source, raw: Buffer.concat(parts, size) });
  }

  private isSeparator(line: Buffer, atStart: boolean): boolean {
    if (atStart) return true;
    const text = line
      .subarray(0, Math.min(line.length, 512))
      .toString("latin1")
      .replace(/\r?\n$/, "");
    return this.prevBlank ? LOOSE_SEPARATOR.test(text) : STRICT_SEPARATOR.test(text);
  }

  private append(buf: Buffer): void {
    this.size += buf.length;
    if (this.oversized) return;
    if (this.size > this.limits.maxMessageBytes) {
      // Keep counting for the error message, but let go of the bytes.
      this.oversized = true;
      this.parts = [];
      return;
    }
    const last = this.parts[this.parts.length - 1];
    if (last?.buffer === buf.buffer && last.byteOffset + last.length === buf.byteOffset) {
      // Adjacent slices of one chunk: widen the view instead of keeping one object per line.
      this.parts[this.parts.length - 1] = Buffer.from(last.buffer, last.byteOffset, last.length + buf.length);
    } else {
      this.parts.push(buf);
    }
  }
}
