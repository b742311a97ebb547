import { existsSync, readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startWorld, valueOf, type TwccWorld } from './setup.js';

let w: TwccWorld;
beforeEach(async () => {
  w = await startWorld();
});
afterEach(async () => {
  await w.close();
});

describe('twcc login', () => {
  it('checks a tenant admin key with GET /api/v2/users/ and reads the role from associating_projects', async () => {
    const admin = w.fake.users.admin!;
    const identity = valueOf(await w.backend.login('slack:U1', `  ${admin.apiKey}\n`));
    expect(identity).toEqual({ memberId: admin.id, username: 'u_admin01', role: 'admin', via: 'users-endpoint' });
    const vcs = w.fake.sites.vcs;
    // The last call checks that this key can see TWCC_PROJECT.
    expect(w.fake.requests.map((r) => `${r.method} ${r.path} @${r.headers['x-api-host']}`)).toEqual([
      'GET /api/v2/users/ @goc',
      `GET /api/v2/users/${admin.id}/ @goc`,
      `GET /api/v3/${vcs}/projects/ @${vcs}`,
    ]);
    for (const r of w.fake.requests) {
      expect(r.headers['x-api-key']).toBe(admin.apiKey);
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['user-agent']).toMatch(/^twcc-chatops\/\d+\.\d+\.\d+/);
      expect(r.body).toBeUndefined();
    }
  });

  it('maps a project member to the user role (tenant_admin elsewhere does not count)', async () => {
    const alice = w.fake.users.alice!;
    expect(valueOf(await w.backend.login('slack:U2', alice.apiKey))).toEqual({ memberId: alice.id, username: 'u_alice88', role: 'user', via: 'users-endpoint' });
  });

  it('refuses a TWCC user who is not in TWCC_PROJECT, and stores nothing', async () => {
    const r = await w.backend.login('slack:U3', w.fake.users.outsider!.apiKey);
    expect(r).toEqual({ ok: false, code: 'project_not_visible', detail: 'TWCC user u_out07 is not a member of project GOV108009' });
    expect(await w.store.collection('credentials').get('slack:U3')).toBeUndefined();
  });

  it('answers credential_invalid for a wrong key, and stores nothing', async () => {
    const r = await w.backend.login('slack:U4', randomBytes(20).toString('hex'));
    expect(r).toEqual({ ok: false, code: 'credential_invalid', detail: 'GET /api/v2/users/ answered 401: Your request is unauthorized' });
    expect(await w.store.collection('credentials').get('slack:U4')).toBeUndefined();
  });

  it('answers credential_invalid for an expired key, saying so', async () => {
    const r = await w.backend.login('slack:U5', w.fake.users.alice!.expiredKey);
    expect(r).toMatchObject({ ok: false, code: 'credential_invalid' });
    expect(!r.ok && r.detail).toBe('GET /api/v2/users/ answered 401: Your request is unauthorized. Key is expired.');
  });

  it('rejects text that cannot be a key without calling TWCC', async () => {
    for (const bad of ['', 'short', 'has a space in it', 'line\nbreak-in-the-key-value']) {
      expect(await w.backend.login('slack:U6', bad)).toMatchObject({ ok: false, code: 'credential_invalid' });
    }
    expect(w.fake.requests).toEqual([]);
  });

  it('uses each acting member its own key', async () => {
    const admin = await w.loginAs('admin');
    const alice = await w.loginAs('alice');
    w.fake.requests.length = 0;
    valueOf(await w.backend.listKeys(alice, alice.memberId));
    valueOf(await w.backend.listKeys(admin, admin.memberId));
    expect(w.fake.requests.map((r) => r.headers['x-api-key'])).toEqual([w.fake.users.alice!.apiKey, w.fake.users.admin!.apiKey]);
  });

  it('says not_logged_in, with no call to TWCC, for a chat user without a stored key', async () => {
    const actor = { chatKey: 'slack:nobody', memberId: 'x', role: 'user' as const };
    expect(await w.backend.listKeys(actor, 'x')).toEqual({ ok: false, code: 'not_logged_in' });
    expect(await w.backend.getQuotas(actor, 'vcs')).toEqual({ ok: false, code: 'not_logged_in' });
    expect(await w.backend.createKey(actor)).toEqual({ ok: false, code: 'not_logged_in' });
    expect(w.fake.requests).toEqual([]);
  });

  it('forgets the key at logout', async () => {
    const alice = await w.loginAs('alice');
    await w.backend.logout(alice.chatKey);
    expect(await w.backend.listKeys(alice, alice.memberId)).toEqual({ ok: false, code: 'not_logged_in' });
  });

  it('reports credential_invalid once the stored key expires or is revoked', async () => {
    const alice = await w.loginAs('alice');
    w.fake.users.alice!.keys[0]!.expired_time = 1;
    const r = await w.backend.listKeys(alice, alice.memberId);
    expect(r).toMatchObject({ ok: false, code: 'credential_invalid' });
    expect(!r.ok && r.detail).toContain('Key is expired');
  });

  it('refreshes the role from TWCC', async () => {
    const alice = await w.loginAs('alice');
    w.fake.users.alice!.role = 'tenant_admin';
    expect(await w.backend.refreshRole(alice)).toEqual({ ok: true, value: 'admin' });
    w.fake.users.alice!.role = null;
    expect(await w.backend.refreshRole(alice)).toMatchObject({ ok: false, code: 'project_not_visible' });
  });

  it('does not use a stored key for an actor linked to another member', async () => {
    const alice = await w.loginAs('alice');
    expect(await w.backend.listKeys({ ...alice, memberId: 'someone-else' }, 'someone-else')).toMatchObject({ ok: false, code: 'credential_invalid' });
  });
});

