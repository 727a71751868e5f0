import type { Row, SqlDb } from "./sql.js";
import type { ImapCheckpoint, OutboxEntry, OutboxState } from "./store.js";
import { str, strOrNull } from "./row.js";

function toOutbox(r: Row): OutboxEntry {
  let recipients: string[];
  try {
    recipients = JSON.parse(str(r["recipients"])) as string[];
  } catch {
    recipients = [];
  }
  const itemId = r["item_id"];
  return {
    messageId: str(r["message_id"]),
    recipients,
    raw: str(r["raw"]),
    state: str(r["state"]) as OutboxState,
    attempts: Number(r["attempts"]),
    lastError: strOrNull(r["last_error"]),
    notBefore: strOrNull(r["not_before"]),
    listId: strOrNull(r["list_id"]),
    itemId: itemId === null || itemId === undefined ? null : Number(itemId),
    createdAt: str(r["created_at"]),
    sentAt: strOrNull(r["sent_at"]),
  };
}

/**
 * The store's bookkeeping beside the queue: outbox, IMAP checkpoints, GitHub
 * fingerprints, the model cache and work claiming. Split from `SqlStore` only
 * to keep files small; both dialects share it.
 */
export abstract class StoreExtras {
  protected constructor(protected readonly db: SqlDb) {}

  async outboxPut(entry: Pick<OutboxEntry, "messageId" | "recipients" | "raw" | "listId" | "itemId">): Promise<boolean> {
    const n = await this.db.run(
      `INSERT INTO outbox (message_id, recipients, raw, state, attempts, list_id, item_id, created_at)
       VALUES (?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (message_id) DO NOTHING`,
      [entry.messageId, JSON.stringify(entry.recipients), entry.raw, entry.listId, entry.itemId, new Date().toISOString()],
    );
    return n === 1;
  }

  async outboxDue(now: Date): Promise<OutboxEntry[]> {
    const rows = await this.db.all(`SELECT * FROM outbox WHERE state = 'pending' AND (not_before IS NULL OR not_before <= ?) ORDER BY created_at, message_id`, [
      now.toISOString(),
    ]);
    return rows.map(toOutbox);
  }

  async outboxGet(messageId: string): Promise<OutboxEntry | null> {
    const rows = await this.db.all(`SELECT * FROM outbox WHERE message_id = ?`, [messageId]);
    return rows[0] ? toOutbox(rows[0]) : null;
  }

  async outboxMarkSent(messageId: string, at: Date): Promise<void> {
    await this.db.run(`UPDATE outbox SET state = 'sent', sent_at = ?, attempts = attempts + 1, last_error = NULL WHERE message_id = ?`, [
      at.toISOString(),
      messageId,
    ]);
  }

  async outboxMarkRetry(messageId: string, error: string, notBefore: Date): Promise<void> {
    await this.db.run(`UPDATE outbox SET attempts = attempts + 1, last_error = ?, not_before = ? WHERE message_id = ? AND state = 'pending'`, [
      error,
      notBefore.toISOString(),
      messageId,
    ]);
  }

  async outboxMarkFailed(messageId: string, error: string): Promise<void> {
    await this.db.run(`UPDATE outbox SET state = 'failed', attempts = attempts + 1, last_error = ? WHERE message_id = ?`, [error, messageId]);
  }

  async outboxSentSince(listId: string | null, since: Date): Promise<number> {
    const rows = await this.db.all(`SELECT COUNT(*) AS n FROM outbox WHERE state = 'sent' AND list_id IS NOT DISTINCT FROM ? AND sent_at >= ?`, [
      listId,
      since.toISOString(),
    ]);
    return Number(rows[0]?.["n"] ?? 0);
  }

  async getImapCheckpoint(account: string, mailbox: string): Promise<ImapCheckpoint | null> {
    const rows = await this.db.all(`SELECT uid_validity, last_uid FROM imap_checkpoints WHERE account = ? AND mailbox = ?`, [account, mailbox]);
    const r = rows[0];
    return r ? { uidValidity: str(r["uid_validity"]), lastUid: Number(r["last_uid"]) } : null;
  }

