import { afterEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/backends/port.js';
import { startWorld, valueOf, type TwccWorld } from './setup.js';

/** What a TWCC answer means, when the live gateway says more than its documents (twcc-api.md, "Quirks"). */
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
const calls = () => w.fake.requests.map((r) => `${r.method} ${r.path}`);

describe('a 2xx is not always success', () => {
  it('a 200 {"message"} where a key list is expected is unexpected_answer, naming the call and the message', async () => {
    await world();
    w.fake.quirks.noRoute = (r) => r.path === '/api_key/';
    expect(await w.backend.listKeys(alice, alice.memberId)).toEqual({
      ok: false,
      code: 'unexpected_answer',
      detail: `GET /api_key/ answered 200 with only a message: "${NO_ROUTE}"`,
    });
    // Not retried: the same route answers the same.
    expect(calls()).toEqual(['GET /api_key/']);
  });

  it('a 200 {"detail"} on quotas is unexpected_answer too', async () => {
    await world();
    w.fake.failNext({ status: 200, body: { detail: 'gateway says hi' } }, 1, (r) => r.path.includes('project_quotas'));
    const r = await w.backend.getQuotas(admin, 'vcs');
    expect(r).toMatchObject({ ok: false, code: 'unexpected_answer' });
    expect(!r.ok && r.detail).toBe(`GET /api/v3/${w.fake.sites.vcs}/project_quotas/ answered 200 with only a message: "gateway says hi"`);
  });

  it('an object where a list is expected is unexpected_answer, naming the call', async () => {
    await world();
    w.fake.failNext({ status: 200, body: { id: 1, name: 'GOV108009' } }, 1, (r) => r.path.includes('user_quotas'));
    const r = await w.backend.getQuotas(alice, 'vcs');
    expect(r).toMatchObject({ ok: false, code: 'unexpected_answer' });
    expect(!r.ok && r.detail).toMatch(/^GET \/api\/v3\/.+\/user_quotas\/ answered an unexpected shape: \(body\): Invalid input: expected array, received object$/);
  });

  it('HTML with a 200 is unexpected_answer on a read and maybe_applied on a write', async () => {
    await world();
    w.fake.failNext({ status: 200, body: '<html>portal</html>' }, 1, (r) => r.method === 'GET');
    // The fake sends the body as a JSON string: not a list.
    expect(await w.backend.listKeys(alice, alice.memberId)).toMatchObject({ ok: false, code: 'unexpected_answer' });
    w.fake.failNext('malformed', 1, (r) => r.method === 'POST');
    expect(await w.backend.createKey(alice)).toEqual({ ok: false, code: 'maybe_applied', detail: 'POST /api_key/ answered 200 with a body that is not JSON (application/json)' });
  });

  it('a write answered 200 {"message"} is maybe_applied: the bot cannot say it was not done', async () => {
    await world();
    w.fake.quirks.noRoute = (r) => r.method === 'POST';
    expect(await w.backend.createKey(alice)).toEqual({ ok: false, code: 'maybe_applied', detail: `POST /api_key/ answered 200 with only a message: "${NO_ROUTE}"` });
  });
});

describe('status codes by meaning', () => {
  it('401 "[i-service] no quota to request resource" is credit_exhausted, not a bad key', async () => {
    await world();
    w.fake.quirks.creditExhausted = true;
    const r = await w.backend.getQuotas(alice, 'vcs');
    expect(r).toEqual({ ok: false, code: 'credit_exhausted', detail: `GET /api/v3/${w.fake.sites.vcs}/project_quotas/ answered 401: [i-service] no quota to request resource` });
  });

  it('401 "Your request is unauthorized" is credential_invalid; any other 401 says what TWCC said', async () => {
    await world();
    w.fake.failNext({ status: 401, body: { message: 'Your request is unauthorized' } });
    expect(await w.backend.listKeys(alice, alice.memberId)).toMatchObject({ ok: false, code: 'credential_invalid' });
    w.fake.failNext({ status: 401, body: { message: 'rate plan suspended' } });
    expect(await w.backend.listKeys(alice, alice.memberId)).toEqual({ ok: false, code: 'backend_error', detail: 'GET /api_key/ answered 401: rate plan suspended' });
  });

  it('404 "40401: Project … not found" drops the cached id and looks it up once more', async () => {
    await world();
    const vcs = w.fake.sites.vcs;
    w.fake.renumberProject(vcs, 4321);
    const report = valueOf(await w.backend.getQuotas(alice, 'vcs'));
    expect(report.members.map((m) => m.member.id)).toEqual([alice.memberId]);
    expect(calls().filter((c) => c.endsWith('/projects/'))).toEqual([`GET /api/v3/${vcs}/projects/`]);
    expect(calls()).toContain(`GET /api/v3/${vcs}/projects/4321/user_quotas/`);
    // The new id is kept.
    w.fake.requests.length = 0;
    valueOf(await w.backend.getQuotas(alice, 'vcs'));
    expect(calls().filter((c) => c.endsWith('/projects/'))).toEqual([]);
  });

  it('503 "50301: … does not exist" is not retried blindly: one fresh look-up, then project_not_visible', async () => {
    await world();
    const vcs = w.fake.sites.vcs;
    w.fake.quirks.projectGone = [vcs];
    const r = await w.backend.getQuotas(alice, 'vcs');
    expect(r).toMatchObject({ ok: false, code: 'project_not_visible' });
    expect(!r.ok && r.detail).toContain('50301: The project 1234 does not exist');
    expect(!r.ok && r.detail).toContain(`TWCC still lists GOV108009 as project 1234 on ${vcs}`);
    // Read once, one fresh look-up that finds the same id, and no second try.
    expect(calls().filter((c) => c.includes('project_quotas'))).toHaveLength(1);
    expect(calls().filter((c) => c.endsWith('/projects/'))).toHaveLength(1);
  });
});
