import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/backends/port.js';
import { startWorld, valueOf, type TwccWorld } from './setup.js';

let w: TwccWorld;
let alice: Actor;
async function world(opts: Parameters<typeof startWorld>[0] = {}) {
  w = await startWorld(opts);
  alice = await w.loginAs('alice');
  w.fake.requests.length = 0;
}
afterEach(async () => {
  await w.close();
});

const methods = () => w.fake.requests.map((r) => `${r.method} ${r.path}`);

describe('twcc transport: retries', () => {
  it('retries a GET after a 503 and succeeds', async () => {
    await world();
    w.fake.failNext(503);
    expect(valueOf(await w.backend.listKeys(alice, alice.memberId)).length).toBe(3);
    expect(methods()).toEqual(['GET /api_key/', 'GET /api_key/']);
  });

  it('gives up on a GET after three attempts with backend_unavailable', async () => {
    await world();
    w.fake.failNext(503, 5);
    expect(await w.backend.listKeys(alice, alice.memberId)).toEqual({ ok: false, code: 'backend_unavailable', detail: 'GET /api_key/ answered 503: fake failure 503' });
    expect(methods()).toEqual(['GET /api_key/', 'GET /api_key/', 'GET /api_key/']);
  });

  it('never repeats a POST on 503, nor when its answer is lost', async () => {
    await world();
    w.fake.failNext(503);
    expect(await w.backend.createKey(alice)).toEqual({ ok: false, code: 'backend_unavailable', detail: 'POST /api_key/ answered 503: fake failure 503' });
    w.fake.failNext('lost');
    const lost = await w.backend.createKey(alice);
    // The key was made, but its secret is gone: the member is told it may have been, and to look.
    expect(lost).toMatchObject({ ok: false, code: 'maybe_applied' });
    expect(!lost.ok && lost.detail).toMatch(/^POST \/api_key\/: connection failed \(\w+\)$/);
    expect(methods()).toEqual(['POST /api_key/', 'POST /api_key/']);
  });

  it('never repeats a key PATCH on 503 or a lost answer: extending twice would add the days twice', async () => {
    await world();
    const key = w.fake.users.alice!.keys[2]!;
    const before = key.expired_time;
    const patch = (r: { method: string }) => r.method === 'PATCH';
    w.fake.failNext(503, 1, patch);
    expect(await w.backend.extendKey(alice, String(key.id), 30)).toMatchObject({ ok: false, code: 'backend_unavailable' });
    w.fake.failNext('lost', 1, patch);
    // The lost one went through, once; the list read back says so.
    expect(valueOf(await w.backend.extendKey(alice, String(key.id), 30))).toMatchObject({ verdict: 'applied', answer: expect.stringMatching(/^PATCH \/api_key\/\d+\/: connection failed/) });
    expect(methods().filter((m) => m.startsWith('PATCH'))).toEqual([`PATCH /api_key/${key.id}/`, `PATCH /api_key/${key.id}/`]);
    expect(key.expired_time).toBe(before + 30 * 86400);
  });

  it('never repeats the quota PATCH on 503', async () => {
    await world({ backend: { quotaWrite: true } });
    const admin = await w.loginAs('admin');
    w.fake.requests.length = 0;
    w.fake.failNext(503, 1, (r) => r.method === 'PATCH');
    expect(await w.backend.setQuota(admin, alice.memberId, 'vcs', { cpu: 4 })).toMatchObject({ ok: false, code: 'backend_unavailable' });
    expect(methods().filter((m) => m.startsWith('PATCH'))).toEqual([`PATCH /api/v3/${w.fake.sites.vcs}/projects/1234/user_quotas/`]);
    expect(w.fake.users.alice!.quotas[w.fake.sites.vcs]!.cpu.quota).toBe(16);
  });

  it('treats a 404 on a DELETE retry as done (the first attempt went through)', async () => {
    await world();
    const key = w.fake.users.alice!.keys[2]!;
    w.fake.failNext('lost', 1, (r) => r.method === 'DELETE');
    expect(await w.backend.deleteKey(alice, String(key.id))).toEqual({ ok: true, value: undefined });
    expect(methods()).toEqual(['GET /api_key/', `DELETE /api_key/${key.id}/`, `DELETE /api_key/${key.id}/`]);
    expect(w.fake.users.alice!.keys.some((k) => k.id === key.id)).toBe(false);
  });

  it('retries a DELETE after a 503', async () => {
    await world();
    const key = w.fake.users.alice!.keys[2]!;
    w.fake.failNext(503, 1, (r) => r.method === 'DELETE');
    expect(await w.backend.deleteKey(alice, String(key.id))).toEqual({ ok: true, value: undefined });
    expect(methods()).toEqual(['GET /api_key/', `DELETE /api_key/${key.id}/`, `DELETE /api_key/${key.id}/`]);
  });
});