describe('stored TWCC credentials', () => {
  it('are not readable in the SQLite file', async () => {
    await w.loginAs('alice');
    await w.loginAs('admin');
    await w.store.close();
    const files = [w.dbPath, `${w.dbPath}-wal`, `${w.dbPath}-journal`].filter((f) => existsSync(f));
    const bytes = Buffer.concat(files.map((f) => readFileSync(f)));
    // The records are there (not a vacuous pass), the keys are not, in any common encoding.
    expect(bytes.includes('slack:alice')).toBe(true);
    expect(bytes.includes('sealed')).toBe(true);
    for (const user of [w.fake.users.alice!, w.fake.users.admin!]) {
      for (const form of [user.apiKey, Buffer.from(user.apiKey).toString('base64'), Buffer.from(user.apiKey).toString('base64url'), Buffer.from(user.apiKey).toString('hex')]) {
        expect(bytes.includes(form)).toBe(false);
      }
    }
  });

  it('do not open under another chat user, or under another ENCRYPTION_KEY', async () => {
    const alice = await w.loginAs('alice');
    const record = await w.store.collection('credentials').get('slack:alice');
    await w.store.collection('credentials').put('slack:mallory', record);
    const copied = await w.backend.listKeys({ ...alice, chatKey: 'slack:mallory' }, alice.memberId);
    expect(copied).toMatchObject({ ok: false, code: 'credential_invalid' });

    const rekeyed = w.another({ encryptionKey: randomBytes(32) });
    expect(await rekeyed.listKeys(alice, alice.memberId)).toEqual({
      ok: false,
      code: 'credential_invalid',
      detail: 'the stored key cannot be decrypted (was ENCRYPTION_KEY changed?)',
    });
    expect(w.fake.requests.filter((r) => r.path === '/api_key/')).toEqual([]);
  });

  it('are used by another backend on the same store (another replica)', async () => {
    const alice = await w.loginAs('alice');
    const replica = w.another();
    expect(valueOf(await replica.listKeys(alice, alice.memberId)).length).toBeGreaterThan(0);
  });

  it('never reach a log line', async () => {
    await w.loginAs('alice');
    const admin = await w.loginAs('admin');
    const created = valueOf(await w.backend.createKey(admin));
    await w.backend.login('slack:x', w.fake.users.bob!.expiredKey);
    const text = w.logs.join('\n');
    expect(w.logs.length).toBeGreaterThan(0);
    for (const secret of [w.fake.users.alice!.apiKey, w.fake.users.admin!.apiKey, w.fake.users.bob!.expiredKey, created.secret]) {
      expect(text).not.toContain(secret);
    }
  });
});
