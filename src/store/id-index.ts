import { withLock } from './lock.js';
import type { Store } from './port.js';

/** How long an index entry lives: for good, or until a time (epoch ms) after which its ids mean nothing. */
export interface IndexLifetime {
  until?: number;
}

/**
 * A list of record ids kept beside the records (a member's keys, a key's reminder cards), so that
 * reading them does not scan a whole collection. Changes take the index's lock. An entry whose ids all
 * go is deleted; one given `until` disappears from the store by itself then.
 */
export class IdIndex {
  constructor(
    private readonly store: Store,
    private readonly name: string,
    private readonly now: () => number = Date.now,
  ) {}

  private id = (key: string) => `${this.name}:${key}`;
  private get records() {
    return this.store.collection<string[]>('indexes');
  }

  /** Ids under `key`, oldest first. */
  async ids(key: string): Promise<string[]> {
    return (await this.records.get(this.id(key))) ?? [];
  }

  async add(key: string, id: string, lifetime: IndexLifetime = {}): Promise<void> {
    await withLock(this.store, `index:${this.id(key)}`, async () => {
      const ids = (await this.ids(key)).filter((x) => x !== id);
      ids.push(id);
      await this.write(key, ids, lifetime);
    });
  }

  /** Takes `gone` out of `key`'s ids, in one write (a delete when none are left). */
  async remove(key: string, gone: readonly string[], lifetime: IndexLifetime = {}): Promise<void> {
    await withLock(this.store, `index:${this.id(key)}`, async () => {
      const ids = await this.ids(key);
      const left = ids.filter((x) => !gone.includes(x));
      if (left.length === ids.length) return;
      if (left.length === 0) await this.records.delete(this.id(key));
      else await this.write(key, left, lifetime);
    });
  }

  private async write(key: string, ids: string[], { until }: IndexLifetime): Promise<void> {
    if (until === undefined) return this.records.put(this.id(key), ids);
    const ttlMs = until - this.now();
    if (ttlMs > 0) return this.records.put(this.id(key), ids, ttlMs);
    await this.records.delete(this.id(key));
  }
}
