import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditLog, type AuditEntry } from '../../src/core/audit.js';
import { silentLogger } from '../../src/log.js';
import { NumberedLog } from '../../src/store/numbered-log.js';
import { IdIndex } from '../../src/store/id-index.js';
import { withLock } from '../../src/store/lock.js';
import { memoryStore } from '../../src/store/memory-store.js';
import { openStore, type Lease, type Store } from '../../src/store/index.js';
import { postgresUrl, redisUrl } from '../helpers/services.js';

/** The same contract in memory (the unit-test store), on a real SQLite file, this run's own Redis and PostgreSQL. */
const dir = mkdtempSync(join(tmpdir(), 'chatops-store-'));
// Read when a store opens: a machine without Redis fails the Redis tests alone, naming what to install.
const stores: [string, () => string][] = [
  ['memory', () => 'memory:'],
  ['sqlite', () => `sqlite://${join(dir, 'nested', 'store.sqlite')}`],
  ['redis', () => redisUrl()],
  ['postgres', () => postgresUrl()],
];

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `steps` with a lifetime (ms) this machine keeps up with: a check that a record, claim or count
 * is still there proves something only while its lifetime has not passed. Steps that failed after
 * taking longer than the lifetime they were given prove nothing and run again with four times as
 * long; a failure within the lifetime is a failure. The lifetime is returned.
 */
async function withinLifetime(steps: (ttlMs: number, fresh: string) => Promise<void>): Promise<number> {
  for (let ttlMs = 400; ; ttlMs *= 4) {
    const started = Date.now();
    try {
      await steps(ttlMs, randomBytes(4).toString('hex'));
      return ttlMs;
    } catch (err) {
      if (Date.now() - started < ttlMs || ttlMs >= 6_400) throw err;
    }
  }
}

/** Waits until `check` holds; the test's own timeout is the only limit, so a slow machine is not a failure. */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  while (!(await check())) await new Promise((r) => setTimeout(r, 20));
}

/** Waits until a lifetime of `ttlMs` that began before now has surely ended: only ever too long, never too short. */
const outlive = (ttlMs: number) => new Promise((r) => setTimeout(r, ttlMs + 20));

