/** One numbered schema step, with its SQL for each dialect. */
export interface Migration {
  /** Strictly increasing; recorded in `schema_migrations` once applied. */
  version: number;
  name: string;
  /** Statements for SQLite, run one after another in one transaction. */
  sqlite: string[];
  /** Statements for PostgreSQL, run one after another in one transaction. */
  postgres: string[];
}
