import { TextDecoder } from "node:util";
import type { Email, HeaderLine } from "postal-mime";

/** What parseMail reads from a parsed message, whichever path parsed it. */
export type ParsedMail = Pick<Email, "headerLines" | "text" | "attachments">;

/**
 * Fast path for what nearly every patch mail is (git send-email writes it):
 * one text/plain part in UTF-8, 7bit or 8bit. Such a mail has no MIME
 * structure to decode, so it is read here exactly as postal-mime would read
 * it, without the per-message parser, Blob and address work postal-mime
 * does for the fields we never use:
 * - header lines as postal-mime's `headerLines` (see {@link readHeaderLines});
 * - the body split at LF, trailing CRs cut, each line ended by LF, decoded
 *   as UTF-8.
 *
 * Anything else (multipart, an encoding, another charset, flowed text, a
 * disposition, a header block over postal-mime's own size limit) returns
 * null and goes through postal-mime whole.
 */
export function parsePlainText(bytes: Uint8Array): ParsedMail | null {
  const end = headerEnd(bytes);
  if (end < 0 || end > MAX_HEADERS_SIZE) return null;
  const { headerLines, content } = readHeaderLines(bytes.subarray(0, end));
  const type = content.get("content-type");
  const cte = content.get("content-transfer-encoding");
  if (type !== undefined && !PLAIN_UTF8.test(type)) return null;
  if (cte !== undefined && !/^(?:7bit|8bit)$/i.test(cte)) return null;
  if (content.has("content-disposition")) return null;
  return { headerLines, text: UTF8.decode(bodyLines(bytes.subarray(end))), attachments: [] };
}

const PLAIN_UTF8 = /^text\/plain(?:;[ \t]*charset="?utf-8"?)?;?$/i;
const UTF8 = new TextDecoder("utf-8");
/**
 * postal-mime decodes header lines keeping a leading U+FEFF (so a BOM cannot
 * turn a line into a header a strict parser skips); so do we.
 */
const HEADER_UTF8 = new TextDecoder("utf-8", { ignoreBOM: true });
/** postal-mime's default `maxHeadersSize`; a longer block is left to postal-mime to refuse. */
const MAX_HEADERS_SIZE = 2 * 1024 * 1024;
const CONTENT_KEYS = new Set(["content-type", "content-transfer-encoding", "content-disposition"]);

/**
 * The header block (up to and including its empty line) as postal-mime reads
 * it: lines split at LF with trailing CRs cut, decoded as UTF-8; a line that
 * opens with a space or tab continues the one above (RFC 5322 section 2.2.3);
 * each field is kept raw, its lines joined by LF, under its lower-cased name.
 * `content` holds the first unfolded, trimmed value of the Content-* fields
 * the fast path decides on.
 */
export function readHeaderLines(block: Uint8Array): { headerLines: HeaderLine[]; content: Map<string, string> } {
  const headerLines: HeaderLine[] = [];
  const content = new Map<string, string>();
  const text = HEADER_UTF8.decode(block);
  // The field being read is text[from, to): its lines as sent, CRs before each inner LF included.
  let from = -1;
  let to = -1;
  let folded = false;
  let crs = false;
  const flush = (): void => {
    if (from < 0) return;
    // Each line's trailing CRs are cut, lines joined by LF: one slice when the field holds no CR before an LF.
    const raw = text.slice(from, to);
    const line = crs ? raw.replace(/\r+\n/g, "\n") : raw;
    const sep = line.indexOf(":");
    const lineKey = trimWsp(sep < 0 ? line : line.slice(0, sep)).toLowerCase();
    headerLines.push({ key: lineKey, line });
    // Unfolding changes the name only when the field is folded (a line break may come before its colon).
    const unfolded = folded ? line.replaceAll("\n", "") : line;
    const at = folded ? unfolded.indexOf(":") : sep;
    const key = folded ? trimWsp(at < 0 ? unfolded : unfolded.slice(0, at)).toLowerCase() : lineKey;
    // Most fields are no Content-* field: a prefix test spares hashing their names.
    if (key.startsWith("content-") && CONTENT_KEYS.has(key) && !content.has(key)) {
      content.set(key, at < 0 ? "" : trimWsp(unfolded.slice(at + 1).replace(/[\r\n]+/g, " ")));
    }
    from = -1;
  };
  for (let start = 0; start < text.length;) {
    let nl = text.indexOf("\n", start);
    if (nl === -1) nl = text.length;
    let stop = nl;
    while (stop > start && text.charCodeAt(stop - 1) === 0x0d) stop--;
    if (stop === start) break;
    // A line opening with a blank continues the field before it (or, first of all, opens one).
    if (from >= 0 && isWsp(text.charCodeAt(start))) {
      folded = true;
      // The CRs cut from the line before now sit inside the field's slice.
      if (to !== start - 1) crs = true;
    } else {
      flush();
      from = start;
      folded = false;
      crs = false;
    }
    to = stop;
    start = nl + 1;
  }
  flush();
  return { headerLines, content };
}

/** Trim only SP and HTAB, as postal-mime does (String.trim would also eat U+00A0, U+FEFF...). */
function trimWsp(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && isWsp(s.charCodeAt(start))) start++;
  while (end > start && isWsp(s.charCodeAt(end - 1))) end--;
  return s.slice(start, end);
}

function isWsp(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/** Offset just past the first empty line (CRs before its LF allowed), or -1 when there is none. */
function headerEnd(bytes: Uint8Array): number {
  let lineStart = 0;
  for (let nl = bytes.indexOf(0x0a); nl !== -1; nl = bytes.indexOf(0x0a, lineStart)) {
    let i = lineStart;
    while (i < nl && bytes[i] === 0x0d) i++;
    if (i === nl) return lineStart === 0 ? -1 : nl + 1;
    lineStart = nl + 1;
  }
  return -1;
}

/** Body bytes as postal-mime hands a plain part over: every line's trailing CRs cut, every line ended by LF. */
function bodyLines(body: Uint8Array): Uint8Array {
  if (body.length === 0) return body;
  if (!body.includes(0x0d)) {
    if (body[body.length - 1] === 0x0a) return body;
    const out = new Uint8Array(body.length + 1);
    out.set(body);
    out[body.length] = 0x0a;
    return out;
  }
  const out = new Uint8Array(body.length + 1);
  let o = 0;
  let start = 0;
  for (let i = 0; i <= body.length; i++) {
    if (i < body.length && body[i] !== 0x0a) continue;
    let stop = i;
    while (stop > start && body[stop - 1] === 0x0d) stop--;
    if (i < body.length || stop > start || i > start) {
      out.set(body.subarray(start, stop), o);
      o += stop - start;
      out[o++] = 0x0a;
    }
    start = i + 1;
  }
  return out.subarray(0, o);
}
