import { afterEach, expect, test } from 'vitest';
import { Callback } from '../../fakes/discord.js';
import { Harness, bob, linkTeam } from './harness.js';

let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const SECRET = /twcc_[A-Za-z0-9_-]{20,}/;

test('/apikey create shows the secret once, ephemerally, to its owner only; never in a channel message or a log line', async () => {
  h = await Harness.start();
  await linkTeam(h);

  const created = await h.run(bob, 'apikey', 'create');

  expect(created.callback?.type).toBe(Callback.Reply);
  expect(created.callback?.data?.flags).toBe(64);
  const shown = h.fake.original(created);
  const secret = SECRET.exec(shown.content)?.[0];
  expect(secret, shown.content).toBeDefined();
  expect(shown.content).toMatch(/^New API key `k-[0-9a-f]{6}` created\. Copy the secret now: it is shown this once, only to you\.\n`twcc_/);

  // The one REST call holding the secret is that ephemeral interaction response.
  const carrying = h.callsMentioning(secret!);
  expect(carrying.map((c) => [c.method, c.path.replace(/\d+\/itoken-\d+/, ':id/:token'), (c.body as { data?: { flags?: number } }).data?.flags])).toEqual([
    ['POST', '/interactions/:id/:token/callback', 64],
  ]);
  expect(h.fake.publicMessages().some((m) => m.content.includes(secret!))).toBe(false);
  expect(h.logs.join('')).not.toContain(secret);
  // The adapter logs nothing of the interaction token either.
  expect(h.logs.join('')).not.toContain(created.token);
});
