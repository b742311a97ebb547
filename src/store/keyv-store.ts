import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import { postgresClaimer, redisClaimer, type Claimer } from './claim.js';
import { COLLECTIONS, StoreUnavailableError, type Collection, type CollectionName, type Store } from './port.js';

/** Path of an sqlite:// URL, or undefined for another kind of store. */
export function sqlitePath(url: string): string | undefined {
  const m = /^sqlite:\/\/(.*)$/.exec(url);
  return m ? m[1] : undefined;
}

export interface StoreOptions {
  /** Prefixes every collection and claim, so tests (or deployments) can share one Redis or database. */
  prefix?: string;
  /** Every store operation answers within this or fails with StoreUnavailableError. */
  deadlineMs?: number;
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

  let makeAdapter: () => Promise<KeyvStoreAdapter>;
  let claimer: Claimer;
  if (kind === 'sqlite') {
    const path = sqlitePath(url) ?? '';
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    // One connection for the whole file: every collection and every claim share it (WAL mode).
    const { openSqliteFile } = await import('./better-sqlite-adapter.js');
    const file = openSqliteFile(path, { busyTimeoutMs: 10_000 });
    makeAdapter = async () => file.adapter();
    claimer = {
      claim: async (key, token, ttlMs) => file.claim(key, token, ttlMs),
      release: async (key, token) => file.release(key, token),
      close: async () => file.close(),
    };
  } else if (kind === 'redis') {
    const { default: KeyvRedis } = await import('@keyv/redis');
    makeAdapter = async () => new KeyvRedis(url) as unknown as KeyvStoreAdapter;
    const claimStore = new KeyvRedis(url);
    claimer = redisClaimer(claimStore);
  } else {
    const { KeyvPostgres } = await import('@keyv/postgres');
    makeAdapter = async () => new KeyvPostgres({ uri: url, iterationLimit: 1000 }) as unknown as KeyvStoreAdapter;
    const claimStore = new KeyvPostgres({ uri: url, table: 'claims_kv' });
    claimer = await postgresClaimer(claimStore.query, () => claimStore.disconnect());
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
      return { key, release: () => withDeadline('release', claimer.release(full, token), deadlineMs) };
    },
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
