import { createHash } from "node:crypto";
import { TextDecoder } from "node:util";
import PostalMime, { addressParser, decodeWords } from "postal-mime";
import type { Attachment } from "postal-mime";
import { LkreviewError } from "../errors.js";
import type { Limits } from "../limits.js";
import type { Address, Mail, RawMessage } from "../model.js";
import { parsePlainText } from "./plain-mail.js";
import type { ParsedMail } from "./plain-mail.js";

/**
 * Parse one raw message into a Mail with postal-mime, keeping what patch
 * review needs byte-exact: body lines keep tabs, trailing spaces and leading
 * spaces (CRLF becomes LF). Header values are unfolded (RFC 5322 section
 * 2.2.3), RFC 2047 decoded where the RFC allows encoded words, cut at
 * `limits.maxHeaderLength` and stripped of control characters. A single-part
 * UTF-8 text mail (nearly every patch) skips the MIME parser: see
 * `parsePlainText`, which reads it the way postal-mime would.
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

  const plain = parsePlainText(bytes);
  let email: ParsedMail;
  try {
    email = plain ?? (await PostalMime.parse(bytes, { attachmentEncoding: "arraybuffer" }));
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
    // The fast path decodes UTF-8, which writes U+0080-U+009F only as C2 80-9F:
    // with no C2 byte in the message, its body holds no C1 character to repair.
    body: buildBody(email, bytes, plain === null || asBuffer(bytes).includes(0xc2)),
  };
}

const ENVELOPE = Buffer.from("From ");

/**
 * Leading blank lines (a message pasted into stdin) and a leading mbox
 * `From ` envelope line (an .eml saved by mutt) are not headers; without
 * this, postal-mime would see an empty header block.
 */
function stripEnvelope(raw: Uint8Array): Uint8Array {
  let start = 0;
  while (start < raw.byteLength && (raw[start] === 0x0a || raw[start] === 0x0d)) start++;
  const bytes = raw.subarray(start);
  if (bytes.byteLength < ENVELOPE.length || asBuffer(bytes).compare(ENVELOPE, 0, ENVELOPE.length, 0, ENVELOPE.length) !== 0) return bytes;
  const nl = bytes.indexOf(0x0a);
  return nl === -1 ? new Uint8Array(0) : bytes.subarray(nl + 1);
}

/** How far into a message its header block is looked for. */
const MAIL_CHECK_BYTES = 64 * 1024;

/**
 * The message must open with an RFC 5322 field name (printable ASCII except
 * colon) then a colon, and its header block (up to the first empty line,
 * within the first 64 KB) must hold no NUL. Checked on the bytes, so no
 * string is made of a message that is nearly all body.
 */
function checkLooksLikeMail(bytes: Uint8Array, source: string): void {
  const end = headerBlockEnd(bytes, Math.min(bytes.byteLength, MAIL_CHECK_BYTES));
  let i = 0;
  while (i < end && isFieldNameByte(bytes[i] ?? 0)) i++;
  const named = i > 0;
  while (i < end && (bytes[i] === 0x20 || bytes[i] === 0x09)) i++;
  if (!named || i === end || bytes[i] !== 0x3a) {
    throw new LkreviewError("PARSE_MAIL", source, "not a mail message: it does not start with a header line");
  }
  if (bytes.subarray(0, end).includes(0)) {
    throw new LkreviewError("PARSE_MAIL", source, "not a mail message: NUL bytes in the header block");
  }
}

function isFieldNameByte(c: number): boolean {
  return c >= 0x21 && c <= 0x7e && c !== 0x3a;
}

/** Where `\r?\n\r?\n` first starts in `bytes[0, limit)`, else `limit`. */
function headerBlockEnd(bytes: Uint8Array, limit: number): number {
  for (let i = bytes.indexOf(0x0a); i !== -1 && i < limit; i = bytes.indexOf(0x0a, i + 1)) {
    let j = i + 1;
    if (j < limit && bytes[j] === 0x0d) j++;
    if (j < limit && bytes[j] === 0x0a) return i > 0 && bytes[i - 1] === 0x0d ? i - 1 : i;
  }
  return limit;
}

