import { afterEach, describe, expect, it } from 'vitest';
import type { Sweeper } from '../../src/core/sweeper.js';
import type { GrantSweepReport } from '../../src/features/grants/sweep.js';
import { TestBot } from '../helpers/test-bot.js';

const HOUR = 3_600_000;
const START = Date.parse('2026-12-01T09:00:00Z');

let clock: number;
let bot: TestBot;
let sweeper: Sweeper<GrantSweepReport>;
afterEach(async () => {
  await sweeper.stop();
  await bot.stop();
});

/** Two admins (admin, carol) and a member alice (vcs: cpu 8, gpu 1, memory 32G) on the embedded registry. */
async function start(opts: { breakGlass?: string[] } = {}): Promise<void> {
  clock = START;
  bot = await TestBot.start({
    admins: ['local:admin', 'local:carol'],
    now: () => clock,
    ...(opts.breakGlass ? { breakGlass: { members: opts.breakGlass, reviewMs: 4 * HOUR } } : {}),
  });
  sweeper = bot.core.sweeper<GrantSweepReport>('grant', { intervalMs: 60_000, takeoverMs: 5_000 });
  await bot.say('admin', '/tenant link @alice alice');
  await bot.say('carol', '/tenant whoami');
}

/** Moves the clock to `at` and runs one sweep. */
async function sweepAt(at: number): Promise<GrantSweepReport> {
  clock = at;
  const report = await sweeper.runOnce();
  expect(report?.complete).toBe(true);
  return report!;
}

const aliceVcs = async () => /alice\s+(\S+ \/ \S+)\s+(\S+ \/ \S+)\s+(\S+ \/ \S+)/.exec((await bot.say('alice', '/quota show vcs')).text)!.slice(1).map((c) => c.split(' / ')[1]);
const audit = async () => (await bot.say('admin', '/tenant audit 50')).text;

describe('time-bound grants', () => {
  it('a request for 48h: the card says so; approved, applied; an hour before the end a DM with two buttons; at the end the previous value comes back', async () => {
    await start();
    const asked = await bot.say('alice', '/quota request vcs gpu=8 for 48h training run');
    expect(asked.text).toMatch(/^Asked the tenant admins to approve VCS quota for @alice/);
    const card = bot.posts('approvals')[0]!.text;
    expect(card).toContain('gpu 1 → 8');
    expect(card).toContain('Reason: training run');
    expect(card).toContain('For 48h: the previous values come back when it ends.');
    expect((await bot.click('Approve', 'carol')).text).toContain('Approved by @carol and applied.');
    expect(await aliceVcs()).toEqual(['8', '8', '32G']);
    expect(await audit()).toMatch(/grant\.started/);

    // Nothing before the DM's time (an hour before the end of 48 hours: a tenth would be 4.8 hours).
    expect((await sweepAt(START + 46 * HOUR)).warned).toBe(0);
    expect((await sweepAt(START + 47 * HOUR)).warned).toBe(1);
    const dm = bot.posts('dm', 'alice').at(-1)!.text;
    expect(dm).toBe(
      'Your VCS grant (gpu 8) ends 2026-12-03 09:00 UTC; then the previous values come back. **Ask to extend** asks the tenant admins for another 48h; **Return now** gives it back now.\n' +
        '[1] Ask to extend  [2] Return now',
    );
    // Once only.
    expect((await sweepAt(START + 47 * HOUR + 60_000)).warned).toBe(0);

    const report = await sweepAt(START + 48 * HOUR);
    expect(report.reverted).toBe(1);
    expect(await aliceVcs()).toEqual(['8', '1', '32G']);
    expect(bot.posts('dm', 'alice').at(-1)!.text).toBe('Your VCS grant `' + /request `([\w-]+)`/.exec(asked.text)![1] + '` ended (its time is up): restored gpu 1.');
    expect(bot.posts('approvals').at(-1)!.text).toMatch(/^VCS grant `[\w-]+` for @alice ended \(its time is up\): restored gpu 1\.$/);
    expect(await audit()).toMatch(/quota\.reverted/);
    // Reverted once: nothing more to do.
    expect((await sweepAt(START + 49 * HOUR)).reverted).toBe(0);
  });
});
