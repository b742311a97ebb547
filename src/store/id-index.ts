import { withLock } from './lock.js';
import type { Store } from './port.js';

/**
 * A list of record ids kept beside the records (a member's keys, the latest audit entries), so that
 * reading them does not scan a whole collection. Changes take the index's lock.
 */
export class IdIndex {
  constructor(
    private readonly store: Store,
    private readonly name: string,
    /** At most this many ids are kept; the oldest go first. */
    private readonly cap = Number.POSITIVE_INFINITY,
  ) {}

  private id = (key: string) => `${this.name}:${key}`;
  private get records() {
    return this.store.collection<string[]>('indexes');
  }

  /** Ids under `key`, oldest first. */
  async ids(key: string): Promise<string[]> {
    return (await this.records.get(this.id(key))) ?? [];
  }

  async add(key: string, id: string): Promise<void> {
    await withLock(this.store, `index:${this.id(key)}`, async () => {
      const ids = (await this.ids(key)).filter((x) => x !== id);
      ids.push(id);
      await this.records.put(this.id(key), ids.length > this.cap ? ids.slice(ids.length - this.cap) : ids);
    });
  }

  /** Takes `gone` out of `key`'s ids, in one write. */
  async remove(key: string, ...gone: string[]): Promise<void> {
    await withLock(this.store, `index:${this.id(key)}`, async () => {
      const ids = await this.ids(key);
      const left = ids.filter((x) => !gone.includes(x));
      if (left.length !== ids.length) await this.records.put(this.id(key), left);
    });
  }
}
