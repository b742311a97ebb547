import { afterEach, expect, it } from 'vitest';
import { startFakeTwcc, type FakeTwcc } from '../fakes/twcc.js';
import { twccBackendOn } from '../helpers/twcc-backend.js';
import { StreamHarness, SECRET } from './harness.js';

let fake: FakeTwcc;
let h: StreamHarness;
afterEach(async () => {
  await h.stop();
  await fake.close();
});

it('no secret reaches a streamed byte: not a new key’s secret, not the TWCC credential a member logged in with, not the webhook secret', async () => {
  fake = await startFakeTwcc();
  h = await StreamHarness.start({ bot: { admins: [], backend: twccBackendOn(fake) } });
  const credential = fake.users.alice!.apiKey;
  expect((await h.bot.login('alice', credential)).text).toContain('You are linked to TWCC user');
  const created = await h.bot.say('alice', '/apikey create');
  const id = /New API key `([^`]+)`/.exec(created.text)![1]!;
  const keySecret = fake.users.alice!.keys.find((k) => String(k.id) === id)!.key;
  expect(created.text).toContain(keySecret);
  await h.bot.say('alice', '/tenant logout');

  await h.run();
  const events = h.receiver.takenEvents();
  expect(events.map((e) => e.action)).toEqual(['member.login', 'apikey.create', 'member.logout']);
  const streamed = h.receiver.received.map((r) => r.body).join('');
  // The key appears by id only.
  expect(streamed).toContain(id);
  for (const s of [credential, keySecret, SECRET]) {
    expect(streamed).not.toContain(s);
    expect(streamed).not.toContain(s.slice(-12));
  }
});
