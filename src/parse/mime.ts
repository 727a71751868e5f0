import { createHash } from "node:crypto";
import { TextDecoder } from "node:util";
import PostalMime, { addressParser, decodeWords } from "postal-mime";
import type { Attachment, Email } from "postal-mime";
import { LkreviewError } from "../errors.js";
import type { Limits } from "../limits.js";
import type { Address, Mail, RawMessage } from "../model.js";

/**
 * Parse one raw message into a Mail with postal-mime, keeping what patch
 * review needs byte-exact: body lines keep tabs, trailing spaces and leading
 * spaces (CRLF becomes LF). Header values are unfolded (RFC 5322 section
 * 2.2.3), RFC 2047 decoded where the RFC allows encoded words, cut at
 * `limits.maxHeaderLength` and stripped of control characters.
 *
 * `Mail.messageId`: the first `<...>` of the Message-ID header; a bare value
 * gets brackets. A message without one gets a synthetic but stable ID,
 * `<sha256-of-raw-bytes@lkreview.invalid>` (`.invalid` is reserved by RFC 2606,
 * so it can never collide with a real one), so the same file always maps to
 * the same review.
 *
 * `Mail.body`: the inline text (postal-mime's text: the text/plain parts, or
 * the HTML converted when there is none), followed by each patch attachment
 * (`text/x-patch`, `text/x-diff`, or a `text/plain`/octet-stream attachment
 * holding a unified diff), separated by a newline.
 *
 * @throws LkreviewError `LIMIT` over `limits.maxMessageBytes`; `PARSE_MAIL`
 *   when the bytes are not a mail (no header block, no From or Subject).
 */
export async function parseMail(msg: RawMessage, limits: Limits): Promise<Mail> {
  const { source, raw } = msg;
  if (raw.byteLength > limits.maxMessageBytes) {
    throw new LkreviewError("LIMIT", source, `message of ${raw.byteLength} bytes exceeds limits.maxMessageBytes (${limits.maxMessageBytes})`);
  }
  const bytes = stripEnvelope(raw);
  checkLooksLikeMail(bytes, source);

  let email: Email;
  try {
    email = (await parsePlainText(bytes)) ?? (await PostalMime.parse(bytes, { attachmentEncoding: "arraybuffer" }));
  } catch (err) {
    throw new LkreviewError("PARSE_MAIL", source, `not parseable as mail: ${err instanceof Error ? err.message : String(err)}`, {
      cause: err,
    });
  }

  const max = limits.maxHeaderLength;
  const header = headerReader(email, max);
  if (header("from") === null && header("subject") === null) {
    throw new LkreviewError("PARSE_MAIL", source, "not a mail message: no From or Subject header");
  }

  const rawId = header("message-id");
  const messageId = firstMsgId(rawId ?? "") ?? bracketBare(rawId) ?? syntheticId(raw);
  const listId = header("list-id");
  const auto = header("auto-submitted")?.split(";")[0]?.trim().toLowerCase() ?? "";

  return {
    source,
    messageId,
    subject: clean(decodeHeader(header("subject") ?? ""), max),
    from: addresses(header("from"), max)[0] ?? { name: "", address: "" },
    replyTo: addresses(header("reply-to"), max),
    to: addresses(header("to"), max),
    cc: addresses(header("cc"), max),
    date: header("date") ?? "",
    inReplyTo: firstMsgId(header("in-reply-to") ?? ""),
    references: allMsgIds(header("references") ?? ""),
    listId: listId === null ? null : (/<([^>]*)>/.exec(listId)?.[1]?.trim() ?? listId.trim()) || null,
    autoSubmitted: auto === "" || auto === "no" ? null : auto,
    body: buildBody(email, bytes),
  };
}

/**
 * Leading blank lines (a message pasted into stdin) and a leading mbox
 * `From ` envelope line (an .eml saved by mutt) are not headers; without
 * this, postal-mime would see an empty header block.
 */
function stripEnvelope(raw: Uint8Array): Uint8Array {
  let start = 0;
  while (start < raw.byteLength && (raw[start] === 0x0a || raw[start] === 0x0d)) start++;
  const bytes = raw.subarray(start);
  if (bytes.byteLength < 5 || Buffer.from(bytes.buffer, bytes.byteOffset, 5).toString("latin1") !== "From ") return bytes;
  const nl = bytes.indexOf(0x0a);
  return nl === -1 ? new Uint8Array(0) : bytes.subarray(nl + 1);
}

