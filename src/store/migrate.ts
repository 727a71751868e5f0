import { LkreviewError } from "../errors.js";
import type { Migration } from "./migrations/index.js";
import type { SqlDb } from "./sql.js";

/** Arbitrary constant key of the PostgreSQL advisory lock that serialises migrations across processes. */
const MIGRATION_LOCK_KEY = 7_210_117_101;

/**
 * Applies every migration not yet recorded in `schema_migrations`, all in one
 * transaction. Several processes starting at once is normal (a `watch` per
 * machine and a `serve`): PostgreSQL takes a transaction-scoped advisory lock
 * first, SQLite's BEGIN IMMEDIATE takes the write lock; the loser then sees
 * the winner's versions and applies nothing.
 */
export async function runMigrations(db: SqlDb, migrations: readonly Migration[]): Promise<number[]> {
  return db.tx(async (q) => {
    if (db.dialect === "postgres") await q.all(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY})`);
    await q.run(`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`);
    const done = new Set((await q.all(`SELECT version FROM schema_migrations`)).map((r) => Number(r["version"])));
    const newest = Math.max(0, ...done);
    const known = Math.max(0, ...migrations.map((m) => m.version));
    if (newest > known) {
      throw new LkreviewError("STORE", "schema", `database is at version ${newest}, newer than this lkreview knows (${known})`);
    }
    const applied: number[] = [];
    for (const m of [...migrations].sort((a, b) => a.version - b.version)) {
      if (done.has(m.version)) continue;
      for (const stmt of db.dialect === "postgres" ? m.postgres : m.sqlite) await q.run(stmt);
      await q.run(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`, [m.version, m.name, new Date().toISOString()]);
      applied.push(m.version);
    }
    return applied;
  });
}
