import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/backends/port.js';
import { startWorld, valueOf, type TwccWorld } from './setup.js';

/** Writes are read back, and a write whose answer is lost or late is never "not done". */
let w: TwccWorld;
let alice: Actor;
let admin: Actor;
async function world(opts: Parameters<typeof startWorld>[0] = {}) {
  w = await startWorld(opts);
  alice = await w.loginAs('alice');
  admin = await w.loginAs('admin');
  w.fake.requests.length = 0;
}
afterEach(async () => {
  await w.close();
});

const NO_ROUTE = 'no route and no API found with those values';
const isPatch = (r: { method: string }) => r.method === 'PATCH';
const isDelete = (r: { method: string }) => r.method === 'DELETE';
/** Short deadlines, so that a late answer is "no answer in time". */
const impatient = { backend: { quotaWrite: true, timeouts: { attemptMs: 150, headersMs: 150 } } };

describe('quota writes are read back', () => {
  it('a quota PATCH answered 200 {"message": "no route…"} is not applied: the row read back shows the old quota', async () => {
    await world({ backend: { quotaWrite: true } });
    w.fake.quirks.noRoute = isPatch;
    const change = valueOf(await w.backend.setQuota(admin, alice.memberId, 'vcs', { gpu: 4 }));
    expect(change).toMatchObject({
      verdict: 'not_applied',
      requested: { cpu: 16, gpu: 4, memory: 65536 },
      shown: { gpu: { usage: 0, quota: 2 } },
      answer: `PATCH /api/v3/${w.fake.sites.vcs}/projects/1234/user_quotas/ answered 200 with only a message: "${NO_ROUTE}"`,
    });
    expect(w.fake.requests.filter(isPatch)).toHaveLength(1);
  });

  it('a quota PATCH carried out but answered late is read back as applied', async () => {
    await world(impatient);
    w.fake.answerLate(400, 1, isPatch);
    const change = valueOf(await w.backend.setQuota(admin, alice.memberId, 'vcs', { gpu: 4 }));
    expect(change.verdict).toBe('applied');
    expect(change.answer).toMatch(/^PATCH .+: no answer in time$/);
    expect(w.fake.requests.filter(isPatch)).toHaveLength(1);
  });

  it('says unknown when the read-back fails too', async () => {
    await world({ backend: { quotaWrite: true, retry: { attempts: 1 } } });
    w.fake.quirks.noRoute = isPatch;
    w.fake.failNext(503, 1, (r) => r.method === 'GET' && r.query['user'] !== undefined && w.fake.requests.some(isPatch));
    const change = valueOf(await w.backend.setQuota(admin, alice.memberId, 'vcs', { gpu: 4 }));
    expect(change.verdict).toBe('unknown');
    expect(change.shown).toBeUndefined();
  });

  it('says unknown when TWCC shows neither the old nor the new quota', async () => {
    await world({ backend: { quotaWrite: true } });
    w.fake.quirks.noRoute = (r) => {
      if (!isPatch(r)) return false;
      w.fake.users.alice!.quotas[w.fake.sites.vcs]!.gpu.quota = 3;
      return true;
    };
    expect(valueOf(await w.backend.setQuota(admin, alice.memberId, 'vcs', { gpu: 4 }))).toMatchObject({ verdict: 'unknown', shown: { gpu: { quota: 3 } } });
  });
});

describe('key writes whose answer is lost or late', () => {
  it('a key PATCH answered 200 {"message"} is not applied, as the list read back shows', async () => {
    await world();
    w.fake.quirks.noRoute = isPatch;
    const k = w.fake.users.alice!.keys[2]!;
    const extended = valueOf(await w.backend.extendKey(alice, String(k.id), 30));
    expect(extended).toMatchObject({ verdict: 'not_applied', answer: `PATCH /api_key/${k.id}/ answered 200 with only a message: "${NO_ROUTE}"` });
  });

  it('a DELETE carried out but answered late every time is maybe_applied, never "not deleted"', async () => {
    await world(impatient);
    const k = w.fake.users.alice!.keys[2]!;
    w.fake.answerLate(400, 3, isDelete);
    const r = await w.backend.deleteKey(alice, String(k.id));
    expect(r).toEqual({ ok: false, code: 'maybe_applied', detail: `DELETE /api_key/${k.id}/: no answer in time` });
    expect(w.fake.requests.filter(isDelete)).toHaveLength(3);
    expect(w.fake.users.alice!.keys.some((x) => x.id === k.id)).toBe(false);
  });

  it('a DELETE answered late once, then 404 on the retry, is done', async () => {
    await world(impatient);
    const k = w.fake.users.alice!.keys[2]!;
    w.fake.answerLate(400, 1, isDelete);
    expect(await w.backend.deleteKey(alice, String(k.id))).toEqual({ ok: true, value: undefined });
  });
});

describe('CCS is optional', () => {
  it('without TWCC_CCS_SITE the backend offers VCS only and answers service_disabled for CCS, calling nothing', async () => {
    await world({ backend: { quotaWrite: true, ccsSite: '' } });
    expect(w.backend.capabilities.services).toEqual(['vcs']);
    expect(await w.backend.getQuotas(alice, 'ccs')).toEqual({ ok: false, code: 'service_disabled', detail: 'TWCC_CCS_SITE is not set, so CCS is off' });
    expect(await w.backend.setQuota(admin, alice.memberId, 'ccs', { gpu: 1 })).toMatchObject({ ok: false, code: 'service_disabled' });
    expect(w.fake.requests).toEqual([]);
    valueOf(await w.backend.getQuotas(alice, 'vcs'));
  });
});
