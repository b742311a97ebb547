import { afterEach, describe, expect, it } from 'vitest';
import type { Sweeper } from '../../src/core/sweeper.js';
import type { GrantSweepReport } from '../../src/features/grants/sweep.js';
import type { PortalSweepReport } from '../../src/features/grants/portal.js';
import type { TwccBackendOptions } from '../../src/backends/twcc/index.js';
import { startFakeTwcc, type FakeTwcc } from '../fakes/twcc.js';
import { twccBackendOn } from '../helpers/twcc-backend.js';
import { TestBot } from '../helpers/test-bot.js';

/** TWCC_QUOTA_WRITE=off: approved changes wait for the portal, and the bot reads TWCC (the fake, through undici) until it shows them. */
const HOUR = 3_600_000;
const START = Date.parse('2026-12-01T09:00:00Z');

let fake: FakeTwcc;
let bot: TestBot;
let clock = START;
let portal: Sweeper<PortalSweepReport>;
let grants: Sweeper<GrantSweepReport>;

afterEach(async () => {
  await portal.stop();
  await grants.stop();
  await bot.stop();
  await fake.close();
  clock = START;
});

async function start(overrides: Partial<TwccBackendOptions> = {}): Promise<void> {
  fake = await startFakeTwcc();
  bot = await TestBot.start({ admins: [], now: () => clock, backend: twccBackendOn(fake, { quotaWrite: false, ...overrides }) });
  portal = bot.core.sweeper<PortalSweepReport>('portal', { intervalMs: 60_000 });
  grants = bot.core.sweeper<GrantSweepReport>('grant', { intervalMs: 60_000 });
  await bot.login('alice', fake.users.alice!.apiKey);
  await bot.login('admin', fake.users.admin!.apiKey);
}

async function sweepPortalAt(at: number): Promise<PortalSweepReport> {
  clock = at;
  const report = await portal.runOnce();
  expect(report?.complete).toBe(true);
  return report!;
}

/** A tenant admin sets alice's VCS gpu quota on the portal. */
const onThePortal = (gpu: number) => void (fake.users.alice!.quotas[fake.sites.vcs]!.gpu.quota = gpu);
const lastIn = (where: 'approvals' | 'dm', to?: string) => bot.posts(where, to).at(-1)!.text;

