import type { Collection, CollectionName, Store } from '../../src/store/port.js';

/** What SQLite says when its disk is full, as the sqlite3 driver raises it. */
export const sqliteFull = (): Error => Object.assign(new Error('SQLITE_FULL: database or disk is full'), { code: 'SQLITE_FULL', errno: 13 });

/**
 * A real store whose writes to chosen collections fail on demand (fault injection): `failPuts('audit')`
 * makes every audit write throw SQLITE_FULL; `failPuts('quotas', 1)` only the next one. Reads, claims
 * and every other collection go to the real store untouched.
 */
export class FailingWrites {
  private readonly armed = new Map<CollectionName, number>();
  /** How many writes were refused, per collection. */
  readonly refused = new Map<CollectionName, number>();

  failPuts(collection: CollectionName, times = Number.POSITIVE_INFINITY): void {
    this.armed.set(collection, times);
  }

  wrap(store: Store): Store {
    const { armed, refused } = this;
    return {
      kind: store.kind,
      claim: (key, ttlMs) => store.claim(key, ttlMs),
      increment: (key, windowMs) => store.increment(key, windowMs),
      count: (key) => store.count(key),
      ping: () => store.ping(),
      close: () => store.close(),
      collection<T>(name: CollectionName): Collection<T> {
        const real = store.collection<T>(name);
        return {
          // Collections are plain objects: everything but put passes through as it is.
          ...real,
          async put(id, value, ttlMs) {
            const left = armed.get(name) ?? 0;
            if (left > 0) {
              armed.set(name, left - 1);
              refused.set(name, (refused.get(name) ?? 0) + 1);
              throw sqliteFull();
            }
            return real.put(id, value, ttlMs);
          },
        };
      },
    };
  }
}
