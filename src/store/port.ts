import { CodedError } from '../errors.js';

/**
 * The store port: what the core and the backends may ask of storage. It names no storage library;
 * `keyv-store.ts` implements it on keyv (SQLite, Redis, PostgreSQL) and `memory-store.ts` in memory.
 */

/** STORE_PREFIX: also a valid unquoted SQL table name (keyv quotes some of its statements, not others). */
export const STORE_PREFIX_PATTERN = /^([a-z][a-z0-9_]{0,39})?$/;

/** Kinds of record, each in its own collection. */
export const COLLECTIONS = ['links', 'members', 'keys', 'quotas', 'pending', 'waiting', 'audit', 'credentials', 'meta', 'indexes', 'settings', 'installations', 'grants'] as const;
export type CollectionName = (typeof COLLECTIONS)[number];

/** One kind of record, by id. Errors surface: nothing is lost silently. */
export interface Collection<T> {
  get(id: string): Promise<T | undefined>;
  /** The records of `ids`, in their order (undefined where there is none): one store round trip, not one per id. */
  getMany(ids: string[]): Promise<(T | undefined)[]>;
  /** Writes `value`; with `ttlMs` the record disappears after that long. */
  put(id: string, value: T, ttlMs?: number): Promise<void>;
  /** True when there was a record to delete. */
  delete(id: string): Promise<boolean>;
  has(id: string): Promise<boolean>;
  /** Every record: only for small collections (links, members); large ones read through an index. */
  values(): Promise<T[]>;
  clear(): Promise<void>;
}

/** A claim that is held: `release()` gives it back, so work that failed can be tried again. */
export interface Lease {
  readonly key: string;
  /** Extends the claim to `ttlMs` from now; false when it had expired (another may hold it now). */
  renew(ttlMs: number): Promise<boolean>;
  release(): Promise<void>;
}

/** A window counter after one more: how many so far in this window, and when it ends (epoch ms). */
export interface WindowCount {
  count: number;
  resetAt: number;
}

export interface Store {
  readonly kind: 'sqlite' | 'redis' | 'postgres' | 'memory';
  collection<T = unknown>(name: CollectionName): Collection<T>;
  /**
   * Claims `key` for `ttlMs`: a lease for exactly one caller across processes and replicas (atomic in
   * the store itself: SQLite upsert, Redis SET NX PX, PostgreSQL ON CONFLICT), undefined for the rest.
   */
  claim(key: string, ttlMs: number): Promise<Lease | undefined>;
  /**
   * Counts one more under `key`, atomically across replicas (SQLite and PostgreSQL upsert RETURNING,
   * Redis INCR in MULTI); a window of `windowMs` starts at the first count after the last one ended.
   */
  increment(key: string, windowMs: number): Promise<WindowCount>;
  /** The count under `key` in its current window, without adding one: 0 when there is none or it has ended. */
  count(key: string): Promise<number>;
  /** Resolves when the store answers a read and then takes a write; throws StorePingError, naming the step, otherwise. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

/** The store did not answer within its deadline, or answered with an error. */
export class StoreUnavailableError extends CodedError<'store_unavailable'> {
  constructor(
    readonly operation: string,
    override readonly cause: unknown,
  ) {
    super('store_unavailable', `store ${operation} failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/**
 * Store.ping's failure, naming the step the store refused: `read` (it does not answer at all) or
 * `write` (it answers, but takes no change: a read-only SQLite file). The message is the cause's.
 */
export class StorePingError extends CodedError<'store_ping_failed'> {
  constructor(
    readonly step: 'read' | 'write',
    override readonly cause: unknown,
  ) {
    super('store_ping_failed', cause instanceof Error ? cause.message : String(cause), { cause });
  }
}