describe('when the bot cannot apply', () => {
  it('an approval waits for the portal, naming who should apply what; reminded after PORTAL_REMIND_AFTER; once TWCC shows it, the channel and the requester are told', async () => {
    await start();
    const id = /request `([\w-]+)`/.exec((await bot.say('alice', '/quota request vcs gpu=4 thesis')).text)![1]!;
    const card = await bot.click('Approve', 'admin');
    expect(card.text.split('\n').at(-1)).toBe(
      'Approved by @admin; waiting for the portal: a tenant admin (@admin, or another) should set @alice’s VCS quota to gpu 4 on [the portal’s Quota page](https://www.twcc.ai/) (this bot cannot change TWCC quotas). The bot reads TWCC and says here when it shows them.',
    );
    expect(fake.requests.filter((r) => r.method === 'PATCH')).toHaveLength(0);

    // Not yet on the portal: read back (with the approver's stored key), nothing said.
    const reads = fake.requests.length;
    expect(await sweepPortalAt(START + HOUR)).toMatchObject({ waiting: 1, seen: 0, reminded: 0 });
    const readBack = fake.requests.slice(reads).find((r) => r.path.endsWith('/user_quotas/'));
    expect(readBack?.headers['x-api-key']).toBe(fake.users.admin!.apiKey);

    // Still not there 48 hours after the approval: the approvers are reminded, once per PORTAL_REMIND_AFTER.
    expect((await sweepPortalAt(START + 48 * HOUR)).reminded).toBe(1);
    expect(lastIn('approvals')).toBe(
      `⏰ VCS quota request \`${id}\` for @alice, approved by @admin 2 days ago, is still not applied on the portal: a tenant admin should set gpu 4 on [the portal’s Quota page](https://www.twcc.ai/).`,
    );
    expect((await sweepPortalAt(START + 49 * HOUR)).reminded).toBe(0);

    onThePortal(4);
    expect(bot.posts('edit')).toEqual([]);
    expect((await sweepPortalAt(START + 50 * HOUR)).seen).toBe(1);
    expect(lastIn('approvals')).toBe(`✅ VCS quota request \`${id}\` for @alice: applied on the portal; TWCC now shows gpu 4.`);
    expect(lastIn('dm', 'alice')).toBe(`Your VCS quota request \`${id}\` was applied on the portal: TWCC now shows gpu 4.`);
    // The request's card is edited in place: it said "waiting for the portal", and now says it is applied there.
    const cardPost = bot.posts('approvals').find((p) => p.text.includes('asks for more VCS quota'))!;
    const edited = bot.posts('edit');
    expect(edited.map((e) => e.to)).toEqual([`#approvals/${bot.transcript.indexOf(cardPost) + 1}`]);
    expect(edited[0]!.text.split('\n').slice(-2)).toEqual([card.text.split('\n').at(-1), `✅ VCS quota request \`${id}\` for @alice: applied on the portal; TWCC now shows gpu 4.`]);
    expect(edited[0]!.reply?.blocks.some((b) => b.type === 'buttons')).toBe(false);
    expect((await bot.say('admin', '/tenant audit 5')).text).toMatch(/quota\.applied/);
    // Seen once: nothing more to read.
    expect(await sweepPortalAt(START + 51 * HOUR)).toMatchObject({ waiting: 0, seen: 0 });
  });

  it('a time-bound grant starts when TWCC shows it, and its revert is handed to the portal and watched the same way', async () => {
    await start();
    const id = /request `([\w-]+)`/.exec((await bot.say('alice', '/quota request vcs gpu=4 for 24h thesis')).text)![1]!;
    await bot.click('Approve', 'admin');
    onThePortal(4);
    clock = START + HOUR;
    await sweepPortalAt(START + HOUR);
    // The grant's 24 hours run from when TWCC showed it.
    clock = START + 24 * HOUR;
    expect((await grants.runOnce())?.reverted).toBe(0);
    clock = START + 25 * HOUR;
    expect((await grants.runOnce())?.reverted).toBe(1);
    expect(lastIn('approvals')).toBe(
      `⚠️ VCS grant \`${id}\` for @alice ended (its time is up), but this bot cannot change quotas (TWCC_QUOTA_WRITE=off): a tenant admin should set gpu 2 on [the portal’s Quota page](https://www.twcc.ai/). The bot reads TWCC and says here when it shows them.`,
    );
    expect((await sweepPortalAt(START + 26 * HOUR)).seen).toBe(0);
    onThePortal(2);
    expect((await sweepPortalAt(START + 27 * HOUR)).seen).toBe(1);
    expect(lastIn('approvals')).toBe(`✅ VCS grant \`${id}\` for @alice: restored on the portal; TWCC now shows gpu 2.`);
    expect(lastIn('dm', 'alice')).toBe(`Your VCS grant \`${id}\` has ended: the portal now shows gpu 2.`);
  });

  it('a write TWCC did not confirm (its answer came too late) is read back the same way, and said applied once TWCC shows it', async () => {
    await start({ quotaWrite: true, timeouts: { attemptMs: 150, headersMs: 150 }, retry: { attempts: 1, baseDelayMs: 1, maxDelayMs: 2 } });
    const id = /request `([\w-]+)`/.exec((await bot.say('alice', '/quota request vcs gpu=4')).text)![1]!;
    // The PATCH is carried out but answered too late, and the read-back right after it fails.
    const isPatch = (r: { method: string }) => r.method === 'PATCH';
    fake.answerLate(400, 1, isPatch);
    fake.failNext(503, 1, (r) => r.method === 'GET' && r.path.endsWith('/user_quotas/') && fake.requests.some(isPatch));
    const card = await bot.click('Approve', 'admin');
    expect(card.text.split('\n').at(-1)).toMatch(/^Approved by @admin; it may have been applied, but this is not confirmed/);
    // TWCC carried the PATCH out: the sweep's read shows it.
    expect((await sweepPortalAt(START + HOUR)).seen).toBe(1);
    expect(lastIn('approvals')).toBe(`✅ VCS quota request \`${id}\` for @alice: applied after all; TWCC now shows gpu 4.`);
    expect(lastIn('dm', 'alice')).toBe(`Your VCS quota request \`${id}\` was applied after all: TWCC now shows gpu 4.`);
    expect(bot.posts('edit').map((e) => e.text.split('\n').at(-1))).toEqual([`✅ VCS quota request \`${id}\` for @alice: applied after all; TWCC now shows gpu 4.`]);
  });
});
