/**
 * Decoding column values the same way for SQLite and PostgreSQL rows:
 * NULL and missing columns become "" or null, JSON columns fall back when
 * they do not parse (a row written by an older version never breaks a read).
 */

export const str = (v: unknown): string => (v === null || v === undefined ? "" : String(v));

export const strOrNull = (v: unknown): string | null => (v === null || v === undefined ? null : String(v));

export function parseJson<T>(v: unknown, fallback: T): T {
  if (typeof v !== "string") return fallback;
  try {
    return JSON.parse(v) as T;
  } catch {
    return fallback;
  }
}
