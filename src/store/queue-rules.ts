import { LkreviewError } from "../errors.js";
import type { Finding, Severity } from "../model.js";
import type { ItemState, QueueItem } from "./store.js";

/**
 * The queue's rules as plain functions, shared by both store dialects, the
 * CLI and the web page: which findings count, what state and priority they
 * give, and which state changes a maintainer may make.
 */

/** Tag a finding carries once a maintainer marked its rule and fingerprint a false positive. */
export const SUPPRESSED_TAG = "suppressed";

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, note: 2 };
/** Rank of an item with nothing to report: after every severity. */
export const NO_FINDING_RANK = 3;

/** Findings that still count: not marked false positive. */
export function reportableFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => !f.tags.includes(SUPPRESSED_TAG));
}

/** Re-tags findings against a suppression test (adds or removes the `suppressed` tag). */
export function tagSuppressed(findings: readonly Finding[], isSuppressed: (f: Finding) => boolean): Finding[] {
  return findings.map((f) => {
    const others = f.tags.filter((t) => t !== SUPPRESSED_TAG);
    return { ...f, tags: isSuppressed(f) ? [...others, SUPPRESSED_TAG] : others };
  });
}

/** 0 for an error, 1 warning, 2 note, 3 when nothing reportable is left. */
export function severityRank(findings: readonly Finding[]): number {
  let rank = NO_FINDING_RANK;
  for (const f of reportableFindings(findings)) rank = Math.min(rank, SEVERITY_RANK[f.severity]);
  return rank;
}

/** The state the findings alone give: something to say, or clean. */
export function derivedState(findings: readonly Finding[]): ItemState {
  return reportableFindings(findings).length > 0 ? "needs-attention" : "clean";
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Lower is more urgent. The worst severity sets the band (error 0-9,
 * warning 10-19, note 20-29, nothing 30-39); within a band an item gains one
 * step per day it waits, up to nine, so old items do not starve behind fresh
 * ones of the same severity, yet a fresh error still beats an old note.
 * Sorting by (rank, createdAt) gives the same order, which is what SQL does.
 */
export function priorityOf(rank: number, createdAt: string, now: Date = new Date()): number {
  const ageDays = Math.floor(Math.max(0, now.getTime() - Date.parse(createdAt)) / DAY_MS);
  return rank * 10 + (9 - Math.min(9, ageDays));
}

/** States a maintainer may move an item to, from each state. */
const TRANSITIONS: Record<ItemState, readonly ItemState[]> = {
  new: ["approved", "dismissed"],
  "needs-attention": ["approved", "dismissed"],
  clean: ["approved", "dismissed"],
  approved: ["sent", "dismissed"],
  sent: ["dismissed"],
  dismissed: [],
};

/** Throws `USAGE` for a change the queue does not allow; the same state again is a no-op. */
export function checkTransition(id: number, from: ItemState, to: ItemState): void {
  if (from === to) return;
  if (!TRANSITIONS[from].includes(to)) {
    throw new LkreviewError("USAGE", `item ${id}`, `cannot go from ${from} to ${to}`);
  }
}

/**
 * The state after a re-review of the same Message-ID. Open items follow their
 * findings; an approval survives only if the draft it approved is unchanged;
 * sent and dismissed are final.
 */
export function stateAfterUpdate(prev: QueueItem, findings: readonly Finding[], draft: string | null): ItemState {
  switch (prev.state) {
    case "sent":
    case "dismissed":
      return prev.state;
    case "approved":
      return draft === prev.draft ? "approved" : derivedState(findings);
    default:
      return derivedState(findings);
  }
}

export const ITEM_STATES: readonly ItemState[] = ["new", "needs-attention", "clean", "approved", "sent", "dismissed"];

/** Narrowing check for state names typed by a user. */
export function isItemState(s: string): s is ItemState {
  return (ITEM_STATES as readonly string[]).includes(s);
}

/** The part of a store the suppression helper needs. */
export interface SuppressionLookup {
  isSuppressed(rule: string, fingerprint: string): Promise<boolean>;
}

/**
 * Tags a fresh review's findings against the store's false-positive list, for
 * the caller that composes the draft: compose from `reportableFindings()` of
 * the result so a rejected point never reaches a reply, and hand the tagged
 * list to `upsertItem` (which tags again, inside its transaction).
 */
export async function withSuppressions(store: SuppressionLookup, findings: readonly Finding[]): Promise<Finding[]> {
  const hits = new Set<string>();
  for (const f of findings) if (await store.isSuppressed(f.rule, f.fingerprint)) hits.add(`${f.rule}\0${f.fingerprint}`);
  return tagSuppressed(findings, (f) => hits.has(`${f.rule}\0${f.fingerprint}`));
}
