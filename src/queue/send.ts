import { describeError } from "../errors.js";
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
 * Moves every approved draft into the outbox (keyed by the reply's own
 * Message-ID, so a rerun never sends a second copy) and, with a sender,
 * delivers it. An item becomes `sent` only after the sender reported
 * success; a failure leaves it approved for the next run. One bad item never
 * stops the others.
 */
export async function sendApproved(store: Store, deliver: Deliver | undefined, who: string): Promise<SendReport> {
  const report: SendReport = { sent: [], queued: [], failed: [] };
  for (const item of await store.listItems({ state: "approved", sort: "id" })) {
    try {
      if (item.draft === null) throw new Error("has no draft reply");
      const env = draftEnvelope(item.draft);
      if ("error" in env) throw new Error(env.error);
      await store.outboxPut({ messageId: env.messageId, recipients: env.recipients, raw: item.draft, listId: item.listId, itemId: item.id });
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
