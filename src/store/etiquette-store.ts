import { LkreviewError } from "../errors.js";
import { likeEscape } from "./sql.js";
import type { Row, SqlDb } from "./sql.js";
import { StoreExtras } from "./store-extras.js";
import type { DeferredReply, FeedbackEntry, FeedbackVerdict, ReportedFinding, ReviewRecord, ThreadMessage } from "./store.js";
import { parseJson, str, strOrNull } from "./row.js";

function toReview(r: Row): ReviewRecord {
  return {
    messageId: str(r["message_id"]),
    listId: strOrNull(r["list_id"]),
    author: str(r["author"]),
    titleKey: str(r["title_key"]),
    version: Number(r["version"]),
    part: Number(r["part"]),
    total: Number(r["total"]),
    findings: parseJson<ReportedFinding[]>(r["findings"], []),
    replyMessageId: strOrNull(r["reply_message_id"]),
    recipients: parseJson<string[]>(r["recipients"], []),
    repliedAt: strOrNull(r["replied_at"]),
    promptTokens: Number(r["prompt_tokens"]),
    completionTokens: Number(r["completion_tokens"]),
    durationMs: Number(r["duration_ms"]),
    createdAt: str(r["created_at"]),
  };
}

function toDeferred(r: Row): DeferredReply {
  return {
    messageId: str(r["message_id"]),
    listId: strOrNull(r["list_id"]),
    dueAt: str(r["due_at"]),
    payload: str(r["payload"]),
    state: str(r["state"]) as DeferredReply["state"],
    createdAt: str(r["created_at"]),
  };
}

/** Whole numbers only: counters come from our own code, but a NaN must never reach an INTEGER column. */
const int = (n: number): number => (Number.isFinite(n) ? Math.max(0, Math.round(n)) : 0);

/**
 * The store's memory for list etiquette and the feedback loop: review
 * records, feedback from mail, human thread replies and embargoed replies.
 * Both dialects share it (SqlStore extends it), like StoreExtras.
 */
export abstract class EtiquetteStore extends StoreExtras {
  protected constructor(db: SqlDb) {
    super(db);
  }

  async reviewSave(r: Omit<ReviewRecord, "createdAt">): Promise<void> {
    await this.db.run(
      `INSERT INTO reviews (message_id, list_id, author, title_key, version, part, total, findings, reply_message_id, recipients,
         replied_at, prompt_tokens, completion_tokens, duration_ms, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (message_id) DO UPDATE SET list_id = excluded.list_id, author = excluded.author, title_key = excluded.title_key,
         version = excluded.version, part = excluded.part, total = excluded.total, findings = excluded.findings,
         reply_message_id = excluded.reply_message_id, recipients = excluded.recipients, replied_at = excluded.replied_at,
         prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens, duration_ms = excluded.duration_ms`,
      [
        r.messageId,
        r.listId,
        r.author.toLowerCase(),
        r.titleKey,
        int(r.version),
        int(r.part),
        int(r.total),
        JSON.stringify(r.findings),
        r.replyMessageId,
        JSON.stringify(r.recipients),
        r.repliedAt,
        int(r.promptTokens),
        int(r.completionTokens),
        int(r.durationMs),
        new Date().toISOString(),
      ],
    );
  }

  async reviewGet(messageId: string): Promise<ReviewRecord | null> {
    const rows = await this.db.all(`SELECT * FROM reviews WHERE message_id = ?`, [messageId]);
    return rows[0] ? toReview(rows[0]) : null;
  }

  async reviewByReply(replyMessageId: string): Promise<ReviewRecord | null> {
    const rows = await this.db.all(`SELECT * FROM reviews WHERE reply_message_id = ?`, [replyMessageId]);
    return rows[0] ? toReview(rows[0]) : null;
  }

