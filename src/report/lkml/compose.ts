/**
 * Composes the LKML reply to one patch: headers by the table in
 * REVIEW-FORMAT.md, body by its Body section. Pure: no I/O, and the same
 * patch and findings give the same Message-ID, so a retry is recognised.
 */
import { LkreviewError } from "../../errors.js";
import type { Finding, Patch } from "../../model.js";
import { stableHash } from "../fingerprint.js";
import { addressListText, addressListTokens, parseIdentity, replyRecipients } from "./addresses.js";
import type { CleanAddress } from "./addresses.js";
import { renderBody } from "./body.js";
import { formatMailDate } from "./date.js";
import { foldHeader, unstructuredTokens } from "./header-encode.js";
import { planQuotes } from "./quote.js";
import { MAX_SUBJECT_CHARS, sanitiseHeaderText, sanitiseMessageId } from "./sanitise.js";
import { needsQuotedPrintable, qpEncode } from "./transfer-encoding.js";

export interface ComposeOptions {
  /** The bot's identity, `Name <addr>`. */
  from: string;
  /** Lines after the `-- ` delimiter. */
  signature: string[];
  /** lkreview's version, for User-Agent. */
  version: string;
  /** Further addresses of the bot, never copied on a reply. */
  botAddresses?: string[];
  /** Send time for the Date header; default now. */
  date?: Date;
  /** Added to Cc (list policy), `Name <addr>` or bare addresses. */
  extraCc?: string[];
  /** Copy the patch's To and Cc (list etiquette); default true. */
  replyAll?: boolean;
}

/**
 * A composed reply. `raw` is the message as it goes to SMTP: RFC 5322 with
 * CRLF line endings, headers folded and encoded. `body` and `headers` are
 * the same content as a reader sees it (decoded, unfolded, LF line endings),
 * for tests, the web view and the store. Use `toEml()` (mbox.ts) for an LF
 * file copy.
 */
export interface ComposedReply {
  /** With angle brackets. */
  messageId: string;
  /** Header name and decoded, unfolded value, in the order they are sent. */
  headers: [string, string][];
  /** Decoded body text, LF line endings, ending with a newline. */
  body: string;
  /** Wire form, CRLF line endings. */
  raw: string;
  /** Bare addresses for the envelope. */
  to: string[];
  cc: string[];
  /** Bare address of the bot, the envelope sender. */
  from: string;
  /** The send time written in the Date header. */
  date: Date;
}

/** Most Message-IDs kept in References: the thread root and the newest ones (RFC 5322 3.6.4 allows trimming; long threads would pass the line limit). */
const MAX_REFERENCES = 30;

function threadIds(patch: Patch, own: string): string[] {
  const parents = patch.mail.references.length > 0 ? patch.mail.references : patch.mail.inReplyTo ? [patch.mail.inReplyTo] : [];
  const ids: string[] = [];
  for (const p of parents) {
    const id = sanitiseMessageId(p);
    if (id && id !== own && !ids.includes(id)) ids.push(id);
  }
  ids.push(own);
  if (ids.length <= MAX_REFERENCES) return ids;
  return [ids[0] ?? own, ...ids.slice(ids.length - (MAX_REFERENCES - 1))];
}

/** `<lkreview-HASH@domain>` from the patch and the finding set, so the same review always gets the same id. */
function replyMessageId(patch: Patch, findings: readonly Finding[], bot: CleanAddress): string {
  const fps = [...new Set(findings.map((f) => f.fingerprint))].sort();
  const hash = stableHash(patch.mail.messageId, ...fps).slice(0, 32);
  const domain = bot.address.slice(bot.address.lastIndexOf("@") + 1);
  return `<lkreview-${hash}@${/^[A-Za-z0-9.-]+$/.test(domain) ? domain : "localhost"}>`;
}

function replySubject(subject: string): string {
  const s = sanitiseHeaderText(subject, MAX_SUBJECT_CHARS);
  // A follow-up to a reply keeps one "Re:" (RFC 5322 3.6.5).
  return /^re:/i.test(s) ? s : `Re: ${s}`.trim();
}

