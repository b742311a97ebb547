import KeyvRedis from '@keyv/redis';
import { afterAll, describe, expect, it } from 'vitest';
import { parseRateLimits } from '../../src/core/rate-limit.js';
import { openStore, type Store } from '../../src/store/index.js';
import { REDIS_URL, uniquePrefix } from '../helpers/store-urls.js';
import { TestBot } from '../helpers/test-bot.js';

/** STORE_PREFIX on Redis (issue 25): every key a deployment writes starts with its prefix, and holds it once. */

const raw = new KeyvRedis(REDIS_URL);
const redis = () => raw.getClient();
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const clean of cleanups) await clean();
  await raw.disconnect();
});

/** Every key on the server that mentions `prefix` anywhere. */
async function keysMentioning(prefix: string): Promise<string[]> {
  const client = await redis();
  const found: string[] = [];
  let cursor = '0';
  do {
    const page = await client.scan(cursor, { MATCH: `*${prefix}*`, COUNT: 1000 });
    cursor = String(page.cursor);
    found.push(...page.keys);
  } while (cursor !== '0');
  cleanups.push(async () => found.length && (await redis()).del(found));
  return found.sort();
}

const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('a deployment on Redis under STORE_PREFIX', () => {
  it('writes only keys that start with its prefix, once: records, indexes, claims, locks and rate counters', async () => {
    const prefix = uniquePrefix('layout');
    const limits = parseRateLimits('apikey.create=5/1h,quota.request=5/1h');
    if (!limits.ok) throw new Error(limits.problems.join('; '));
    const bot = await TestBot.start({ storeUrl: REDIS_URL, prefix, admins: ['local:admin', 'local:carol'], rateLimits: limits.value });
    try {
      await bot.say('admin', '/tenant link @alice alice');
      expect((await bot.say('alice', '/apikey create')).text).toMatch(/^New API key `k-[0-9a-f]{6}` created/);
      expect((await bot.say('alice', '/quota request vcs gpu=2 training')).text).toMatch(/^Asked the tenant admins/);
      expect((await bot.click('Approve', 'carol')).text).toContain('Approved by @carol and applied.');
      expect((await bot.say('admin', '/tenant members')).text).toContain('alice');
    } finally {
      await bot.stop();
    }

    const keys = await keysMentioning(prefix);
    // The rate counters (one per limited action) were among the keys that used to sit outside the prefix.
    expect(keys.filter((k) => k.includes('count')).length).toBeGreaterThanOrEqual(2);
    expect(keys.filter((k) => !k.startsWith(prefix) || occurrences(k, prefix) !== 1)).toEqual([]);
  });

  it('reads records written in the layout before (prefix twice, keyv’s `::`) and moves them under the prefix once, TTL and all', async () => {
    const prefix = uniquePrefix('upgrade');
    const client = await redis();
    // What keyv wrote for this deployment before: `<prefix><collection>::<prefix><collection>:<id>`.
    const old = (collection: string, id: string) => `${prefix}${collection}::${prefix}${collection}:${id}`;
    await client.set(old('links', 'slack:U1'), JSON.stringify({ value: { memberId: 'alice', role: 'user' } }));
    await client.set(old('links', 'slack:U2'), JSON.stringify({ value: { memberId: 'bob', role: 'user' } }));
    const expires = Date.now() + 3_600_000;
    await client.set(old('pending', 'p-1'), JSON.stringify({ value: { id: 'p-1' }, expires }), { PX: 3_600_000 });

    const stores: Store[] = [];
    try {
      // Two replicas start together on the old data: both may move keys, neither loses one.
      stores.push(...(await Promise.all([openStore(REDIS_URL, { prefix }), openStore(REDIS_URL, { prefix })])));
      const [a, b] = stores as [Store, Store];
      expect(await a.collection('links').get('slack:U1')).toEqual({ memberId: 'alice', role: 'user' });
      expect((await b.collection<{ memberId: string }>('links').values()).map((l) => l.memberId).sort()).toEqual(['alice', 'bob']);
      expect(await b.collection('pending').get('p-1')).toEqual({ id: 'p-1' });

      const keys = await keysMentioning(prefix);
      expect(keys.filter((k) => occurrences(k, prefix) !== 1)).toEqual([]);
      const moved = keys.find((k) => k.includes('pending') && k.endsWith('p-1'))!;
      // The record keeps its expiry: it still goes when it was meant to.
      const ttl = await client.pTTL(moved);
      expect(ttl).toBeGreaterThan(0);
      expect(ttl).toBeLessThanOrEqual(3_600_000);
    } finally {
      for (const s of stores) await s.close();
    }
  });
});
