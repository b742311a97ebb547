/**
 * The one atomic primitive keyv lacks: claim a key once. Each store does it in one statement of its
 * own, so two processes (or two replicas) racing for the same click cannot both win.
 */
export interface Claimer {
  claim(key: string, ttlMs: number): Promise<boolean>;
  close(): Promise<void>;
}

type SqliteQuery = (sql: string, ...params: unknown[]) => Promise<unknown[]>;

/** SQLite: an upsert that only takes an expired row; RETURNING yields a row only for the winner. */
export async function sqliteClaimer(query: SqliteQuery, close: () => Promise<void>): Promise<Claimer> {
  await query('CREATE TABLE IF NOT EXISTS claims(key TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)');
  return {
    async claim(key, ttlMs) {
      const now = Date.now();
      const rows = await query(
        `INSERT INTO claims(key, expires_at) VALUES(?, ?)
         ON CONFLICT(key) DO UPDATE SET expires_at = excluded.expires_at WHERE claims.expires_at <= ?
         RETURNING key`,
        key,
        now + ttlMs,
        now,
      );
      return rows.length === 1;
    },
    close,
  };
}

type PgQuery = (sql: string, values?: unknown[]) => Promise<unknown[]>;

/** PostgreSQL: INSERT … ON CONFLICT DO UPDATE … WHERE expired, RETURNING only for the winner. */
export async function postgresClaimer(query: PgQuery, close: () => Promise<void>): Promise<Claimer> {
  await query('CREATE TABLE IF NOT EXISTS chatops_claims(key TEXT PRIMARY KEY, expires_at BIGINT NOT NULL)');
  return {
    async claim(key, ttlMs) {
      const now = Date.now();
      const rows = await query(
        `INSERT INTO chatops_claims(key, expires_at) VALUES($1, $2)
         ON CONFLICT (key) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE chatops_claims.expires_at <= $3
         RETURNING key`,
        [key, now + ttlMs, now],
      );
      return rows.length === 1;
    },
    close,
  };
}

interface RedisSetter {
  set(key: string, value: string, opts: { NX: true; PX: number }): Promise<unknown>;
}
interface RedisAdapterLike {
  getClient(): Promise<unknown>;
  disconnect(): Promise<void>;
}

/** Redis: SET NX PX answers OK only to the first caller. */
export function redisClaimer(adapter: RedisAdapterLike): Claimer {
  return {
    async claim(key, ttlMs) {
      const client = (await adapter.getClient()) as RedisSetter;
      const answer = await client.set(`chatops:claim:${key}`, '1', { NX: true, PX: Math.max(1, Math.round(ttlMs)) });
      return answer === 'OK';
    },
    close: () => adapter.disconnect(),
  };
}
