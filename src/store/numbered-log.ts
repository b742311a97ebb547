import type { Collection, Store } from './port.js';

/** The numbering's counter window: long enough never to end, so the numbers never start over. */
const NUMBERING_WINDOW_MS = 100 * 365 * 24 * 60 * 60 * 1000;

/**
 * An append-only log of records numbered 1, 2, 3… by the store's atomic counter, for logs read from
 * the newest end (the audit log). An append is one count and one write, and past `keep` records one
 * delete of the record that falls off the old end: no lock, no index rewritten, whatever the log's
 * length, and replicas appending at once each get a number of their own. A number whose record was
 * never written (a failed write after the count) is a gap that reads skip.
 */
export class NumberedLog<T> {
  constructor(
    private readonly store: Store,
    private readonly records: Collection<T>,
    private readonly name: string,
    /** How many of the newest records are kept. */
    private readonly keep: number,
    /**
     * The highest number that may be pruned (AUDIT_WEBHOOK_URL: the last one streamed): a record past
     * `keep` but above it stays until its reader has it, and `pruneHeld` deletes it then. None: `keep` alone.
     */
    private readonly floor?: () => Promise<number>,
  ) {
    if (!Number.isInteger(keep) || keep < 1) throw new Error(`a numbered log keeps at least one record (got ${keep})`);
  }

  private counter = () => `log:${this.name}:number`;
  private idOf = (n: number) => `${this.name}#${n}`;

  /** Appends `record` under the next number, which it returns. */
  async append(record: T): Promise<number> {
    const { count: n } = await this.store.increment(this.counter(), NUMBERING_WINDOW_MS);
    await this.records.put(this.idOf(n), record);
    // Retention: the record `keep` places back falls off the old end.
    if (n > this.keep && (await this.mayPrune(n - this.keep))) await this.records.delete(this.idOf(n - this.keep));
    return n;
  }

  /** Whether record `n` may go: always without a floor; with one, once it is at or under it (not when it cannot be read). */
  private async mayPrune(n: number): Promise<boolean> {
    if (!this.floor) return true;
    return this.floor().then(
      (floor) => n <= floor,
      () => false,
    );
  }

  /**
   * After the floor rose from `from` to `to`: deletes the records in between that `keep` had already let
   * go but the floor held (an append skipped them). `top` is read after the floor was written, so an
   * append racing with this either sees the new floor or is counted here: nothing is held for ever.
   */
  async pruneHeld(from: number, to: number): Promise<number> {
    const last = Math.min(to, (await this.top()) - this.keep);
    let deleted = 0;
    for (let n = Math.max(1, from + 1); n <= last; n++) if (await this.records.delete(this.idOf(n))) deleted++;
    return deleted;
  }

  /** The highest number given so far (0 while the log is empty). */
  async top(): Promise<number> {
    return this.store.count(this.counter());
  }

  /**
   * Records numbered `from` to `from + limit - 1` that exist (gaps and records already pruned are
   * skipped), oldest first, each with its number: for reading the whole log forwards a page at a time
   * (exports, streaming) without holding it in memory.
   */
  async page(from: number, limit: number): Promise<{ number: number; record: T }[]> {
    const top = await this.top();
    const first = Math.max(1, from);
    const numbers: number[] = [];
    for (let i = first; i <= top && i < first + limit; i++) numbers.push(i);
    if (numbers.length === 0) return [];
    const records = await this.records.getMany(numbers.map(this.idOf));
    return numbers.flatMap((number, i) => (records[i] === undefined ? [] : [{ number, record: records[i] as T }]));
  }

  /** Up to `n` of the newest records, newest first (gaps skipped). */
  async latest(n: number): Promise<T[]> {
    const top = await this.store.count(this.counter());
    const numbers: string[] = [];
    for (let i = top; i > 0 && i > top - n && i > top - this.keep; i--) numbers.push(this.idOf(i));
    if (numbers.length === 0) return [];
    return (await this.records.getMany(numbers)).filter((r): r is T => r !== undefined);
  }
}
