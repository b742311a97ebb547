import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Actor } from '../../../src/backends/port.js';
import { apiKeyFields } from '../../../src/backends/twcc/assumptions.js';
import { startWorld, valueOf, type TwccWorld } from './setup.js';

/** Key records in every reported shape, and keys tied to TWCC_PROJECT (twcc-api.md, "Quirks"). */
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

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();
const list = async () => valueOf(await w.backend.listKeys(alice, alice.memberId));

describe('tolerant key records', () => {
  it('reads a {"data": [...]} envelope like a bare list', async () => {
    const bare = await list();
    w.fake.quirks.keyEnvelope = true;
    expect(await list()).toEqual(bare);
  });

  for (const times of ['seconds', 'ms', 'iso'] as const) {
    it(`reads key times sent as ${times}`, async () => {
      w.fake.quirks.keyTimes = times;
      const k = w.fake.users.alice!.keys[2]!;
      expect((await list()).find((x) => x.id === String(k.id))).toMatchObject({ createdAt: iso(k.created_at), expiresAt: iso(k.expired_time) });
    });
  }

  for (const created of apiKeyFields.created) {
    for (const expires of apiKeyFields.expires) {
      it(`reads the times under ${created} and ${expires}`, async () => {
        w.fake.quirks.keyTimeFields = { created, expires };
        const [main] = await list();
        const k = w.fake.users.alice!.keys[0]!;
        expect(main).toMatchObject({ createdAt: iso(k.created_at), expiresAt: iso(k.expired_time) });
        expect(main!.unknown).toBeUndefined();
      });
    }
  }

  it('shows a key’s name when TWCC sends one', async () => {
    w.fake.quirks.keyNames = true;
    const named = w.fake.addKey('alice', { name: 'ci-runner' });
    expect((await list()).find((k) => k.id === String(named.id))!.name).toBe('ci-runner');
  });

  it('marks a time it cannot read as unknown in that row, and a row without an id is left out, never failing the list', async () => {
    const k = w.fake.users.alice!.keys[2]!;
    w.fake.failNext({
      status: 200,
      body: [
        { id: k.id, key: k.key, project: 'GOV108009', created_at: 'yesterday-ish', status: 'active' },
        { key: 'no-id-here', project: 'GOV108009' },
        { id: 999, project: 'GOV108009', create_time: 1700000000, expires_at: null },
      ],
    });
    const keys = await list();
    expect(keys.map((x) => x.id)).toEqual([String(k.id), '999']);
    expect(keys[0]).toMatchObject({ createdAt: '', expiresAt: null, unknown: ['created', 'expires'] });
    // null is "never expires", not unknown.
    expect(keys[1]).toMatchObject({ createdAt: iso(1700000000), expiresAt: null, masked: '…' });
    expect(keys[1]!.unknown).toBeUndefined();
    expect(w.logs.some((l) => l.includes('"skipped":1'))).toBe(true);
  });
});

describe('keys of TWCC_PROJECT only', () => {
  it('lists disabled keys (?show_all=true) and marks them', async () => {
    const off = w.fake.addKey('alice', { status: 'disabled' });
    const listed = (await list()).find((k) => k.id === String(off.id));
    expect(listed).toMatchObject({ status: 'disabled', disabled: true });
    expect(w.fake.requests[0]!.query).toEqual({ show_all: 'true' });
  });

  it('never lists, extends or deletes a key of another project', async () => {
    const other = w.fake.addKey('alice', { project: 'OTHER1234' });
    const before = other.expired_time;
    expect((await list()).map((k) => k.id)).not.toContain(String(other.id));
    expect(await w.backend.getKey(alice, String(other.id))).toEqual({ ok: false, code: 'not_in_project', detail: `key ${other.id} belongs to another project than GOV108009` });
    expect(await w.backend.extendKey(alice, String(other.id), 30)).toMatchObject({ ok: false, code: 'not_in_project' });
    expect(await w.backend.deleteKey(alice, String(other.id))).toMatchObject({ ok: false, code: 'not_in_project' });
    expect(w.fake.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(w.fake.users.alice!.keys.find((k) => k.id === other.id)!.expired_time).toBe(before);
  });

  it('takes a key whose project is given as the project’s numeric id as one of this project', async () => {
    const byId = w.fake.addKey('alice', { project: String(w.fake.project.ids[w.fake.sites.vcs]) });
    expect((await list()).map((k) => k.id)).toContain(String(byId.id));
  });

  it('shows a key without a project as unknown, and does not manage it', async () => {
    const k = w.fake.users.alice!.keys[2]!;
    w.fake.failNext({ status: 200, body: [{ id: k.id, created_at: k.created_at, expired_time: k.expired_time }] });
    expect(await list()).toMatchObject([{ id: String(k.id), project: '', unknown: ['project'] }]);
    w.fake.failNext({ status: 200, body: [{ id: k.id, created_at: k.created_at, expired_time: k.expired_time }] });
    expect(await w.backend.deleteKey(alice, String(k.id))).toEqual({ ok: false, code: 'not_in_project', detail: `TWCC does not say which project key ${k.id} belongs to` });
  });
});

describe('the login key', () => {
  it('is marked usedForLogin, whole or masked by TWCC', async () => {
    const mainId = String(w.fake.users.alice!.keys[0]!.id);
    const marks = (keys: { id: string; usedForLogin?: boolean }[]) => keys.map((k) => [k.id === mainId, k.usedForLogin]);
    expect(marks(await list())).toEqual([
      [true, true],
      [false, false],
      [false, false],
    ]);
    await w.close();
    w = await startWorld({ maskKeysInList: true });
    alice = await w.loginAs('alice');
    const masked = await list();
    expect(masked.filter((k) => k.usedForLogin).map((k) => k.id)).toEqual([String(w.fake.users.alice!.keys[0]!.id)]);
  });
});
