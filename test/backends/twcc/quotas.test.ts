import { afterEach, describe, expect, it } from 'vitest';
import { startWorld, valueOf, type TwccWorld } from './setup.js';

let w: TwccWorld | undefined;
afterEach(async () => {
  await w?.close();
  w = undefined;
});

async function world(opts: Parameters<typeof startWorld>[0] = {}) {
  w = await startWorld(opts);
  const admin = await w.loginAs('admin');
  const alice = await w.loginAs('alice');
  w.fake.requests.length = 0;
  return { w, admin, alice };
}

const calls = (w: TwccWorld) => w.fake.requests.map((r) => `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query)}` : ''} @${r.headers['x-api-host']}`);

describe('twcc quotas', () => {
  it('shows an admin the project and every member, with the site as x-api-host', async () => {
    const { w, admin } = await world();
    const vcs = w.fake.sites.vcs;
    const report = valueOf(await w.backend.getQuotas(admin, 'vcs'));
    // The VCS project id was looked up at login.
    expect(calls(w).sort()).toEqual(
      [
        `GET /api/v3/${vcs}/project_quotas/?project=1234 @${vcs}`,
        `GET /api/v3/${vcs}/projects/1234/user_quotas/ @${vcs}`,
      ].sort(),
    );
    expect(report.service).toBe('vcs');
    expect(report.project).toEqual({ cpu: { usage: 40.5, quota: 256 }, gpu: { usage: 6, quota: 32 }, memory: { usage: 81920, quota: 1048576 } });
    expect(report.members.map((m) => m.member.username)).toEqual(['u_admin01', 'u_alice88', 'u_bob42']);
    const [adminRow, aliceRow] = report.members;
    expect(adminRow!.resources.cpu).toEqual({ usage: 4, quota: -1 });
    expect(aliceRow).toEqual({
      member: { id: w.fake.users.alice!.id, username: 'u_alice88', displayName: 'Alice' },
      resources: { cpu: { usage: 1.5, quota: 16 }, gpu: { usage: 0, quota: 2 }, memory: { usage: 2048.5, quota: 65536 } },
    });
  });

  it('shows a user the project totals and only their own row', async () => {
    const { w, alice } = await world();
    const ccs = w.fake.sites.ccs;
    const report = valueOf(await w.backend.getQuotas(alice, 'ccs'));
    expect(calls(w)).toContain(`GET /api/v3/${ccs}/projects/5678/user_quotas/?user=${alice.memberId} @${ccs}`);
    expect(report.project.memory).toEqual({ usage: 16384, quota: -1 });
    expect(report.members.map((m) => m.member.id)).toEqual([alice.memberId]);
  });

  it('lets TWCC refuse a user reading another member (403 → forbidden)', async () => {
    const { w, alice } = await world();
    const r = await w.backend.getQuotas(alice, 'vcs', w.fake.users.bob!.id);
    expect(r).toMatchObject({ ok: false, code: 'forbidden' });
    expect(!r.ok && r.detail).toContain('40301');
  });

  it('shows an admin one member on request, and member_not_found for a stranger', async () => {
    const { w, admin } = await world();
    const bob = w.fake.users.bob!;
    expect(valueOf(await w.backend.getQuotas(admin, 'vcs', bob.id)).members.map((m) => m.member.id)).toEqual([bob.id]);
    expect(await w.backend.getQuotas(admin, 'vcs', 'no-such-user')).toMatchObject({ ok: false, code: 'member_not_found' });
  });

  it('looks each site’s project id up once', async () => {
    const { w, admin, alice } = await world();
    for (let i = 0; i < 3; i++) {
      valueOf(await w.backend.getQuotas(admin, 'vcs'));
      valueOf(await w.backend.getQuotas(alice, 'ccs'));
    }
    // VCS: once at each login (the key must see the project); CCS: once, on first use.
    expect(w.fake.requests.filter((r) => r.path.endsWith('/projects/')).map((r) => r.path)).toEqual([`/api/v3/${w.fake.sites.ccs}/projects/`]);
  });

  it('lists members (admin: all, from user_quotas; user: self) and ensures one exists', async () => {
    const { w, admin, alice } = await world();
    expect(valueOf(await w.backend.listMembers(admin)).map((m) => m.username)).toEqual(['u_admin01', 'u_alice88', 'u_bob42']);
    expect(valueOf(await w.backend.listMembers(alice)).map((m) => m.username)).toEqual(['u_alice88']);
    expect(valueOf(await w.backend.ensureMember(w.fake.users.bob!.id)).username).toBe('u_bob42');
    expect(await w.backend.ensureMember(w.fake.users.outsider!.id)).toEqual({ ok: false, code: 'member_not_found' });
  });

  it('ensures a member with a logged-in admin’s key when it has no fresh member list', async () => {
    const { w } = await world();
    const replica = w.another();
    expect(valueOf(await replica.ensureMember(w.fake.users.bob!.id)).username).toBe('u_bob42');
    expect(w.fake.requests.every((r) => r.headers['x-api-key'] === w.fake.users.admin!.apiKey)).toBe(true);
  });

  it('fills summary rows one member at a time, never more than `fanout` calls in flight', async () => {
    const { w, admin } = await world({ summaryListing: true, extraMembers: 40, backend: { fanout: 4 } });
    w.fake.setDelay(5);
    w.fake.resetStats();
    const report = valueOf(await w.backend.getQuotas(admin, 'vcs'));
    expect(report.members).toHaveLength(43);
    expect(report.members.find((m) => m.member.username === 'u_m007')!.resources.cpu).toEqual({ usage: 2, quota: 8 });
    expect(w.fake.requests.filter((r) => r.query['user'] !== undefined)).toHaveLength(43);
    // The fan-out (4) plus the project totals read alongside it.
    expect(w.fake.maxInFlight).toBeLessThanOrEqual(5);
    expect(w.fake.maxInFlight).toBeGreaterThan(1);
  });
});

describe('twcc quota changes', () => {
  it('applies exactly one PATCH, memory in MB, when TWCC_QUOTA_WRITE is on', async () => {
    const { w, admin } = await world({ backend: { quotaWrite: true } });
    expect(w.backend.capabilities).toEqual({ login: true, adminLinks: false, quotaWrite: true, services: ['ccs', 'vcs'] });
    const alice = w.fake.users.alice!;
    const vcs = w.fake.sites.vcs;
    const applied = valueOf(await w.backend.setQuota(admin, alice.id, 'vcs', { memory: 64 * 1024, gpu: 4 }));
    const patches = w.fake.requests.filter((r) => r.method !== 'GET');
    expect(patches).toHaveLength(1);
    // Read back after the PATCH: the last call is the member's own row.
    expect(calls(w).at(-1)).toBe(`GET /api/v3/${vcs}/projects/1234/user_quotas/?user=${alice.id} @${vcs}`);
    expect(patches[0]).toMatchObject({
      method: 'PATCH',
      path: `/api/v3/${vcs}/projects/1234/user_quotas/`,
      query: { user: alice.id },
      body: { cpu: 16, gpu: 4, memory: 65536 },
    });
    expect(patches[0]!.headers).toMatchObject({ 'x-api-key': w.fake.users.admin!.apiKey, 'x-api-host': vcs });
    expect(applied).toEqual({
      verdict: 'applied',
      requested: { cpu: 16, gpu: 4, memory: 65536 },
      shown: { cpu: { usage: 1.5, quota: 16 }, gpu: { usage: 0, quota: 4 }, memory: { usage: 2048.5, quota: 65536 } },
    });
    expect(alice.quotas[vcs]!.memory.quota).toBe(65536);
  });

  it('says quota_write_unsupported, calling nothing, when TWCC_QUOTA_WRITE is off', async () => {
    const { w, admin, alice } = await world();
    expect(w.backend.capabilities.quotaWrite).toBe(false);
    expect(await w.backend.setQuota(admin, alice.memberId, 'vcs', { cpu: 8 })).toEqual({ ok: false, code: 'quota_write_unsupported' });
    expect(w.fake.requests).toEqual([]);
  });

  it('refuses more than the project has, and a non-admin, without a PATCH', async () => {
    const { w, admin, alice } = await world({ backend: { quotaWrite: true } });
    expect(await w.backend.setQuota(admin, alice.memberId, 'vcs', { gpu: 33 })).toEqual({ ok: false, code: 'quota_exceeds_project', detail: 'gpu: 33 > 32' });
    expect(await w.backend.setQuota(alice, alice.memberId, 'vcs', { gpu: 3 })).toEqual({ ok: false, code: 'forbidden' });
    // Unlimited (-1) project memory on CCS takes any amount.
    valueOf(await w.backend.setQuota(admin, alice.memberId, 'ccs', { memory: 10_000_000 }));
    expect(w.fake.requests.filter((r) => r.method === 'PATCH')).toHaveLength(1);
  });

  it('says member_not_found for someone outside the project', async () => {
    const { w, admin } = await world({ backend: { quotaWrite: true } });
    expect(await w.backend.setQuota(admin, w.fake.users.outsider!.id, 'vcs', { cpu: 1 })).toMatchObject({ ok: false, code: 'member_not_found' });
    expect(w.fake.requests.filter((r) => r.method === 'PATCH')).toEqual([]);
  });
});

