import { LkreviewError } from "../errors.js";
import type { Finding } from "../model.js";
import { runMigrations } from "./migrate.js";
import { MIGRATIONS } from "./migrations/index.js";
import { checkTransition, derivedState, priorityOf, reportableFindings, severityRank, stateAfterUpdate, tagSuppressed } from "./queue-rules.js";
import { likeEscape, placeholders } from "./sql.js";
import type { Queryable, Row, SqlDb, SqlValue } from "./sql.js";
import { EtiquetteStore } from "./etiquette-store.js";
import type { ItemState, NewItem, QueueFilter, QueueItem, QueueSort, Store, Suppression } from "./store.js";
import { parseJson, str, strOrNull } from "./row.js";

/** Drafts are kept with LF line endings (see `QueueItem.draft`). */
function lf(draft: string | null): string | null {
  return draft === null ? null : draft.replace(/\r\n?/g, "\n");
}

/** A LIKE pattern matching a fingerprint as a JSON string value; fingerprints are hex, anything else is dropped. */
function fingerprintPattern(fingerprint: string): string {
  return `%"${fingerprint.replace(/[^0-9a-zA-Z]/g, "")}"%`;
}

function toItem(r: Row, now: Date): QueueItem {
  const createdAt = str(r["created_at"]);
  return {
    id: Number(r["id"]),
    state: str(r["state"]) as ItemState,
    messageId: str(r["message_id"]),
    subject: str(r["subject"]),
    author: str(r["author"]),
    listId: strOrNull(r["list_id"]),
    paths: parseJson<string[]>(r["paths"], []),
    findings: parseJson<Finding[]>(r["findings"], []),
    draft: strOrNull(r["draft"]),
    priority: priorityOf(Number(r["severity_rank"]), createdAt, now),
    patch: strOrNull(r["patch"]),
    assignee: strOrNull(r["assignee"]),
    notes: parseJson<QueueItem["notes"]>(r["notes"], []),
    createdAt,
    updatedAt: str(r["updated_at"]),
  };
}

/** ORDER BY for each sortable column; ties fall back to the id so pages are stable. */
function orderBy(sort: QueueSort, dir: "asc" | "desc"): string {
  const d = dir === "desc" ? "DESC" : "ASC";
  switch (sort) {
    case "priority":
      return `severity_rank ${d}, created_at ${d}, id ${d}`;
    case "created":
      return `created_at ${d}, id ${d}`;
    case "findings":
      return `finding_count ${d}, id ${d}`;
    case "id":
      return `id ${d}`;
    default:
      return `${sort} ${d}, id ${d}`;
  }
}

/**
 * The store on any `SqlDb`: one implementation of the contract for both
 * SQLite and PostgreSQL, so the two cannot drift apart. Dialect differences
 * are confined to a few marked places (case-insensitive LIKE, work claiming,
 * the migration lock).
 */
export class SqlStore extends EtiquetteStore implements Store {
  // Not useless: it makes the base classes' protected constructor public.
  public constructor(db: SqlDb) {
    super(db);
  }