describe.each(stores)('%s store', (kind, url) => {
  let store: Store;
  let other: Store | undefined;
  // One memory store is shared by the whole process, as one database is shared by replicas.
  const shared = kind === 'memory' ? memoryStore() : undefined;
  const open = async () => shared ?? openStore(url(), { prefix });
  // A fresh prefix per run, so runs sharing one Redis or database never see each other.
  const prefix = `t${randomBytes(4).toString('hex')}_`;
  beforeAll(async () => {
    store = await open();
  });
  afterAll(async () => {
    if (!store) return; // it never opened: the failure above says why
    for (const ns of ['links', 'keys', 'indexes', 'audit'] as const) await store.collection(ns).clear();
    await store.close();
    await other?.close();
  });

  it('is the kind its URL names', () => {
    expect(store.kind).toBe(kind);
  });

  it('keeps records per collection and lists them', async () => {
    const links = store.collection<{ memberId: string }>('links');
    await links.put('slack:U1', { memberId: 'alice' });
    await links.put('slack:U2', { memberId: 'bob' });
    await store.collection('keys').put('slack:U1', { id: 'k-1' });
    expect(await links.get('slack:U1')).toEqual({ memberId: 'alice' });
    expect((await links.values()).map((l) => l.memberId).sort()).toEqual(['alice', 'bob']);
    expect(await store.collection('keys').values()).toEqual([{ id: 'k-1' }]);
    expect(await links.delete('slack:U2')).toBe(true);
    expect(await links.has('slack:U2')).toBe(false);
  });

  it('reads several records at once, in the order asked, with a gap where one is missing or expired', async () => {
    const keys = store.collection<{ id: string }>('keys');
    await keys.put('many-1', { id: 'k-1' });
    await keys.put('many-2', { id: 'k-2' });
    await keys.put('many-gone', { id: 'k-gone' }, 200);
    await outlive(200);
    expect(await keys.getMany(['many-2', 'many-missing', 'many-1', 'many-gone'])).toEqual([{ id: 'k-2' }, undefined, { id: 'k-1' }, undefined]);
    expect(await keys.getMany([])).toEqual([]);
  });

  it('forgets a record after its time to live', async () => {
    const keys = store.collection('keys');
    let id = '';
    await withinLifetime(async (ttlMs, fresh) => {
      id = `short-${fresh}`;
      await keys.put(id, { id: 'k-short' }, ttlMs);
      expect(await keys.get(id)).toEqual({ id: 'k-short' });
    });
    await eventually(async () => (await keys.get(id)) === undefined);
  });

  it('a released claim can be claimed again at once; only its holder releases it', async () => {
    const key = `release:${randomBytes(4).toString('hex')}`;
    const first = await store.claim(key, 60_000);
    expect(first).toBeDefined();
    expect(await store.claim(key, 60_000)).toBeUndefined();
    await first!.release();
    const second = await store.claim(key, 60_000);
    expect(second).toBeDefined();
    await first!.release(); // a stale holder's release leaves the new lease alone
    expect(await store.claim(key, 60_000)).toBeUndefined();
  });

  it('a per-record lock makes concurrent read-modify-writes all count', async () => {
    const counters = store.collection<number>('keys');
    const id = `counter:${randomBytes(4).toString('hex')}`;
    await counters.put(id, 0);
    await Promise.all(
      Array.from({ length: 12 }, () =>
        withLock(store, id, async () => {
          const n = (await counters.get(id)) ?? 0;
          await new Promise((r) => setTimeout(r, 2));
          await counters.put(id, n + 1);
        }),
      ),
    );
    expect(await counters.get(id)).toBe(12);
  });

  it('an id index lists ids in order, without duplicates; an emptied entry is deleted, one past its lifetime reads as none', async () => {
    const name = `t${randomBytes(3).toString('hex')}`;
    const index = new IdIndex(store, name);
    for (const id of ['a', 'b', 'c', 'b', 'd']) await index.add('k', id);
    expect(await index.ids('k')).toEqual(['a', 'c', 'b', 'd']);
    await index.remove('k', ['b', 'a']);
    expect(await index.ids('k')).toEqual(['c', 'd']);
    await index.remove('k', ['c', 'd']);
    expect(await store.collection('indexes').has(`${name}:k`)).toBe(false);

    // A key's reminder cards mean nothing once the key has expired: their entry goes by itself then.
    let expiring = '';
    await withinLifetime(async (ttlMs, fresh) => {
      expiring = `expiring-${fresh}`;
      const until = Date.now() + ttlMs;
      await index.add(expiring, 'card-1', { until });
      await index.add(expiring, 'card-2', { until });
      await index.remove(expiring, ['card-1'], { until });
      expect(await index.ids(expiring)).toEqual(['card-2']);
    });
    await eventually(async () => (await index.ids(expiring)).length === 0);
  });

  it('claims a key for exactly one of many concurrent callers', async () => {
    const key = `click:${randomBytes(4).toString('hex')}`;
    const results = await Promise.all(Array.from({ length: 25 }, () => store.claim(key, 60_000)));
    expect(results.filter(Boolean)).toHaveLength(1);
    expect(await store.claim(key, 60_000)).toBeUndefined();
  });

  it('lets a claim be taken again once it has expired', async () => {
    let key = '';
    await withinLifetime(async (ttlMs, fresh) => {
      key = `lease:${fresh}`;
      expect(await store.claim(key, ttlMs)).toBeDefined();
      expect(await store.claim(key, ttlMs)).toBeUndefined();
    });
    await eventually(async () => (await store.claim(key, 60_000)) !== undefined);
  });

  it('a lease is renewed by its holder only while it holds it', async () => {
    let key = '';
    let lease: Lease | undefined;
    const firstLifetimeMs = await withinLifetime(async (ttlMs, fresh) => {
      key = `renew:${fresh}`;
      lease = await store.claim(key, ttlMs);
      expect(lease).toBeDefined();
      expect(await lease!.renew(60_000)).toBe(true);
    });
    await outlive(firstLifetimeMs);
    // Renewed past its first lifetime: still held.
    expect(await store.claim(key, 60_000)).toBeUndefined();
    await lease!.release();
    const next = (await store.claim(key, 300))!;
    expect(next).toBeDefined();
    expect(await lease!.renew(60_000)).toBe(false); // the old holder cannot take it back
    await outlive(300);
    expect(await next.renew(60_000)).toBe(false); // expired: lost, even though nobody took it
  });

  it('counts within a window, every concurrent count once, and starts again when the window ends', async () => {
    let key = '';
    await withinLifetime(async (windowMs, fresh) => {
      key = `count:${fresh}`;
      const before = Date.now();
      const counts = await Promise.all(Array.from({ length: 15 }, () => store.increment(key, windowMs)));
      expect(counts.map((c) => c.count).sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
      for (const c of counts) expect(c.resetAt).toBeLessThanOrEqual(Date.now() + windowMs);
      for (const c of counts) expect(c.resetAt).toBeGreaterThan(before);
      expect(await store.count(key)).toBe(15);
    });
    // The window ends: nothing counted then, and the next count starts again.
    await eventually(async () => (await store.count(key)) === 0);
    expect((await store.increment(key, 60_000)).count).toBe(1);
    expect(await store.count(key)).toBe(1);
    expect(await store.count(`${key}:never`)).toBe(0);
  });

  it('reads many records in one call, an id that begins with its collection’s name among them', async () => {
    const keys = store.collection<number>('keys');
    // keyv's namespace is the prefix and the collection's name.
    const odd = `${kind === 'memory' ? '' : prefix}keys:${randomBytes(3).toString('hex')}`;
    await keys.put(odd, 1);
    await keys.put('plain-id', 2);
    expect(await keys.get(odd)).toBe(1);
    expect(await keys.getMany([odd, 'plain-id', 'missing'])).toEqual([1, 2, undefined]);
  });

  it('numbers a log that two replicas append to at once, keeps the newest, and reads them newest first', async () => {
    other ??= await open();
    // Named after its collection, as the audit log is.
    const name = 'audit';
    const records = (s: Store) => s.collection<{ i: number }>('audit');
    const mine = new NumberedLog(store, records(store), name, 5);
    const theirs = new NumberedLog(other, records(other), name, 5);
    const numbers = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? theirs : mine).append({ i })));
    expect([...numbers].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    const appendedAs = new Map(numbers.map((n, i) => [n, i]));
    const newest = await theirs.latest(100);
    expect(newest.map((r) => r.i)).toEqual([8, 7, 6, 5, 4].map((n) => appendedAs.get(n)));
    expect(await mine.latest(2)).toEqual(newest.slice(0, 2));
    // What fell off the old end is deleted, not only hidden.
    expect(await records(store).has(`${name}#3`)).toBe(false);
    expect(await records(store).has(`${name}#4`)).toBe(true);
    // Read forwards a page at a time, oldest first, with the numbers (what exports and streaming read).
    expect(await mine.top()).toBe(8);
    const all = await theirs.page(1, 100);
    expect(all.map((p) => p.number)).toEqual([4, 5, 6, 7, 8]);
    expect(all.map((p) => p.record.i)).toEqual([4, 5, 6, 7, 8].map((n) => appendedAs.get(n)));
    expect((await mine.page(5, 2)).map((p) => p.number)).toEqual([5, 6]);
    expect(await mine.page(9, 10)).toEqual([]);
  });

  it('claims race across two store instances (two replicas)', async () => {
    // Kept open until the end: @keyv/postgres pools per process, so closing one closes both.
    other = await open();
    const key = `replica:${randomBytes(4).toString('hex')}`;
    const results = await Promise.all([store.claim(key, 60_000), other.claim(key, 60_000), store.claim(key, 60_000), other.claim(key, 60_000)]);
    expect(results.filter(Boolean)).toHaveLength(1);
    const counter = `replica-count:${randomBytes(4).toString('hex')}`;
    const counts = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? store : other!).increment(counter, 60_000)));
    expect(counts.map((c) => c.count).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
});

