import { randomBytes } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import type { Logger } from '../log.js';
import { settledWithin } from '../result.js';
import { deserializeKeyvRecord, serializeKeyvRecord } from './keyv-codec.js';
import { createFolder } from './create-folder.js';
import { postgresClaimer, redisClaimer, type Claimer, type ClaimTables } from './claim.js';
import { alreadyThere, expiringPostgresAdapter, preparePostgresTable, sweepExpiredRows, SWEEP_EVERY_WRITES } from './postgres-table.js';
import { migrateRedisLayout, redisCollection, redisKeys, type RedisCollectionClient } from './redis-collection.js';
import { COLLECTIONS, StorePingError, StoreUnavailableError, type Collection, type CollectionName, type Store } from './port.js';

/** Path of an sqlite:// URL, or undefined for another kind of store. */
export function sqlitePath(url: string): string | undefined {
  const m = /^sqlite:\/\/(.*)$/.exec(url);
  return m ? m[1] : undefined;
}

export interface StoreOptions {
  /**
   * STORE_PREFIX: prefixes every collection, claim and counter, and on SQL stores every table, so tests
   * (or deployments) can share one Redis or database. Lower-case letters, digits and `_`.
   */
  prefix?: string;
  /** Every store operation answers within this or fails with StoreUnavailableError. */
  deadlineMs?: number;
  /** Where an outage is logged: once when the store stops answering (with the reason), once when it answers again. */
  logger?: Logger;
  /** PostgreSQL: expired rows are deleted every this many writes through this store (tests make it small). */
  sweepEveryWrites?: number;
}

/** A prefix as part of an unquoted SQL table name: lower case, anything but letters, digits and _ as _. */
const tableSafe = (prefix: string): string => prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_');

/** PostgreSQL's leases and counters tables: under the prefix, else the names they always had. */
function claimTables(prefix: string, schema: string): ClaimTables {
  const qualify = (name: string) => `${schema}.${name}`;
  if (prefix) return { leases: qualify(`${prefix}leases`), counters: qualify(`${prefix}counters`) };
  return { leases: qualify('chatops_leases'), counters: qualify('chatops_counters') };
}

/**
 * The schema a postgres:// URL puts new tables in (`?options=-c search_path=…`, first entry), else
 * public. keyv qualifies its tables with a schema of its own and our leases table would follow the
 * search_path: both are given this one, so that a store never lies across two schemas.
 */
export function postgresSchema(url: string): string {
  const options = URL.canParse(url) ? (new URL(url).searchParams.get('options') ?? '') : '';
  const path = /(?:^|\s)(?:-c\s*|--)search_path=(\S+)/.exec(options)?.[1];
  const first = path
    ?.split(',')
    .map((s) => s.trim().replace(/^"(.*)"$/, '$1'))
    .find((s) => s !== '' && s !== '$user');
  if (first === undefined) return 'public';
  if (!/^[a-z_][a-z0-9_]*$/.test(first)) throw new Error(`STORE_URL: the search_path schema "${first}" must be lower-case letters, digits and _`);
  return first;
}

/** A few seconds: inside Slack's and Discord's 3 s only together with the ack, which comes first. */
export const STORE_DEADLINE_MS = 2_500;

const isTimeout = (err: unknown): err is Error => err instanceof Error && /time(?:d)? ?out/i.test(err.message);

/** A failure of the store's client as the caller sees it: StoreUnavailableError, with the reason. */
function asUnavailable<T>(operation: string, work: Promise<T>, ms: number): Promise<T> {
  return work.catch((err: unknown) => {
    if (err instanceof StoreUnavailableError) throw err;
    // The client's own timeout (pg's connection and query timeouts are the deadline) is the same silence.
    throw new StoreUnavailableError(operation, isTimeout(err) ? new Error(`no answer within ${ms} ms (${err.message})`) : err);
  });
}

/** `work`, or StoreUnavailableError once `ms` have passed without an answer (the work itself is not stopped). */
async function withDeadline<T>(operation: string, work: Promise<T>, ms: number): Promise<T> {
  const settled = await settledWithin(asUnavailable(operation, work, ms), ms);
  if (!settled) throw new StoreUnavailableError(operation, new Error(`no answer within ${ms} ms`));
  if (!settled.ok) throw settled.error;
  return settled.value;
}

