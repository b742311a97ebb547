import { setTimeout as sleep } from 'node:timers/promises';
import { CodedError } from '../errors.js';
import { keepAlive } from './keep-alive.js';
import type { Lease, Store } from './port.js';

/** Another change to the same record held its lock for longer than we could wait. */
export class RecordBusyError extends CodedError<'record_busy'> {
  constructor(readonly key: string) {
    super('record_busy', `record ${key} is being changed by someone else`);
  }
}

export interface LockOptions {
  /** How long the lock lives if its holder dies without releasing it. */
  ttlMs?: number;
  /** How long to wait for a lock someone else holds before giving up in words. */
  waitMs?: number;
}

/**
 * Runs `fn` while holding the per-record lock `key`: read-modify-write of one record (a key's expiry,
 * a member's quota, a link) is then atomic across processes and replicas. Built on `claim` with
 * release, so it works the same on every store; a dead holder's lock expires after `ttlMs`.
 */
export async function withLock<T>(store: Store, key: string, fn: () => Promise<T>, opts: LockOptions = {}): Promise<T> {
  // A dead holder's lock expires before a waiter gives up: the waiter then takes it over.
  const { ttlMs = 5_000, waitMs = 7_000 } = opts;
  const deadline = Date.now() + waitMs;
  let lease: Lease | undefined;
  for (let pause = 2; !(lease = await store.claim(`lock:${key}`, ttlMs)); pause = Math.min(pause * 2, 50)) {
    if (Date.now() >= deadline) throw new RecordBusyError(key);
    await sleep(pause + Math.random() * pause);
  }
  // Renewed while `fn` runs: a slow write (TWCC) keeps its lock; a dead holder's still expires after ttlMs.
  const stop = keepAlive(lease, ttlMs);
  try {
    return await fn();
  } finally {
    stop();
    await lease.release();
  }
}
