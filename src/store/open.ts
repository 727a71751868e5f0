import { createPostgresStore } from "./postgres.js";
import { createSqliteStore, DEFAULT_SQLITE_PATH } from "./sqlite.js";
import type { Store } from "./store.js";

/** True for a `postgres://` or `postgresql://` URL. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/**
 * Opens the store `--db` names: a PostgreSQL URL, or else a SQLite file path
 * (created with its directory on first use). Runs pending migrations before
 * returning, so every command sees the current schema.
 */
export async function openStore(db: string = DEFAULT_SQLITE_PATH): Promise<Store> {
  const store = isPostgresUrl(db) ? createPostgresStore(db) : createSqliteStore(db || DEFAULT_SQLITE_PATH);
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
