import { existsSync } from "node:fs";
import { LkreviewError } from "../errors.js";
import { createSqliteStore, DEFAULT_SQLITE_PATH } from "./sqlite.js";
import type { OpenStoreOptions, Store } from "./store.js";

/** True for a `postgres://` or `postgresql://` URL. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/**
 * Opens the store `--db` names: a PostgreSQL URL, or else a SQLite file path
 * (created with its directory on first use, unless `mustExist`). Runs pending
 * migrations before returning, so every command sees the current schema.
 *
 * @throws LkreviewError `USAGE` with `mustExist` when the SQLite file is not there.
 */
export async function openStore(db: string = DEFAULT_SQLITE_PATH, opts: OpenStoreOptions = {}): Promise<Store> {
  const path = db || DEFAULT_SQLITE_PATH;
  if (opts.mustExist && !isPostgresUrl(db) && path !== ":memory:" && !existsSync(path)) {
    throw new LkreviewError("USAGE", "", `no store at ${path}; run review --enqueue or watch first`);
  }
  // The PostgreSQL client is loaded only for a PostgreSQL store.
  const store = isPostgresUrl(db) ? (await import("./postgres.js")).createPostgresStore(db) : createSqliteStore(path);
  try {
    await store.migrate();
  } catch (err) {
    await store.close().catch(() => undefined);
    throw err;
  }
  return store;
}
