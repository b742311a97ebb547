import { randomBytes } from 'node:crypto';
import KeyvRedis from '@keyv/redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { uniquePrefix, withCredentials } from '../helpers/store-urls.js';
import { TestBot } from '../helpers/test-bot.js';
import { freshRedisDatabase, type SharedStore } from '../scale/shared-store.js';

/**
 * Issue 20 item 5: listing a collection on Redis (`/tenant members`, every quota command) used to SCAN
 * the whole database, 10 keys a call, under one deadline: with ~52k foreign keys 150 concurrent
 * commands all failed. Here the database holds 200k foreign keys, and the replicas log in as a Redis
 * user that may not SCAN (or KEYS) at all: a command that still scanned would fail with NOPERM.
 */

const FOREIGN_KEYS = 200_000;
const MEMBERS = 30;

let db: SharedStore;
/** The few commands the test sends itself (node-redis's own types are heavy enough to exhaust tsc here). */
interface AdminClient {
  multi(): { set(key: string, value: string): unknown; exec(asPipeline: boolean): Promise<unknown> };
  sendCommand(args: string[]): Promise<unknown>;
  dbSize(): Promise<number>;
  exists(key: string): Promise<number>;
  del(key: string): Promise<number>;
  zRange(key: string, start: number, stop: number): Promise<string[]>;
}
let admin: KeyvRedis<unknown>;
const adminClient = async () => (await admin.getClient()) as unknown as AdminClient;
const noScanUser = `noscan_${randomBytes(4).toString('hex')}`;
let noScanUrl: string;
const prefix = uniquePrefix('idx');
const bots: TestBot[] = [];
const stores: Store[] = [];

beforeAll(async () => {
  db = freshRedisDatabase();
  admin = new KeyvRedis(db.url);
  const client = await adminClient();
  // Another deployment (another STORE_PREFIX, written the way keyv wrote it) fills the database.
  for (let start = 0; start < FOREIGN_KEYS; start += 20_000) {
    const batch = client.multi();
    for (let i = start; i < start + 20_000; i++) batch.set(`other_links::other_links:slack:U${i}`, '{"value":{"memberId":"x"}}');
    await batch.exec(true);
  }
  const password = randomBytes(12).toString('hex');
  await client.sendCommand(['ACL', 'SETUSER', noScanUser, 'on', `>${password}`, '~*', '&*', '+@all', '-scan', '-keys']);
  noScanUrl = withCredentials(db.url, noScanUser, password);

  // The deployment's first start (as an ordinary user: it moves keys of the old layout once, with one SCAN).
  const first = await TestBot.start({ storeUrl: db.url, prefix });
  bots.push(first);
  for (let i = 0; i < MEMBERS; i++) await first.say('admin', `/tenant link @m${i} m${i}`);
}, 120_000);

afterAll(async () => {
  for (const bot of bots) await bot.stop();
  for (const store of stores) await store.close();
  await (await adminClient()).sendCommand(['ACL', 'DELUSER', noScanUser]);
  await admin.disconnect();
  db.drop();
});

describe(`Redis with ${FOREIGN_KEYS} foreign keys in the database`, () => {
  it('lists a collection through its index: a store whose user may not SCAN reads every record', async () => {
    expect(await (await adminClient()).dbSize()).toBeGreaterThan(FOREIGN_KEYS);
    const store = await openStore(noScanUrl, { prefix });
    stores.push(store);
    const links = await store.collection<{ memberId: string }>('links').values();
    expect(links.map((l) => l.memberId).sort()).toEqual(['admin', ...Array.from({ length: MEMBERS }, (_, i) => `m${i}`)].sort());
    expect(await store.collection('members').values()).toHaveLength(MEMBERS + 1);
  });

  it('answers 150 concurrent /tenant members and /quota show through 3 replicas, every one', async () => {
    const replicas = await Promise.all([0, 1, 2].map(() => TestBot.start({ storeUrl: noScanUrl, prefix })));
    bots.push(...replicas);
    const answers = await Promise.all(
      Array.from({ length: 150 }, (_, i) => replicas[i % 3]!.say('admin', i % 2 === 0 ? '/tenant members' : '/quota show vcs')),
    );
    // Each different wrong answer once, so that a failure shows what was said instead.
    const wrong = new Set(answers.filter((a) => !a.text.includes(`m${MEMBERS - 1}`)).map((a) => a.text));
    expect([...wrong]).toEqual([]);
  });
});

describe('the index of a collection on Redis', () => {
  /** Waits until `key` is gone from Redis (its PX ran out): a condition, not a guess at how long that takes. */
  async function gone(key: string): Promise<void> {
    const client = await adminClient();
    while ((await client.exists(key)) === 1) await new Promise((r) => setTimeout(r, 10));
  }

  it('drops an id whose record expired on the next write, even in a collection nobody lists', async () => {
    const p = uniquePrefix('ttl');
    const store = await openStore(db.url, { prefix: p });
    stores.push(store);
    const client = await adminClient();
    const pending = store.collection('pending');
    await pending.put('short', { id: 'short' }, 30);
    await pending.put('long', { id: 'long' }, 60_000);
    expect((await client.zRange(`${p}ids:pending`, 0, -1)).sort()).toEqual(['long', 'short']);
    await gone(`${p}pending:short`);
    await pending.put('next', { id: 'next' }, 60_000);
    expect((await client.zRange(`${p}ids:pending`, 0, -1)).sort()).toEqual(['long', 'next']);
  });

  it('drops an id whose record vanished otherwise (deleted by hand, evicted) when the collection is read', async () => {
    const p = uniquePrefix('lost');
    const store = await openStore(db.url, { prefix: p });
    stores.push(store);
    const client = await adminClient();
    const links = store.collection('links');
    await links.put('a', { memberId: 'a' });
    await links.put('b', { memberId: 'b' });
    await client.del(`${p}links:a`);
    expect(await links.values()).toEqual([{ memberId: 'b' }]);
    expect(await client.zRange(`${p}ids:links`, 0, -1)).toEqual(['b']);
  });
});