  async reviewsByTitle(author: string, titleKey: string): Promise<ReviewRecord[]> {
    const rows = await this.db.all(`SELECT * FROM reviews WHERE author = ? AND title_key = ? ORDER BY version, created_at`, [author.toLowerCase(), titleKey]);
    return rows.map(toReview);
  }

  async reviewsList(since?: string): Promise<ReviewRecord[]> {
    if (since === undefined) return (await this.db.all(`SELECT * FROM reviews ORDER BY created_at, message_id`)).map(toReview);
    const t = Date.parse(since);
    if (Number.isNaN(t)) throw new LkreviewError("USAGE", since, "not a date (use YYYY-MM-DD or an ISO time)");
    const rows = await this.db.all(`SELECT * FROM reviews WHERE created_at >= ? ORDER BY created_at, message_id`, [new Date(t).toISOString()]);
    return rows.map(toReview);
  }

  async feedbackAdd(f: Omit<FeedbackEntry, "at">): Promise<boolean> {
    const n = await this.db.run(
      `INSERT INTO feedback (mail_id, review_id, rule, fingerprint, verdict, who, list_id, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (mail_id, rule, fingerprint) DO NOTHING`,
      [f.mailId, f.reviewId, f.rule, f.fingerprint, f.verdict, f.who.toLowerCase(), f.listId, new Date().toISOString()],
    );
    return n === 1;
  }

  async feedbackList(): Promise<FeedbackEntry[]> {
    const rows = await this.db.all(`SELECT * FROM feedback ORDER BY at, mail_id, rule, fingerprint`);
    return rows.map((r) => ({
      mailId: str(r["mail_id"]),
      reviewId: str(r["review_id"]),
      rule: str(r["rule"]),
      fingerprint: str(r["fingerprint"]),
      verdict: str(r["verdict"]) as FeedbackVerdict,
      who: str(r["who"]),
      listId: strOrNull(r["list_id"]),
      at: str(r["at"]),
    }));
  }

  async threadAdd(m: Omit<ThreadMessage, "at">): Promise<boolean> {
    // Parents are stored space-separated with their brackets, so a LIKE on
    // `<id>` cannot match a longer id that merely contains it.
    const n = await this.db.run(
      `INSERT INTO thread_messages (message_id, parents, from_addr, body, at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
      [m.messageId, ` ${m.parents.join(" ")} `, m.from.toLowerCase(), m.body, new Date().toISOString()],
    );
    return n === 1;
  }

  async threadReplies(messageId: string): Promise<ThreadMessage[]> {
    const rows = await this.db.all(`SELECT * FROM thread_messages WHERE parents LIKE ? ESCAPE '\\' ORDER BY at, message_id`, [`% ${likeEscape(messageId)} %`]);
    return rows.map((r) => ({
      messageId: str(r["message_id"]),
      parents: str(r["parents"])
        .split(" ")
        .filter((p) => p !== ""),
      from: str(r["from_addr"]),
      body: str(r["body"]),
      at: str(r["at"]),
    }));
  }

  async deferPut(d: Pick<DeferredReply, "messageId" | "listId" | "dueAt" | "payload">): Promise<boolean> {
    const n = await this.db.run(
      `INSERT INTO deferred_replies (message_id, list_id, due_at, payload, state, created_at) VALUES (?, ?, ?, ?, 'pending', ?)
       ON CONFLICT (message_id) DO NOTHING`,
      [d.messageId, d.listId, d.dueAt, d.payload, new Date().toISOString()],
    );
    return n === 1;
  }

  async deferDue(now: Date): Promise<DeferredReply[]> {
    const rows = await this.db.all(`SELECT * FROM deferred_replies WHERE state = 'pending' AND due_at <= ? ORDER BY due_at, message_id`, [now.toISOString()]);
    return rows.map(toDeferred);
  }

  async deferDone(messageId: string, state: "sent" | "dropped"): Promise<void> {
    await this.db.run(`UPDATE deferred_replies SET state = ? WHERE message_id = ?`, [state, messageId]);
  }
}
