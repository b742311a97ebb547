import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SweepReport } from '../../src/features/reminders/sweep.js';
import type { Sweeper } from '../../src/core/sweeper.js';
import { replyToPlainText } from '../../src/core/reply.js';
import { TestBot } from '../helpers/test-bot.js';

const DAY = 24 * 60 * 60 * 1000;
const START = Date.parse('2026-12-01T09:00:00Z');

let clock: number;
let bot: TestBot;
let sweeper: Sweeper<SweepReport>;

beforeEach(async () => {
  clock = START;
  bot = await TestBot.start({ now: () => clock });
  sweeper = bot.core.sweeper<SweepReport>('reminder', { intervalMs: 60_000, takeoverMs: 5_000 });
  await bot.say('admin', '/tenant link @alice alice');
  await bot.say('admin', '/tenant link @bob bob');
});
afterEach(async () => {
  await sweeper.stop();
  await bot.stop();
});

const keyIdIn = (text: string) => /`(k-[0-9a-f]{6})`/.exec(text)?.[1] ?? '';
/** Alice's new key: it expires in 90 days (the registry's default), on 2027-03-01. */
const aliceCreatesAKey = async () => keyIdIn((await bot.say('alice', '/apikey create')).text);
/** Moves the clock to `days` before START + 90 days (the new key's expiry), and sweeps. */
async function sweepAtDaysLeft(days: number) {
  clock = START + (90 - days) * DAY;
  const report = await sweeper.runOnce();
  expect(report?.complete).toBe(true);
  return report!;
}
const dmsTo = (user: string) => bot.posts('dm', user).map((s) => s.text);

