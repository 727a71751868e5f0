import { LkreviewError } from "../errors.js";
import type { QueueItem, Store } from "../store/store.js";

/**
 * What a maintainer can do to an item, shared by the CLI and the web page so
 * both enforce the same checks beyond the store's transition table.
 */

async function mustGet(store: Store, id: number): Promise<QueueItem> {
  const item = await store.getItem(id);
  if (!item) throw new LkreviewError("USAGE", `item ${id}`, "no such item");
  return item;
}

/** Approves the draft for sending; an item with no draft has nothing to approve. */
export async function approveItem(store: Store, id: number, who: string): Promise<QueueItem> {
  const item = await mustGet(store, id);
  if (item.draft === null || item.draft.trim() === "") {
    throw new LkreviewError("USAGE", `item ${id}`, "has no draft reply to approve");
  }
  return store.setState(id, "approved", who);
}

export function dismissItem(store: Store, id: number, who: string): Promise<QueueItem> {
  return store.setState(id, "dismissed", who);
}

/** Saves an edited draft; line endings normalised to LF as every other draft is stored. */
export async function saveDraft(store: Store, id: number, draft: string, who: string): Promise<QueueItem> {
  await mustGet(store, id);
  return store.setDraft(id, draft.replace(/\r\n?/g, "\n"), who);
}

/** Marks one finding of an item as a false positive: its rule and fingerprint are suppressed everywhere. */
export async function markFalsePositive(store: Store, id: number, fingerprint: string, who: string, reason: string): Promise<QueueItem> {
  const item = await mustGet(store, id);
  const f = item.findings.find((x) => x.fingerprint === fingerprint);
  if (!f) throw new LkreviewError("USAGE", `item ${id}`, `has no finding ${fingerprint}`);
  await store.suppress({ rule: f.rule, fingerprint: f.fingerprint, reason: reason || "false positive", who });
  return mustGet(store, id);
}

/** Parses an item id typed by a user. */
export function parseItemId(s: string | undefined): number {
  if (s === undefined || !/^\d{1,15}$/.test(s)) throw new LkreviewError("USAGE", s ?? "", "not an item id (a positive number)");
  return Number(s);
}
