export { openStore, sqlitePath, STORE_DEADLINE_MS, type StoreOptions } from './keyv-store.js';
export type { Collection, CollectionName, Lease, Store } from './port.js';
export { StorePingError, StoreUnavailableError } from './port.js';