describe('key-expiry reminders', () => {
  it('reminds the owner by DM once at each threshold, with the date, "in N days" and two buttons', async () => {
    const id = await aliceCreatesAKey();
    await sweepAtDaysLeft(90);
    await sweepAtDaysLeft(15);
    expect(dmsTo('alice')).toEqual([]);

    expect((await sweepAtDaysLeft(14)).sent).toBe(1);
    expect(dmsTo('alice')).toEqual([
      `Your API key \`${id}\` expires 2027-03-01 (in 14 days).\n` +
        '**Extend 90 days** moves it on; **Not now** leaves it as it is. `/apikey reminders off` stops these messages.\n' +
        '[1] Extend 90 days  [2] Not now',
    ]);
    expect(bot.posts('dm', 'alice')[0]!.reply).toMatchObject({ visibility: 'dm' });
    expect(bot.button('Extend 90 days').style).toBe('primary');

    // The same day again, and the days up to the next threshold: nothing more.
    for (const left of [14, 13, 10, 4]) expect((await sweepAtDaysLeft(left)).sent).toBe(0);
    await sweepAtDaysLeft(3);
    await sweepAtDaysLeft(3);
    await sweepAtDaysLeft(2);
    await sweepAtDaysLeft(1);
    await sweepAtDaysLeft(1);
    expect(dmsTo('alice').map((t) => /\(in \d+ days?\)/.exec(t)?.[0])).toEqual(['(in 14 days)', '(in 3 days)', '(in 1 day)']);
    // Expired: no more reminders; nobody else heard of the key.
    clock = START + 91 * DAY;
    expect((await sweeper.runOnce())?.sent).toBe(0);
    expect(bot.posts('dm').filter((s) => s.to !== 'alice')).toEqual([]);
  });

  it('a key left to expire leaves no index of its reminder cards behind', async () => {
    // Lifetimes in the store pass on the test's clock, so its 300 ms are the test's to move.
    await sweeper.stop();
    await bot.stop();
    bot = await TestBot.start({ now: () => clock, storeOnClock: true });
    sweeper = bot.core.sweeper<SweepReport>('reminder', { intervalMs: 60_000, takeoverMs: 5_000 });
    await bot.say('admin', '/tenant link @alice alice');
    const id = await aliceCreatesAKey();
    // 300 ms before it expires: the 1-day reminder is due, and its card lives as long as the key.
    clock = START + 90 * DAY - 300;
    expect((await sweeper.runOnce())?.sent).toBe(1);
    const cards = bot.store.collection<string[]>('indexes');
    expect(await cards.get(`key-reminders:${id}`)).toHaveLength(1);
    clock += 299;
    expect(await cards.get(`key-reminders:${id}`)).toHaveLength(1);
    clock += 1;
    expect(await cards.get(`key-reminders:${id}`)).toBeUndefined();
  });

  it('speaks to the owner in the language their platform last reported, without any /tenant lang', async () => {
    // Alice's chat client is set to Traditional Chinese (Discord's interaction locale, Slack's user locale).
    await bot.say('alice', '/apikey list', 'zh-TW');
    await aliceCreatesAKey();
    // Bob's says English.
    await bot.say('bob', '/apikey list', 'en-US');
    await bot.say('bob', '/apikey create');
    await sweepAtDaysLeft(14);
    expect(dmsTo('alice')[0]).toMatch(/^你的 API 金鑰 `k-[0-9a-f]{6}` 將於 2027\/03\/01（14 天後）到期。/);
    expect(bot.button('展延 90 天').style).toBe('primary');
    expect(dmsTo('bob')[0]).toMatch(/^Your API key `k-[0-9a-f]{6}` expires/);
  });

  it('sends a key first seen two days before expiry only the smallest due reminder (3 days), not three at once', async () => {
    await aliceCreatesAKey();
    await sweepAtDaysLeft(2);
    expect(dmsTo('alice')).toHaveLength(1);
    expect(dmsTo('alice')[0]).toContain('(in 2 days)');
    await sweepAtDaysLeft(1);
    expect(dmsTo('alice')).toHaveLength(2);
  });

  it('Extend adds 90 days, edits the card in place, and the new expiry starts its thresholds afresh', async () => {
    const id = await aliceCreatesAKey();
    await sweepAtDaysLeft(14);
    const extended = await bot.click('Extend 90 days', 'alice');
    expect(extended.reply).toMatchObject({ replaceOriginal: true });
    expect(extended.text).toBe(`Key \`${id}\` now expires 2027-05-30 (in 104 days) (was 2027-03-01 (in 14 days)).`);
    expect(extended.reply?.blocks.some((b) => b.type === 'buttons')).toBe(false);
    expect((await bot.say('alice', '/apikey list')).text).toContain('2027-05-30');

    // The old thresholds never fire again; the new expiry's 14-day reminder does, once.
    await sweepAtDaysLeft(3);
    await sweepAtDaysLeft(1);
    expect(dmsTo('alice')).toHaveLength(1);
    clock = Date.parse('2027-05-16T09:00:00Z');
    await sweeper.runOnce();
    expect(dmsTo('alice')).toHaveLength(2);
    expect(dmsTo('alice')[1]).toContain('expires 2027-05-30 (in 14 days)');
  });

  it('an extension by /apikey extend closes the open reminder: its Extend then says so and extends nothing', async () => {
    const id = await aliceCreatesAKey();
    await sweepAtDaysLeft(14);
    await bot.say('alice', `/apikey extend ${id} 30`);
    const late = await bot.click('Extend 90 days', 'alice');
    expect(late.text).toBe(`Key \`${id}\` was extended after this reminder was sent; nothing was changed.`);
    expect(late.reply).toMatchObject({ replaceOriginal: true });
    expect((await bot.say('alice', '/apikey list')).text).toContain('2027-03-31');
    // The reminder for the old expiry is not sent at its next threshold either.
    await sweepAtDaysLeft(3);
    expect(dmsTo('alice')).toHaveLength(1);
  });

  it('a deleted key gets no more reminders, and its open reminder says it is gone', async () => {
    const id = await aliceCreatesAKey();
    await sweepAtDaysLeft(14);
    await bot.say('alice', `/apikey delete ${id}`);
    expect((await bot.click('Delete', 'alice')).text).toBe(`Deleted \`${id}\`.`);
    expect((await bot.click('Extend 90 days', 'alice')).text).toBe(`Key \`${id}\` was deleted after this reminder was sent; there is nothing to extend.`);
    await sweepAtDaysLeft(3);
    await sweepAtDaysLeft(1);
    expect(dmsTo('alice')).toHaveLength(1);
  });

  it('Not now leaves the key as it is; the next threshold still reminds', async () => {
    const id = await aliceCreatesAKey();
    await sweepAtDaysLeft(14);
    const later = await bot.click('Not now', 'alice');
    expect(later.text).toBe('Not now: the key keeps its expiry; nothing was changed.');
    expect(later.reply).toMatchObject({ replaceOriginal: true });
    const listed = (await bot.say('alice', '/apikey list')).text;
    expect(listed).toContain(`${id}`);
    expect(listed).toContain('2027-03-01 (in 14 days)');
    await sweepAtDaysLeft(3);
    expect(dmsTo('alice')).toHaveLength(2);
  });

  it('only the owner may click Extend, and a double click extends once', async () => {
    const id = await aliceCreatesAKey();
    await sweepAtDaysLeft(14);
    const extend = bot.button('Extend 90 days').id;
    expect((await bot.clickId(extend, 'bob')).text).toBe('Only @alice, who asked for this, can confirm or cancel it.');
    const [first, second] = await Promise.all([bot.clickId(extend, 'alice'), bot.clickId(extend, 'alice')]);
    const texts = [first.text, second.text].sort();
    expect(texts[0]).toBe(`Key \`${id}\` now expires 2027-05-30 (in 104 days) (was 2027-03-01 (in 14 days)).`);
    expect(texts[1]).toBe('This has already been handled.');
    expect((await bot.say('admin', '/tenant audit')).text.match(/key\.extended/g)).toHaveLength(1);
  });

  it('checks authorization again at the click: an unlinked owner extends nothing', async () => {
    const id = await aliceCreatesAKey();
    await sweepAtDaysLeft(14);
    await bot.say('admin', '/tenant unlink @alice');
    expect((await bot.click('Extend 90 days', 'alice')).text).toBe('You are no longer linked to a tenant member; nothing was changed.');
    await bot.say('admin', '/tenant link @alice alice');
    expect((await bot.say('alice', '/apikey list')).text).toContain(`${id}`);
    expect((await bot.say('alice', '/apikey list')).text).toContain('2027-03-01 (in 14 days)');
  });

  it('a member turns reminders off and on; admins see who has them off', async () => {
    await aliceCreatesAKey();
    expect((await bot.say('alice', '/apikey reminders')).text).toBe(
      'Your key-expiry reminders are on: a direct message 14, 3 and 1 days before a key expires. `/apikey reminders off` turns them off.',
    );
    expect((await bot.say('alice', '/apikey reminders off')).text).toBe('Key-expiry reminders turned off: you will get none until `/apikey reminders on`.');
    expect((await bot.say('alice', '/apikey reminders')).text).toBe('Your key-expiry reminders are off. `/apikey reminders on` turns them back on.');
    expect((await bot.say('admin', '/tenant members')).text).toContain('Key-expiry reminders are off for: alice.');
    expect((await sweepAtDaysLeft(14)).optedOut).toBe(1);
    expect(dmsTo('alice')).toEqual([]);

    expect((await bot.say('alice', '/apikey reminders on')).text).toBe('Key-expiry reminders turned on: a direct message 14, 3 and 1 days before a key expires.');
    expect((await bot.say('admin', '/tenant members')).text).not.toContain('reminders are off');
    await sweepAtDaysLeft(13);
    expect(dmsTo('alice')).toHaveLength(1);
  });

  it('keeps reminders off for a member who turned them off before they were kept in settings; on turns them on', async () => {
    await aliceCreatesAKey();
    // As an earlier version kept the choice: a record in meta.
    await bot.store.collection('meta').put('reminders-off:alice', true);
    expect((await bot.say('alice', '/apikey reminders')).text).toBe('Your key-expiry reminders are off. `/apikey reminders on` turns them back on.');
    expect((await bot.say('admin', '/tenant members')).text).toContain('Key-expiry reminders are off for: alice.');
    expect((await sweepAtDaysLeft(14)).optedOut).toBe(1);

    await bot.say('alice', '/apikey reminders on');
    expect(await bot.store.collection('meta').has('reminders-off:alice')).toBe(false);
    expect((await bot.say('alice', '/apikey reminders off')).text).toContain('turned off');
    expect(await bot.store.collection('settings').get('reminders-off:alice')).toBe(true);
    await bot.say('alice', '/apikey reminders on');
    await sweepAtDaysLeft(13);
    expect(dmsTo('alice')).toHaveLength(1);
  });

  it('refuses a reminders setting that is neither on nor off', async () => {
    const said = await bot.say('alice', '/apikey reminders maybe');
    expect(said.text).toContain('`maybe` is not on or off; use on or off');
    expect(said.text).toContain('/apikey reminders [on|off]');
  });
});

