import { randomBytes } from 'node:crypto';
import { COLLECTIONS, type Collection, type CollectionName, type Store, type WindowCount } from './port.js';

interface Entry {
  value: unknown;
  expiresAt: number;
}

/**
 * The store port in memory, for fast unit tests of the core. Values are copied in and out (through
 * JSON, as a real store serializes them), so a test cannot pass by sharing an object with the code.
 */
export function memoryStore(now: () => number = Date.now): Store {
  const spaces = new Map<CollectionName, Map<string, Entry>>(COLLECTIONS.map((n) => [n, new Map()]));
  const claims = new Map<string, { token: string; expiresAt: number }>();
  const counters = new Map<string, WindowCount>();
  const live = (e: Entry | undefined) => (e && e.expiresAt > now() ? e : undefined);
  const copy = <T>(v: unknown): T => JSON.parse(JSON.stringify(v)) as T;

  const collection = <T>(name: CollectionName): Collection<T> => {
    const space = spaces.get(name)!;
    return {
      async get(id) {
        const e = live(space.get(id));
        return e ? copy<T>(e.value) : undefined;
      },
      async getMany(ids) {
        return ids.map((id) => {
          const e = live(space.get(id));
          return e ? copy<T>(e.value) : undefined;
        });
      },
      async put(id, value, ttlMs) {
        space.set(id, { value: copy(value), expiresAt: ttlMs ? now() + ttlMs : Number.POSITIVE_INFINITY });
      },
      async delete(id) {
        const had = live(space.get(id)) !== undefined;
        space.delete(id);
        return had;
      },
      async has(id) {
        return live(space.get(id)) !== undefined;
      },
      async values() {
        return [...space.values()].flatMap((e) => (live(e) ? [copy<T>(e.value)] : []));
      },
      async clear() {
        space.clear();
      },
    };
  };

  return {
    kind: 'memory',
    collection,
    async claim(key, ttlMs) {
      const current = claims.get(key);
      if (current && current.expiresAt > now()) return undefined;
      const token = randomBytes(6).toString('hex');
      claims.set(key, { token, expiresAt: now() + ttlMs });
      const mine = () => {
        const c = claims.get(key);
        return c && c.token === token && c.expiresAt > now() ? c : undefined;
      };
      return {
        key,
        async renew(ttl) {
          const c = mine();
          if (c) c.expiresAt = now() + ttl;
          return c !== undefined;
        },
        async release() {
          if (claims.get(key)?.token === token) claims.delete(key);
        },
      };
    },
    async increment(key, windowMs) {
      const c = counters.get(key);
      const next = c && c.resetAt > now() ? { count: c.count + 1, resetAt: c.resetAt } : { count: 1, resetAt: now() + windowMs };
      counters.set(key, next);
      return { ...next };
    },
    async count(key) {
      const c = counters.get(key);
      return c && c.resetAt > now() ? c.count : 0;
    },
    async ping() {},
    async close() {},
  };
}