  async setImapCheckpoint(account: string, mailbox: string, cp: ImapCheckpoint): Promise<void> {
    await this.db.run(
      `INSERT INTO imap_checkpoints (account, mailbox, uid_validity, last_uid) VALUES (?, ?, ?, ?)
       ON CONFLICT (account, mailbox) DO UPDATE SET uid_validity = excluded.uid_validity, last_uid = excluded.last_uid`,
      [account, mailbox, cp.uidValidity, cp.lastUid],
    );
  }

  async githubPosted(repo: string, pr: number): Promise<Set<string>> {
    const rows = await this.db.all(`SELECT fingerprint FROM github_posted WHERE repo = ? AND pr = ?`, [repo, pr]);
    return new Set(rows.map((r) => str(r["fingerprint"])));
  }

  async githubRecord(repo: string, pr: number, fingerprints: string[]): Promise<void> {
    if (!fingerprints.length) return;
    const at = new Date().toISOString();
    await this.db.tx(async (q) => {
      for (const fp of new Set(fingerprints)) {
        await q.run(`INSERT INTO github_posted (repo, pr, fingerprint, at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`, [repo, pr, fp, at]);
      }
    });
  }

  async cacheGet(key: string): Promise<string | null> {
    const rows = await this.db.all(`SELECT value FROM model_cache WHERE key = ?`, [key]);
    return rows[0] ? str(rows[0]["value"]) : null;
  }

  async cachePut(key: string, value: string): Promise<void> {
    await this.db.run(`INSERT INTO model_cache (key, value, at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, at = excluded.at`, [
      key,
      value,
      new Date().toISOString(),
    ]);
  }

  async workEnqueue(key: string, payload: string): Promise<boolean> {
    const n = await this.db.run(`INSERT INTO work (key, payload, enqueued_at) VALUES (?, ?, ?) ON CONFLICT (key) DO NOTHING`, [
      key,
      payload,
      new Date().toISOString(),
    ]);
    return n === 1;
  }

  async workClaim(worker: string, max: number, leaseMs: number): Promise<{ key: string; payload: string }[]> {
    const limit = Math.max(0, Math.floor(max));
    const lease = Math.max(0, Math.floor(leaseMs));
    if (limit === 0) return [];
    let rows: Row[];
    if (this.db.dialect === "postgres") {
      // The database clock, not ours: workers on several machines must agree
      // on when a lease ran out. SKIP LOCKED lets concurrent claimers pass
      // over rows another transaction is taking instead of waiting for them.
      const nowMs = `(extract(epoch from clock_timestamp()) * 1000)::bigint`;
      rows = await this.db.all(
        `UPDATE work SET worker = ?, lease_until = ${nowMs} + ?
         WHERE key IN (
           SELECT key FROM work
           WHERE done_at IS NULL AND (lease_until IS NULL OR lease_until <= ${nowMs})
           ORDER BY enqueued_at, key LIMIT ? FOR UPDATE SKIP LOCKED)
         RETURNING key, payload, enqueued_at`,
        [worker, lease, limit],
      );
    } else {
      // One SQLite file has one writer at a time; the transaction is the lock.
      rows = await this.db.tx(async (q) => {
        const now = Date.now();
        const open = await q.all(
          `SELECT key, payload, enqueued_at FROM work WHERE done_at IS NULL AND (lease_until IS NULL OR lease_until <= ?)
           ORDER BY enqueued_at, key LIMIT ?`,
          [now, limit],
        );
        for (const r of open) await q.run(`UPDATE work SET worker = ?, lease_until = ? WHERE key = ?`, [worker, now + lease, str(r["key"])]);
        return open;
      });
    }
    return rows
      .map((r) => ({ key: str(r["key"]), payload: str(r["payload"]), at: str(r["enqueued_at"]) }))
      .sort((a, b) => a.at.localeCompare(b.at) || a.key.localeCompare(b.key))
      .map(({ key, payload }) => ({ key, payload }));
  }

  async workComplete(key: string): Promise<void> {
    await this.db.run(`UPDATE work SET done_at = ?, lease_until = NULL WHERE key = ?`, [new Date().toISOString(), key]);
  }
}
