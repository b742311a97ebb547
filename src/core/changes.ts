import { RecordBusyError } from '../store/lock.js';
import type { Collection, CollectionName, Store } from '../store/port.js';

/**
 * Whether the invocation that is running has changed anything yet: a record written or deleted, or
 * a backend change made (or tried and failed in an unknown state). An unexpected failure may say
 * "nothing was changed" only when this is still false (src/core/middleware.ts, errorReferences).
 *
 * One record per invocation, passed explicitly: the core builds that invocation's services on a store
 * and backend that note into it. (An AsyncLocalStorage did this before; on Node 20 it turns on promise
 * hooks for every promise in the process, ~5 % of a command's CPU.)
 */
export interface ChangeRecord {
  changed: boolean;
}

/** Writes that change nothing a user sees: the audit log records changes, `meta` holds pings. */
const BOOKKEEPING: ReadonlySet<CollectionName> = new Set(['audit', 'meta']);

/** Notes in `record` that something was changed (or may have been). */
const noting = (record: ChangeRecord) => (): void => void (record.changed = true);

/** The store as one invocation uses it: every write or delete that was made (or may have been) is noted in `record`. */
export function storeNotingChanges(store: Store, record: ChangeRecord): Store {
  const noteChange = noting(record);
  const noted = <T>(p: Promise<T>): Promise<T> =>
    p.then(
      (v) => (noteChange(), v),
      (err: unknown) => {
        // A write that failed may still have happened (a deadline passed while it ran).
        noteChange();
        throw err;
      },
    );
  return {
    kind: store.kind,
    claim: (key, ttlMs) => store.claim(key, ttlMs),
    // A rate-limit count is bookkeeping: it changes nothing a user sees.
    increment: (key, windowMs) => store.increment(key, windowMs),
    count: (key) => store.count(key),
    ping: () => store.ping(),
    close: () => store.close(),
    collection<T>(name: CollectionName): Collection<T> {
      const c = store.collection<T>(name);
      if (BOOKKEEPING.has(name)) return c;
      return {
        ...c,
        put: (id: string, value: T, ttlMs?: number) => noted(c.put(id, value, ttlMs)),
        delete: (id: string) => noted(c.delete(id)),
        clear: () => noted(c.clear()),
      };
    },
  };
}

/**
 * A backend change as one invocation makes it: noted in `record` when it succeeded, or threw (its
 * outcome unknown). A refusal (`{ok: false}`, other than "may have been applied") changed nothing.
 * Explicit at each call, so that a reader sees which calls change something.
 */
export function noteBackendChange(record: ChangeRecord) {
  const noteChange = noting(record);
  return async <R>(change: Promise<R>): Promise<R> => {
    try {
      const result = await change;
      if (!(typeof result === 'object' && result !== null && 'ok' in result && result.ok === false && !('code' in result && result.code === 'maybe_applied'))) noteChange();
      return result;
    } catch (err) {
      // Unknown, unless the record's lock was never taken (the registry takes it before it writes).
      if (!(err instanceof RecordBusyError)) noteChange();
      throw err;
    }
  };
}
