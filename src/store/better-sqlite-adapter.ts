import { EventEmitter } from 'node:events';
import Database from 'better-sqlite3';
import type { KeyvStoreAdapter, StoredData } from 'keyv';

/**
 * One SQLite file behind keyv: a single better-sqlite3 connection (WAL, synchronous=NORMAL,
 * busy_timeout) shared by every namespace and by `claim`, with each statement prepared once.
 *
 * Layout: the `keyv(key, value)` table that @keyv/sqlite wrote (keys are keyv's `namespace:key`,
 * values keyv's serialized JSON) plus an `expires` column (ms since the epoch, NULL for never), and
 * the `leases(key, token, expires_at)` table the claims used before. A file written before the column
 * existed gets it on open, filled from the `expires` inside each serialized value, so old data stays
 * readable.
 */
/** keyv's store adapter with every optional method present. */
export type SqliteStoreAdapter = KeyvStoreAdapter &
  Required<Pick<KeyvStoreAdapter, 'getMany' | 'setMany' | 'has' | 'hasMany' | 'deleteMany' | 'iterator' | 'disconnect'>>;

export interface SqliteFile {
  /** A keyv store adapter on the shared connection; keyv sets its namespace, so make one per Keyv. */
  adapter(): SqliteStoreAdapter;
  /** True for exactly one caller until `ttlMs` has passed or it is released: one upsert that only takes an expired row. */
  claim(key: string, token: string, ttlMs: number): boolean;
  /** Gives the claim back, if `token` still holds it. */
  release(key: string, token: string): void;
  /** Extends a claim `token` still holds and that has not expired; false otherwise. */
  renew(key: string, token: string, ttlMs: number): boolean;
  /** One more in the window counter `key` (a new window of `windowMs` once the last has ended): one upsert RETURNING. */
  increment(key: string, windowMs: number): { count: number; resetAt: number };
  /** The window counter `key` as it stands; 0 when there is none or its window has ended. */
  count(key: string): number;
  /** Closes the connection (idempotent); every later call throws. */
  close(): void;
  readonly open: boolean;
}

export interface SqliteFileOptions {
  /** How long a statement waits for another connection's write lock before failing. */
  busyTimeoutMs?: number;
  /** The clock, in ms since the epoch (tests move it). */
  now?: () => number;
}

/** Expired rows are ignored on read at once, and deleted in one sweep every this many writes. */
const SWEEP_EVERY_WRITES = 1000;
/** Up to this many keys, getMany reads each by its primary key instead of through json_each. */
const FEW_KEYS = 8;
/** Rows per page when iterating a namespace. */
const PAGE_ROWS = 1000;

interface Row {
  key: string;
  value: string;
}

