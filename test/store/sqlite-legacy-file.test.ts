import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';

/** A file @keyv/sqlite wrote (its exact table, keyv's serialized values) stays readable. */
const dir = mkdtempSync(join(tmpdir(), 'chatops-sqlite-legacy-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('reads the links and keys an earlier version wrote, and still ignores what had expired', async () => {
  const path = join(dir, 'legacy.sqlite');
  const old = new Database(path);
  old.exec('CREATE TABLE keyv(key VARCHAR(255) PRIMARY KEY, value TEXT )');
  old.exec('CREATE TABLE leases(key TEXT PRIMARY KEY, token TEXT NOT NULL, expires_at INTEGER NOT NULL)');
  const insert = old.prepare('INSERT INTO keyv(key, value) VALUES(?, ?)');
  insert.run('links:slack:U1', JSON.stringify({ value: { memberId: 'alice' }, expires: null }));
  insert.run('links:slack:U2', JSON.stringify({ value: { memberId: 'bob' }, expires: null }));
  insert.run('pending:c1', JSON.stringify({ value: { action: 'delete' }, expires: Date.now() - 1_000 }));
  insert.run('pending:c2', JSON.stringify({ value: { action: 'create' }, expires: Date.now() + 60_000 }));
  old.prepare('INSERT INTO leases(key, token, expires_at) VALUES(?, ?, ?)').run('slack:T1:old-trigger', 'old-token', Date.now() + 60_000);
  old.close();

  const store = await openStore(`sqlite://${path}`);
  const links = store.collection<{ memberId: string }>('links');
  expect(await links.get('slack:U1')).toEqual({ memberId: 'alice' });
  expect((await links.values()).map((l) => l.memberId)).toEqual(['alice', 'bob']);
  expect(await store.collection('pending').get('c1')).toBeUndefined();
  expect(await store.collection('pending').values()).toEqual([{ action: 'create' }]);
  // A claim taken before the upgrade still holds.
  expect(await store.claim('slack:T1:old-trigger', 60_000)).toBeUndefined();
  await store.close();

  // The expiry moved into its own column, so the store itself skips expired rows.
  const upgraded = new Database(path, { readonly: true });
  expect(upgraded.prepare("SELECT key, expires IS NOT NULL AS timed FROM keyv WHERE key LIKE 'pending:%' ORDER BY key").all()).toEqual([
    { key: 'pending:c1', timed: 1 },
    { key: 'pending:c2', timed: 1 },
  ]);
  upgraded.close();
});
