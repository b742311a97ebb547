import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { NumberedLog } from '../../src/store/numbered-log.js';
import { openStore, type Store } from '../../src/store/index.js';
import { POSTGRES_URL, REDIS_URL, uniquePrefix } from '../helpers/store-urls.js';

const dir = mkdtempSync(join(tmpdir(), 'chatops-floor-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const stores: [string, () => string][] = [
  ['sqlite', () => `sqlite://${join(dir, 'floor.sqlite')}`],
  ['redis', () => REDIS_URL],
  ['postgres', () => POSTGRES_URL],
];

/** Which of records 1…n exist. */
async function present(store: Store, name: string, n: number): Promise<number[]> {
  const got = await store.collection<string>('audit').getMany(Array.from({ length: n }, (_, i) => `${name}#${i + 1}`));
  return got.flatMap((r, i) => (r === undefined ? [] : [i + 1]));
}

describe.each(stores)('a numbered log with a prune floor, on %s', (_kind, url) => {
  it('keep prunes nothing above the floor; pruneHeld deletes what the floor held once it rises; without a floor, keep alone', async () => {
    const store = await openStore(url(), { prefix: uniquePrefix('floor') });
    try {
      let floor = 0;
      const held = new NumberedLog<string>(store, store.collection('audit'), 'held', 2, async () => floor);
      for (let i = 1; i <= 5; i++) await held.append(`e${i}`);
      expect(await present(store, 'held', 5)).toEqual([1, 2, 3, 4, 5]);

      // The reader took 1…4: the floor rises, and what keep had let go up to it is deleted (not 4: keep 2 holds 4 and 5).
      floor = 4;
      expect(await held.pruneHeld(0, 4)).toBe(3);
      expect(await present(store, 'held', 5)).toEqual([4, 5]);
      // Under the floor again, appends prune as before.
      await held.append('e6');
      expect(await present(store, 'held', 6)).toEqual([5, 6]);

      // A floor that cannot be read prunes nothing (never an entry not yet streamed).
      const unreadable = new NumberedLog<string>(store, store.collection('audit'), 'unreadable', 1, () => Promise.reject(new Error('store down')));
      for (let i = 1; i <= 3; i++) await unreadable.append(`u${i}`);
      expect(await present(store, 'unreadable', 3)).toEqual([1, 2, 3]);

      const plain = new NumberedLog<string>(store, store.collection('audit'), 'plain', 2);
      for (let i = 1; i <= 4; i++) await plain.append(`p${i}`);
      expect(await present(store, 'plain', 4)).toEqual([3, 4]);
    } finally {
      await store.close();
    }
  });
});
