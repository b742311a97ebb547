import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalRegistry } from '../../src/backends/local/registry.js';
import type { Actor, Backend } from '../../src/backends/port.js';
import { TwccBackend } from '../../src/backends/twcc/index.js';
import type { Result } from '../../src/result.js';
import { openStore } from '../../src/store/index.js';
import { startFakeTwcc } from '../fakes/twcc.js';

/** What every Backend must do alike, run against the embedded registry and TWCC (on its fake). */
interface World {
  backend: Backend;
  actor(name: 'admin' | 'alice'): Promise<Actor>;
  close(): Promise<void>;
}

const value = <T>(r: Result<T>): T => {
  if (!r.ok) throw new Error(`expected ok, got ${r.code} ${r.detail ?? ''}`);
  return r.value;
};

async function tempStore() {
  const dir = mkdtempSync(join(tmpdir(), 'chatops-contract-'));
  const store = await openStore(`sqlite://${join(dir, 's.sqlite')}`);
  return { store, done: async () => (await store.close(), rmSync(dir, { recursive: true, force: true })) };
}

const worlds: [string, () => Promise<World>][] = [
  [
    'local',
    async () => {
      const { store, done } = await tempStore();
      const backend = new LocalRegistry(store);
      return {
        backend,
        async actor(name) {
          await backend.ensureMember(name);
          return { chatKey: `local:${name}`, memberId: name, role: name === 'admin' ? 'admin' : 'user' };
        },
        close: done,
      };
    },
  ],
  [
    'twcc',
    async () => {
      const { store, done } = await tempStore();
      const fake = await startFakeTwcc();
      const backend = new TwccBackend({
        apiUrl: fake.url,
        project: fake.project.name,
        vcsSite: fake.sites.vcs,
        ccsSite: fake.sites.ccs,
        quotaWrite: true,
        store,
        encryptionKey: randomBytes(32),
        retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 },
      });
      return {
        backend,
        async actor(name) {
          const who = value(await backend.login(`slack:${name}`, fake.users[name]!.apiKey));
          return { chatKey: `slack:${name}`, memberId: who.memberId, role: who.role };
        },
        close: async () => (await backend.close(), await fake.close(), await done()),
      };
    },
  ],
];

describe.each(worlds)('%s backend contract', (_name, makeWorld) => {
  let world: World;
  afterEach(() => world.close());

  it('creates a key whose secret is returned once and never listed', async () => {
    world = await makeWorld();
    const alice = await world.actor('alice');
    const { key, secret } = value(await world.backend.createKey(alice));
    expect(secret.length).toBeGreaterThanOrEqual(16);
    expect(key.owner).toBe(alice.memberId);
    const listed = value(await world.backend.listKeys(alice, alice.memberId));
    const mine = listed.find((k) => k.id === key.id);
    expect(mine).toBeDefined();
    expect(JSON.stringify(listed)).not.toContain(secret);
  });

  it('extends a key by whole days and deletes it', async () => {
    world = await makeWorld();
    const alice = await world.actor('alice');
    const { key } = value(await world.backend.createKey(alice));
    const extended = value(await world.backend.extendKey(alice, key.id, 10));
    expect(extended.verdict).toBe('applied');
    expect(extended.before.expiresAt).toBe(key.expiresAt);
    expect(Date.parse(extended.shown!.expiresAt!) - Date.parse(key.expiresAt!)).toBeGreaterThanOrEqual(10 * 86_400_000 - 2_000);
    value(await world.backend.deleteKey(alice, key.id));
    expect(value(await world.backend.listKeys(alice, alice.memberId)).some((k) => k.id === key.id)).toBe(false);
    expect(await world.backend.getKey(alice, key.id)).toMatchObject({ ok: false, code: 'key_not_found' });
  });

  it('offers both services when configured with both (the twcc world sets TWCC_CCS_SITE)', async () => {
    world = await makeWorld();
    expect([...world.backend.capabilities.services].sort()).toEqual(['ccs', 'vcs']);
  });

  it('reports quotas: a user sees only their own row, an admin every member', async () => {
    world = await makeWorld();
    const admin = await world.actor('admin');
    const alice = await world.actor('alice');
    const own = value(await world.backend.getQuotas(alice, 'vcs', alice.memberId));
    expect(own.members.map((m) => m.member.id)).toEqual([alice.memberId]);
    const all = value(await world.backend.getQuotas(admin, 'vcs'));
    expect(all.members.map((m) => m.member.id)).toContain(alice.memberId);
    expect(all.members.length).toBeGreaterThan(1);
  });

  it('applies an admin’s quota change, memory in MB', async () => {
    world = await makeWorld();
    const admin = await world.actor('admin');
    const alice = await world.actor('alice');
    const change = value(await world.backend.setQuota(admin, alice.memberId, 'vcs', { gpu: 3, memory: 65536 }));
    expect(change).toMatchObject({ verdict: 'applied', requested: { gpu: 3, memory: 65536 }, shown: { gpu: { quota: 3 }, memory: { quota: 65536 } } });
    const after = value(await world.backend.getQuotas(admin, 'vcs', alice.memberId)).members[0]!;
    expect(after.resources.gpu.quota).toBe(3);
    expect(after.resources.memory.quota).toBe(65536);
    expect(await world.backend.setQuota(alice, alice.memberId, 'vcs', { gpu: 9 })).toMatchObject({ ok: false, code: 'forbidden' });
  });
});