describe('an owner linked on two platforms', () => {
  it('is reminded on each; Extend on one voids the other card, so the key is extended once', async () => {
    const two = await TestBot.start({ now: () => clock, admins: ['local:admin', 'slack:UADMIN'] });
    const twoSweeper = two.core.sweeper<SweepReport>('reminder', { intervalMs: 60_000 });
    const onSlack: string[] = [];
    let slackCard = '';
    two.core.registerAdapter({
      name: 'slack',
      messenger: {
        post: async (target, r) => {
          onSlack.push(`${target.kind === 'dm' ? target.user.userId : '#'}: ${replyToPlainText(r)}`);
          slackCard = r.blocks.flatMap((b) => (b.type === 'buttons' ? b.buttons : [])).find((b) => b.label === 'Extend 90 days')?.id ?? slackCard;
        },
      },
    });
    const slackUser = (userId: string, name: string) => ({ platform: 'slack' as const, workspace: 'T1', userId, name });
    const where = { workspace: 'T1', channelId: 'CGENERAL' };
    try {
      await two.say('admin', '/tenant link @alice alice');
      await two.core.handle({ kind: 'command', user: slackUser('UADMIN', 'admin'), where, command: 'tenant', text: 'link @alice alice', mentions: { alice: { userId: 'UALICE', name: 'alice' } } });
      const id = keyIdIn((await two.say('alice', '/apikey create')).text);
      clock = START + 76 * DAY;
      expect((await twoSweeper.runOnce())?.sent).toBe(2);
      expect(two.posts('dm', 'alice')).toHaveLength(1);
      expect(onSlack).toEqual([expect.stringMatching(new RegExp(`^UALICE: Your API key \`${id}\` expires 2027-03-01 \\(in 14 days\\)\\.`))]);

      expect((await two.click('Extend 90 days', 'alice')).text).toContain(`Key \`${id}\` now expires 2027-05-30`);
      const onSlackClick = await two.core.handle({ kind: 'click', user: slackUser('UALICE', 'alice'), where: { workspace: 'T1', channelId: 'DALICE' }, actionId: slackCard });
      expect(onSlackClick).toMatchObject({ kind: 'reply', reply: { replaceOriginal: true, blocks: [{ type: 'text', text: `Key \`${id}\` was extended after this reminder was sent; nothing was changed.` }] } });
      expect((await two.say('alice', '/apikey list')).text).toContain('2027-05-30');
    } finally {
      await twoSweeper.stop();
      await two.stop();
    }
  });
});