/**
 * Fast path for what nearly every patch mail is (git send-email writes it):
 * one text/plain part in UTF-8, 7bit or 8bit. postal-mime is then asked for
 * the header block only, and the body is taken the way postal-mime would
 * take it (lines split at LF, trailing CRs cut, each line ending in LF,
 * decoded as UTF-8) without its per-line Blob work, which costs twenty times
 * more. Anything else (multipart, an encoding, another charset, flowed text,
 * a disposition) returns null and goes through postal-mime whole.
 */
async function parsePlainText(bytes: Uint8Array): Promise<Email | null> {
  const end = headerEnd(bytes);
  if (end < 0) return null;
  const head = await PostalMime.parse(bytes.subarray(0, end), { attachmentEncoding: "arraybuffer" });
  const first = (key: string): string | undefined => head.headers.find((h) => h.key === key)?.value;
  const type = first("content-type");
  const cte = first("content-transfer-encoding");
  if (type !== undefined && !PLAIN_UTF8.test(type)) return null;
  if (cte !== undefined && !/^(?:7bit|8bit)$/i.test(cte)) return null;
  if (first("content-disposition") !== undefined) return null;
  const text = UTF8.decode(bodyLines(bytes.subarray(end)));
  return { ...head, text, attachments: [] };
}

const PLAIN_UTF8 = /^text\/plain(?:;[ \t]*charset="?utf-8"?)?;?$/i;
const UTF8 = new TextDecoder("utf-8");

/** Offset just past the first empty line (CRs before its LF allowed), or -1 when there is none. */
function headerEnd(bytes: Uint8Array): number {
  let lineStart = 0;
  let empty = true;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x0a) {
      if (empty) return lineStart === 0 ? -1 : i + 1;
      lineStart = i + 1;
      empty = true;
    } else if (c !== 0x0d) {
      empty = false;
    }
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

/** RFC 5322 field name (printable ASCII except colon) then a colon. */
const FIELD_LINE = /^[\x21-\x39\x3b-\x7e]+[ \t]*:/;

function checkLooksLikeMail(bytes: Uint8Array, source: string): void {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 64 * 1024)).toString("latin1");
  const end = head.search(/\r?\n\r?\n/);
  const headerBlock = end === -1 ? head : head.slice(0, end);
  if (!FIELD_LINE.test(headerBlock)) {
    throw new LkreviewError("PARSE_MAIL", source, "not a mail message: it does not start with a header line");
  }
  if (headerBlock.includes("\0")) {
    throw new LkreviewError("PARSE_MAIL", source, "not a mail message: NUL bytes in the header block");
  }
}

/**
 * First value of a header, unfolded by removing the line breaks only (so a
 * fold between words leaves exactly the sender's whitespace), capped and
 * cleaned; null when absent.
 */
function headerReader(email: Email, max: number): (key: string) => string | null {
  return (key) => {
    const line = email.headerLines.find((h) => h.key === key)?.line;
    if (line === undefined) return null;
    const colon = line.indexOf(":");
    // Cap before unfolding and decoding, so a hostile header costs at most `max` work.
    const value = line.slice(colon + 1, colon + 1 + max * 2).replace(/\r?\n/g, "");
    return clean(value, max);
  };
}

/** Drop control characters (CR/LF included: they must never reach an outgoing header), tabs become spaces. */
export function clean(value: string, max: number): string {
  return (
    value
      .replace(/\t/g, " ")
      // eslint-disable-next-line no-control-regex -- the sanitiser strips control characters on purpose
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "")
      .trim()
      .slice(0, max)
  );
}

/** RFC 2047 decoding, with the Windows-1252 repair when an encoded word declares it. */
function decodeHeader(value: string): string {
  const decoded = decodeWords(value);
  return declaresCp1252(value) ? fixCp1252(decoded) : decoded;
}

function addresses(value: string | null, max: number): Address[] {
  if (!value) return [];
  const out: Address[] = [];
  for (const a of addressParser(value)) {
    const members = a.group ?? [a];
    for (const m of members) {
      const address = clean(m.address, max);
      const name = declaresCp1252(value) ? fixCp1252(m.name) : m.name;
      if (address) out.push({ name: clean(name, max), address });
    }
  }
  return out;
}

const MSG_ID = /<[^<>\s]+>/g;

function firstMsgId(value: string): string | null {
  return value.match(MSG_ID)?.[0] ?? null;
}

function allMsgIds(value: string): string[] {
  return value.match(MSG_ID) ?? [];
}

/** `abc@example.org` without brackets (seen from broken mailers) becomes `<abc@example.org>`. */
function bracketBare(value: string | null): string | null {
  const bare = value?.trim().split(/\s+/)[0]?.replace(/[<>]/g, "");
  return bare ? `<${bare}>` : null;
}

function syntheticId(raw: Uint8Array): string {
  return `<${createHash("sha256").update(raw).digest("hex")}@lkreview.invalid>`;
}

