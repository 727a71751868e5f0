import type { Migration } from "./types.js";

/*
 * List etiquette and the feedback loop: what each review reported (for
 * repeats across versions, feedback by mail and statistics), the feedback
 * itself, human replies seen in patch threads, and replies held back by an
 * embargo. Times are ISO 8601 text in UTC, as in 001.
 */
const statements = (json: string): string[] => [
  `CREATE TABLE reviews (
    message_id TEXT PRIMARY KEY,
    list_id TEXT,
    author TEXT NOT NULL,
    title_key TEXT NOT NULL,
    version INTEGER NOT NULL,
    part INTEGER NOT NULL,
    total INTEGER NOT NULL,
    findings ${json} NOT NULL,
    reply_message_id TEXT,
    recipients ${json} NOT NULL,
    replied_at TEXT,
    prompt_tokens INTEGER NOT NULL,
    completion_tokens INTEGER NOT NULL,
    duration_ms INTEGER NOT NULL,
    created_at TEXT NOT NULL
  )`,
  `CREATE INDEX reviews_title ON reviews (author, title_key)`,
  `CREATE INDEX reviews_reply ON reviews (reply_message_id)`,
  `CREATE TABLE feedback (
    mail_id TEXT NOT NULL,
    review_id TEXT NOT NULL,
    rule TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    verdict TEXT NOT NULL,
    who TEXT NOT NULL,
    list_id TEXT,
    at TEXT NOT NULL,
    PRIMARY KEY (mail_id, rule, fingerprint)
  )`,
  `CREATE TABLE thread_messages (
    message_id TEXT PRIMARY KEY,
    parents TEXT NOT NULL,
    from_addr TEXT NOT NULL,
    body TEXT NOT NULL,
    at TEXT NOT NULL
  )`,
  `CREATE TABLE deferred_replies (
    message_id TEXT PRIMARY KEY,
    list_id TEXT,
    due_at TEXT NOT NULL,
    payload TEXT NOT NULL,
    state TEXT NOT NULL,
    created_at TEXT NOT NULL
  )`,
  `CREATE INDEX deferred_due ON deferred_replies (state, due_at)`,
];

/** Review records, mail feedback, thread replies and embargoed replies. */
export const etiquette: Migration = {
  version: 2,
  name: "etiquette",
  sqlite: statements("TEXT"),
  postgres: statements("TEXT"),
};