describe('twcc transport: answers it refuses', () => {
  it('never follows a redirect, so the key goes nowhere else', async () => {
    await world();
    w.fake.failNext('redirect');
    const r = await w.backend.listKeys(alice, alice.memberId);
    expect(r).toMatchObject({ ok: false, code: 'unexpected_answer' });
    expect(!r.ok && r.detail).toMatch(/^GET \/api_key\/ answered 302, a redirect to http:\/\/127\.0\.0\.1:\d+\/login\/; redirects are not followed$/);
    expect(w.fake.loginPageRequests).toEqual([]);
    expect(methods()).toEqual(['GET /api_key/']);
  });

  it('reports a body that is not JSON as unexpected_answer, without retrying', async () => {
    await world();
    w.fake.failNext('malformed');
    expect(await w.backend.listKeys(alice, alice.memberId)).toEqual({
      ok: false,
      code: 'unexpected_answer',
      detail: 'GET /api_key/ answered 200 with a body that is not JSON (application/json)',
    });
    expect(methods()).toHaveLength(1);
  });

  it('names the endpoint and the wrong fields of an unexpected shape, never a stack or a value', async () => {
    await world();
    const leaked = 'sk-this-must-not-show-up-0123456789';
    w.fake.failNext({ status: 200, body: { keys: [{ id: 7, key: leaked }], count: 1 } });
    const r = await w.backend.listKeys(alice, alice.memberId);
    expect(r).toMatchObject({ ok: false, code: 'unexpected_answer' });
    const detail = !r.ok ? (r.detail ?? '') : '';
    expect(detail).toBe('GET /api_key/ answered an unexpected shape: (body): Invalid input: expected array, received object');
    expect(detail).not.toContain(leaked);
  });

  it('reports a missing secret after POST, pointing at /apikey list', async () => {
    await world();
    w.fake.failNext({ status: 201, body: { id: 9, created_at: 1700000000, expired_time: null } });
    expect(await w.backend.createKey(alice)).toEqual({
      ok: false,
      code: 'maybe_applied',
      detail: "POST /api_key/ answered without the new key's secret (field key); see /apikey list",
    });
  });

  it('takes a 3xx of any kind as an error', async () => {
    await world();
    w.fake.failNext(301);
    expect(await w.backend.listKeys(alice, alice.memberId)).toMatchObject({ ok: false, code: 'unexpected_answer' });
  });

  it('turns a slow answer into backend_unavailable', async () => {
    await world({ backend: { timeouts: { attemptMs: 60 }, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 1 } } });
    // Fifty times the attempt's deadline: an answer in time is impossible, and a client that waited
    // for it would come back ok, so the outcome itself shows the wait was cut (no stopwatch needed).
    w.fake.setDelay(3_000);
    expect(await w.backend.listKeys(alice, alice.memberId)).toEqual({ ok: false, code: 'backend_unavailable', detail: 'GET /api_key/: no answer in time' });
    expect(methods()).toEqual(['GET /api_key/', 'GET /api_key/']);
  });

  it('turns a refused connection into backend_unavailable', async () => {
    await world();
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const down = w.another({ apiUrl: `http://127.0.0.1:${port}` });
    expect(await down.listKeys(alice, alice.memberId)).toEqual({ ok: false, code: 'backend_unavailable', detail: 'GET /api_key/: connection failed (ECONNREFUSED)' });
  });

  it('honours a path prefix in TWCC_API_URL', async () => {
    await world();
    const prefixed = w.another({ apiUrl: `${w.fake.url}/gateway/` });
    // The fake has no /gateway/ prefix: the portal answers 302, which must not be followed.
    expect(await prefixed.listKeys(alice, alice.memberId)).toMatchObject({ ok: false, code: 'unexpected_answer' });
    expect(methods()).toEqual(['GET /gateway/api_key/']);
  });
});

describe('fake TWCC gateway rules', () => {
  const get = (path: string, headers: Record<string, string>) => request(`${w.fake.url}${path}`, { headers }).then(async (r) => ({ status: r.statusCode, location: r.headers['location'], body: await r.body.text() }));

  it('answers 301 to a path without its trailing slash, 302 to an unknown path, 403 to a wrong x-api-host, 401 without a key', async () => {
    await world();
    const key = w.fake.users.alice!.apiKey;
    expect(await get('/api_key', { 'x-api-key': key, 'x-api-host': 'admin' })).toMatchObject({ status: 301, location: '/api_key/' });
    expect((await get('/nothing/here/', { 'x-api-key': key })).status).toBe(302);
    expect(await get('/api_key/', { 'x-api-key': key, 'x-api-host': 'goc' })).toMatchObject({ status: 403 });
    expect(await get(`/api/v3/${w.fake.sites.ccs}/projects/`, { 'x-api-key': key, 'x-api-host': w.fake.sites.vcs })).toMatchObject({ status: 403 });
    expect(await get('/api_key/', { 'x-api-host': 'admin' })).toMatchObject({ status: 401 });
  });
});