/**
 * The reply to `patch` carrying `findings`, or null when there is nothing
 * worth saying. Throws LkreviewError when the patch cannot be answered in
 * its thread (no usable Message-ID or author address) or `opts.from` is not
 * an address.
 */
/**
 * A reviewer who finds the same slip forty times says so a few times and
 * stops; a reply of hundreds of points is not read. The rest stay in JSON,
 * the terse output and the queue.
 */
export const MAX_POINTS_PER_REPLY = 15;

const RANK: Record<Finding["severity"], number> = { error: 0, warning: 1, note: 2 };

/** The `max` most severe findings, ties kept in patch order. */
function mostImportant(findings: Finding[], max: number): Finding[] {
  if (findings.length <= max) return findings;
  const keep = new Set(
    findings
      .map((f, i) => ({ f, i }))
      .sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.i - b.i)
      .slice(0, max)
      .map((x) => x.f),
  );
  return findings.filter((f) => keep.has(f));
}

export function composeReply(patch: Patch, findings: Finding[], opts: ComposeOptions): ComposedReply | null {
  if (findings.length === 0) return null;
  const bot = parseIdentity(opts.from, "from");
  const parentId = sanitiseMessageId(patch.mail.messageId);
  if (!parentId) {
    throw new LkreviewError("PARSE_MAIL", patch.mail.source, "no usable Message-ID, a reply could not be threaded");
  }
  const extraCc = (opts.extraCc ?? []).map((a, i) => parseIdentity(a, `extraCc[${i}]`));
  const botAddresses = [bot.address, ...(opts.botAddresses ?? [])];
  const { to, cc } = replyRecipients(patch.mail, { botAddresses, extraCc, replyAll: opts.replyAll ?? true });

  const messageId = replyMessageId(patch, findings, bot);
  const date = opts.date ?? new Date();
  if (Number.isNaN(date.getTime())) throw new LkreviewError("USAGE", "date", "the send date is not a valid time");
  const subject = replySubject(patch.mail.subject);
  const refs = threadIds(patch, parentId);
  const version = opts.version.replace(/[^\w.+-]/g, "").slice(0, 40) || "0";

  const shown = mostImportant(findings, MAX_POINTS_PER_REPLY);
  const bodyLines = renderBody(patch, planQuotes(patch, shown), opts.signature, findings.length - shown.length);
  const qp = needsQuotedPrintable(bodyLines);

  // [name, value as read, wire tokens]
  const fields: [string, string, string[]][] = [
    ["From", addressListText([bot]), addressListTokens([bot])],
    ["To", addressListText(to), addressListTokens(to)],
  ];
  if (cc.length > 0) fields.push(["Cc", addressListText(cc), addressListTokens(cc)]);
  const plain = (name: string, value: string): void => {
    fields.push([name, value, value.split(" ")]);
  };
  fields.push(["Subject", subject, unstructuredTokens(subject)]);
  plain("Date", formatMailDate(date));
  plain("Message-ID", messageId);
  plain("In-Reply-To", parentId);
  fields.push(["References", refs.join(" "), refs]);
  plain("MIME-Version", "1.0");
  plain("Content-Type", "text/plain; charset=utf-8");
  plain("Content-Transfer-Encoding", qp ? "quoted-printable" : "8bit");
  // RFC 3834 5: a message generated in response to another is auto-replied.
  plain("Auto-Submitted", "auto-replied");
  plain("User-Agent", `lkreview/${version}`);

  const wireHeaders = fields.map(([name, , tokens]) => foldHeader(name, tokens));
  const wireBody = qp ? qpEncode(bodyLines) : bodyLines;
  const raw = `${wireHeaders.join("\r\n")}\r\n\r\n${wireBody.join("\r\n")}\r\n`;
  return {
    messageId,
    headers: fields.map(([name, value]) => [name, value]),
    body: `${bodyLines.join("\n")}\n`,
    raw,
    to: to.map((a) => a.address),
    cc: cc.map((a) => a.address),
    from: bot.address,
    date,
  };
}
