import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';

/** The same contract on a real SQLite file, the machine's Redis and its PostgreSQL. */
const dir = mkdtempSync(join(tmpdir(), 'chatops-store-'));
const stores: [string, string][] = [
  ['sqlite', `sqlite://${join(dir, 'nested', 'store.sqlite')}`],
  ['redis', process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379'],
  ['postgres', process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test'],
];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.each(stores)('%s store', (kind, url) => {
  let store: Store;
  let other: Store | undefined;
  // A fresh prefix per run, so runs sharing one Redis or database never see each other.
  const prefix = `t${randomBytes(4).toString('hex')}_`;
  beforeAll(async () => {
    store = await openStore(url, { prefix });
  });
  afterAll(async () => {
    for (const ns of ['links', 'keys'] as const) await store.ns(ns).clear();
    await store.close();
    await other?.close();
  });

  it('is the kind its URL names', () => {
    expect(store.kind).toBe(kind);
  });

  it('keeps records per namespace and lists them', async () => {
    await store.ns('links').set('slack:U1', { memberId: 'alice' });
    await store.ns('links').set('slack:U2', { memberId: 'bob' });
    await store.ns('keys').set('slack:U1', { id: 'k-1' });
    expect(await store.ns('links').get('slack:U1')).toEqual({ memberId: 'alice' });
    const links = await store.values<{ memberId: string }>('links');
    expect(links.map((l) => l.memberId).sort()).toEqual(['alice', 'bob']);
    expect(await store.values('keys')).toEqual([{ id: 'k-1' }]);
  });

  it('claims a key for exactly one of many concurrent callers', async () => {
    const key = `click:${randomBytes(4).toString('hex')}`;
    const results = await Promise.all(Array.from({ length: 25 }, () => store.claim(key, 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.claim(key, 60_000)).toBe(false);
  });

  it('lets a claim be taken again once it has expired', async () => {
    const key = `lease:${randomBytes(4).toString('hex')}`;
    expect(await store.claim(key, 30)).toBe(true);
    expect(await store.claim(key, 30)).toBe(false);
    await new Promise((r) => setTimeout(r, 80));
    expect(await store.claim(key, 30)).toBe(true);
  });

  it('claims race across two store instances (two replicas)', async () => {
    // Kept open until the end: @keyv/postgres pools per process, so closing one closes both.
    other = await openStore(url, { prefix });
    const key = `replica:${randomBytes(4).toString('hex')}`;
    const results = await Promise.all([store.claim(key, 60_000), other.claim(key, 60_000), store.claim(key, 60_000), other.claim(key, 60_000)]);
    expect(results.filter(Boolean)).toHaveLength(1);
  });
});

describe('store errors surface', () => {
  it('a store that fails answers with an error, not a silent undefined', async () => {
    const store = await openStore(`sqlite://${join(dir, 'closed.sqlite')}`);
    await store.ns('links').set('a', 1);
    await store.close();
    await expect(store.ns('links').get('a')).rejects.toThrow(/closed|misuse/i);
  });

  it('an unknown scheme is refused with the allowed ones named', async () => {
    await expect(openStore('mysql://x')).rejects.toThrow('STORE_URL must start with sqlite://, redis:// or postgres://');
  });
});
