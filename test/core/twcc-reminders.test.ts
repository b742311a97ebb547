import { Writable } from 'node:stream';
import type { SweepReport } from '../../src/features/reminders/sweep.js';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import type { Sweeper } from '../../src/core/sweeper.js';
import { startFakeTwcc, type FakeTwcc } from '../fakes/twcc.js';
import { twccBackendOn } from '../helpers/twcc-backend.js';
import { TestBot } from '../helpers/test-bot.js';

/** Reminders on the twcc backend: the real undici client against the fake TWCC, an injected clock. */
const DAY = 24 * 60 * 60 * 1000;
let fake: FakeTwcc;
let bot: TestBot;
let sweeper: Sweeper<SweepReport>;
let clock: number;
const logs: string[] = [];

afterEach(async () => {
  await sweeper.stop();
  await bot.stop();
  await fake.close();
  logs.length = 0;
});

async function start(): Promise<void> {
  clock = Date.now();
  fake = await startFakeTwcc();
  const logger = pino({ level: 'info' }, new Writable({ write: (chunk: Buffer, _e, done) => void (logs.push(chunk.toString('utf8')), done()) }));
  bot = await TestBot.start({
    admins: [],
    now: () => clock,
    logger,
    backend: twccBackendOn(fake),
  });
  // Spread over the interval: with two members, a pause of 50 ms between them. The lease lives a
  // minute, not the interval's 100 ms: a loaded machine's slow sweep would lose it and stop half-way.
  sweeper = bot.core.sweeper<SweepReport>('reminder', { intervalMs: 100, takeoverMs: 60_000 });
  await bot.login('alice', fake.users.alice!.apiKey);
  await bot.login('bob', fake.users.bob!.apiKey);
}

/** alice's third key (the fake's) expires 20 days from now: six days on, its 14-day reminder is due. */
const aliceKeyId = () => String(fake.users.alice!.keys[2]!.id);

describe('reminders on the twcc backend', () => {
  it('read each member’s keys with that member’s own TWCC key, one member after another', async () => {
    await start();
    fake.requests.length = 0;
    clock += 6 * DAY;
    const report = await sweeper.runOnce();
    expect(report).toMatchObject({ complete: true, members: 2, sent: 1, unreadable: 0 });
    expect(bot.posts('dm', 'alice').map((s) => s.text)).toEqual([expect.stringMatching(new RegExp(`^Your API key \`${aliceKeyId()}\`.* expires \\d{4}-\\d\\d-\\d\\d \\(in 14 days\\)\\.`))]);
    expect(bot.posts('dm', 'bob')).toEqual([]);

    // Every request of the sweep carried the key of the member whose keys it read, alice's first.
    const byKey = fake.requests.map((r) => (r.headers['x-api-key'] === fake.users.alice!.apiKey ? 'alice' : r.headers['x-api-key'] === fake.users.bob!.apiKey ? 'bob' : 'other'));
    expect(byKey.length).toBeGreaterThan(1);
    expect(byKey).not.toContain('other');
    expect(byKey.indexOf('bob')).toBeGreaterThan(byKey.lastIndexOf('alice'));
    // The keys the sweep read with are secrets: not in a log line, not in a DM.
    const said = logs.join('') + JSON.stringify(bot.posts('dm'));
    for (const who of [fake.users.alice!, fake.users.bob!]) expect(said).not.toContain(who.apiKey);
  });

  it('skip a member whose stored credential is gone (logged), and Extend without it says to log in again', async () => {
    await start();
    clock += 6 * DAY;
    await bot.store.collection('credentials').delete('local:bob');
    expect(await sweeper.runOnce()).toMatchObject({ complete: true, sent: 1, unreadable: 1 });
    expect(logs.join('')).toMatch(/"member":"bob-[^"]+","code":"not_logged_in".*could not read the member’s keys; skipped/);

    await bot.store.collection('credentials').delete('local:alice');
    const said = await bot.click('Extend 90 days', 'alice');
    expect(said.text).toBe(`\`${aliceKeyId()}\`: You have no TWCC key on file, run \`/tenant login\`.`);
    expect(said.reply).toMatchObject({ replaceOriginal: true });
  });

  it('a member who turned reminders off is skipped; admins see them by their TWCC username', async () => {
    await start();
    await bot.say('bob', '/apikey reminders off');
    await bot.login('admin', fake.users.admin!.apiKey);
    expect((await bot.say('admin', '/tenant members')).text).toContain(`Key-expiry reminders are off for: ${fake.users.bob!.username}.`);
    clock += 6 * DAY;
    expect(await sweeper.runOnce()).toMatchObject({ complete: true, members: 3, optedOut: 1, sent: 1 });
  });

  it('Extend adds 90 days through TWCC with the owner’s key', async () => {
    await start();
    clock += 6 * DAY;
    await sweeper.runOnce();
    const said = await bot.click('Extend 90 days', 'alice');
    expect(said.text).toMatch(new RegExp(`^Key \`${aliceKeyId()}\` now expires \\d{4}-\\d\\d-\\d\\d \\(in 104 days\\) \\(was \\d{4}-\\d\\d-\\d\\d \\(in 14 days\\)\\)\\.$`));
    const extend = fake.requests.find((r) => r.method !== 'GET' && JSON.stringify(r.body ?? '').includes('reset_expired_days'));
    expect(extend?.headers['x-api-key']).toBe(fake.users.alice!.apiKey);
  });
});
