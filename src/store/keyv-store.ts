import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import { postgresClaimer, redisClaimer, sqliteClaimer, type Claimer, type ClaimTables } from './claim.js';
import { COLLECTIONS, STORE_PREFIX_PATTERN, StoreUnavailableError, type Collection, type CollectionName, type Store } from './port.js';

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
}

/** Leases and counters tables: under the prefix, else the names they always had. */
function claimTables(prefix: string, kind: 'sqlite' | 'postgres', schema?: string): ClaimTables {
  const qualify = (name: string) => (schema ? `${schema}.${name}` : name);
  if (prefix) return { leases: qualify(`${prefix}leases`), counters: qualify(`${prefix}counters`) };
  return kind === 'sqlite' ? { leases: 'leases', counters: 'counters' } : { leases: qualify('chatops_leases'), counters: qualify('chatops_counters') };
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

function withDeadline<T>(operation: string, work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(operation, new Error(`no answer within ${ms} ms`))), ms);
  });
  return Promise.race([
    work.catch((err: unknown) => {
      throw err instanceof StoreUnavailableError ? err : new StoreUnavailableError(operation, err);
    }),
    late,
  ]).finally(() => clearTimeout(timer));
}

function keyvCollection<T>(k: Keyv, name: string, ms: number): Collection<T> {
  const timed = <R>(op: string, p: Promise<R>) => withDeadline(`${op} ${name}`, p, ms);
  return {
    get: (id) => timed('get', k.get(id) as Promise<T | undefined>),
    put: async (id, value, ttlMs) => {
      await timed('put', k.set(id, value, ttlMs));
    },
    delete: (id) => timed('delete', k.delete(id)),
    has: (id) => timed('has', k.has(id)),
    values: () =>
      timed(
        'list',
        (async () => {
          const out: T[] = [];
          if (!k.iterator) return out;
          for await (const [, value] of k.iterator(undefined) as AsyncGenerator<[string, T]>) if (value !== undefined) out.push(value);
          return out;
        })(),
      ),
    clear: () => timed('clear', k.clear()),
  };
}

/**
 * Opens the store named by STORE_URL: `sqlite://path` (the data folder is created), `redis://…`
 * or `postgres://…`, on keyv: one keyv per collection, each with throwOnErrors so that a failing
 * store is an error the caller sees instead of a silent undefined, and every call under a deadline.
 */
export async function openStore(url: string, { prefix = '', deadlineMs = STORE_DEADLINE_MS }: StoreOptions = {}): Promise<Store> {
  const kind = url.startsWith('sqlite://')
    ? 'sqlite'
    : url.startsWith('redis://') || url.startsWith('rediss://')
      ? 'redis'
      : url.startsWith('postgres://') || url.startsWith('postgresql://')
        ? 'postgres'
        : undefined;
  if (!kind) throw new Error(`STORE_URL must start with sqlite://, redis:// or postgres:// (got ${url.split(':')[0]}:)`);
  if (!STORE_PREFIX_PATTERN.test(prefix)) throw new Error(`STORE_PREFIX "${prefix}" must start with a lower-case letter, then letters, digits or _`);

  let makeAdapter: () => Promise<KeyvStoreAdapter>;
  let claimer: Claimer;
  if (kind === 'sqlite') {
    const path = sqlitePath(url) ?? '';
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    const { KeyvSqlite } = await import('@keyv/sqlite');
    // iterationLimit: rows per page when listing a collection (keyv's default of 10 recurses per page).
    makeAdapter = async () => new KeyvSqlite({ uri: url, busyTimeout: 10_000, iterationLimit: 1000 }) as unknown as KeyvStoreAdapter;
    const claimStore = new KeyvSqlite({ uri: url, busyTimeout: 10_000, table: 'claims_kv' });
    claimer = await sqliteClaimer(claimStore.query, () => claimStore.disconnect(), claimTables(prefix, 'sqlite'));
  } else if (kind === 'redis') {
    const { default: KeyvRedis } = await import('@keyv/redis');
    makeAdapter = async () => new KeyvRedis(url) as unknown as KeyvStoreAdapter;
    const claimStore = new KeyvRedis(url);
    claimer = redisClaimer(claimStore);
  } else {
    const { KeyvPostgres } = await import('@keyv/postgres');
    // Every table in one schema, named under the prefix; the claim client opens the same keyv table, not one more.
    const schema = postgresSchema(url);
    const table = `${prefix}keyv`;
    makeAdapter = async () => new KeyvPostgres({ uri: url, schema, table, iterationLimit: 1000 }) as unknown as KeyvStoreAdapter;
    const claimStore = new KeyvPostgres({ uri: url, schema, table });
    claimer = await postgresClaimer(claimStore.query, () => claimStore.disconnect(), claimTables(prefix, 'postgres', schema));
  }

  // One adapter per collection: keyv sets the namespace on its adapter, so they cannot be shared.
  const spaces = new Map<CollectionName, Keyv>();
  for (const name of COLLECTIONS) {
    spaces.set(name, new Keyv({ store: await makeAdapter(), namespace: `${prefix}${name}`, throwOnErrors: true }));
  }
  const collections = new Map<CollectionName, Collection<unknown>>();
  const collection = <T>(name: CollectionName): Collection<T> => {
    let c = collections.get(name);
    if (!c) collections.set(name, (c = keyvCollection(spaces.get(name)!, name, deadlineMs)));
    return c as Collection<T>;
  };

  return {
    kind,
    collection,
    async claim(key, ttlMs) {
      const token = randomBytes(9).toString('base64url');
      const full = `${prefix}${key}`;
      const won = await withDeadline('claim', claimer.claim(full, token, ttlMs), deadlineMs);
      if (!won) return undefined;
      return {
        key,
        renew: (ttl) => withDeadline('renew', claimer.renew(full, token, ttl), deadlineMs),
        release: () => withDeadline('release', claimer.release(full, token), deadlineMs),
      };
    },
    increment: (key, windowMs) => withDeadline('increment', claimer.increment(`${prefix}${key}`, windowMs), deadlineMs),
    async ping() {
      const meta = collection<number>('meta');
      await meta.put('ping', Date.now(), 60_000);
      await meta.get('ping');
    },
    async close() {
      // @keyv/postgres shares one module-wide pool, so only the first disconnect does anything there.
      for (const k of spaces.values()) await k.disconnect().catch(() => undefined);
      await claimer.close().catch(() => undefined);
    },
  };
}
