import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Keyv from 'keyv';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openSqliteFile, type SqliteFile } from '../../src/store/better-sqlite-adapter.js';

/** The keyv store adapter over better-sqlite3, on a real file, with a clock the test moves. */
const dir = mkdtempSync(join(tmpdir(), 'chatops-sqlite-adapter-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let clock = 1_800_000_000_000;
const now = () => clock;
let file: SqliteFile;
let n = 0;
const fresh = () => (file = openSqliteFile(join(dir, `adapter-${++n}.sqlite`), { now }));
const keyv = <T>(namespace: string) => new Keyv<T>({ store: file.adapter(), namespace, throwOnErrors: true });
afterEach(() => file.close());

async function entries<T>(k: Keyv<T>): Promise<[string, T][]> {
  const out: [string, T][] = [];
  for await (const [key, value] of k.iterator!(undefined) as AsyncGenerator<[string, T]>) out.push([key, value]);
  return out;
}

describe('a keyv namespace on the shared SQLite connection', () => {
  it('reads many keys at once (a member\'s 20 keys) in the order asked, with gaps for missing and expired ones, as it reads a few', async () => {
    fresh();
    const adapter = file.adapter();
    adapter.namespace = 'keys';
    for (let i = 0; i < 20; i++) await adapter.set(`keys:k-${i}`, `"${i}"`, i % 5 === 0 ? 1_000 : undefined);
    clock += 1_001;
    const asked = ['keys:missing', ...Array.from({ length: 20 }, (_, i) => `keys:k-${19 - i}`)];
    const want = [undefined, ...Array.from({ length: 20 }, (_, i) => ((19 - i) % 5 === 0 ? undefined : `"${19 - i}"`))];
    expect(await adapter.getMany(asked)).toEqual(want);
    // Few keys take the point reads; the answers are the same.
    expect(await adapter.getMany(asked.slice(0, 3))).toEqual(want.slice(0, 3));
  });

  it('answers a value until its TTL has passed, then acts as if it was never there', async () => {
    fresh();
    const adapter = file.adapter();
    adapter.namespace = 'pending';
    await adapter.set('pending:c1', '{"value":"confirm","expires":null}', 60_000);
    await adapter.set('pending:forever', '{"value":"kept","expires":null}');
    expect(await adapter.get('pending:c1')).toBe('{"value":"confirm","expires":null}');
    expect(await adapter.has('pending:c1')).toBe(true);

    clock += 60_001;
    expect(await adapter.get('pending:c1')).toBeUndefined();
    expect(await adapter.has('pending:c1')).toBe(false);
    expect(await adapter.getMany(['pending:c1', 'pending:forever'])).toEqual([undefined, '{"value":"kept","expires":null}']);
    const listed: unknown[] = [];
    for await (const [key] of adapter.iterator('pending')) listed.push(key);
    expect(listed).toEqual(['pending:forever']);
    // Deleting what had already expired reports that nothing live was deleted.
    expect(await adapter.delete('pending:c1')).toBe(false);
    expect(await adapter.delete('pending:forever')).toBe(true);
  });

  it('keeps namespaces apart, even one whose name is a prefix of another', async () => {
    fresh();
    const links = keyv<string>('links');
    // '9' sorts just before ':', so `links9:…` sits right next to `links:…` in the key index.
    const links9 = keyv<string>('links9');
    const linksX = keyv<string>('links:x');
    await links.set('U1', 'alice');
    await links9.set('U1', 'nine');
    await linksX.set('U1', 'nested');

    expect(await links.get('U1')).toBe('alice');
    expect(await links9.get('U1')).toBe('nine');
    expect(await entries(links9)).toEqual([['U1', 'nine']]);

    await links9.clear();
    expect(await links9.get('U1')).toBeUndefined();
    expect(await links.get('U1')).toBe('alice');
    expect(await linksX.get('U1')).toBe('nested');
  });

  it('lists every live entry of a namespace across pages, in key order', async () => {
    fresh();
    const keys = keyv<number>('keys');
    const other = keyv<number>('other');
    await Promise.all(Array.from({ length: 2_345 }, (_, i) => keys.set(`k${String(i).padStart(5, '0')}`, i)));
    await other.set('k00000', -1);
    await keys.set('short-lived', -2, 1_000);
    clock += 1_001;

    const listed = await entries(keys);
    expect(listed).toHaveLength(2_345);
    expect(listed[0]).toEqual(['k00000', 0]);
    expect(listed.at(-1)).toEqual(['k02344', 2_344]);
    expect(listed.map(([, v]) => v)).toEqual(Array.from({ length: 2_345 }, (_, i) => i));
  });

  it('deletes many, gets many and tells which keys exist', async () => {
    fresh();
    const adapter = file.adapter();
    await adapter.setMany([
      { key: 'a:1', value: '"one"' },
      { key: 'a:2', value: '"two"' },
    ]);
    expect(await adapter.hasMany(['a:1', 'a:2', 'a:3'])).toEqual([true, true, false]);
    expect(await adapter.deleteMany(['a:1', 'a:3'])).toBe(true);
    expect(await adapter.deleteMany(['a:3'])).toBe(false);
    expect(await adapter.getMany(['a:1', 'a:2'])).toEqual([undefined, '"two"']);
  });

  it('claims a key once until it expires or its holder releases it, on the same connection as the data', () => {
    fresh();
    expect(file.claim('slack:T1:trigger-1', 'token-a', 1_000)).toBe(true);
    expect(file.claim('slack:T1:trigger-1', 'token-b', 1_000)).toBe(false);
    clock += 1_000;
    expect(file.claim('slack:T1:trigger-1', 'token-b', 1_000)).toBe(true);
    // The first holder's lease had expired: its release leaves the new one alone.
    file.release('slack:T1:trigger-1', 'token-a');
    expect(file.claim('slack:T1:trigger-1', 'token-c', 1_000)).toBe(false);
    file.release('slack:T1:trigger-1', 'token-b');
    expect(file.claim('slack:T1:trigger-1', 'token-c', 1_000)).toBe(true);
  });

  it('refuses every call once closed, instead of answering nothing', async () => {
    fresh();
    const links = keyv<string>('links');
    await links.set('U1', 'alice');
    file.close();
    await expect(links.get('U1')).rejects.toThrow('the SQLite store is closed');
    expect(() => file.claim('x', 'token', 1_000)).toThrow('the SQLite store is closed');
  });
});
