/**
 * Collections on Redis without keyv: each collection keeps an index of its ids beside its records, written
 * in the same MULTI as the record, so that `values()` reads that index and never SCANs the database (a
 * SCAN walks every key of every deployment in it: ~52k foreign keys made 150 concurrent commands fail).
 * The index is a sorted set scored by each record's expiry (+inf for none), so that ids of records
 * whose TTL ran out leave it on the next write, also in collections that are never listed (pending).
 *
 * Layout under STORE_PREFIX `p` (every key starts with `p`, once):
 *   `p<collection>:<id>`   a record, in keyv's serialized format (`{"value":…,"expires":…}`), PX when it has a TTL
 *   `pids:<collection>`    the collection's ids, scored by expiry; expired ones leave on write and on read
 *   `pclaim:<key>`, `pcount:<key>`  claims and counters (claim.ts); with no prefix `chatops:` stands for it
 *   `playout`              which layout the keys follow (see migrateRedisLayout)
 */
import { deserializeKeyvRecord, serializeKeyvRecord } from './keyv-codec.js';
import type { Collection, CollectionName } from './port.js';

interface RedisMulti {
  set(key: string, value: string, opts?: { PX: number }): RedisMulti;
  zAdd(key: string, member: { score: number; value: string }): RedisMulti;
  zRem(key: string, member: string): RedisMulti;
  zRemRangeByScore(key: string, min: number, max: number): RedisMulti;
  del(key: string): RedisMulti;
  exec(): Promise<unknown[]>;
}

/** The part of a node-redis client the collections use. */
export interface RedisCollectionClient {
  get(key: string): Promise<string | null>;
  mGet(keys: string[]): Promise<(string | null)[]>;
  exists(key: string): Promise<number>;
  eval(script: string, opts: { keys: string[]; arguments: string[] }): Promise<unknown>;
  scan(cursor: string, opts: { MATCH: string; COUNT: number }): Promise<{ cursor: string | number; keys: string[] }>;
  multi(): RedisMulti;
}

/** The layout this code writes; `playout` holds it once the keys of an older layout were moved. */
const REDIS_LAYOUT = '2';

/** Where the keys of one deployment live on Redis. */
export function redisKeys(prefix: string) {
  // Claims and counters always had a namespace of their own; without a prefix they keep the old one.
  const own = prefix || 'chatops:';
  return {
    record: (collection: CollectionName, id: string) => `${prefix}${collection}:${id}`,
    ids: (collection: CollectionName) => `${prefix}ids:${collection}`,
    claim: (key: string) => `${own}claim:${key}`,
    count: (key: string) => `${own}count:${key}`,
    layout: `${own}layout`,
  };
}

interface KeyvRecord<T> {
  value: T;
  expires?: number | null;
}

/** A record's value, or undefined when there is none or its own expiry (keyv's) has passed. */
function live<T>(text: string | null | undefined, now: number): T | undefined {
  if (text === null || text === undefined) return undefined;
  const record = deserializeKeyvRecord<KeyvRecord<T>>(text);
  if (typeof record.expires === 'number' && now > record.expires) return undefined;
  return record.value;
}

/**
 * The records of the ids in KEYS[1], in one step: ids past their expiry (ARGV[2], ms) leave the index,
 * and so does an id whose record is gone otherwise (deleted by hand, evicted), only if it is still
 * gone: a put racing this read keeps its id.
 */
const READ_INDEXED = `
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
local out = {}
for _, id in ipairs(ids) do
  local v = redis.call('GET', ARGV[1] .. id)
  if v then out[#out + 1] = v else redis.call('ZREM', KEYS[1], id) end
end
return out`;

/** Deletes every record named in the index KEYS[1], then the index. */
const CLEAR_INDEXED = `
local ids = redis.call('ZRANGE', KEYS[1], 0, -1)
for i = 1, #ids, 500 do
  local batch = {}
  for j = i, math.min(i + 499, #ids) do batch[#batch + 1] = ARGV[1] .. ids[j] end
  redis.call('DEL', unpack(batch))
end
redis.call('DEL', KEYS[1])
return #ids`;

const px = (ms: number) => Math.max(1, Math.round(ms));

