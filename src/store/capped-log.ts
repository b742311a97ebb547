import { randomBytes } from 'node:crypto';
import { withLock } from './lock.js';
import type { Store } from './port.js';

interface Head {
  /** Newest last; at most `chunkSize` ids. */
  ids: string[];
  /** Sealed chunks, oldest first: their record ids. */
  chunks: string[];
}

/**
 * An append-only list of ids that keeps only the newest `chunkSize × chunks` of them, for logs read
 * from the newest end (the audit log). An append rewrites a head of at most `chunkSize` ids, and every
 * `chunkSize` appends seals the head into a chunk of its own, so the cost of one append does not grow
 * with the log; what falls off the old end is handed back for deletion.
 */
export class CappedLog {
  constructor(
    private readonly store: Store,
    private readonly name: string,
    private readonly chunkSize = 200,
    private readonly chunks = 50,
  ) {}

  private get records() {
    return this.store.collection<Head | string[]>('indexes');
  }

  private headId = () => `log:${this.name}:head`;

  private async head(): Promise<Head> {
    const h = (await this.records.get(this.headId())) as Head | undefined;
    return h ?? { ids: [], chunks: [] };
  }

  /** Appends `id`; the ids that fell off the old end, for the caller to delete. */
  async append(id: string): Promise<string[]> {
    return withLock(this.store, `log:${this.name}`, async () => {
      const head = await this.head();
      head.ids.push(id);
      let dropped: string[] = [];
      if (head.ids.length >= this.chunkSize) {
        const chunkId = `log:${this.name}:chunk:${Date.now()}-${randomBytes(3).toString('hex')}`;
        await this.records.put(chunkId, head.ids);
        head.chunks.push(chunkId);
        head.ids = [];
        while (head.chunks.length > this.chunks) {
          const oldest = head.chunks.shift()!;
          dropped = dropped.concat(((await this.records.get(oldest)) as string[] | undefined) ?? []);
          await this.records.delete(oldest);
        }
      }
      await this.records.put(this.headId(), head);
      return dropped;
    });
  }

  /** The newest `n` ids, newest first. */
  async latest(n: number): Promise<string[]> {
    const head = await this.head();
    const out = [...head.ids].reverse();
    for (let i = head.chunks.length - 1; i >= 0 && out.length < n; i--) {
      const ids = ((await this.records.get(head.chunks[i]!)) as string[] | undefined) ?? [];
      out.push(...[...ids].reverse());
    }
    return out.slice(0, n);
  }
}
