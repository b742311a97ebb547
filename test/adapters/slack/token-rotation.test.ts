import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RefreshReport } from '../../../src/installations/index.js';
import { startFakeSlack, type FakeSlack } from '../../fakes/slack.js';
import { POSTGRES_URL, REDIS_URL, uniquePrefix } from '../../helpers/store-urls.js';
import { Workspaces, type Place } from './workspaces.js';

const LAB_A: Place = { teamId: 'TLABA' };
const TWELVE_HOURS_S = 12 * 60 * 60;

let replicas: Workspaces[] = [];
let fake: FakeSlack | undefined;
let dir: string | undefined;

afterEach(async () => {
  await Promise.all(replicas.map((r) => r.close()));
  replicas = [];
  await fake?.stop();
  fake = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** The store two replicas share: one SQLite file, or this run's Redis or PostgreSQL under a fresh prefix. */
const stores: [string, () => { storeUrl: string; prefix?: string }][] = [
  ['SQLite', () => ({ storeUrl: `sqlite://${join((dir ??= mkdtempSync(join(tmpdir(), 'chatops-rotation-'))), 'shared.sqlite')}` })],
  ['Redis', () => ({ storeUrl: REDIS_URL, prefix: uniquePrefix('rotation') })],
  ['PostgreSQL', () => ({ storeUrl: POSTGRES_URL, prefix: uniquePrefix('rotation') })],
];

describe.each(stores)('Slack token rotation on %s', (_name, storeOf) => {
  it('two replicas race to refresh one expiring token: the refresh token is spent once, and the grant survives', async () => {
    fake = await startFakeSlack();
    // Eleven and a half hours after the install: the 12-hour token expires within the hour ahead.
    let now = Date.now();
    const clock = () => now;
    const shared = storeOf();
    const first = await Workspaces.start({ ...shared, fake, now: clock });
    replicas.push(first);
    const second = await Workspaces.start({ ...shared, fake, now: clock, encryptionKey: first.encryptionKey });
    replicas.push(second);

    await first.install({ team: { id: 'TLABA', name: 'Lab A' }, rotating: { expiresIn: TWELVE_HOURS_S } });
    const [installed] = first.fake.tokensOf('TLABA');
    expect(installed).toMatch(/^xoxe\.xoxb-TLABA-/);

    // Not due yet: nothing is refreshed.
    expect(await first.parts.installations.refreshDue()).toEqual({ refreshed: 0, alreadyFresh: 0, failed: 0 });

    now += 11.5 * 60 * 60 * 1000;
    // Slack takes its time answering, so both replicas are at it together; each accepts a refresh token once.
    fake.refreshDelayMs = 150;
    const reports: RefreshReport[] = await Promise.all([first.parts.installations.refreshDue(), second.parts.installations.refreshDue()]);
    expect(reports.map((r) => r.refreshed).sort()).toEqual([0, 1]);
    expect(reports.map((r) => r.alreadyFresh).sort()).toEqual([0, 1]);
    expect(reports.map((r) => r.failed)).toEqual([0, 0]);
    expect(fake.callsTo('oauth.v2.access').filter((c) => c.args.grant_type === 'refresh_token')).toHaveLength(1);
    expect(fake.refusedRefreshes).toEqual([]);

    // Each replica now posts with the new token.
    const refreshed = fake.tokensOf('TLABA').at(-1)!;
    expect(refreshed).not.toBe(installed);
    for (const replica of [first, second]) {
      const who = await replica.types(LAB_A, `UADMIN${replicas.indexOf(replica) ? 'B' : 'A'}`, '/tenant whoami');
      expect(await who.answer()).toMatch(/admin/i);
    }
    expect(fake.callsTo('users.info').map((c) => c.token)).toEqual([refreshed, refreshed]);

    // The grant survives: twelve hours on, the stored refresh token is still one Slack accepts.
    now += TWELVE_HOURS_S * 1000;
    fake.refreshDelayMs = 0;
    expect(await second.parts.installations.refreshDue()).toEqual({ refreshed: 1, alreadyFresh: 0, failed: 0 });
    expect(fake.refusedRefreshes).toEqual([]);
    const stored = JSON.stringify(await first.stored());
    for (const token of fake.tokensOf('TLABA')) expect(stored).not.toContain(token);
    expect(stored).not.toMatch(/xoxe-1-/);
  });
});

describe('Slack token rotation: the sweep', () => {
  it('runs on the replica holding its lease; a refresh Slack refuses is logged by code, never with the token', async () => {
    fake = await startFakeSlack();
    let now = Date.now();
    const world = await Workspaces.start({ fake, now: () => now });
    replicas.push(world);
    await world.install({ team: { id: 'TLABA', name: 'Lab A' }, rotating: { expiresIn: TWELVE_HOURS_S } });

    now += 11.5 * 60 * 60 * 1000;
    expect(await world.parts.sweeper.runOnce()).toEqual({ refreshed: 1, alreadyFresh: 0, failed: 0 });

    // The stored refresh token is spent elsewhere (say, by hand): the next refresh is refused, and said so.
    now += TWELVE_HOURS_S * 1000;
    fake.loseRefreshTokens();
    expect(await world.parts.sweeper.runOnce()).toEqual({ refreshed: 0, alreadyFresh: 0, failed: 1 });
    const line = await world.logged('Slack token refresh failed');
    expect(line).toContain('invalid_refresh_token');
    expect(line).not.toMatch(/xox/);
  });
});
