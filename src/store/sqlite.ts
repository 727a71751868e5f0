import { mkdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { LkreviewError } from "../errors.js";
import type { Queryable, Row, SqlDb, SqlValue } from "./sql.js";
import { SqlStore } from "./sql-store.js";
import type { Store } from "./store.js";

/** Where the store lives when neither `--db` nor the config names one. */
export const DEFAULT_SQLITE_PATH = ".lkreview/lkreview.sqlite";

/** One turn chain per database file in this process; see `SqliteDb`. */
const turns = new Map<string, { turn: Promise<unknown> }>();

/**
 * better-sqlite3 is synchronous; a transaction that awaits in the middle
 * would let another caller's statements slip into it, and a second
 * connection to the same file in this process would block the event loop in
 * its busy wait while the first one's transaction can never finish. So every
 * statement and transaction on any connection to one file in this process
 * waits its turn on one promise chain. Other processes are kept apart by
 * SQLite's own lock and the busy timeout.
 */
class SqliteDb implements SqlDb {
  readonly dialect = "sqlite" as const;
  private readonly db: Database.Database;
  private readonly statements = new Map<string, Database.Statement>();
  private readonly lane: { turn: Promise<unknown> };
  private readonly direct: Queryable;

  constructor(private readonly path: string) {
    const key = path === ":memory:" ? `:memory:${Math.random()}` : resolve(path);
    this.lane = turns.get(key) ?? { turn: Promise.resolve() };
    turns.set(key, this.lane);
    try {
      if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
      this.db = new Database(path);
      // WAL lets a `serve` process read while a `watch` process writes.
      this.db.pragma("journal_mode = WAL");
      this.db.pragma("foreign_keys = ON");
      // Another process holding the write lock: wait rather than fail at once.
      this.db.pragma("busy_timeout = 5000");
    } catch (err) {
      throw new LkreviewError("STORE", path, `cannot open the SQLite database: ${(err as Error).message}`, { cause: err });
    }
    this.direct = {
      all: async (sql, params = []) => this.wrap(() => this.prepare(sql).all(...params) as Row[]),
      run: async (sql, params = []) => this.wrap(() => this.prepare(sql).run(...params).changes),
    };
  }

  all(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return this.exclusive(() => this.direct.all(sql, params));
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.exclusive(() => this.direct.run(sql, params));
  }

  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      // IMMEDIATE takes the write lock up front, so two processes never both
      // read-then-write on stale data (and migrations run once).
      this.wrap(() => this.db.exec("BEGIN IMMEDIATE"));
      try {
        const result = await fn(this.direct);
        this.wrap(() => this.db.exec("COMMIT"));
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec("ROLLBACK");
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    await this.exclusive(async () => {
      if (this.db.open) this.db.close();
    });
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.lane.turn.then(fn, fn);
    this.lane.turn = next.catch(() => undefined);
    return next;
  }

  private prepare(sql: string): Database.Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }

  private wrap<T>(fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof LkreviewError) throw err;
      throw new LkreviewError("STORE", this.path, (err as Error).message, { cause: err });
    }
  }
}

/** Opens (creating file and parent directory on first use) a SQLite store; does not migrate. */
export function createSqliteStore(path: string = DEFAULT_SQLITE_PATH): Store {
  return new SqlStore(new SqliteDb(path));
}