export function openSqliteFile(path: string, { busyTimeoutMs = 10_000, now = Date.now }: SqliteFileOptions = {}): SqliteFile {
  let db = new Database(path, { timeout: busyTimeoutMs });
  try {
    // ':memory:' has no WAL (it answers "memory"); a file must get it, or the point of one connection is lost.
    const mode = db.pragma('journal_mode = WAL', { simple: true });
    if (path !== ':memory:' && path !== '' && mode !== 'wal') throw new Error(`SQLite refused WAL mode for ${path} (got ${String(mode)})`);
    db.pragma('synchronous = NORMAL');
    migrate(db);
  } catch (err) {
    // A file we may read but not write (a read-only mount, a copy for inspection): open it read-only, so
    // reads are still answered; every write then fails with SQLITE_READONLY, and /readyz says so.
    if (!String((err as { code?: string }).code).startsWith('SQLITE_READONLY')) throw err;
    db.close();
    db = new Database(path, { timeout: busyTimeoutMs, readonly: true, fileMustExist: true });
  }

  const live = '(expires IS NULL OR expires > @now)';
  const q = {
    get: db.prepare<{ key: string; now: number }, { value: string }>(`SELECT value FROM keyv WHERE key = @key AND ${live}`),
    // Many keys in one statement (a JSON array of them), not one statement per key.
    getMany: db.prepare<{ keys: string; now: number }, Row>(`SELECT key, value FROM keyv WHERE key IN (SELECT value FROM json_each(@keys)) AND ${live}`),
    has: db.prepare<{ key: string; now: number }, { one: 1 }>(`SELECT 1 AS one FROM keyv WHERE key = @key AND ${live}`),
    set: db.prepare<{ key: string; value: string; expires: number | null }>(
      'INSERT INTO keyv(key, value, expires) VALUES(@key, @value, @expires) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires = excluded.expires',
    ),
    delete: db.prepare<{ key: string }, { expires: number | null }>('DELETE FROM keyv WHERE key = @key RETURNING expires'),
    clearRange: db.prepare<{ from: string; to: string }>('DELETE FROM keyv WHERE key >= @from AND key < @to'),
    clearAll: db.prepare('DELETE FROM keyv'),
    page: db.prepare<{ after: string; from: string; to: string; now: number; limit: number }, Row>(
      `SELECT key, value FROM keyv WHERE key >= @from AND key < @to AND key > @after AND ${live} ORDER BY key LIMIT @limit`,
    ),
    pageAll: db.prepare<{ after: string; now: number; limit: number }, Row>(`SELECT key, value FROM keyv WHERE key > @after AND ${live} ORDER BY key LIMIT @limit`),
    claim: db.prepare<{ key: string; token: string; expires: number; now: number }, { key: string }>(
      `INSERT INTO leases(key, token, expires_at) VALUES(@key, @token, @expires)
       ON CONFLICT(key) DO UPDATE SET token = excluded.token, expires_at = excluded.expires_at WHERE leases.expires_at <= @now
       RETURNING key`,
    ),
    release: db.prepare<{ key: string; token: string }>('DELETE FROM leases WHERE key = @key AND token = @token'),
    renew: db.prepare<{ key: string; token: string; expires: number; now: number }, { key: string }>(
      'UPDATE leases SET expires_at = @expires WHERE key = @key AND token = @token AND expires_at > @now RETURNING key',
    ),
    increment: db.prepare<{ key: string; resetAt: number; now: number }, { count: number; reset_at: number }>(
      `INSERT INTO counters(key, count, reset_at) VALUES(@key, 1, @resetAt)
       ON CONFLICT(key) DO UPDATE SET
         count = CASE WHEN counters.reset_at <= @now THEN 1 ELSE counters.count + 1 END,
         reset_at = CASE WHEN counters.reset_at <= @now THEN excluded.reset_at ELSE counters.reset_at END
       RETURNING count, reset_at`,
    ),
    count: db.prepare<{ key: string; now: number }, { count: number }>('SELECT count FROM counters WHERE key = @key AND reset_at > @now'),
    sweepKeyv: db.prepare<{ now: number }>('DELETE FROM keyv WHERE expires IS NOT NULL AND expires <= @now'),
    sweepClaims: db.prepare<{ now: number }>('DELETE FROM leases WHERE expires_at <= @now'),
  };

  let writes = 0;
  const wrote = () => {
    if (++writes % SWEEP_EVERY_WRITES !== 0) return;
    const at = now();
    q.sweepKeyv.run({ now: at });
    q.sweepClaims.run({ now: at });
  };
  const ensureOpen = () => {
    if (!db.open) throw new Error('the SQLite store is closed');
  };
  const deleteOne = (key: string): boolean => {
    const row = q.delete.get({ key });
    return row !== undefined && (row.expires === null || row.expires > now());
  };

  class NamespaceAdapter extends EventEmitter implements SqliteStoreAdapter {
    // keyv offers `iterator` only to adapters whose dialect it knows.
    readonly opts = { dialect: 'sqlite', url: `sqlite://${path}` };
    namespace?: string | undefined;

    async get<Value>(key: string): Promise<StoredData<Value> | undefined> {
      ensureOpen();
      return q.get.get({ key, now: now() })?.value as StoredData<Value> | undefined;
    }

    async getMany<Value>(keys: string[]): Promise<Array<StoredData<Value | undefined>>> {
      ensureOpen();
      // A few keys (a member's two language settings): point reads on the primary key cost less than
      // building and walking a JSON array; still one call, synchronous, on one connection.
      if (keys.length <= FEW_KEYS) {
        const at = now();
        return keys.map((key) => q.get.get({ key, now: at })?.value as StoredData<Value | undefined>);
      }
      const found = new Map(q.getMany.all({ keys: JSON.stringify(keys), now: now() }).map((row) => [row.key, row.value]));
      return keys.map((key) => found.get(key) as StoredData<Value | undefined>);
    }

    async set(key: string, value: unknown, ttl?: number): Promise<void> {
      ensureOpen();
      if (typeof value !== 'string') throw new TypeError('the SQLite store keeps keyv-serialized strings only');
      q.set.run({ key, value, expires: typeof ttl === 'number' && ttl > 0 ? now() + ttl : null });
      wrote();
    }

    async setMany(entries: Array<{ key: string; value: unknown; ttl?: number }>): Promise<void> {
      ensureOpen();
      db.transaction(() => {
        for (const e of entries) {
          if (typeof e.value !== 'string') throw new TypeError('the SQLite store keeps keyv-serialized strings only');
          q.set.run({ key: e.key, value: e.value, expires: typeof e.ttl === 'number' && e.ttl > 0 ? now() + e.ttl : null });
        }
      })();
      wrote();
    }

    async delete(key: string): Promise<boolean> {
      ensureOpen();
      return deleteOne(key);
    }

    async deleteMany(keys: string[]): Promise<boolean> {
      ensureOpen();
      return db.transaction(() => keys.map(deleteOne).some(Boolean))();
    }

    async clear(): Promise<void> {
      ensureOpen();
      if (this.namespace) q.clearRange.run(namespaceRange(this.namespace));
      else q.clearAll.run();
    }

    async has(key: string): Promise<boolean> {
      ensureOpen();
      return q.has.get({ key, now: now() }) !== undefined;
    }

    async hasMany(keys: string[]): Promise<boolean[]> {
      ensureOpen();
      const at = now();
      return keys.map((key) => q.has.get({ key, now: at }) !== undefined);
    }

    /** Live rows of `namespace` (all rows without one), in key order, a page at a time by key. */
    async *iterator<Value>(namespace?: string): AsyncGenerator<Array<string | Awaited<Value> | undefined>, void> {
      const range = namespace ? namespaceRange(namespace) : undefined;
      let after = '';
      for (;;) {
        ensureOpen();
        const rows = range ? q.page.all({ after, ...range, now: now(), limit: PAGE_ROWS }) : q.pageAll.all({ after, now: now(), limit: PAGE_ROWS });
        for (const row of rows) yield [row.key, row.value as Awaited<Value>];
        if (rows.length < PAGE_ROWS) return;
        after = rows.at(-1)!.key;
      }
    }

    /** Closes the shared connection: every namespace and `claim` with it. */
    async disconnect(): Promise<void> {
      if (db.open) db.close();
    }
  }

  return {
    adapter: () => new NamespaceAdapter(),
    claim(key, token, ttlMs) {
      ensureOpen();
      const at = now();
      const won = q.claim.get({ key, token, expires: at + ttlMs, now: at }) !== undefined;
      wrote();
      return won;
    },
    release(key, token) {
      ensureOpen();
      q.release.run({ key, token });
    },
    renew(key, token, ttlMs) {
      ensureOpen();
      const at = now();
      const held = q.renew.get({ key, token, expires: at + ttlMs, now: at }) !== undefined;
      wrote();
      return held;
    },
    increment(key, windowMs) {
      ensureOpen();
      const at = now();
      const row = q.increment.get({ key, resetAt: at + windowMs, now: at })!;
      wrote();
      return { count: row.count, resetAt: row.reset_at };
    },
    count(key) {
      ensureOpen();
      return q.count.get({ key, now: now() })?.count ?? 0;
    },
    close() {
      if (db.open) db.close();
    },
    get open() {
      return db.open;
    },
  };
}

/** Keys keyv writes for `namespace` are `namespace:…`: the range [`namespace:`, `namespace;`) on the primary key. */
function namespaceRange(namespace: string): { from: string; to: string } {
  return { from: `${namespace}:`, to: `${namespace};` };
}

/** Creates the tables, or adds the `expires` column to a file @keyv/sqlite wrote (once, under the write lock). */
function migrate(db: Database.Database): void {
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS keyv(key VARCHAR(255) PRIMARY KEY, value TEXT, expires INTEGER)');
    db.exec('CREATE TABLE IF NOT EXISTS leases(key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at INTEGER NOT NULL)');
    db.exec('CREATE TABLE IF NOT EXISTS counters(key TEXT PRIMARY KEY, count INTEGER NOT NULL, reset_at INTEGER NOT NULL)');
    const columns = db.prepare<[], { name: string }>('SELECT name FROM pragma_table_info(\'keyv\')').all();
    if (!columns.some((c) => c.name === 'expires')) {
      db.exec('ALTER TABLE keyv ADD COLUMN expires INTEGER');
      db.exec("UPDATE keyv SET expires = json_extract(value, '$.expires') WHERE json_valid(value) AND json_type(value, '$.expires') = 'integer'");
    }
  }).immediate();
}
