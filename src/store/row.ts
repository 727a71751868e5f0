/**
 * Decoding column values the same way for SQLite and PostgreSQL rows:
 * NULL and missing columns become "" or null, JSON columns fall back when
 * they do not parse (a row written by an older version never breaks a read).
 */

// A column value is typed `unknown`, but our columns are TEXT, INTEGER and BIGINT:
// the drivers hand back a string, a number or a bigint, never a plain object.

// eslint-disable-next-line @typescript-eslint/no-base-to-string -- a SQL value, never a plain object (see above)
export const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));

// eslint-disable-next-line @typescript-eslint/no-base-to-string -- a SQL value, never a plain object (see above)
export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function parseJson<T>(v: unknown, fallback: T): T {
  if (typeof v !== "string") return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}
