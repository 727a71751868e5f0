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
  /**
   * The draft reply (RFC 5322), null for a clean patch with no reply. Stored
   * with LF line endings whatever the producer handed over; `queue send`
   * makes the CRLF wire form.
   */
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
  /** Exact assignee; `null` for unassigned items. */
  assignee?: string | null;
  /** Items carrying a finding with this fingerprint (suppressed or not). */
  fingerprint?: string;
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

/** One point a review reported, as remembered for feedback, later versions and statistics. */
export interface ReportedFinding {
  rule: string;
  fingerprint: string;
  file: string;
  line: number;
  /** The comment as sent. */
  message: string;
  /** Text of the lines the point is anchored to (without diff prefix). */
  anchored: string[];
}

/** What lkreview said about one patch mail (etiquette and the feedback loop). */
export interface ReviewRecord {
  /** The patch's Message-ID. */
  messageId: string;
  listId: string | null;
  /** Bare author address, lower case. */
  author: string;
  /** The subject title, normalised: matches versions of the same patch. */
  titleKey: string;
  version: number;
  part: number;
  total: number;
  /** Points the reply made (or will make once its embargo ends). */
  findings: ReportedFinding[];
  /** The bot's reply, once composed. */
  replyMessageId: string | null;
  /** Bare addresses the reply went to. */
  recipients: string[];
  /** When the reply was handed to the transport; null while held or when none was sent. */
  repliedAt: string | null;
  promptTokens: number;
  completionTokens: number;
  durationMs: number;
  createdAt: string;
}

export type FeedbackVerdict = "false-positive" | "ack";

/** One `lkreview: false-positive` or `lkreview: ack` accepted from a mail. */
export interface FeedbackEntry {
  /** Message-ID of the mail that carried the command. */
  mailId: string;
  /** Message-ID of the reviewed patch. */
  reviewId: string;
  rule: string;
  fingerprint: string;
  verdict: FeedbackVerdict;
  /** Bare address of the sender. */
  who: string;
  listId: string | null;
  at: string;
}

/** A human reply seen in a patch thread. */
export interface ThreadMessage {
  messageId: string;
  /** In-Reply-To and References, with angle brackets. */
  parents: string[];
  /** Bare sender address. */
  from: string;
  body: string;
  at: string;
}

/** A reply held back by a list's embargo; `payload` is what is needed to compose it later (JSON). */
export interface DeferredReply {
  /** The patch's Message-ID. */
  messageId: string;
  listId: string | null;
  dueAt: string;
  payload: string;
  state: "pending" | "sent" | "dropped";
  createdAt: string;
}

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /**
   * Refuse a SQLite path that does not exist yet instead of creating it (and
   * its directory): for commands that only read or change an existing queue,
   * where a mistyped `--db` must not look like an empty store.
   */
  mustExist?: boolean;
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
  /**
   * Replaces the draft (LF-normalised); `null` removes it. `action` is what the
   * item's history records, default `draft edited`.
   */
  setDraft(id: number, draft: string | null, who: string, action?: string): Promise<QueueItem>;
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

  /** Saves (inserts or replaces, keeping createdAt) what a review reported. */
  reviewSave(r: Omit<ReviewRecord, "createdAt">): Promise<void>;
  reviewGet(messageId: string): Promise<ReviewRecord | null>;
  /** The review whose reply carried this Message-ID. */
  reviewByReply(replyMessageId: string): Promise<ReviewRecord | null>;
  /** Earlier reviews of the same patch title by the same author (any version), oldest version first. */
  reviewsByTitle(author: string, titleKey: string): Promise<ReviewRecord[]>;
  /** Every review, oldest first; `since` (ISO) limits to those created at or after it. */
  reviewsList(since?: string): Promise<ReviewRecord[]>;

  /** Records feedback; false when the same mail already gave it for this finding. */
  feedbackAdd(f: Omit<FeedbackEntry, "at">): Promise<boolean>;
  feedbackList(): Promise<FeedbackEntry[]>;

  /** Records a human reply in a patch thread; false when already known. */
  threadAdd(m: Omit<ThreadMessage, "at">): Promise<boolean>;
  /** Replies whose In-Reply-To or References name `messageId`. */
  threadReplies(messageId: string): Promise<ThreadMessage[]>;

  /** Holds a reply until `dueAt`; false when one is already held for this patch. */
  deferPut(d: Pick<DeferredReply, "messageId" | "listId" | "dueAt" | "payload">): Promise<boolean>;
  /** Pending held replies whose time has come, oldest due first. */
  deferDue(now: Date): Promise<DeferredReply[]>;
  deferDone(messageId: string, state: "sent" | "dropped"): Promise<void>;
}
