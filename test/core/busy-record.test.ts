import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Lease } from '../../src/store/port.js';
import { TestBot } from '../helpers/test-bot.js';

/**
 * A change to a record waits for the record's lock (another replica changing it); when the lock
 * stays taken, the change is refused in words and nothing is changed (issue 10, finding 1).
 */
let bot: TestBot;
let held: Lease | undefined;
beforeEach(async () => {
  bot = await TestBot.start();
  await bot.say('admin', '/tenant link @alice alice');
});
afterEach(async () => {
  await held?.release();
  held = undefined;
  await bot.stop();
});

/** Another replica, stuck in the middle of changing `record`: it holds the record's lock. */
async function holdLock(record: string): Promise<void> {
  held = await bot.store.claim(`lock:${record}`, 60_000);
  expect(held).toBeDefined();
}

it('/apikey extend of a key another replica is changing is refused in words, and the expiry stays', async () => {
  const created = (await bot.say('alice', '/apikey create')).text;
  const keyId = /`(k-[0-9a-f]+)`/.exec(created)![1]!;
  const before = (await bot.say('alice', '/apikey list')).text;
  await holdLock(`key:${keyId}`);
  const busy = await bot.say('alice', `/apikey extend ${keyId} 30`);
  expect(busy.text).toMatch(/^Someone else was changing the same thing at that moment, so this stopped before changing it\. Try again in a moment\. \(ref [0-9a-f]{8}\)$/);
  expect((await bot.say('alice', '/apikey list')).text).toBe(before);
  await held!.release();
  held = undefined;
  expect((await bot.say('alice', `/apikey extend ${keyId} 30`)).text).toContain('now expires');
}, 20_000);

it('/tenant link of a chat user whose link is being changed elsewhere is refused in words, and nothing is linked', async () => {
  await holdLock('link:local:bob');
  expect((await bot.say('admin', '/tenant link @bob bob')).text).toMatch(/^Someone else was changing the same thing at that moment/);
  expect((await bot.say('bob', '/tenant whoami')).text).toContain('are not linked to a tenant member');
  expect((await bot.say('admin', '/tenant members')).text).not.toMatch(/^bob\b/m);
}, 20_000);