/**
 * First value of a header, unfolded by removing the line breaks only (so a
 * fold between words leaves exactly the sender's whitespace), capped and
 * cleaned; null when absent.
 */
function headerReader(email: ParsedMail, max: number): (key: string) => string | null {
  return (key) => {
    const line = email.headerLines.find((h) => h.key === key)?.line;
    if (line === undefined) return null;
    const colon = line.indexOf(":");
    // Cap before unfolding and decoding, so a hostile header costs at most `max` work.
    const capped = line.slice(colon + 1, colon + 1 + max * 2);
    // Only a folded field holds a line break: the others need no unfolding pass.
    const value = capped.includes("\n") ? capped.replace(/\r?\n/g, "") : capped;
    return clean(value, max);
  };
}

/** Drop control characters (CR/LF included: they must never reach an outgoing header), tabs become spaces. */
export function clean(value: string, max: number): string {
  // Nearly every value has nothing to replace: then only trim and cap.
  if (!UNCLEAN.test(value)) return value.trim().slice(0, max);
  return (
    value
      .replace(/\t/g, " ")
      // eslint-disable-next-line no-control-regex -- the sanitiser strips control characters on purpose
      .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, "")
      .trim()
      .slice(0, max)
  );
}

// eslint-disable-next-line no-control-regex -- what clean() replaces (tabs are among the controls)
const UNCLEAN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** RFC 2047 decoding, with the Windows-1252 repair when an encoded word declares it. */
function decodeHeader(value: string): string {
  // Without `=?` there is no encoded word, and decodeWords would hand the value back unchanged.
  const decoded = value.includes("=?") ? decodeWords(value) : value;
  return declaresCp1252(value) ? fixCp1252(decoded) : decoded;
}

/**
 * The addresses of a header value. The patches of a series, and a list's
 * traffic in general, repeat the same From, To and Cc values, so parsed
 * lists are remembered (a bounded map, oldest out first) and handed out as
 * fresh copies, so no two mails share an object.
 */
function addresses(value: string | null, max: number): Address[] {
  if (!value) return [];
  const known = value.length <= ADDRESS_CACHE_KEY_CHARS ? addressCache.get(value) : undefined;
  if (known?.max === max) return known.list.map((a) => ({ ...a }));
  const list = parseAddresses(value, max);
  if (value.length <= ADDRESS_CACHE_KEY_CHARS) {
    if (addressCache.size >= ADDRESS_CACHE_ENTRIES) {
      const oldest = addressCache.keys().next();
      if (oldest.done !== true) addressCache.delete(oldest.value);
    }
    addressCache.set(value, { max, list: list.map((a) => ({ ...a })) });
  }
  return list;
}

const ADDRESS_CACHE_ENTRIES = 1024;
/** Longer values (a hostile or huge Cc) are parsed every time rather than kept. */
const ADDRESS_CACHE_KEY_CHARS = 2048;
const addressCache = new Map<string, { max: number; list: readonly Address[] }>();

function parseAddresses(value: string, max: number): Address[] {
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

/** A Buffer view of the same bytes, for Buffer's native search and decoding. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function syntheticId(raw: Uint8Array): string {
  return `<${createHash("sha256").update(raw).digest("hex")}@lkreview.invalid>`;
}

/** `email`'s text and patch attachments as one string; `mayHoldC1` false skips the Windows-1252 repair (nothing to repair). */
function buildBody(email: ParsedMail, raw: Uint8Array, mayHoldC1: boolean): string {
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
  if (body.includes("\r")) body = body.replace(/\r\n/g, "\n");
  // The repair only changes C1 characters: without any, the (whole-message) label search is not needed.
  return mayHoldC1 && C1_CHAR.test(body) && declaresCp1252(asBuffer(raw).toString("latin1")) ? fixCp1252(body) : body;
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

const C1_CHAR = /[\u0080-\u009f]/;
const C1_CHARS = /[\u0080-\u009f]/g;

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
  return text.replace(C1_CHARS, (c) => CP1252_HIGH.charAt(c.charCodeAt(0) - 0x80));
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
