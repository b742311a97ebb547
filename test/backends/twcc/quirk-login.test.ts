import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, valueOf, type TwccWorld } from './setup.js';

/** Login when `/api/v2/users/` is gone (reported 2026), and the key must see TWCC_PROJECT. */
let w: TwccWorld;
afterEach(async () => {
  await w.close();
});

/** What the backend answers a chat user who has no stored key: not_logged_in, with no call to TWCC. */
const storedKeyOf = (chatKey: string) => w.backend.listKeys({ chatKey, memberId: 'm', role: 'user' }, 'm');
const calls = () => w.fake.requests.map((r) => `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ''}`);

describe('twcc login without /api/v2/users/', () => {
  for (const gone of [404, 'redirect', 'message'] as const) {
    it(`falls back to the v3 calls when the users endpoint answers ${gone === 'message' ? '200 {"message"}' : gone}, for a tenant admin and a member`, async () => {
      w = await startWorld();
      w.fake.quirks.usersEndpoint = gone;
      const admin = w.fake.users.admin!;
      const alice = w.fake.users.alice!;
      expect(valueOf(await w.backend.login('slack:admin', admin.apiKey))).toEqual({ memberId: admin.id, username: 'u_admin01', role: 'admin', via: 'v3-fallback' });
      expect(valueOf(await w.backend.login('slack:alice', alice.apiKey))).toEqual({ memberId: alice.id, username: 'u_alice88', role: 'user', via: 'v3-fallback' });
      expect(w.fake.loginPageRequests).toEqual([]);
    });
  }

  it('reads the role from user_quotas/ (all members readable: admin; 403: member) and the owner from the key list', async () => {
    w = await startWorld();
    w.fake.quirks.usersEndpoint = 404;
    const alice = w.fake.users.alice!;
    valueOf(await w.backend.login('slack:alice', alice.apiKey));
    const vcs = w.fake.sites.vcs;
    expect(calls()).toEqual([
      'GET /api/v2/users/',
      `GET /api/v3/${vcs}/projects/?name=GOV108009`,
      `GET /api/v3/${vcs}/projects/1234/user_quotas/`,
      'GET /api_key/?show_all=true',
      `GET /api/v3/${vcs}/projects/1234/user_quotas/?user=${alice.id}`,
    ]);
    expect(w.logs.some((l) => l.includes('"via":"v3-fallback"') && l.includes('"msg":"twcc login"') && l.includes('"level":30'))).toBe(true);
    expect(w.logs.some((l) => l.includes('GET /api/v2/users/ answered 404'))).toBe(true);
  });

  it('falls back when only the user detail is gone, and names the owner by user_id', async () => {
    w = await startWorld();
    w.fake.quirks.keyOwner = 'user_id';
    w.fake.failNext(404, 1, (r) => /^\/api\/v2\/users\/.+\/$/.test(r.path) && r.path !== '/api/v2/users/');
    const bob = w.fake.users.bob!;
    expect(valueOf(await w.backend.login('slack:bob', bob.apiKey))).toEqual({ memberId: bob.id, username: 'u_bob42', role: 'user', via: 'v3-fallback' });
  });

  it('says plainly when neither path can tell whose key it is', async () => {
    w = await startWorld();
    w.fake.quirks.usersEndpoint = 404;
    w.fake.quirks.keyOwner = 'none';
    const r = await w.backend.login('slack:alice', w.fake.users.alice!.apiKey);
    expect(r).toEqual({
      ok: false,
      code: 'unexpected_answer',
      detail: 'GET /api/v2/users/ answered 404: Not found., and GET /api_key/ names no owner of its keys: the bot cannot tell whose key this is',
    });
    expect(await storedKeyOf('slack:alice')).toEqual({ ok: false, code: 'not_logged_in' });
  });

  it('refreshes the role through the v3 calls too', async () => {
    w = await startWorld();
    w.fake.quirks.usersEndpoint = 'redirect';
    const alice = await w.loginAs('alice');
    w.fake.users.alice!.role = 'tenant_admin';
    expect(await w.backend.refreshRole(alice)).toEqual({ ok: true, value: 'admin' });
  });
});

describe('twcc login: roles and the project', () => {
  it('takes the role "admin" in associating_projects as a tenant admin', async () => {
    w = await startWorld();
    w.fake.users.bob!.role = 'admin';
    expect(valueOf(await w.backend.login('slack:bob', w.fake.users.bob!.apiKey)).role).toBe('admin');
  });

  it('refuses a key that cannot see TWCC_PROJECT, on either path, and stores nothing', async () => {
    w = await startWorld();
    const outsider = w.fake.users.outsider!.apiKey;
    expect(await w.backend.login('slack:o', outsider)).toMatchObject({ ok: false, code: 'project_not_visible' });
    w.fake.quirks.usersEndpoint = 404;
    expect(await w.backend.login('slack:o', outsider)).toEqual({
      ok: false,
      code: 'project_not_visible',
      detail: `GET /api/v3/${w.fake.sites.vcs}/projects/?name=GOV108009 lists no project GOV108009 for this key`,
    });
    expect(await storedKeyOf('slack:o')).toEqual({ ok: false, code: 'not_logged_in' });
  });

  it('says credit_exhausted at login when TWCC refuses the v3 calls for credit', async () => {
    w = await startWorld();
    w.fake.quirks.creditExhausted = true;
    expect(await w.backend.login('slack:alice', w.fake.users.alice!.apiKey)).toMatchObject({ ok: false, code: 'credit_exhausted' });
  });
});