export function redisCollection<T>(client: RedisCollectionClient, prefix: string, name: CollectionName, now: () => number = Date.now): Collection<T> {
  const keys = redisKeys(prefix);
  const recordPrefix = keys.record(name, '');
  const index = keys.ids(name);
  // keyv, which wrote these records before, took an id that already began with the namespace and a
  // colon as the full key: `x` and `<prefix><collection>:x` are one record, as they always were.
  const idOf = (id: string) => (id.startsWith(recordPrefix) ? id.slice(recordPrefix.length) : id);
  const keyOf = (id: string) => recordPrefix + idOf(id);
  return {
    get: async (id) => live<T>(await client.get(keyOf(id)), now()),
    async getMany(ids) {
      if (ids.length === 0) return [];
      const texts = await client.mGet(ids.map(keyOf));
      const at = now();
      return texts.map((text) => live<T>(text, at));
    },
    async put(id, value, ttlMs) {
      // keyv's own rules: no TTL or 0 is for good; the record carries its expiry as well as the key's PX.
      const ttl = ttlMs === 0 ? undefined : ttlMs;
      const at = now();
      const expires = ttl === undefined ? undefined : at + ttl;
      await client
        .multi()
        .set(keyOf(id), serializeKeyvRecord({ value, expires }), ...(ttl === undefined ? [] : [{ PX: px(ttl) }]))
        .zAdd(index, { score: expires ?? Number.POSITIVE_INFINITY, value: idOf(id) })
        .zRemRangeByScore(index, Number.NEGATIVE_INFINITY, at)
        .exec();
    },
    async delete(id) {
      const [deleted] = await client.multi().del(keyOf(id)).zRem(index, idOf(id)).exec();
      return Number(deleted) > 0;
    },
    has: async (id) => (await client.exists(keyOf(id))) === 1,
    async values() {
      const at = now();
      const texts = (await client.eval(READ_INDEXED, { keys: [index], arguments: [recordPrefix, String(at)] })) as string[];
      return texts.flatMap((text) => {
        const value = live<T>(text, at);
        return value === undefined ? [] : [value];
      });
    },
    async clear() {
      await client.eval(CLEAR_INDEXED, { keys: [index], arguments: [recordPrefix] });
    },
  };
}

/**
 * Moves the keys keyv wrote (`<ns>::<ns>:<id>` or `<ns>::<id>`, with `<ns>` the prefix and the
 * collection's name: the prefix twice) to `<ns>:<id>` and puts their ids in the collection's set, once:
 * one SCAN at start, then `layout` says it is done. The key is renamed (its TTL goes with it) unless
 * the new layout already holds a record, which is newer; its id is indexed with what TTL it has left.
 * Run by several replicas at once, each step is idempotent.
 */
const MOVE_RECORD = `
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
if redis.call('EXISTS', KEYS[2]) == 0 then redis.call('RENAME', KEYS[1], KEYS[2]) else redis.call('DEL', KEYS[1]) end
local ttl = redis.call('PTTL', KEYS[2])
redis.call('ZADD', KEYS[3], ttl > 0 and (tonumber(ARGV[2]) + ttl) or '+inf', ARGV[1])
return 1`;

export async function migrateRedisLayout(client: RedisCollectionClient, prefix: string, collections: readonly CollectionName[]): Promise<number> {
  const keys = redisKeys(prefix);
  if ((await client.get(keys.layout)) === REDIS_LAYOUT) return 0;
  const byNamespace = new Map(collections.map((name) => [`${prefix}${name}::`, name]));
  let moved = 0;
  let cursor = '0';
  do {
    // Keys are [a-z0-9_] and `:` up to here (STORE_PREFIX_PATTERN), so the pattern has nothing to escape.
    // Large pages, and a page's moves sent together (node-redis pipelines them): this runs inside the start's deadline.
    const page = await client.scan(cursor, { MATCH: `${prefix}*::*`, COUNT: 10_000 });
    cursor = String(page.cursor);
    const moves = page.keys.flatMap((oldKey) => {
      const split = oldKey.indexOf('::');
      const name = byNamespace.get(oldKey.slice(0, split + 2));
      if (!name) return [];
      const rest = oldKey.slice(split + 2);
      const keyvPrefix = `${prefix}${name}:`;
      const id = rest.startsWith(keyvPrefix) ? rest.slice(keyvPrefix.length) : rest;
      return [client.eval(MOVE_RECORD, { keys: [oldKey, keys.record(name, id), keys.ids(name)], arguments: [id, String(Date.now())] })];
    });
    for (const answer of await Promise.all(moves)) moved += Number(answer);
  } while (cursor !== '0');
  await client.multi().set(keys.layout, REDIS_LAYOUT).exec();
  return moved;
}