describe('store errors surface', () => {
  it('a store that fails answers with an error, not a silent undefined', async () => {
    const store = await openStore(`sqlite://${join(dir, 'closed.sqlite')}`);
    await store.collection('links').put('a', 1);
    await store.close();
    await expect(store.collection('links').get('a')).rejects.toThrow(/closed|misuse/i);
  });

  it('an unknown scheme is refused with the allowed ones named', async () => {
    await expect(openStore('mysql://x')).rejects.toThrow('STORE_URL must start with sqlite://, redis:// or postgres://');
  });
});

describe('the audit log', () => {
  const entry = (target: string): Omit<AuditEntry, 'at' | 'id'> => ({ actor: 'local:admin', platform: 'local', workspace: 'local', channel: 'c', action: 'key.created', target, outcome: 'ok' });

  it('keeps the newest AUDIT_KEEP entries and deletes the rest', async () => {
    const store = memoryStore();
    const audit = new AuditLog(store, Date.now, silentLogger(), 3);
    for (let i = 1; i <= 5; i++) await audit.append(entry(`k-${i}`));
    expect((await audit.latest(100)).map((e) => e.target)).toEqual(['k-5', 'k-4', 'k-3']);
    expect(await store.collection('audit').values()).toHaveLength(3);
  });

  it('reads the entries an earlier version indexed (a head and chunks of ids), after the numbered ones', async () => {
    const store = memoryStore();
    const old = (target: string, at: string): AuditEntry => ({ ...entry(target), id: `${at}-000000-abcdef`, at });
    const written = [old('old-1', '2026-11-01T00:00:00.000Z'), old('old-2', '2026-11-02T00:00:00.000Z'), old('old-3', '2026-11-03T00:00:00.000Z')];
    for (const e of written) await store.collection<AuditEntry>('audit').put(e.id, e);
    // As the capped log wrote them: sealed chunks of ids oldest first, the head's ids newest last.
    await store.collection<unknown>('indexes').put('log:audit:chunk:1-aaaaaa', [written[0]!.id, written[1]!.id]);
    await store.collection<unknown>('indexes').put('log:audit:head', { ids: [written[2]!.id], chunks: ['log:audit:chunk:1-aaaaaa'] });

    const audit = new AuditLog(store, Date.now, silentLogger());
    await audit.append(entry('new-1'));
    await audit.append(entry('new-2'));
    expect((await audit.latest(10)).map((e) => e.target)).toEqual(['new-2', 'new-1', 'old-3', 'old-2', 'old-1']);
    expect((await audit.latest(3)).map((e) => e.target)).toEqual(['new-2', 'new-1', 'old-3']);
    expect((await audit.latest(2)).map((e) => e.target)).toEqual(['new-2', 'new-1']);
  });
});
