import { afterEach, describe, expect, it } from 'vitest';
import { TestBot } from '../helpers/test-bot.js';

let bot: TestBot;
afterEach(() => bot.stop());

const keyIdIn = (text: string) => /`(k-[0-9a-f]{6})`/.exec(text)![1]!;
const DAY = 24 * 60 * 60 * 1000;

/** A key expires at most KEY_MAX_DAYS from today, however often it is extended. */
describe('/apikey extend has a limit on the resulting expiry', () => {
  it('365 days from today by default: a second big extension is refused with the most that can be added', async () => {
    const now = Date.parse('2026-12-03T08:00:00Z');
    bot = await TestBot.start({ now: () => now });
    const id = keyIdIn((await bot.say('admin', '/apikey create')).text); // expires in 90 days
    expect((await bot.say('admin', `/apikey extend ${id} 365`)).text).toBe(
      `Key \`${id}\` expires 2027-03-03 (in 90 days), and a key may expire at most 365 days from today: the most you can add now is 275 days. Nothing was changed.`,
    );
    expect((await bot.say('admin', `/apikey extend ${id} 275`)).text).toBe(`Key \`${id}\` now expires 2027-12-03 (in 365 days) (was 2027-03-03 (in 90 days)).`);
    expect((await bot.say('admin', `/apikey extend ${id} 1`)).text).toBe(
      `Key \`${id}\` expires 2027-12-03 (in 365 days): a key may expire at most 365 days from today, so it cannot be extended now. Nothing was changed.`,
    );
    expect((await bot.say('admin', '/tenant audit 10')).text.match(/key\.extended/g)).toHaveLength(1);
  });

  it('counts from today for a key that has expired', async () => {
    let now = Date.parse('2026-12-03T08:00:00Z');
    bot = await TestBot.start({ now: () => now });
    const id = keyIdIn((await bot.say('admin', '/apikey create')).text);
    now += 100 * DAY;
    expect((await bot.say('admin', `/apikey extend ${id} 365`)).text).toMatch(new RegExp(`^Key \`${id}\` now expires 2028-03-12 \\(in 365 days\\)`));
  });

  it('KEY_MAX_DAYS sets the limit', async () => {
    bot = await TestBot.start({ keyMaxDays: 30 });
    const id = keyIdIn((await bot.say('admin', '/apikey create')).text);
    expect((await bot.say('admin', `/apikey extend ${id} 1`)).text).toMatch(/a key may expire at most 30 days from today, so it cannot be extended now\. Nothing was changed\.$/);
  });

  it('one limit, the deployment’s: 9999 days is answered with KEY_MAX_DAYS (365), not a parser bound of 3650', async () => {
    const now = Date.parse('2026-12-03T08:00:00Z');
    bot = await TestBot.start({ now: () => now });
    const id = keyIdIn((await bot.say('admin', '/apikey create')).text); // expires in 90 days
    const atMost = `Key \`${id}\` expires 2027-03-03 (in 90 days), and a key may expire at most 365 days from today: the most you can add now is 275 days. Nothing was changed.`;
    expect((await bot.say('admin', `/apikey extend ${id} 9999`)).text).toBe(atMost);
    expect((await bot.say('admin', `/apikey extend ${id} 99999`)).text).toBe(atMost);
    expect((await bot.say('admin', '/tenant audit 10')).text).not.toMatch(/key\.extended/);
  });
});
