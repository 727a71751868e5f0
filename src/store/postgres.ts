import pg from "pg";
import { LkreviewError } from "../errors.js";
import { numberPlaceholders } from "./sql.js";
import type { Queryable, Row, SqlDb, SqlValue } from "./sql.js";
import { SqlStore } from "./sql-store.js";
import type { Store } from "./store.js";

/** `postgres://user:secret@host/db` -> `postgres://host/db`, for error lines. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return "postgres database";
  }
}

class PostgresDb implements SqlDb {
  readonly dialect = "postgres" as const;
  private readonly pool: pg.Pool;
  private readonly label: string;

  constructor(url: string, poolSize: number) {
    this.label = redactUrl(url);
    this.pool = new pg.Pool({ connectionString: url, max: poolSize });
    // An idle client losing its connection must not crash the process; the
    // next query reports the failure where it can be handled.
    this.pool.on("error", () => undefined);
  }

  all(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return this.query(this.pool, sql, params).then((r) => r.rows);
  }

  run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    return this.query(this.pool, sql, params).then((r) => r.rowCount ?? 0);
  }

  async tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (err) {
      throw new LkreviewError("STORE", this.label, `cannot connect: ${(err as Error).message}`, { cause: err });
    }
    const q: Queryable = {
      all: (sql, params = []) => this.query(client, sql, params).then((r) => r.rows),
      run: (sql, params = []) => this.query(client, sql, params).then((r) => r.rowCount ?? 0),
    };
    try {
      await q.run("BEGIN");
      const result = await fn(q);
      await q.run("COMMIT");
      client.release();
      return result;
    } catch (err) {
      // A failed ROLLBACK means the connection is broken: drop it from the pool.
      await client.query("ROLLBACK").then(
        () => client.release(),
        // Any truthy argument makes pg destroy the client instead of pooling it.
        (e: unknown) => client.release(e instanceof Error ? e : true),
      );
      throw err;
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async query(on: pg.Pool | pg.PoolClient, sql: string, params: readonly SqlValue[]): Promise<pg.QueryResult<Row>> {
    try {
      return await on.query<Row>(numberPlaceholders(sql), [...params]);
    } catch (err) {
      throw new LkreviewError("STORE", this.label, (err as Error).message, { cause: err });
    }
  }
}

/** A PostgreSQL store on a pool of `poolSize` connections; does not migrate. */
export function createPostgresStore(url: string, poolSize = 4): Store {
  return new SqlStore(new PostgresDb(url, poolSize));
}
