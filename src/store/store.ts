import type { Finding } from "../model.js";

/**
 * The one store interface. SQLite (better-sqlite3, default, a file under
 * `.lkreview/`) and PostgreSQL (pg) implement it; every other part of
 * lkreview keeps its state only through it. All methods are async so both
 * implementations share one contract and one test suite.
 */

export type ItemState = "new" | "needs-attention" | "clean" | "approved" | "sent" | "dismissed";

export interface QueueItem {
  id: number;
  state: ItemState;
  messageId: string;
  subject: string;
  /** `Name <addr>` of the patch author. */
  author: string;
  listId: string | null;
  /** Paths the patch touches. */
  paths: string[];
  findings: Finding[];
  /** The draft reply (raw RFC 5322), null for a clean patch with no reply. */
  draft: string | null;
  /** Lower is more urgent: derived from the worst severity and age. */
  priority: number;
  /** The patch text (mail body: commit message and diff) the findings point into; null when not kept. */
  patch: string | null;
  assignee: string | null;
  notes: { at: string; who: string; text: string }[];
  createdAt: string;
  updatedAt: string;
}

export interface NewItem {
  messageId: string;
  subject: string;
  author: string;
  listId: string | null;
  paths: string[];
  findings: Finding[];
  draft: string | null;
  /** The patch text (mail body), so the web page can show findings beside the quoted diff. */
  patch?: string | null;
}

/** Columns the queue can be ordered by. */
export type QueueSort = "priority" | "id" | "created" | "state" | "subject" | "author" | "findings";

export interface QueueFilter {
  state?: ItemState;
  listId?: string;
  /** Substring of the author. */
  author?: string;
  /** Substring of any touched path. */
  path?: string;
  /** ISO date: items created at or after. */
  since?: string;
  limit?: number;
  /** Default `priority` (most urgent first). */
  sort?: QueueSort;
  /** Default `asc`. */
  dir?: "asc" | "desc";
}

export interface Suppression {
  rule: string;
  fingerprint: string;
  reason: string;
  who: string;
  at: string;
}

export type OutboxState = "pending" | "sent" | "failed";

export interface OutboxEntry {
  /** The reply's own Message-ID: the key that makes a retry never send twice. */
  messageId: string;
  /** Envelope recipients. */
  recipients: string[];
  raw: string;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  /** ISO time before which no retry is made. */
  notBefore: string | null;
  listId: string | null;
  itemId: number | null;
  createdAt: string;
  sentAt: string | null;
}

export interface ImapCheckpoint {
  uidValidity: string;
  lastUid: number;
}

export interface Store {
  /** Runs pending migrations; called once by `openStore`. */
  migrate(): Promise<void>;
  close(): Promise<void>;

  /** Records a Message-ID; true when it was new (first sight), false when seen before. */
  markSeen(messageId: string, source: string): Promise<boolean>;
  hasSeen(messageId: string): Promise<boolean>;

  /** Inserts or (same Message-ID) updates a queue item; state derives from findings. */
  upsertItem(item: NewItem): Promise<QueueItem>;
  getItem(id: number): Promise<QueueItem | null>;
  getItemByMessageId(messageId: string): Promise<QueueItem | null>;
  listItems(filter?: QueueFilter): Promise<QueueItem[]>;
  setState(id: number, state: ItemState, who: string): Promise<QueueItem>;
  setDraft(id: number, draft: string, who: string): Promise<QueueItem>;
  assign(id: number, who: string | null): Promise<QueueItem>;
  addNote(id: number, who: string, text: string): Promise<QueueItem>;

  suppress(s: Omit<Suppression, "at">): Promise<void>;
  unsuppress(rule: string, fingerprint: string): Promise<void>;
  listSuppressions(): Promise<Suppression[]>;
  isSuppressed(rule: string, fingerprint: string): Promise<boolean>;

  /** Writes a reply to the outbox before any send; a second put of the same Message-ID is a no-op returning false. */
  outboxPut(entry: Pick<OutboxEntry, "messageId" | "recipients" | "raw" | "listId" | "itemId">): Promise<boolean>;
  /** Pending entries whose notBefore has passed, oldest first. */
  outboxDue(now: Date): Promise<OutboxEntry[]>;
  outboxGet(messageId: string): Promise<OutboxEntry | null>;
  outboxMarkSent(messageId: string, at: Date): Promise<void>;
  outboxMarkRetry(messageId: string, error: string, notBefore: Date): Promise<void>;
  outboxMarkFailed(messageId: string, error: string): Promise<void>;
  /** Replies sent to a list since a time, for the per-list hourly limit. */
  outboxSentSince(listId: string | null, since: Date): Promise<number>;

  getImapCheckpoint(account: string, mailbox: string): Promise<ImapCheckpoint | null>;
  setImapCheckpoint(account: string, mailbox: string, cp: ImapCheckpoint): Promise<void>;

  /** Fingerprints already posted to a GitHub PR. */
  githubPosted(repo: string, pr: number): Promise<Set<string>>;
  githubRecord(repo: string, pr: number, fingerprints: string[]): Promise<void>;

  cacheGet(key: string): Promise<string | null>;
  cachePut(key: string, value: string): Promise<void>;

  /**
   * Work claiming for several workers on one database: enqueue by key, claim
   * up to `max` unclaimed (or lease-expired) keys, and complete them. SQLite
   * runs one worker; PostgreSQL uses SELECT ... FOR UPDATE SKIP LOCKED.
   */
  workEnqueue(key: string, payload: string): Promise<boolean>;
  workClaim(worker: string, max: number, leaseMs: number): Promise<{ key: string; payload: string }[]>;
  workComplete(key: string): Promise<void>;
}
