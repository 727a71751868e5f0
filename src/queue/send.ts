import { describeError } from "../errors.js";
import { formatMailDate } from "../report/lkml/date.js";
import type { OutboxEntry, QueueItem, Store } from "../store/store.js";
import type { HumanPoint } from "../etiquette/thread.js";
import { draftEnvelope } from "./draft-headers.js";
import type { DraftEnvelope } from "./draft-headers.js";
import { checkThread, describePoints } from "./thread-check.js";

/** Hands one approved reply to the mail transport; resolves once the server accepted it. */
export type Deliver = (item: QueueItem, entry: OutboxEntry) => Promise<void>;

export interface SendReport {
  sent: number[];
  /** Put in the outbox, not sent (no sender configured). */
  queued: number[];
  failed: { id: number; error: string }[];
  /** Not sent because humans in the thread already made every point (the item is dismissed with a note). */
  withheld: { id: number; why: string }[];
  /** Sent, with something the maintainer should know (a hand-edited draft repeats a human's point; points dropped). */
  warnings: { id: number; text: string }[];
}

/** The bot's name in an item's history. */
const BOT = "lkreview";

/**
 * The draft to send after reading the thread (see thread-check.ts), or null
 * when nothing is left to say. Only a draft not yet in the outbox is looked
 * at: one already there is committed (a rerun must send that same message).
 */
async function draftAfterThread(
  store: Store,
  item: QueueItem,
  draft: string,
  messageId: string,
  report: SendReport,
): Promise<{ draft: string; dropped: HumanPoint[] } | null> {
  if (await store.outboxGet(messageId)) return { draft, dropped: [] };
  const check = await checkThread(store, item);
  switch (check.kind) {
    case "as-is":
      return { draft, dropped: [] };
    case "nothing-left": {
      const why = `humans in the thread already made every point: ${describePoints(check.dropped)}`;
      await store.addNote(item.id, BOT, `Not sent: ${why}.`);
      await store.setState(item.id, "dismissed", BOT);
      report.withheld.push({ id: item.id, why });
      return null;
    }
    case "recomposed": {
      const text = `dropped from the draft, already raised in the thread: ${describePoints(check.dropped)}`;
      await store.setDraft(item.id, check.draft, BOT, "draft recomposed: points already made in the thread dropped");
      await store.addNote(item.id, BOT, `Before sending, ${text}.`);
      report.warnings.push({ id: item.id, text });
      return { draft: check.draft, dropped: check.dropped };
    }
    case "kept": {
      const text = `a human already raised ${describePoints(check.dropped)}, but ${check.why}, so it goes out as written`;
      await store.addNote(item.id, BOT, `Goes out as written: ${text}.`);
      report.warnings.push({ id: item.id, text });
      return { draft, dropped: [] };
    }
  }
}

/** The review record learns that its reply went out (for `lkreview stats` and feedback by mail). */
async function recordSent(store: Store, item: QueueItem, dropped: readonly HumanPoint[], envelope: DraftEnvelope, at: Date): Promise<void> {
  const rec = await store.reviewGet(item.messageId);
  if (!rec) return;
  // Points a human made meanwhile were taken out of the draft: they were not sent.
  const gone = new Set(dropped.map((d) => `${d.finding.rule}\0${d.finding.fingerprint}`));
  const findings = rec.findings.filter((f) => !gone.has(`${f.rule}\0${f.fingerprint}`));
  await store.reviewSave({ ...rec, findings, replyMessageId: envelope.messageId, recipients: envelope.recipients, repliedAt: at.toISOString() });
}

/** recordSent for a mail that is out: a failure only costs the statistics, and says so. */
async function noteSent(store: Store, item: QueueItem, dropped: readonly HumanPoint[], env: DraftEnvelope, at: Date, report: SendReport): Promise<void> {
  try {
    await recordSent(store, item, dropped, env, at);
  } catch (err) {
    report.warnings.push({ id: item.id, text: `sent, but the review record was not updated: ${describeError(err)}` });
  }
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
  const report: SendReport = { sent: [], queued: [], failed: [], withheld: [], warnings: [] };
  for (const item of await store.listItems({ state: "approved", sort: "id" })) {
    try {
      if (item.draft === null) throw new Error("has no draft reply");
      const first = draftEnvelope(item.draft);
      if ("error" in first) throw new Error(first.error);
      const checked = await draftAfterThread(store, item, item.draft, first.messageId, report);
      if (checked === null) continue;
      const { draft } = checked;
      const env = draftEnvelope(draft);
      if ("error" in env) throw new Error(env.error);
      const raw = wireForm(draft, now());
      await store.outboxPut({ messageId: env.messageId, recipients: env.recipients, raw, listId: item.listId, itemId: item.id });
      const entry = await store.outboxGet(env.messageId);
      if (!entry) throw new Error("vanished from the outbox");
      if (entry.state === "sent") {
        // Delivered by an earlier run that stopped before marking the item,
        // or by the watch flushing the outbox: the record learns it now.
        await store.setState(item.id, "sent", who);
        report.sent.push(item.id);
        await noteSent(store, item, checked.dropped, env, now(), report);
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
      await noteSent(store, item, checked.dropped, env, now(), report);
    } catch (err) {
      report.failed.push({ id: item.id, error: describeError(err) });
    }
  }
  return report;
}