  async migrate(): Promise<void> {
    await runMigrations(this.db, MIGRATIONS);
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  async markSeen(messageId: string, source: string): Promise<boolean> {
    const n = await this.db.run(`INSERT INTO seen (message_id, source, seen_at) VALUES (?, ?, ?) ON CONFLICT (message_id) DO NOTHING`, [
      messageId,
      source,
      new Date().toISOString(),
    ]);
    return n === 1;
  }

  async hasSeen(messageId: string): Promise<boolean> {
    return (await this.db.all(`SELECT 1 AS x FROM seen WHERE message_id = ?`, [messageId])).length > 0;
  }

  async upsertItem(item: NewItem): Promise<QueueItem> {
    const id = await this.db.tx(async (q) => {
      const findings = await this.tagged(q, item.findings);
      const draft = lf(item.draft);
      const now = new Date().toISOString();
      const rows = await q.all(`SELECT * FROM items WHERE message_id = ?`, [item.messageId]);
      const common: SqlValue[] = [
        item.subject,
        item.author,
        item.listId,
        JSON.stringify(item.paths),
        JSON.stringify(findings),
        reportableFindings(findings).length,
        severityRank(findings),
        draft,
        item.patch ?? null,
      ];
      let id: number;
      if (rows[0]) {
        const prev = toItem(rows[0], new Date());
        id = prev.id;
        await q.run(
          `UPDATE items SET subject = ?, author = ?, list_id = ?, paths = ?, findings = ?, finding_count = ?, severity_rank = ?,
             draft = ?, patch = ?, state = ?, updated_at = ? WHERE id = ?`,
          [...common, stateAfterUpdate(prev, findings, draft), now, id],
        );
        await q.run(`DELETE FROM item_paths WHERE item_id = ?`, [id]);
        await this.event(q, id, "lkreview", "re-reviewed");
      } else {
        const inserted = await q.all(
          `INSERT INTO items (subject, author, list_id, paths, findings, finding_count, severity_rank, draft, patch, state,
             message_id, assignee, notes, created_at, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, '[]', ?, ?) RETURNING id`,
          [...common, derivedState(findings), item.messageId, now, now],
        );
        id = Number(inserted[0]?.["id"]);
        await this.event(q, id, "lkreview", "queued");
      }
      for (const p of new Set(item.paths)) {
        await q.run(`INSERT INTO item_paths (item_id, path) VALUES (?, ?)`, [id, p]);
      }
      return id;
    });
    return this.mustGet(id);
  }

  async getItem(id: number): Promise<QueueItem | null> {
    if (!Number.isSafeInteger(id)) return null;
    const rows = await this.db.all(`SELECT * FROM items WHERE id = ?`, [id]);
    return rows[0] ? toItem(rows[0], new Date()) : null;
  }

  async getItemByMessageId(messageId: string): Promise<QueueItem | null> {
    const rows = await this.db.all(`SELECT * FROM items WHERE message_id = ?`, [messageId]);
    return rows[0] ? toItem(rows[0], new Date()) : null;
  }

  async listItems(filter: QueueFilter = {}): Promise<QueueItem[]> {
    const where: string[] = [];
    const params: SqlValue[] = [];
    // SQLite's LIKE ignores ASCII case already; PostgreSQL needs ILIKE.
    const like = this.db.dialect === "postgres" ? "ILIKE" : "LIKE";
    if (filter.state) {
      where.push(`state = ?`);
      params.push(filter.state);
    }
    if (filter.listId) {
      where.push(`list_id = ?`);
      params.push(filter.listId);
    }
    if (filter.author) {
      where.push(`author ${like} ? ESCAPE '\\'`);
      params.push(`%${likeEscape(filter.author)}%`);
    }
    if (filter.assignee !== undefined) {
      if (filter.assignee === null) where.push(`assignee IS NULL`);
      else {
        where.push(`assignee = ?`);
        params.push(filter.assignee);
      }
    }
    if (filter.fingerprint !== undefined) {
      where.push(`findings LIKE ?`);
      params.push(fingerprintPattern(filter.fingerprint));
    }
    if (filter.path) {
      where.push(`EXISTS (SELECT 1 FROM item_paths p WHERE p.item_id = items.id AND p.path ${like} ? ESCAPE '\\')`);
      params.push(`%${likeEscape(filter.path)}%`);
    }
    if (filter.since) {
      const t = Date.parse(filter.since);
      if (Number.isNaN(t)) throw new LkreviewError("USAGE", filter.since, "not a date (use YYYY-MM-DD or an ISO time)");
      where.push(`created_at >= ?`);
      params.push(new Date(t).toISOString());
    }
    let sql = `SELECT * FROM items${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${orderBy(filter.sort ?? "priority", filter.dir ?? "asc")}`;
    if (filter.limit !== undefined) {
      sql += ` LIMIT ?`;
      params.push(Math.max(0, Math.floor(filter.limit)));
    }
    const now = new Date();
    return (await this.db.all(sql, params)).map((r) => toItem(r, now));
  }

  async setState(id: number, state: ItemState, who: string): Promise<QueueItem> {
    await this.db.tx(async (q) => {
      const prev = await this.lockedItem(q, id);
      checkTransition(id, prev.state, state);
      if (prev.state === state) return;
      await q.run(`UPDATE items SET state = ?, updated_at = ? WHERE id = ?`, [state, new Date().toISOString(), id]);
      await this.event(q, id, who, `${prev.state} -> ${state}`);
    });
    return this.mustGet(id);
  }

  async setDraft(id: number, draft: string | null, who: string, action = "draft edited"): Promise<QueueItem> {
    await this.db.tx(async (q) => {
      const prev = await this.lockedItem(q, id);
      if (prev.state === "sent") throw new LkreviewError("USAGE", `item ${id}`, "the reply was already sent; its draft cannot change");
      await q.run(`UPDATE items SET draft = ?, updated_at = ? WHERE id = ?`, [lf(draft), new Date().toISOString(), id]);
      await this.event(q, id, who, action);
    });
    return this.mustGet(id);
  }

  async assign(id: number, who: string | null): Promise<QueueItem> {
    await this.db.tx(async (q) => {
      await this.lockedItem(q, id);
      await q.run(`UPDATE items SET assignee = ?, updated_at = ? WHERE id = ?`, [who, new Date().toISOString(), id]);
    });
    return this.mustGet(id);
  }

  async addNote(id: number, who: string, text: string): Promise<QueueItem> {
    await this.db.tx(async (q) => {
      const prev = await this.lockedItem(q, id);
      const at = new Date().toISOString();
      const notes = [...prev.notes, { at, who, text }];
      await q.run(`UPDATE items SET notes = ?, updated_at = ? WHERE id = ?`, [JSON.stringify(notes), at, id]);
    });
    return this.mustGet(id);
  }

  async suppress(s: Omit<Suppression, "at">): Promise<void> {
    await this.db.tx(async (q) => {
      await q.run(
        `INSERT INTO suppressions (rule, fingerprint, reason, who, at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (rule, fingerprint) DO UPDATE SET reason = excluded.reason, who = excluded.who, at = excluded.at`,
        [s.rule, s.fingerprint, s.reason, s.who, new Date().toISOString()],
      );
      await this.retagOpenItems(q, s.fingerprint);
    });
  }

  async unsuppress(rule: string, fingerprint: string): Promise<void> {
    await this.db.tx(async (q) => {
      await q.run(`DELETE FROM suppressions WHERE rule = ? AND fingerprint = ?`, [rule, fingerprint]);
      await this.retagOpenItems(q, fingerprint);
    });
  }

  async listSuppressions(): Promise<Suppression[]> {
    const rows = await this.db.all(`SELECT * FROM suppressions ORDER BY at DESC, rule, fingerprint`);
    return rows.map((r) => ({
      rule: str(r["rule"]),
      fingerprint: str(r["fingerprint"]),
      reason: str(r["reason"]),
      who: str(r["who"]),
      at: str(r["at"]),
    }));
  }

  async isSuppressed(rule: string, fingerprint: string): Promise<boolean> {
    return (await this.db.all(`SELECT 1 AS x FROM suppressions WHERE rule = ? AND fingerprint = ?`, [rule, fingerprint])).length > 0;
  }

  /** Findings tagged against the suppression list as it stands inside this transaction. */
  private async tagged(q: Queryable, findings: readonly Finding[]): Promise<Finding[]> {
    const fps = [...new Set(findings.map((f) => f.fingerprint))];
    const hits = new Set<string>();
    if (fps.length) {
      const rows = await q.all(`SELECT rule, fingerprint FROM suppressions WHERE fingerprint IN (${placeholders(fps.length)})`, fps);
      for (const r of rows) hits.add(`${str(r["rule"])}\0${str(r["fingerprint"])}`);
    }
    return tagSuppressed(findings, (f) => hits.has(`${f.rule}\0${f.fingerprint}`));
  }

  /**
   * A false positive marked (or unmarked) on one item applies at once to every
   * open item carrying the same fingerprint, so the queue never shows a point
   * the maintainer already rejected. Approved, sent and dismissed items keep
   * their state; only their tags change.
   */
  private async retagOpenItems(q: Queryable, fingerprint: string): Promise<void> {
    // Fingerprints are hex: safe inside a LIKE pattern without escaping.
    const rows = await q.all(`SELECT * FROM items WHERE findings LIKE ?`, [fingerprintPattern(fingerprint)]);
    for (const r of rows) {
      const item = toItem(r, new Date());
      const findings = await this.tagged(q, item.findings);
      const open = item.state === "new" || item.state === "needs-attention" || item.state === "clean";
      await q.run(`UPDATE items SET findings = ?, finding_count = ?, severity_rank = ?, state = ?, updated_at = ? WHERE id = ?`, [
        JSON.stringify(findings),
        reportableFindings(findings).length,
        severityRank(findings),
        open ? derivedState(findings) : item.state,
        new Date().toISOString(),
        item.id,
      ]);
    }
  }

  private async lockedItem(q: Queryable, id: number): Promise<QueueItem> {
    // FOR UPDATE keeps two maintainers' clicks from interleaving on PostgreSQL;
    // SQLite's transaction already holds the write lock.
    const lock = this.db.dialect === "postgres" ? " FOR UPDATE" : "";
    const rows = Number.isSafeInteger(id) ? await q.all(`SELECT * FROM items WHERE id = ?${lock}`, [id]) : [];
    if (!rows[0]) throw new LkreviewError("USAGE", `item ${id}`, "no such item");
    return toItem(rows[0], new Date());
  }

  private async mustGet(id: number): Promise<QueueItem> {
    const item = await this.getItem(id);
    if (!item) throw new LkreviewError("USAGE", `item ${id}`, "no such item");
    return item;
  }

  private async event(q: Queryable, id: number, who: string, action: string): Promise<void> {
    await q.run(`INSERT INTO item_events (item_id, at, who, action) VALUES (?, ?, ?, ?)`, [id, new Date().toISOString(), who, action]);
  }
}
