import { StoreUnavailableError } from '../store/port.js';
import { openStore, type Store, type StoreOptions } from '../store/index.js';
import { seconds, withDeadline } from './deadline.js';
import { StartupError, startupError } from './problem.js';

/** Opening the store and one read through it must both be done within this. */
const STORE_DEADLINE_MS = 5_000;
const SENTINEL_KEY = 'startup-ping';

/** The URL without its password, for a message. */
function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (!u.password) return url;
    u.password = '***';
    return u.toString();
  } catch {
    return url.replace(/\/\/[^@/]*@/, '//***@');
  }
}

const causeOf = (err: unknown): string => (err instanceof Error ? err.message : String(err));

/**
 * Opens STORE_URL and reads a sentinel key through the opened store, within `ms`. The Redis and
 * PostgreSQL clients retry a refused or silent server for ever, so without this a down store is a
 * start that prints nothing; instead the start fails naming STORE_URL.
 */
export async function openReachableStore(url: string, options: StoreOptions = {}, ms = STORE_DEADLINE_MS): Promise<Store> {
  const shown = redactUrl(url);
  const unreachable = (why: string) =>
    startupError('STORE_URL', `${shown} ${why}; start the store, or correct STORE_URL`);
  const opening = (async () => {
    const store = await openStore(url, options);
    try {
      await store.collection('meta').get(SENTINEL_KEY);
    } catch (err) {
      void store.close().catch(() => undefined);
      throw err;
    }
    return store;
  })();
  try {
    return await withDeadline(opening, ms, () => unreachable(`did not answer within ${seconds(ms)}`));
  } catch (err) {
    if (err instanceof StartupError) throw err;
    // The store's own per-call deadline came first: the same silence, said the same way.
    if (err instanceof StoreUnavailableError && /no answer within/.test(causeOf(err.cause))) {
      throw unreachable(`did not answer within ${seconds(STORE_DEADLINE_MS)}`);
    }
    throw unreachable(`cannot be used (${causeOf(err)})`);
  }
}
