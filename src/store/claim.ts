/**
 * The one atomic primitive keyv lacks: claim a key once, with a token, and release it again. Each
 * store does it in one statement of its own, so two processes (or two replicas) racing for the same
 * click cannot both win, and only the holder's token can release it.
 */
export interface Claimer {
  claim(key: string, token: string, ttlMs: number): Promise<boolean>;
  release(key: string, token: string): Promise<void>;
  close(): Promise<void>;
}

type SqliteQuery = (sql: string, ...params: unknown[]) => Promise<unknown[]>;

/** SQLite: an upsert that only takes an expired row; RETURNING yields a row only for the winner. */
export async function sqliteClaimer(query: SqliteQuery, close: () => Promise<void>): Promise<Claimer> {
  await query('CREATE TABLE IF NOT EXISTS leases(key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at INTEGER NOT NULL)');
  return {
    async claim(key, token, ttlMs) {
      const now = Date.now();
      const rows = await query(
        `INSERT INTO leases(key, token, expires_at) VALUES(?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at WHERE leases.expires_at <= ?
         RETURNING key`,
        key,
        token,
        now + ttlMs,
        now,
      );
      return rows.length === 1;
    },
    async release(key, token) {
      await query('DELETE FROM leases WHERE key = ? AND token = ?', key, token);
    },
    close,
  };
}

type PgQuery = (sql: string, values?: unknown[]) => Promise<unknown[]>;

/** PostgreSQL: INSERT … ON CONFLICT DO UPDATE … WHERE expired, RETURNING only for the winner. */
export async function postgresClaimer(query: PgQuery, close: () => Promise<void>): Promise<Claimer> {
  await query('CREATE TABLE IF NOT EXISTS chatops_leases(key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at BIGINT NOT NULL)');
  return {
    async claim(key, token, ttlMs) {
      const now = Date.now();
      const rows = await query(
        `INSERT INTO chatops_leases(key, token, expires_at) VALUES($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET token = EXCLUDED.token, expires_at = EXCLUDED.expires_at
         WHERE chatops_leases.expires_at <= $4
         RETURNING key`,
        [key, token, now + ttlMs, now],
      );
      return rows.length === 1;
    },
    async release(key, token) {
      await query('DELETE FROM chatops_leases WHERE key = $1 AND token = $2', [key, token]);
    },
    close,
  };
}

interface RedisClientLike {
  set(key: string, value: string, opts: { NX: true; PX: number }): Promise<unknown>;
  eval(script: string, opts: { keys: string[]; arguments: string[] }): Promise<unknown>;
}
interface RedisAdapterLike {
  getClient(): Promise<unknown>;
  disconnect(): Promise<void>;
}

/** Deletes the key only when it still holds the caller's token (another holder's lease stays). */
const RELEASE_IF_OWNER = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";

/** Redis: SET NX PX answers OK only to the first caller. */
export function redisClaimer(adapter: RedisAdapterLike): Claimer {
  const client = async () => (await adapter.getClient()) as RedisClientLike;
  return {
    async claim(key, token, ttlMs) {
      const answer = await (await client()).set(`chatops:claim:${key}`, token, { NX: true, PX: Math.max(1, Math.round(ttlMs)) });
      return answer === 'OK';
    },
    async release(key, token) {
      await (await client()).eval(RELEASE_IF_OWNER, { keys: [`chatops:claim:${key}`], arguments: [token] });
    },
    close: () => adapter.disconnect(),
  };
}
