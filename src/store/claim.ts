/**
 * The atomic primitives keyv lacks: claim a key once, with a token, renew and release it again, and
 * count within a window. Each store does each in one statement of its own, so two processes (or two
 * replicas) racing for the same click cannot both win, only the holder's token can renew or release
 * a claim, and no count is lost.
 */
import type { WindowCount } from './port.js';
import { alreadyThere } from './postgres-table.js';

export interface Claimer {
  claim(key: string, token: string, ttlMs: number): Promise<boolean>;
  /** Extends a claim still held under `token` to `ttlMs` from now; false when it expired or was taken. */
  renew(key: string, token: string, ttlMs: number): Promise<boolean>;
  release(key: string, token: string): Promise<void>;
  /** Adds one to the window counter `key` (a new window of `windowMs` starts when the last has ended). */
  increment(key: string, windowMs: number): Promise<WindowCount>;
  /** The counter `key` in its current window; 0 when there is none or it has ended. */
  count(key: string): Promise<number>;
  close(): Promise<void>;
}

/** Where the claims and counters live; names come from STORE_PREFIX (validated as an identifier). */
export interface ClaimTables {
  leases: string;
  counters: string;
}

type CounterRow = { count: number | string; reset_at: number | string };
const windowCount = (rows: unknown[]): WindowCount => {
  const row = rows[0] as CounterRow | undefined;
  if (!row) throw new Error('the counter upsert returned no row');
  return { count: Number(row.count), resetAt: Number(row.reset_at) };
};

type PgQuery = (sql: string, values?: unknown[]) => Promise<unknown[]>;

/**
 * `CREATE TABLE IF NOT EXISTS`, as several replicas starting at once run it: PostgreSQL's check is not
 * atomic, and the losers of the race get an error saying it (or its row type) now exists.
 */
async function createTable(query: PgQuery, statement: string): Promise<void> {
  try {
    await query(statement);
  } catch (err) {
    if (!alreadyThere(err)) throw err;
  }
}

/** PostgreSQL: INSERT … ON CONFLICT DO UPDATE … WHERE expired, RETURNING only for the winner. */
export async function postgresClaimer(query: PgQuery, close: () => Promise<void>, tables: ClaimTables = { leases: 'chatops_leases', counters: 'chatops_counters' }): Promise<Claimer> {
  const { leases, counters } = tables;
  await createTable(query, `CREATE TABLE IF NOT EXISTS ${leases}(key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at BIGINT NOT NULL)`);
  await createTable(query, `CREATE TABLE IF NOT EXISTS ${counters}(key TEXT PRIMARY KEY, count BIGINT NOT NULL, reset_at BIGINT NOT NULL)`);
  // The short name of a possibly schema-qualified table, for the columns of the conflicting row.
  const row = (table: string) => table.split('.').at(-1)!;
  return {
    async claim(key, token, ttlMs) {
      const now = Date.now();
      const rows = await query(
        `INSERT INTO ${leases}(key, token, expires_at) VALUES($1, $2, $3)
         ON CONFLICT (key) DO UPDATE SET token = EXCLUDED.token, expires_at = EXCLUDED.expires_at
         WHERE ${row(leases)}.expires_at <= $4
         RETURNING key`,
        [key, token, now + ttlMs, now],
      );
      return rows.length === 1;
    },
    async renew(key, token, ttlMs) {
      const now = Date.now();
      const rows = await query(`UPDATE ${leases} SET expires_at = $1 WHERE key = $2 AND token = $3 AND expires_at > $4 RETURNING key`, [now + ttlMs, key, token, now]);
      return rows.length === 1;
    },
    async release(key, token) {
      await query(`DELETE FROM ${leases} WHERE key = $1 AND token = $2`, [key, token]);
    },
    async increment(key, windowMs) {
      const now = Date.now();
      const c = row(counters);
      const rows = await query(
        `INSERT INTO ${counters}(key, count, reset_at) VALUES($1, 1, $2)
         ON CONFLICT (key) DO UPDATE SET
           count = CASE WHEN ${c}.reset_at <= $3 THEN 1 ELSE ${c}.count + 1 END,
           reset_at = CASE WHEN ${c}.reset_at <= $3 THEN EXCLUDED.reset_at ELSE ${c}.reset_at END
         RETURNING count, reset_at`,
        [key, now + windowMs, now],
      );
      return windowCount(rows);
    },
    async count(key) {
      const rows = (await query(`SELECT count FROM ${counters} WHERE key = $1 AND reset_at > $2`, [key, Date.now()])) as { count: number | string }[];
      return rows[0] ? Number(rows[0].count) : 0;
    },
    close,
  };
}

interface RedisMulti {
  set(key: string, value: string, opts: { NX: true; PX: number }): RedisMulti;
  incr(key: string): RedisMulti;
  pTTL(key: string): RedisMulti;
  exec(): Promise<unknown[]>;
}
interface RedisClientLike {
  get(key: string): Promise<string | null>;
  set(key: string, value: string, opts: { NX: true; PX: number }): Promise<unknown>;
  eval(script: string, opts: { keys: string[]; arguments: string[] }): Promise<unknown>;
  multi(): RedisMulti;
}
interface RedisAdapterLike {
  getClient(): Promise<unknown>;
  disconnect(): Promise<void>;
}

/** Deletes the key only when it still holds the caller's token (another holder's lease stays). */
const RELEASE_IF_OWNER = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end";
/** Extends the key's expiry only when it still holds the caller's token. */
const RENEW_IF_OWNER = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end";

const px = (ms: number) => Math.max(1, Math.round(ms));

/** Where claims and counters live on Redis: under the deployment's prefix (redis-collection.ts, redisKeys). */
export interface RedisClaimKeys {
  claim(key: string): string;
  count(key: string): string;
}

/** Redis: SET NX PX answers OK only to the first caller; a counter is SET NX PX 0, INCR, PTTL in one MULTI. */
export function redisClaimer(adapter: RedisAdapterLike, { claim: claimKey, count: countKey }: RedisClaimKeys): Claimer {
  const client = async () => (await adapter.getClient()) as RedisClientLike;
  return {
    async claim(key, token, ttlMs) {
      const answer = await (await client()).set(claimKey(key), token, { NX: true, PX: px(ttlMs) });
      return answer === 'OK';
    },
    async renew(key, token, ttlMs) {
      const answer = await (await client()).eval(RENEW_IF_OWNER, { keys: [claimKey(key)], arguments: [token, String(px(ttlMs))] });
      return Number(answer) === 1;
    },
    async release(key, token) {
      await (await client()).eval(RELEASE_IF_OWNER, { keys: [claimKey(key)], arguments: [token] });
    },
    async increment(key, windowMs) {
      const full = countKey(key);
      const [, count, ttl] = await (await client()).multi().set(full, '0', { NX: true, PX: px(windowMs) }).incr(full).pTTL(full).exec();
      return { count: Number(count), resetAt: Date.now() + Math.max(0, Number(ttl)) };
    },
    // An ended window's key has expired in Redis itself.
    count: async (key) => Number((await (await client()).get(countKey(key))) ?? 0),
    close: () => adapter.disconnect(),
  };
}