/** Runs one store operation: refused at once when the store is known to be away, else under the deadline. */
type Run = <R>(operation: string, work: () => Promise<R>) => Promise<R>;

/**
 * Logs an outage once, with its reason, when the first operation fails, and once more when an
 * operation succeeds again: not a line per command while the store is away.
 */
class OutageLog {
  private downSince: number | undefined;

  constructor(
    private readonly kind: string,
    private readonly logger: Logger | undefined,
  ) {}

  failed(err: StoreUnavailableError): void {
    if (this.downSince !== undefined) return;
    this.downSince = Date.now();
    const reason = err.cause instanceof Error ? err.cause.message : String(err.cause);
    this.logger?.error({ store: this.kind, operation: err.operation, reason }, 'store unavailable: every command is refused until it answers again');
  }

  answered(): void {
    if (this.downSince === undefined) return;
    const downForMs = Date.now() - this.downSince;
    this.downSince = undefined;
    this.logger?.warn({ store: this.kind, downForMs }, 'store available again');
  }
}

/** keyv's own record format, through native JSON when a record allows it (keyv-codec.ts). */
const codec = { serialize: serializeKeyvRecord, deserialize: deserializeKeyvRecord };

/** A collection on keyv (SQLite, PostgreSQL). */
function keyvCollection<T>(k: Keyv): Collection<T> {
  return {
    get: (id) => k.get(id) as Promise<T | undefined>,
    getMany: (ids) => {
      if (ids.length === 0) return Promise.resolve([]);
      // keyv's get and set leave an id that already begins with the namespace and a colon as it is, but its
      // getMany prefixes it again and finds nothing: such ids are read one by one, as get reads them.
      const namespaced = `${k.namespace ?? ''}:`;
      if (ids.some((id) => id.startsWith(namespaced))) return Promise.all(ids.map((id) => k.get(id) as Promise<T | undefined>));
      return k.get(ids) as Promise<(T | undefined)[]>;
    },
    put: async (id, value, ttlMs) => {
      await k.set(id, value, ttlMs);
    },
    delete: (id) => k.delete(id),
    has: (id) => k.has(id),
    values: async () => {
      const out: T[] = [];
      if (!k.iterator) return out;
      for await (const [, value] of k.iterator(undefined) as AsyncGenerator<[string, T]>) if (value !== undefined) out.push(value);
      return out;
    },
    clear: () => k.clear(),
  };
}

/** Every operation of `c` through `run`: under the deadline, named for the outage log. */
function runEach<T>(c: Collection<T>, name: string, run: Run): Collection<T> {
  const timed = <R>(op: string, work: () => Promise<R>) => run(`${op} ${name}`, work);
  return {
    get: (id) => timed('get', () => c.get(id)),
    getMany: (ids) => (ids.length === 0 ? Promise.resolve([]) : timed('get', () => c.getMany(ids))),
    put: (id, value, ttlMs) => timed('put', () => c.put(id, value, ttlMs)),
    delete: (id) => timed('delete', () => c.delete(id)),
    has: (id) => timed('has', () => c.has(id)),
    values: () => timed('list', () => c.values()),
    clear: () => timed('clear', () => c.clear()),
  };
}

/** The part of a node-redis client the store looks at. */
interface RedisClientState {
  isReady: boolean;
}

/**
 * Opens the store named by STORE_URL: `sqlite://path` (the data folder is created), `redis://…`
 * or `postgres://…`, on keyv: one keyv per collection, each with throwOnErrors so that a failing
 * store is an error the caller sees instead of a silent undefined, and every call under a deadline.
 */
