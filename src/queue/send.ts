import { describeError } from "../errors.js";
import { formatMailDate } from "../report/lkml/date.js";
import type { OutboxEntry, QueueItem, Store } from "../store/store.js";
import { draftEnvelope } from "./draft-headers.js";

/** Hands one approved reply to the mail transport; resolves once the server accepted it. */
export type Deliver = (item: QueueItem, entry: OutboxEntry) => Promise<void>;

export interface SendReport {
  sent: number[];
  /** Put in the outbox, not sent (no sender configured). */
  queued: number[];
  failed: { id: number; error: string }[];
}

/**
 * The message as it goes to the outbox: the stored draft (LF) with its
 * `Date:` set to the time of sending (REVIEW-FORMAT.md: a reply queued on
 * Monday and approved on Friday is dated Friday; RFC 5322 3.6.1 makes Date
 * the time the message was ready to go) and CRLF line endings (RFC 5322
 * 2.1). Everything else, Message-ID included, is kept byte for byte.
 */
export function wireForm(draft: string, now: Date): string {
  const text = draft.replace(/\r\n?/g, "\n");
  const split = text.indexOf("\n\n");
  const head = split < 0 ? text : text.slice(0, split);
  const rest = split < 0 ? "" : text.slice(split);
  const date = `Date: ${formatMailDate(now)}`;
  const lines: string[] = [];
  let inDate = false;
  let placed = false;
  for (const line of head.split("\n")) {
    if (inDate && /^[ \t]/.test(line)) continue; // folded rest of the old Date
    inDate = /^date:/i.test(line);
    if (inDate) {
      if (!placed) lines.push(date);
      placed = true;
      continue;
    }
    lines.push(line);
  }
  if (!placed) {
    const at = lines.findIndex((l) => /^message-id:/i.test(l));
    lines.splice(at < 0 ? lines.length : at, 0, date);
  }
  return `${lines.join("\n")}${rest}`.replace(/\n/g, "\r\n");
}

/**
 * Moves every approved draft into the outbox (keyed by the reply's own
 * Message-ID, so a rerun never sends a second copy) and, with a sender,
 * delivers it. An item becomes `sent` only after the sender reported
 * success; a failure leaves it approved for the next run. One bad item never
 * stops the others.
 */
export async function sendApproved(store: Store, deliver: Deliver | undefined, who: string, now: () => Date = () => new Date()): Promise<SendReport> {
  const report: SendReport = { sent: [], queued: [], failed: [] };
  for (const item of await store.listItems({ state: "approved", sort: "id" })) {
    try {
      if (item.draft === null) throw new Error("has no draft reply");
      const env = draftEnvelope(item.draft);
      if ("error" in env) throw new Error(env.error);
      const raw = wireForm(item.draft, now());
      await store.outboxPut({ messageId: env.messageId, recipients: env.recipients, raw, listId: item.listId, itemId: item.id });
      const entry = await store.outboxGet(env.messageId);
      if (!entry) throw new Error("vanished from the outbox");
      if (entry.state === "sent") {
        // Delivered by an earlier run that stopped before marking the item.
        await store.setState(item.id, "sent", who);
        report.sent.push(item.id);
        continue;
      }
      if (!deliver) {
        report.queued.push(item.id);
        continue;
      }
      try {
        await deliver(item, entry);
      } catch (err) {
        await store.outboxMarkRetry(env.messageId, describeError(err), new Date());
        throw err;
      }
      await store.outboxMarkSent(env.messageId, new Date());
      await store.setState(item.id, "sent", who);
      report.sent.push(item.id);
    } catch (err) {
      report.failed.push({ id: item.id, error: describeError(err) });
    }
  }
  return report;
}
