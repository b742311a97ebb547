import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Keyv, { type KeyvStoreAdapter } from 'keyv';
import { NAMESPACES, type Namespace, type Store } from './types.js';
import { sqliteClaimer, postgresClaimer, redisClaimer, type Claimer } from './claim.js';

export type { Namespace, Store } from './types.js';

/** Path of an sqlite:// URL, or undefined for another kind of store. */
export function sqlitePath(url: string): string | undefined {
  const m = /^sqlite:\/\/(.*)$/.exec(url);
  return m ? m[1] : undefined;
}

/**
 * Opens the store named by STORE_URL: `sqlite://path` (the data folder is created), `redis://…`
 * or `postgres://…`. One keyv per namespace, each with throwOnErrors so that a failing store is an
 * error the caller sees instead of a silent undefined.
 */
export interface StoreOptions {
  /** Prefixes every namespace and claim, so tests (or deployments) can share one Redis or database. */
  prefix?: string;
}

export async function openStore(url: string, { prefix = '' }: StoreOptions = {}): Promise<Store> {
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
    const path = sqlitePath(url)!;
    if (path !== ':memory:') mkdirSync(dirname(resolve(path)), { recursive: true });
    const { KeyvSqlite } = await import('@keyv/sqlite');
    // iterationLimit: rows per page when listing a namespace (keyv's default of 10 recurses per page).
    makeAdapter = async () => new KeyvSqlite({ uri: url, busyTimeout: 10_000, iterationLimit: 1000 }) as unknown as KeyvStoreAdapter;
    const claimStore = new KeyvSqlite({ uri: url, busyTimeout: 10_000, table: 'claims_kv' });
    claimer = await sqliteClaimer(claimStore.query, () => claimStore.disconnect());
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

  // One adapter per namespace: keyv sets the namespace on its adapter, so they cannot be shared.
  const spaces = new Map<Namespace, Keyv>();
  for (const name of NAMESPACES) {
    spaces.set(name, new Keyv({ store: await makeAdapter(), namespace: `${prefix}${name}`, throwOnErrors: true }));
  }
  const ns = <T>(name: Namespace): Keyv<T> => spaces.get(name) as Keyv<T>;

  return {
    kind,
    ns,
    async values<T>(name: Namespace): Promise<T[]> {
      const k = ns<T>(name);
      const out: T[] = [];
      if (!k.iterator) return out;
      for await (const [, value] of k.iterator(undefined) as AsyncGenerator<[string, T]>) {
        if (value !== undefined) out.push(value);
      }
      return out;
    },
    claim: (key, ttlMs) => claimer.claim(`${prefix}${key}`, ttlMs),
    async close() {
      // @keyv/postgres shares one module-wide pool, so only the first disconnect does anything there.
      for (const k of spaces.values()) await k.disconnect().catch(() => undefined);
      await claimer.close().catch(() => undefined);
    },
  };
}
