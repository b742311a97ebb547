import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Installation } from '@slack/oauth';
import { afterEach, describe, expect, it } from 'vitest';
import { SlackInstallations, type RefreshedToken } from '../../../src/installations/index.js';
import { openStore, type Store } from '../../../src/store/index.js';
import type { Collection, CollectionName } from '../../../src/store/port.js';

let store: Store | undefined;
let dir: string | undefined;

afterEach(async () => {
  await store?.close();
  store = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

async function sqlite(): Promise<Store> {
  dir = mkdtempSync(join(tmpdir(), 'chatops-installations-'));
  return (store = await openStore(`sqlite://${join(dir, 'store.sqlite')}`));
}

const key = () => randomBytes(32);

/**
 * The real store, watched: `next()` resolves when, from then on, someone asks for an installation's lock or
 * has deleted an installation: the moment an uninstall has gone as far as it can while a refresh is under way.
 */
function watched(store: Store): { store: Store; next(): Promise<void> } {
  let seen: (() => void) | undefined;
  const tell = () => seen?.();
  return {
    next: () => new Promise<void>((r) => (seen = r)),
    store: {
      kind: store.kind,
      claim: (k, ttlMs) => {
        if (k.startsWith('lock:slack-installation:')) tell();
        return store.claim(k, ttlMs);
      },
      increment: (k, windowMs) => store.increment(k, windowMs),
      count: (k) => store.count(k),
      ping: () => store.ping(),
      close: () => store.close(),
      collection<T>(name: CollectionName): Collection<T> {
        const real = store.collection<T>(name);
        return {
          ...real,
          async delete(id) {
            const deleted = await real.delete(id);
            tell();
            return deleted;
          },
        };
      },
    },
  };
}

/** An installation as Bolt's InstallProvider hands it over after oauth.v2.access. */
const labA = (token = 'xoxe.xoxb-A-1', refreshToken = 'xoxe-1-A-1', expiresAt = Math.floor(Date.now() / 1000) + 600): Installation =>
  ({
    team: { id: 'TLABA', name: 'Lab A' },
    enterprise: undefined,
    user: { id: 'UINSTALLER', token: undefined, scopes: undefined },
    bot: { id: 'BA', userId: 'UBOT-A', scopes: ['commands'], token, refreshToken, expiresAt },
    isEnterpriseInstall: false,
    authVersion: 'v2',
    appId: 'A0001',
  }) as Installation;

describe('the Slack installation store on the store port', () => {
  it('keeps the tokens only sealed, bound to their record: copied under another workspace, they do not open', async () => {
    const s = await sqlite();
    const installations = new SlackInstallations(s, key());
    await installations.storeInstallation(labA());
    const raw = await s.collection<Record<string, unknown>>('installations').get('team:TLABA');
    expect(JSON.stringify(raw)).not.toMatch(/xoxe/);
    expect((await installations.fetchInstallation({ teamId: 'TLABA', enterpriseId: undefined, isEnterpriseInstall: false })).bot?.token).toBe('xoxe.xoxb-A-1');

    await s.collection('installations').put('team:TLABB', { ...raw, id: 'team:TLABB', teamId: 'TLABB' });
    await expect(installations.botTokenFor('TLABB')).rejects.toThrow(/does not open \(was ENCRYPTION_KEY changed\?\); install the app again/);
    // Another ENCRYPTION_KEY opens nothing either, and says so.
    await expect(new SlackInstallations(s, key()).botTokenFor('TLABA')).rejects.toThrow(/does not open/);
  });

  it('a refresh under way never brings back an installation an uninstall deletes meanwhile', async () => {
    const s = await sqlite();
    let release!: (t: RefreshedToken) => void;
    let refreshing!: () => void;
    const started = new Promise<void>((r) => (refreshing = r));
    const watch = watched(s);
    const installations = new SlackInstallations(watch.store, key(), {
      refresher: () => {
        refreshing();
        return new Promise<RefreshedToken>((r) => (release = r));
      },
    });
    await installations.storeInstallation(labA());
    const refresh = installations.refreshDue();
    await started;
    // The uninstall arrives while Slack is answering the refresh: it waits for the installation's lock.
    const uninstallWaits = watch.next();
    const uninstall = installations.uninstalled({ teamId: 'TLABA', isEnterpriseInstall: false }, Date.now() + 1_000);
    await uninstallWaits;
    release({ accessToken: 'xoxe.xoxb-A-2', refreshToken: 'xoxe-1-A-2', expiresInSeconds: 43_200 });
    expect(await refresh).toEqual({ refreshed: 1, alreadyFresh: 0, failed: 0 });
    expect(await uninstall).toBe(true);
    expect(await s.collection('installations').values()).toEqual([]);
    await expect(installations.botTokenFor('TLABA')).resolves.toBeUndefined();
  });

  it('refuses an installation without a bot token, naming why', async () => {
    const installations = new SlackInstallations(await sqlite(), key());
    const userOnly = { ...labA(), bot: undefined } as Installation;
    await expect(installations.storeInstallation(userOnly)).rejects.toThrow('the installation has no bot token; the app must request bot scopes');
  });
});
