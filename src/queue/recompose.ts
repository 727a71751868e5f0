import { LkreviewError } from "../errors.js";
import { DEFAULT_LIMITS } from "../limits.js";
import type { Address, Finding, Mail, Patch } from "../model.js";
import { parseMail } from "../parse/mime.js";
import { classifyMail } from "../parse/patch.js";
import { composeReply } from "../report/lkml/compose.js";
import { replyable } from "../etiquette/review-steps.js";
import type { QueueItem } from "../store/store.js";
import { draftHeaders } from "./draft-headers.js";

/**
 * Rebuilds an item's draft reply for a changed set of findings (a point
 * marked false positive, or unmarked), through the same composer that wrote
 * it. The queue keeps the patch text (`item.patch`) but not the patch mail's
 * headers; everything else the composer needs is in the draft it wrote: bot
 * identity, recipients, threading, the send-time version and signature, and
 * the patch's own Date (in the attribution line).
 *
 * The rebuilt draft is trusted only if composing the *previous* findings the
 * same way gives back the stored draft byte for byte; otherwise the draft was
 * edited by hand (or written by another lkreview version) and is kept.
 */

/** The findings a reply to this item says, in the order the review had them: what `analysePatch` calls reportable, less the points a human already made in the thread. */
export function replyFindings(findings: readonly Finding[]): Finding[] {
  return replyable(findings);
}

export type Recomposed =
  /** The new draft; null when nothing is left to say. */
  { ok: true; draft: string | null } | { ok: false; why: string };

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * The patch's Date back from mutt's attribution line
 * (`On Tue, Mar 04, 2025 at 09:15:07AM +0100, Jane ... wrote:`); "" when the
 * line has no date (the composer then wrote `Name <addr> wrote:`, and does so again).
 */
function dateFromAttribution(line: string): string {
  const m = /^On [A-Za-z]{3}, ([A-Za-z]{3}) (\d{2}), (\d{4}) at (\d{2}):(\d{2}):(\d{2})(AM|PM) ([+-]\d{4}), /.exec(line);
  if (!m || !MONTHS.includes(m[1] ?? "")) return "";
  const h12 = Number(m[4]) % 12;
  const hour = m[7] === "PM" ? h12 + 12 : h12;
  return `${m[2]} ${m[1]} ${m[3]} ${String(hour).padStart(2, "0")}:${m[5]}:${m[6]} ${m[8]}`;
}

/** `Name <addr>` as the queue stores the author. */
function authorAddress(author: string): Address {
  const m = /^\s*(.*?)\s*<([^<>]*)>\s*$/.exec(author);
  return m ? { name: (m[1] ?? "").replace(/^"(.*)"$/, "$1"), address: m[2] ?? "" } : { name: "", address: author.trim() };
}

const toLf = (s: string): string => s.replace(/\r\n?/g, "\n");

/** The patch a mail carries (commit message and diff); an empty one when it carries none. */
function patchOf(mail: Mail): Patch {
  const classified = classifyMail(mail, DEFAULT_LIMITS);
  return classified.patch ?? { mail, subject: classified.subject, commitMessage: [], files: [] };
}

/**
 * The item's patch rebuilt from the text the queue kept, so findings can be
 * matched to its lines again (what a human quoted in the thread); null when
 * the patch text was not kept.
 */
export function itemPatch(item: QueueItem): Patch | null {
  if (item.patch === null) return null;
  return patchOf({
    source: `item ${item.id}`,
    messageId: item.messageId,
    subject: item.subject,
    from: authorAddress(item.author),
    replyTo: [],
    to: [],
    cc: [],
    date: "",
    inReplyTo: null,
    references: [],
    listId: item.listId,
    autoSubmitted: null,
    body: item.patch,
  });
}

/** Composes `findings` as a reply to the item's patch, with everything else taken from `reply` (the parsed stored draft). */
function compose(item: QueueItem, reply: Mail, headers: Map<string, string[]>, findings: Finding[]): string | null {
  const lines = reply.body.replace(/\r\n?/g, "\n").split("\n");
  const delim = lines.lastIndexOf("-- ");
  const signature = delim < 0 ? [] : lines.slice(delim + 1);
  while (signature.length && signature[signature.length - 1] === "") signature.pop();
  const references = reply.references.filter((r) => r !== item.messageId);
  const mail: Mail = {
    source: `item ${item.id}`,
    messageId: item.messageId,
    subject: item.subject,
    from: authorAddress(item.author),
    // The draft's To is who the composer chose (Reply-To over From) and its Cc
    // the cleaned reply-all list plus list policy: handing them back as the
    // patch's Reply-To and Cc makes the composer choose the same again.
    replyTo: reply.to,
    to: [],
    cc: reply.cc,
    date: dateFromAttribution(lines[0] ?? ""),
    inReplyTo: null,
    references,
    listId: item.listId,
    autoSubmitted: null,
    body: item.patch ?? "",
  };
  const patch = patchOf(mail);
  const sentDate = new Date(headers.get("date")?.[0] ?? "");
  const version = (headers.get("user-agent")?.[0] ?? "").replace(/^lkreview\//, "");
  const from = reply.from.name ? `${reply.from.name} <${reply.from.address}>` : reply.from.address;
  const composed = composeReply(patch, findings, {
    from,
    signature,
    version,
    date: Number.isNaN(sentDate.getTime()) ? new Date() : sentDate,
  });
  return composed ? toLf(composed.raw) : null;
}

/**
 * The draft for `after` (the findings as they now stand), given that the
 * stored draft was composed from `before`. Never throws: a draft that cannot
 * be rebuilt is reported with the reason, and the caller keeps it.
 */
export async function recomposeDraft(item: QueueItem, before: readonly Finding[], after: readonly Finding[]): Promise<Recomposed> {
  if (item.draft === null) return { ok: false, why: "there is no draft to rebuild" };
  if (item.patch === null) return { ok: false, why: "the patch text was not kept" };
  try {
    const reply = await parseMail({ source: `item ${item.id} draft`, raw: new TextEncoder().encode(item.draft) }, DEFAULT_LIMITS);
    const headers = draftHeaders(item.draft);
    const again = compose(item, reply, headers, replyFindings(before));
    if (again === null || again !== toLf(item.draft)) return { ok: false, why: "the draft was edited" };
    return { ok: true, draft: compose(item, reply, headers, replyFindings(after)) };
  } catch (err) {
    const why = err instanceof LkreviewError || err instanceof Error ? err.message : String(err);
    return { ok: false, why: `the draft could not be rebuilt (${why})` };
  }
}
