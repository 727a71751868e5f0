import { LkreviewError } from "../errors.js";
import type { QueueItem, Store } from "../store/store.js";
import { recomposeDraft, replyFindings } from "./recompose.js";

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

const OPEN: readonly QueueItem["state"][] = ["new", "needs-attention", "clean"];

const pointSet = (item: QueueItem): string =>
  replyFindings(item.findings)
    .map((f) => `${f.rule}\0${f.fingerprint}`)
    .sort()
    .join("\n");

/**
 * After a suppression changed, brings the drafts of the items it touched in
 * line with their findings: an open item's bot-written draft is composed
 * again (none when nothing is left to say, the item then being clean); a
 * hand-edited draft, or an approved one, is kept and the item gets a note
 * saying what no longer matches, so nothing is overwritten silently.
 */
async function reconcileDrafts(store: Store, before: readonly QueueItem[], who: string, change: (item: QueueItem) => string): Promise<void> {
  for (const old of before) {
    const now = await store.getItem(old.id);
    if (!now || pointSet(old) === pointSet(now)) continue;
    if (!OPEN.includes(now.state)) {
      if (now.state === "approved") await store.addNote(now.id, who, `${change(now)}; the approved draft was not changed.`);
      continue;
    }
    const r = await recomposeDraft(old, old.findings, now.findings);
    if (r.ok) await store.setDraft(now.id, r.draft, who, r.draft === null ? "draft removed: nothing left to say" : "draft recomposed");
    else if (old.draft !== null) await store.addNote(now.id, who, `${change(now)}; ${r.why}, so it was kept as it is.`);
  }
}

function pointName(rule: string, fingerprint: string): string {
  return `${rule} ${fingerprint}`;
}

/**
 * Marks one finding of an item as a false positive: its rule and fingerprint
 * are suppressed everywhere, and the drafts of the open items that made the
 * point are composed again without it.
 */
export async function markFalsePositive(store: Store, id: number, fingerprint: string, who: string, reason: string): Promise<QueueItem> {
  const item = await mustGet(store, id);
  const f = item.findings.find((x) => x.fingerprint === fingerprint);
  if (!f) throw new LkreviewError("USAGE", `item ${id}`, `has no finding ${fingerprint}`);
  const before = await store.listItems({ fingerprint: f.fingerprint });
  await store.suppress({ rule: f.rule, fingerprint: f.fingerprint, reason: reason || "false positive", who });
  await reconcileDrafts(store, before, who, () => `${pointName(f.rule, f.fingerprint)} was marked false positive, but the draft still makes that point`);
  return mustGet(store, id);
}

/** Undoes a false positive: the point counts again and open items' bot-written drafts make it again. */
export async function unmarkFalsePositive(store: Store, rule: string, fingerprint: string, who: string): Promise<void> {
  const before = await store.listItems({ fingerprint });
  await store.unsuppress(rule, fingerprint);
  await reconcileDrafts(store, before, who, () => `${pointName(rule, fingerprint)} is no longer a false positive, but the draft does not make that point`);
}

/** Longest note kept; a note is a line or two, not a document. */
export const MAX_NOTE = 2000;
/** Longest assignee name kept. */
export const MAX_ASSIGNEE = 100;

/** Assigns an item to `assignee`, or unassigns it with `-` or "". */
export async function assignItem(store: Store, id: number, assignee: string): Promise<QueueItem> {
  await mustGet(store, id);
  const name = assignee.trim();
  if (name.length > MAX_ASSIGNEE) throw new LkreviewError("USAGE", `item ${id}`, `assignee longer than ${MAX_ASSIGNEE} characters`);
  // eslint-disable-next-line no-control-regex -- it refuses control characters on purpose
  if (/[\u0000-\u001f\u007f]/.test(name)) throw new LkreviewError("USAGE", `item ${id}`, "assignee contains control characters");
  return store.assign(id, name === "" || name === "-" ? null : name);
}

/** Adds a note to an item's history; an empty note is refused. */
export async function noteItem(store: Store, id: number, who: string, text: string): Promise<QueueItem> {
  await mustGet(store, id);
  const note = text.replace(/\r\n?/g, "\n").trim();
  if (!note) throw new LkreviewError("USAGE", `item ${id}`, "the note is empty");
  if (note.length > MAX_NOTE) throw new LkreviewError("USAGE", `item ${id}`, `note longer than ${MAX_NOTE} characters`);
  return store.addNote(id, who, note);
}

/** Parses an item id typed by a user. */
export function parseItemId(s: string | undefined): number {
  if (s === undefined || !/^\d{1,15}$/.test(s)) throw new LkreviewError("USAGE", s ?? "", "not an item id (a positive number)");
  return Number(s);
}
