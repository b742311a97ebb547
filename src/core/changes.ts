import type { Backend } from '../backends/port.js';
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

const CHANGING = new Set<keyof Backend>(['login', 'logout', 'createKey', 'extendKey', 'deleteKey', 'ensureMember', 'setQuota']);

/** The backend as one invocation uses it: a change that succeeded, or that threw (its outcome unknown), is noted in `record`. */
export function backendNotingChanges(backend: Backend, record: ChangeRecord): Backend {
  const noteChange = noting(record);
  return new Proxy(backend, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      if (!CHANGING.has(prop as keyof Backend)) return value.bind(target);
      return async (...args: unknown[]) => {
        try {
          const result: unknown = await value.apply(target, args);
          // A refusal (`{ok: false}`) changed nothing; logout (void) and every success did.
          if (!(typeof result === 'object' && result !== null && 'ok' in result && result.ok === false)) noteChange();
          return result;
        } catch (err) {
          // Unknown, unless the record's lock was never taken (the registry takes it before it writes).
          if (!(err instanceof RecordBusyError)) noteChange();
          throw err;
        }
      };
    },
  });
}
