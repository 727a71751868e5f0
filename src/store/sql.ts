/**
 * The little a store needs from a SQL database, so one store implementation
 * serves both dialects. SQL is written with `?` placeholders (the PostgreSQL
 * adapter numbers them); no literal in our SQL contains a `?`.
 */

export type SqlValue = string | number | null;

export type Row = Record<string, unknown>;

export interface Queryable {
  all(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
  /** Runs a statement; resolves to the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
}

export interface SqlDb extends Queryable {
  readonly dialect: "sqlite" | "postgres";
  /** Runs `fn` in one transaction; other callers on this handle wait (SQLite) or use other connections (PostgreSQL). */
  tx<T>(fn: (q: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** `?` -> `$1, $2, ...` for PostgreSQL. */
export function numberPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/** Escapes `%`, `_` and `\` for a `LIKE ... ESCAPE '\'` pattern. */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** `?, ?, ?` for an IN list. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => "?").join(", ");
}
