import { randomBytes } from 'node:crypto';
import { KeyvPostgres } from '@keyv/postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { postgresUrl, redisUrl } from '../helpers/services.js';

/** STORE_PREFIX: two deployments share one Redis or one PostgreSQL database and never see each other. */
const REDIS = redisUrl();
const POSTGRES = postgresUrl();
const fresh = (name: string) => `${name}${randomBytes(4).toString('hex')}_`;

const opened: Store[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
});
async function open(url: string, prefix: string): Promise<Store> {
  const store = await openStore(url, { prefix });
  opened.push(store);
  return store;
}

describe.each([
  ['redis', REDIS],
  ['postgres', POSTGRES],
])('two prefixes on one %s server', (_kind, url) => {
  it('keep their own records, claims and counters', async () => {
    const blue = await open(url, fresh('blue'));
    const green = await open(url, fresh('green'));

    await blue.collection('links').put('slack:U1', { memberId: 'alice' });
    await green.collection('links').put('slack:U1', { memberId: 'zoe' });
    expect(await blue.collection('links').get('slack:U1')).toEqual({ memberId: 'alice' });
    expect(await green.collection('links').get('slack:U1')).toEqual({ memberId: 'zoe' });
    expect(await green.collection('links').values()).toEqual([{ memberId: 'zoe' }]);

    // The same click id in both deployments: each claims its own.
    const key = `decide:${randomBytes(4).toString('hex')}`;
    expect(await blue.claim(key, 60_000)).toBeDefined();
    expect(await green.claim(key, 60_000)).toBeDefined();
    expect(await blue.claim(key, 60_000)).toBeUndefined();

    const counter = `rate:${randomBytes(4).toString('hex')}`;
    await blue.increment(counter, 60_000);
    await blue.increment(counter, 60_000);
    expect((await green.increment(counter, 60_000)).count).toBe(1);

    await green.collection('links').clear();
    expect(await blue.collection('links').get('slack:U1')).toEqual({ memberId: 'alice' });
  });
});

describe('PostgreSQL tables', () => {
  /** Every table, in any schema, whose name starts with `prefix`, as `schema.table`. */
  async function tables(schema: string, prefix: string): Promise<string[]> {
    // A client on the store's own keyv table (in `schema`), so that looking creates nothing.
    const pg = new KeyvPostgres({ uri: POSTGRES, table: `${prefix}keyv`, schema });
    const rows = (await pg.query("SELECT table_schema || '.' || table_name AS name FROM information_schema.tables WHERE table_name LIKE $1 ORDER BY 1", [
      `${prefix}%`,
    ])) as { name: string }[];
    return rows.map((r) => r.name);
  }

  it('live under the prefix: keyv records, leases and counters', async () => {
    const prefix = fresh('tables');
    const store = await open(POSTGRES, prefix);
    await store.collection('keys').put('k-1', { id: 'k-1' });
    await store.claim('lock:k-1', 60_000);
    await store.increment('rate:x', 60_000);
    expect(await tables('public', prefix)).toEqual([`public.${prefix}counters`, `public.${prefix}keyv`, `public.${prefix}leases`]);
  });

  it('all follow a search_path given in the URL, so a store is never split over two schemas', async () => {
    const prefix = fresh('path');
    const schema = `s${randomBytes(4).toString('hex')}`;
    const store = await open(`${POSTGRES}?options=${encodeURIComponent(`-c search_path=${schema},public`)}`, prefix);
    await store.collection('keys').put('k-1', { id: 'k-1' });
    expect(await store.claim('lock:k-1', 60_000)).toBeDefined();
    await store.increment('rate:x', 60_000);
    expect(await store.collection('keys').get('k-1')).toEqual({ id: 'k-1' });
    expect(await tables(schema, prefix)).toEqual([`${schema}.${prefix}counters`, `${schema}.${prefix}keyv`, `${schema}.${prefix}leases`]);
  });
});

describe('replicas starting at the same moment on a new PostgreSQL prefix', () => {
  it('all open: the losers of the race to create the tables find them made', async () => {
    for (let round = 0; round < 10; round++) {
      const prefix = fresh('race');
      const stores = await Promise.all(Array.from({ length: 6 }, () => open(POSTGRES, prefix)));
      await stores[0]!.collection('links').put('slack:U1', { memberId: 'alice' });
      expect(await stores[3]!.collection('links').get('slack:U1')).toEqual({ memberId: 'alice' });
      expect((await Promise.all(stores.map((s) => s.claim('start', 60_000)))).filter(Boolean)).toHaveLength(1);
    }
  });
});
