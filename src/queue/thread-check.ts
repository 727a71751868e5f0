import { RAISED_IN_THREAD, dropHumanPoints } from "../etiquette/thread.js";
import type { HumanPoint } from "../etiquette/thread.js";
import type { QueueItem, Store } from "../store/store.js";
import { addrSpec, draftHeaders } from "./draft-headers.js";
import { itemPatch, recomposeDraft, replyFindings } from "./recompose.js";

/**
 * Thread awareness at the last moment: a draft may wait in the queue for
 * days while humans review the patch on the list. Before it goes out, the
 * replies the store has seen in the patch's thread (the watch records them)
 * are read again, and any point a human already made on the same lines is
 * taken out of the draft, so the bot never repeats a reviewer.
 */

export type ThreadCheck =
  /** No human made any of the draft's points: send it as it is. */
  | { kind: "as-is" }
  /** The bot-written draft composed again without the points humans made. */
  | { kind: "recomposed"; draft: string; dropped: HumanPoint[] }
  /** Humans made every point: nothing is left to send. */
  | { kind: "nothing-left"; dropped: HumanPoint[] }
  /** A maintainer edited the draft (or it cannot be rebuilt): it is never rewritten, only warned about. */
  | { kind: "kept"; dropped: HumanPoint[]; why: string };

/** `errcode at drivers/misc/wren.c:19 (jane@example.org in <msg-id>)`, for notes and warnings. */
export function describePoints(dropped: readonly HumanPoint[]): string {
  return dropped.map((d) => `${d.finding.rule} at ${d.finding.file}:${d.finding.line} (${d.by} in ${d.messageId})`).join("; ");
}

/** Checks one approved item against its thread; the store is only read. */
export async function checkThread(store: Store, item: QueueItem): Promise<ThreadCheck> {
  if (item.draft === null) return { kind: "as-is" };
  const replies = await store.threadReplies(item.messageId);
  if (replies.length === 0) return { kind: "as-is" };
  const patch = itemPatch(item);
  if (!patch) return { kind: "as-is" };
  const from = draftHeaders(item.draft).get("from")?.[0] ?? "";
  const bot = addrSpec(from);
  const { dropped } = dropHumanPoints(patch, replyFindings(item.findings), replies, bot ? [bot] : []);
  if (dropped.length === 0) return { kind: "as-is" };
  const gone = new Set(dropped.map((d) => d.finding));
  const after = item.findings.map((f) => (gone.has(f) ? { ...f, tags: [...f.tags, RAISED_IN_THREAD] } : f));
  const r = await recomposeDraft(item, item.findings, after);
  if (!r.ok) return { kind: "kept", dropped, why: r.why };
  return r.draft === null ? { kind: "nothing-left", dropped } : { kind: "recomposed", draft: r.draft, dropped };
}
