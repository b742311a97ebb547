/**
 * The keyv table on PostgreSQL, beyond what @keyv/postgres makes of it: @keyv/postgres keeps a record's
 * expiry only inside its serialized value, so a record whose TTL ran out stayed as a row until someone
 * read it (a pending confirmation nobody clicked, forever), and it lists a collection with
 * `key LIKE 'ns:%'`, which no index of a non-C collation answers: every list read the whole table.
 * Here the table gets an `expires` column (ms since the epoch, NULL for never) that writes fill and a
 * sweep deletes by, and an index that answers prefix matches.
 */
import type { KeyvPostgres } from '@keyv/postgres';

type PgQuery = (sql: string, values?: unknown[]) => Promise<unknown[]>;

/** Expired rows are deleted in one statement every this many writes (per store), as on SQLite. */
export const SWEEP_EVERY_WRITES = 1000;

/** Where the table is: `schema.table` for statements, and the bare name for its indexes. */
export interface PostgresTable {
  qualified: string;
  name: string;
}

/**
 * The first statement that creates a thing another replica created at the same moment fails so; the
 * thing is there: a unique violation on the catalog (23505), a table's row type (42710), a table
 * (42P07) or a column (42701) that now exists.
 */
export const alreadyThere = (err: unknown) => ['23505', '42710', '42P07', '42701'].includes(String((err as { code?: unknown }).code));

/**
 * Adds the `expires` column (filled once from the serialized values of rows written before it
 * existed), an index on it, and a `varchar_pattern_ops` index on the key for prefix matches. Safe to
 * run from several replicas at once, and again at every start.
 */
export async function preparePostgresTable(query: PgQuery, { qualified, name }: PostgresTable): Promise<void> {
  const [schema, table] = qualified.includes('.') ? qualified.split('.') : ['public', qualified];
  const columns = (await query('SELECT 1 FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 AND column_name = $3', [
    schema,
    table,
    'expires',
  ])) as unknown[];
  const steps = [
    ...(columns.length === 0
      ? [
          `ALTER TABLE ${qualified} ADD COLUMN IF NOT EXISTS expires BIGINT`,
          // keyv writes `{"value":…,"expires":<ms>}`: only a top-level number counts.
          `UPDATE ${qualified} SET expires = (value::json->>'expires')::bigint
           WHERE expires IS NULL AND value LIKE '%"expires":%' AND json_typeof(value::json->'expires') = 'number'`,
        ]
      : []),
    `CREATE INDEX IF NOT EXISTS ${name}_expires ON ${qualified} (expires) WHERE expires IS NOT NULL`,
    `CREATE INDEX IF NOT EXISTS ${name}_key_prefix ON ${qualified} (key varchar_pattern_ops)`,
  ];
  for (const sql of steps) {
    await query(sql).catch((err: unknown) => {
      if (!alreadyThere(err)) throw err;
    });
  }
}

/**
 * @keyv/postgres's adapter, writing each record's expiry into the `expires` column too (keyv hands the
 * TTL to `set`), and calling `wrote` after each write so that the store can sweep now and then.
 */
export function expiringPostgresAdapter(Base: typeof KeyvPostgres, wrote: () => void) {
  return class ExpiringKeyvPostgres extends Base {
    override async set(key: string, value: unknown, ttl?: number): Promise<void> {
      await this.query(
        `INSERT INTO ${this.opts.schema}.${this.opts.table} (key, value, expires) VALUES($1, $2, $3)
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires = excluded.expires`,
        [key, value, typeof ttl === 'number' && ttl > 0 ? Date.now() + ttl : null],
      );
      wrote();
    }

    override async setMany(entries: { key: string; value: unknown; ttl?: number }[]): Promise<void> {
      const now = Date.now();
      await this.query(
        `INSERT INTO ${this.opts.schema}.${this.opts.table} (key, value, expires)
         SELECT * FROM UNNEST($1::text[], $2::text[], $3::bigint[])
         ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires = excluded.expires`,
        [entries.map((e) => e.key), entries.map((e) => e.value), entries.map((e) => (typeof e.ttl === 'number' && e.ttl > 0 ? now + e.ttl : null))],
      );
      wrote();
    }
  };
}

/** Deletes the rows whose expiry has passed; how many went. */
export async function sweepExpiredRows(query: PgQuery, { qualified }: PostgresTable, now = Date.now()): Promise<number> {
  const rows = (await query(`WITH gone AS (DELETE FROM ${qualified} WHERE expires IS NOT NULL AND expires <= $1 RETURNING 1) SELECT count(*) AS n FROM gone`, [
    now,
  ])) as { n: string | number }[];
  return Number(rows[0]?.n ?? 0);
}
