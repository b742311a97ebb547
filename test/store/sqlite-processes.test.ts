import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { compiledScript } from '../helpers/built.js';

/** Two replicas (two openStore, or two processes) on one SQLite file in WAL mode. */
const dir = mkdtempSync(join(tmpdir(), 'chatops-sqlite-processes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('one SQLite file shared by two replicas', () => {
  it('puts the file in WAL mode with synchronous=NORMAL', async () => {
    const path = join(dir, 'wal.sqlite');
    const store = await openStore(`sqlite://${path}`);
    await store.collection('links').put('slack:U1', { memberId: 'alice' });
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    raw.close();
    expect(existsSync(`${path}-wal`)).toBe(true);
    await store.close();
  });

  it('gives a click to exactly one of two stores racing on the same file', async () => {
    const url = `sqlite://${join(dir, 'race.sqlite')}`;
    const [a, b] = await Promise.all([openStore(url), openStore(url)]);
    for (let round = 0; round < 20; round++) {
      const key = `click:${round}`;
      const results = await Promise.all([a.claim(key, 60_000), b.claim(key, 60_000), a.claim(key, 60_000), b.claim(key, 60_000)]);
      expect(results.filter(Boolean)).toHaveLength(1);
    }
    await a.close();
    await b.close();
  });

  it('shows a write to another process at once, and that process’s write back', async () => {
    const url = `sqlite://${join(dir, 'shared.sqlite')}`;
    const store = await openStore(url);
    await store.collection('links').put('slack:U1', { memberId: 'alice' });
    // The store stays open: the child reads while this connection holds the WAL.
    const { stdout } = await promisify(execFile)(process.execPath, [compiledScript('test/store/read-store-in-child.ts'), url, 'slack:U1']);
    expect(JSON.parse(stdout)).toEqual({ value: { memberId: 'alice' } });
    expect(await store.collection('meta').get('from-child')).toEqual({ pid: expect.any(Number) });
    await store.close();
  });
});
