import { afterEach, describe, expect, it } from 'vitest';
import type { Sweeper } from '../../src/core/sweeper.js';
import type { GrantSweepReport } from '../../src/features/grants/sweep.js';
import { TestBot } from '../helpers/test-bot.js';
import { POSTGRES_URL, REDIS_URL, uniquePrefix } from '../helpers/store-urls.js';

/** Replicas of the bot on one store, each with its own grant sweeper: a grant's timers run once, and outlive a replica. */
const HOUR = 3_600_000;
const START = Date.parse('2026-12-01T09:00:00Z');

let clock = START;
const started: { bot: TestBot; sweeper: Sweeper<GrantSweepReport> }[] = [];
afterEach(async () => {
  for (const { bot, sweeper } of started.splice(0)) {
    await sweeper.stop();
    await bot.stop();
  }
  clock = START;
});

async function replica(storeUrl: string, prefix: string) {
  const bot = await TestBot.start({ storeUrl, prefix, now: () => clock, admins: ['local:admin', 'local:carol'] });
  const r = { bot, sweeper: bot.core.sweeper<GrantSweepReport>('grant', { intervalMs: 60_000, takeoverMs: 5_000 }) };
  started.push(r);
  return r;
}

const gpuOf = async (bot: TestBot) => /alice\s+\S+ \/ \S+\s+\S+ \/ (\S+)/.exec((await bot.say('alice', '/quota show vcs')).text)![1];

describe.each([
  ['Redis', REDIS_URL],
  ['PostgreSQL', POSTGRES_URL],
])('grants on %s', (_name, url) => {
  it('three sweepers at once: one DM before the end, one revert at the end', async () => {
    const prefix = uniquePrefix('grant');
    const all = [await replica(url, prefix), await replica(url, prefix), await replica(url, prefix)];
    const first = all[0]!.bot;
    await first.say('admin', '/tenant link @alice alice');
    await first.say('carol', '/tenant whoami');
    await first.say('alice', '/quota request vcs gpu=8 for 10h');
    await first.click('Approve', 'carol');

    clock = START + 9 * HOUR;
    await Promise.all(all.map((r) => r.sweeper.runOnce()));
    const dms = () => all.flatMap((r) => r.bot.posts('dm', 'alice')).filter((s) => s.text.startsWith('Your VCS grant'));
    expect(dms()).toHaveLength(1);

    clock = START + 10 * HOUR;
    const reports = await Promise.all(all.map((r) => r.sweeper.runOnce()));
    expect(reports.reduce((n, r) => n + (r?.reverted ?? 0), 0)).toBe(1);
    expect(dms()).toHaveLength(2);
    expect(await gpuOf(first)).toBe('1');
  });

  it('a replica that made the grant stops; one started afterwards ends it', async () => {
    const prefix = uniquePrefix('grant');
    const one = await replica(url, prefix);
    await one.bot.say('admin', '/tenant link @alice alice');
    await one.bot.say('carol', '/tenant whoami');
    await one.bot.say('alice', '/quota request vcs gpu=8 for 2h');
    await one.bot.click('Approve', 'carol');
    await one.sweeper.stop();
    await one.bot.stop();
    started.splice(started.indexOf(one), 1);

    clock = START + 2 * HOUR;
    const two = await replica(url, prefix);
    expect((await two.sweeper.runOnce())?.reverted).toBe(1);
    expect(await gpuOf(two.bot)).toBe('1');
    expect(two.bot.posts('dm', 'alice').at(-1)!.text).toMatch(/ended \(its time is up\): restored gpu 1\.$/);
  });
});
