/**
 * A Map that holds at most `max` entries: setting a new key when full drops the oldest one first
 * (first in, first out). For process-local memos and caches that must not grow with traffic; a
 * read does not refresh an entry (the entries are cheap to make again, so recency is not worth
 * the bookkeeping an LRU would add on every hit).
 */
export class BoundedMap<K, V> extends Map<K, V> {
  constructor(readonly max: number) {
    super();
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`BoundedMap max must be a positive integer, not ${max}`);
  }

  override set(key: K, value: V): this {
    if (!this.has(key) && this.size >= this.max) this.delete(this.keys().next().value!);
    return super.set(key, value);
  }

  /** The value under `key`, made (and kept) the first time it is asked for. */
  getOrMake(key: K, make: () => V): V {
    if (this.has(key)) return this.get(key)!;
    const made = make();
    this.set(key, made);
    return made;
  }
}