export async function openStore(
  url: string,
  { prefix = '', deadlineMs = STORE_DEADLINE_MS, logger, sweepEveryWrites = SWEEP_EVERY_WRITES }: StoreOptions = {},
): Promise<Store> {
  const kind = url.startsWith('sqlite://')
    ? 'sqlite'
    : url.startsWith('redis://') || url.startsWith('rediss://')
      ? 'redis'
      : url.startsWith('postgres://') || url.startsWith('postgresql://')
        ? 'postgres'
        : undefined;
  if (!kind) throw new Error(`STORE_URL must start with sqlite://, redis:// or postgres:// (got ${url.split(':')[0]}:)`);

  /** The collections, made once each, before the deadline and the outage log are put around them. */
  let makeCollections: () => Promise<Map<CollectionName, Collection<unknown>>>;
  /** Closes what makeCollections opened. */
  let closeCollections: () => Promise<void> = async () => undefined;
  let claimer: Claimer;
  /** How a claim's or counter's key is told apart from another deployment's: the Redis claimer names its own keys. */
  let claimKey = (key: string) => `${prefix}${key}`;
  /** Why the store cannot take an operation right now without queueing it, or undefined. */
  let away: () => string | undefined = () => undefined;
  /** Collections on keyv, one Keyv (and adapter) each: keyv sets the namespace on its adapter, so they cannot be shared. */
  const onKeyv = (makeAdapter: () => KeyvStoreAdapter) => async () => {
    const spaces = COLLECTIONS.map((name) => {
      const k = new Keyv({ store: makeAdapter(), namespace: `${prefix}${name}`, throwOnErrors: true, ...codec });
      // Failures reach the caller as errors (and the outage log); the client's own error events are not news.
      k.on('error', () => undefined);
      return [name, k] as const;
    });
    closeCollections = async () => {
      // @keyv/postgres shares one module-wide pool, so only the first disconnect does anything there.
      for (const [, k] of spaces) await k.disconnect().catch(() => undefined);
    };
    return new Map(spaces.map(([name, k]) => [name, keyvCollection(k)]));
  };
  if (kind === 'sqlite') {
    const path = sqlitePath(url) ?? '';
    if (path !== ':memory:') createFolder(dirname(resolve(path)));
    // One connection for the whole file: every collection and every claim share it (WAL mode).
    const { openSqliteFile } = await import('./better-sqlite-adapter.js');
    const file = openSqliteFile(path, { busyTimeoutMs: 10_000 });
    makeCollections = onKeyv(() => file.adapter());
    claimer = {
      claim: async (key, token, ttlMs) => file.claim(key, token, ttlMs),
      release: async (key, token) => file.release(key, token),
      renew: async (key, token, ttlMs) => file.renew(key, token, ttlMs),
      increment: async (key, windowMs) => file.increment(key, windowMs),
      count: async (key) => file.count(key),
      close: async () => file.close(),
    };
  } else if (kind === 'redis') {
    const { default: KeyvRedis } = await import('@keyv/redis');
    // Nothing waits for Redis to come back: no offline queue (a command issued while it is away fails at
    // once instead of running whenever it returns: a stale Delete click, a key created 30 s late), errors
    // thrown rather than swallowed into `undefined`, and no operation started on a client that is not
    // ready (one not yet connected would connect first and then run the command late).
    const clients: RedisClientState[] = [];
    let lastError = 'reconnecting';
    const connected = async () => {
      const adapter = new KeyvRedis({ url, disableOfflineQueue: true }, { throwOnErrors: true, throwOnConnectError: true });
      adapter.on('error', (err: unknown) => {
        lastError = err instanceof Error ? err.message || err.name : String(err);
      });
      await adapter.getClient();
      clients.push(adapter.client as unknown as RedisClientState);
      return adapter;
    };
    // Two connections: one for the records (their own layout, indexed: redis-collection.ts), one for claims.
    const [records, claims] = await Promise.all([connected(), connected()]);
    const client = (await records.getClient()) as unknown as RedisCollectionClient;
    makeCollections = async () => {
      await migrateRedisLayout(client, prefix, COLLECTIONS);
      return new Map(COLLECTIONS.map((name) => [name, redisCollection(client, prefix, name)]));
    };
    closeCollections = () => records.disconnect();
    claimer = redisClaimer(claims, redisKeys(prefix));
    claimKey = (key) => key;
    away = () => (clients.every((c) => c.isReady) ? undefined : `not connected to Redis (${lastError})`);
  } else {
    const { KeyvPostgres } = await import('@keyv/postgres');
    // The pool (pg, shared module-wide) gives up on a connection and the server on a statement within
    // the deadline, so that a query does not wait in the pool and run after the caller was told it failed.
    const pool = { connectionTimeoutMillis: deadlineMs, statement_timeout: deadlineMs, query_timeout: deadlineMs };
    // Every table in one schema, named under the prefix; the claim client opens the same keyv table, not one more.
    const schema = postgresSchema(url);
    // STORE_PREFIX is an identifier already (config.ts); a prefix given in code is made one.
    const tablePrefix = tableSafe(prefix);
    const table = `${tablePrefix}keyv`;
    const claimStore = new KeyvPostgres({ uri: url, schema, table, ...pool });
    // Its CREATE TABLE, raced by another replica starting on a new prefix, can fail with "already exists"
    // (it forgives 23505 only): the table is there. Any other error still fails the start, as without a listener.
    claimStore.on('error', (err: unknown) => {
      if (!alreadyThere(err)) throw err;
    });
    const keyvTable = { qualified: `${schema}.${table}`, name: table };
    // Expired rows go in one statement every so many writes, in the background: a write does not wait for it.
    let writes = 0;
    const wrote = () => {
      if (++writes % sweepEveryWrites === 0) void sweepExpiredRows(claimStore.query, keyvTable).catch(() => undefined);
    };
    const ExpiringKeyvPostgres = expiringPostgresAdapter(KeyvPostgres, wrote);
    makeCollections = onKeyv(() => new ExpiringKeyvPostgres({ uri: url, schema, table, iterationLimit: 1000, ...pool }) as unknown as KeyvStoreAdapter);
    // pg's connection timeout (the deadline) is a silent server: said as such; other errors as they are.
    claimer = await postgresClaimer(claimStore.query, () => claimStore.disconnect(), claimTables(tablePrefix, schema))
      .then(async (opened) => {
        await preparePostgresTable(claimStore.query, keyvTable);
        return opened;
      })
      .catch((err: unknown) => {
        throw isTimeout(err) ? new StoreUnavailableError('open claims', new Error(`no answer within ${deadlineMs} ms (${err.message})`)) : err;
      });
  }

  const outage = new OutageLog(kind, logger);
  // better-sqlite3 answers synchronously (its busy timeout blocks the thread): an SQLite operation has
  // settled, within microtasks, before any timer could fire, so a deadline timer per operation would
  // only cost (a timer, a race and a closure on every read of the hot path) and never fire.
  const bounded = kind === 'sqlite' ? asUnavailable : withDeadline;
  const run: Run = async (operation, work) => {
    const why = away();
    try {
      if (why) throw new StoreUnavailableError(operation, new Error(why));
      const value = await bounded(operation, work(), deadlineMs);
      outage.answered();
      return value;
    } catch (err) {
      if (err instanceof StoreUnavailableError) outage.failed(err);
      throw err;
    }
  };

  const raw = await makeCollections();
  const collections = new Map(COLLECTIONS.map((name) => [name, runEach(raw.get(name)!, name, run)]));
  const collection = <T>(name: CollectionName): Collection<T> => collections.get(name) as Collection<T>;

  // A claim's token tells its holder apart: unique to this store (random) and to the claim (a count),
  // without reading the system's random source for every request's delivery claim.
  const holder = randomBytes(9).toString('base64url');
  let claims = 0;
  return {
    kind,
    collection,
    async claim(key, ttlMs) {
      const token = `${holder}.${(++claims).toString(36)}`;
      const full = claimKey(key);
      const won = await run('claim', () => claimer.claim(full, token, ttlMs));
      if (!won) return undefined;
      return {
        key,
        renew: (ttl) => run('renew', () => claimer.renew(full, token, ttl)),
        release: () => run('release', () => claimer.release(full, token)),
      };
    },
    increment: (key, windowMs) => run('increment', () => claimer.increment(claimKey(key), windowMs)),
    count: (key) => run('count', () => claimer.count(claimKey(key))),
    async ping() {
      const meta = collection<number>('meta');
      await meta.get('ping').catch((err: unknown) => {
        throw new StorePingError('read', err);
      });
      await meta.put('ping', Date.now(), 60_000).catch((err: unknown) => {
        throw new StorePingError('write', err);
      });
    },
    async close() {
      await closeCollections().catch(() => undefined);
      await claimer.close().catch(() => undefined);
    },
  };
}