describe('REMINDER_DAYS=off', () => {
  it('sends nothing, and says so to a member who asks', async () => {
    const quiet = await TestBot.start({ now: () => clock, reminderDays: [] });
    const quietSweeper = quiet.core.sweeper<SweepReport>('reminder', { intervalMs: 60_000 });
    try {
      await quiet.say('admin', '/tenant link @alice alice');
      await quiet.say('alice', '/apikey create');
      clock = START + 89 * DAY;
      expect((await quietSweeper.runOnce())?.sent).toBe(0);
      expect(quiet.posts('dm')).toEqual([]);
      expect((await quiet.say('alice', '/apikey reminders')).text).toBe('Key-expiry reminders are off for this whole bot (REMINDER_DAYS=off), whatever your own setting.');
    } finally {
      await quietSweeper.stop();
      await quiet.stop();
    }
  });
});

describe('a slow DM', () => {
  it('is sent once: the next sweep does not send it again while (or after) the first is on its way', async () => {
    // The claim of a reminder being sent lasts what the sweep's lease has left (here at most 3 s).
    const slow = bot.core.sweeper<SweepReport>('reminder', { intervalMs: 60_000, takeoverMs: 3_000 });
    await aliceCreatesAKey();
    const sent: string[] = [];
    // A DM that takes longer than that claim (a platform client retrying), the first time only.
    bot.core.registerAdapter({
      name: 'local',
      messenger: {
        post: async (target, r) => {
          sent.push(replyToPlainText(r));
          if (sent.length === 1) await new Promise((done) => setTimeout(done, 9_000));
        },
      },
    });
    clock = START + (90 - 14) * DAY;
    // Started, as main.ts starts it: its lease is renewed while the DM takes its time.
    slow.start();
    expect((await slow.runOnce())?.sent).toBe(1);
    expect((await slow.runOnce())?.sent).toBe(0);
    expect(sent).toHaveLength(1);
    await slow.stop();
  }, 30_000);
});
