import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/backends/port.js';
import { startWorld, valueOf, type TwccWorld } from './setup.js';

let w: TwccWorld;
let alice: Actor;
beforeEach(async () => {
  w = await startWorld();
  alice = await w.loginAs('alice');
  w.fake.requests.length = 0;
});
afterEach(async () => {
  await w.close();
});

const DAY_MS = 24 * 60 * 60 * 1000;

/** The one request the operation made, checked for what every TWCC call must carry. */
function onlyRequest(w: TwccWorld, apiKey: string) {
  expect(w.fake.requests).toHaveLength(1);
  const r = w.fake.requests[0]!;
  expect(r.headers).toMatchObject({ 'x-api-key': apiKey, 'x-api-host': 'admin', 'content-type': 'application/json', accept: 'application/json' });
  expect(r.headers['user-agent']).toMatch(/^twcc-chatops\//);
  return r;
}

describe('twcc API keys', () => {
  it('lists the caller’s keys with GET /api_key/?show_all=true, masking secrets TWCC sends whole', async () => {
    const keys = valueOf(await w.backend.listKeys(alice, alice.memberId));
    const r = onlyRequest(w, w.fake.users.alice!.apiKey);
    expect([r.method, r.path, r.query, r.body]).toEqual(['GET', '/api_key/', { show_all: 'true' }, undefined]);

    const fakeKeys = w.fake.users.alice!.keys;
    expect(keys.map((k) => k.id)).toEqual(fakeKeys.map((k) => String(k.id)));
    for (const [i, k] of keys.entries()) {
      const secret = fakeKeys[i]!.key;
      expect(k.masked).toBe(`${secret.slice(0, 4)}…${secret.slice(-4)}`);
      expect(k).toMatchObject({
        owner: alice.memberId,
        project: 'GOV108009',
        status: 'active',
        createdAt: new Date(fakeKeys[i]!.created_at * 1000).toISOString(),
        expiresAt: new Date(fakeKeys[i]!.expired_time * 1000).toISOString(),
      });
    }
  });

  it('keeps a key TWCC already masked', async () => {
    await w.close();
    w = await startWorld({ maskKeysInList: true });
    alice = await w.loginAs('alice');
    const secret = w.fake.users.alice!.apiKey;
    const [main] = valueOf(await w.backend.listKeys(alice, alice.memberId));
    expect(main!.masked).toBe(`${secret.slice(0, 4)}${'*'.repeat(secret.length - 8)}${secret.slice(-4)}`);
  });

  it('refuses to list another member’s keys without calling TWCC', async () => {
    const admin = await w.loginAs('admin');
    w.fake.requests.length = 0;
    expect(await w.backend.listKeys(admin, alice.memberId)).toEqual({ ok: false, code: 'others_keys_unsupported' });
    expect(w.fake.requests).toEqual([]);
  });

  it('finds one key in the list, or says key_not_found', async () => {
    const id = String(w.fake.users.alice!.keys[2]!.id);
    expect(valueOf(await w.backend.getKey(alice, id)).id).toBe(id);
    expect(await w.backend.getKey(alice, '999999')).toEqual({ ok: false, code: 'key_not_found' });
    // Someone else's key is not in this key's list.
    expect(await w.backend.getKey(alice, String(w.fake.users.bob!.keys[0]!.id))).toEqual({ ok: false, code: 'key_not_found' });
  });

  it('never puts an odd key id into a path', async () => {
    for (const id of ['..', '.', '../users', '12/34', '12?x=1', '']) {
      expect(await w.backend.getKey(alice, id)).toEqual({ ok: false, code: 'key_not_found' });
      expect(await w.backend.deleteKey(alice, id)).toEqual({ ok: false, code: 'key_not_found' });
      expect(await w.backend.extendKey(alice, id, 5)).toEqual({ ok: false, code: 'key_not_found' });
    }
    expect(w.fake.requests).toEqual([]);
  });

  it('creates a key with POST /api_key/ and no body; the secret comes back once, the masked form never holds it', async () => {
    const { key, secret } = valueOf(await w.backend.createKey(alice));
    const r = onlyRequest(w, w.fake.users.alice!.apiKey);
    expect([r.method, r.path, r.query, r.body]).toEqual(['POST', '/api_key/', {}, undefined]);
    const created = w.fake.users.alice!.keys.at(-1)!;
    expect(secret).toBe(created.key);
    expect(key).toMatchObject({ id: String(created.id), owner: alice.memberId, status: 'active' });
    expect(key.masked).not.toContain(secret);
    expect(key.masked.replace('…', '').length).toBeLessThanOrEqual(8);
  });

  it('extends a key with PATCH /api_key/{id}/ {"reset_expired_days": N}, then reads the list back: applied', async () => {
    const fakeKey = w.fake.users.alice!.keys[2]!;
    const before = fakeKey.expired_time;
    const extended = valueOf(await w.backend.extendKey(alice, String(fakeKey.id), 30));
    expect(w.fake.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /api_key/', `PATCH /api_key/${fakeKey.id}/`, 'GET /api_key/']);
    const r = w.fake.requests[1]!;
    expect([r.query, r.body, r.headers['x-api-host']]).toEqual([{}, { reset_expired_days: 30 }, 'admin']);
    expect(extended.verdict).toBe('applied');
    expect(extended.before.expiresAt).toBe(new Date(before * 1000).toISOString());
    expect(Date.parse(extended.shown!.expiresAt!)).toBe(before * 1000 + 30 * DAY_MS);
    expect(extended.shown!.masked).not.toContain(fakeKey.key);
  });

  it('says not applied when TWCC answers 204 but the list read back shows the old expiry', async () => {
    const fakeKey = w.fake.users.alice!.keys[2]!;
    const before = fakeKey.expired_time;
    // The canned 204 does not apply the change.
    w.fake.failNext({ status: 204, body: undefined }, 1, (q) => q.method === 'PATCH');
    const extended = valueOf(await w.backend.extendKey(alice, String(fakeKey.id), 7));
    expect(extended.verdict).toBe('not_applied');
    expect(extended.shown!.expiresAt).toBe(new Date(before * 1000).toISOString());
  });

  it('says key_not_found when extending a key TWCC does not know', async () => {
    expect(await w.backend.extendKey(alice, '424242', 10)).toMatchObject({ ok: false, code: 'key_not_found' });
    expect(w.fake.requests.map((q) => q.method)).toEqual(['GET']);
  });

  it('deletes a key with DELETE /api_key/{id}/', async () => {
    const fakeKey = w.fake.users.alice!.keys[2]!;
    expect(await w.backend.deleteKey(alice, String(fakeKey.id))).toEqual({ ok: true, value: undefined });
    // The list first: only a key of this project is deleted.
    expect(w.fake.requests.map((q) => `${q.method} ${q.path}`)).toEqual(['GET /api_key/', `DELETE /api_key/${fakeKey.id}/`]);
    const r = w.fake.requests[1]!;
    expect([r.query, r.body, r.headers['x-api-key']]).toEqual([{}, undefined, w.fake.users.alice!.apiKey]);
    expect(w.fake.users.alice!.keys.some((k) => k.id === fakeKey.id)).toBe(false);
  });

  it('says main_key for the account’s main key (405) and key_not_found for an unknown one, without retrying', async () => {
    expect(await w.backend.deleteKey(alice, String(w.fake.users.alice!.keys[0]!.id))).toMatchObject({ ok: false, code: 'main_key' });
    expect(await w.backend.deleteKey(alice, '31337')).toMatchObject({ ok: false, code: 'key_not_found' });
    // An id not in the list is never sent to TWCC.
    expect(w.fake.requests.map((q) => q.method)).toEqual(['GET', 'DELETE', 'GET']);
  });
});