function buildBody(email: Email, raw: Uint8Array): string {
  const pieces: string[] = [];
  if (email.text) pieces.push(email.text);
  for (const att of email.attachments) {
    const text = patchText(att, raw);
    if (text !== null) pieces.push(text);
  }
  let body = "";
  for (const piece of pieces) {
    if (body !== "" && !body.endsWith("\n")) body += "\n";
    body += piece;
  }
  body = body.replace(/\r\n/g, "\n");
  return declaresCp1252(Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("latin1")) ? fixCp1252(body) : body;
}

/**
 * Labels that WHATWG Encoding maps to windows-1252 (ISO-8859-1 included:
 * mailers write it for Windows-1252 text all the time).
 */
const CP1252_LABEL =
  /charset\s*=\s*"?(?:windows-1252|cp1252|x-cp1252|iso-8859-1|iso8859-1|iso_8859-1|latin1|l1|cp819|ibm819)\b|=\?(?:windows-1252|cp1252|iso-8859-1|latin1)\?/i;

function declaresCp1252(text: string): boolean {
  return CP1252_LABEL.test(text);
}

/** Windows-1252 characters for bytes 0x80-0x9F; the five unassigned bytes stay as they are. */
const CP1252_HIGH =
  "\u20ac\u0081\u201a\u0192\u201e\u2026\u2020\u2021\u02c6\u2030\u0160\u2039\u0152\u008d\u017d\u008f\u0090\u2018\u2019\u201c\u201d\u2022\u2013\u2014\u02dc\u2122\u0161\u203a\u0153\u009d\u017e\u0178";

/**
 * Node 20's TextDecoder accepts the `windows-1252` label but decodes bytes
 * 0x80-0x9F as Latin-1 C1 controls (a known Node bug, fixed in later
 * releases), so `’` arrives as U+0092. Map those code points to what
 * Windows-1252 means by them; a no-op on runtimes that decode correctly.
 */
export function fixCp1252(text: string): string {
  return text.replace(/[\u0080-\u009f]/g, (c) => CP1252_HIGH.charAt(c.charCodeAt(0) - 0x80));
}

const PATCH_TYPE = /^(?:text|application)\/(?:x-)?(?:patch|diff)$/;
const PATCH_NAME = /\.(?:patch|diff)$/i;
/** A unified diff somewhere in the text: git's header, or a `---`/`+++`/`@@` triple. */
const HAS_DIFF = /^diff --git |^--- \S[^\n]*\n\+\+\+ \S[^\n]*\n@@ /m;

/** The attachment's text when it carries a patch, else null. */
function patchText(att: Attachment, raw: Uint8Array): string | null {
  const type = att.mimeType;
  const namedPatch = att.filename !== null && PATCH_NAME.test(att.filename);
  const candidate = PATCH_TYPE.test(type) || type === "text/plain" || (type === "application/octet-stream" && namedPatch);
  if (!candidate || typeof att.content === "string") return null;
  const text = decodeAttachment(new Uint8Array(att.content), type, raw);
  return PATCH_TYPE.test(type) || HAS_DIFF.test(text) ? text : null;
}

/**
 * postal-mime hands attachments over as bytes without their charset. UTF-8 is
 * what git send-email writes; otherwise use the charset the message declares
 * for parts of this type when there is exactly one, else Windows-1252 (a
 * superset of ISO-8859-1 that decodes any byte).
 */
function decodeAttachment(bytes: Uint8Array, type: string, raw: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    const charsets = declaredCharsets(raw, type);
    const label = charsets.size === 1 ? [...charsets][0] : undefined;
    return fixIfCp1252(decoderFor(label).decode(bytes), label);
  }
}

function declaredCharsets(raw: Uint8Array, type: string): Set<string> {
  const text = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString("latin1");
  const escaped = type.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
  const re = new RegExp(`^content-type:[ \\t]*${escaped}[ \\t]*;((?:[^\\n]*)(?:\\r?\\n[ \\t][^\\n]*)*)`, "gim");
  const found = new Set<string>();
  for (const m of text.matchAll(re)) {
    const cs = /charset\s*=\s*"?([^";\s]+)/i.exec(m[1] ?? "")?.[1]?.toLowerCase();
    if (cs && cs !== "utf-8" && cs !== "utf8" && cs !== "us-ascii") found.add(cs);
  }
  return found;
}

function fixIfCp1252(text: string, label: string | undefined): string {
  return label === undefined || declaresCp1252(`charset=${label}`) ? fixCp1252(text) : text;
}

function decoderFor(label: string | undefined): TextDecoder {
  try {
    return new TextDecoder(label ?? "windows-1252");
  } catch {
    return new TextDecoder("windows-1252");
  }
}
