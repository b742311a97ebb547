import { Writable } from 'node:stream';
import { REST } from 'discord.js';
import { afterEach, expect, test } from 'vitest';
import { DiscordMessenger } from '../../../adapters/discord/messenger.js';
import { DiscordRequestFailed, redactPath } from '../../../adapters/discord/safe-error.js';
import { reply } from '../../../src/core/reply.js';
import { createLogger } from '../../../src/log.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord.js';
import { APP_ID, APPROVALS, GUILD_ID, TOKEN } from './harness.js';

let fake: FakeDiscord | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function messenger(token = TOKEN) {
  fake = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID, guildId: GUILD_ID });
  const logs: string[] = [];
  const logger = createLogger('trace', new Writable({ write: (c, _e, done) => (logs.push(String(c)), done()) }));
  const rest = new REST({ api: fake.apiUrl, retries: 0 }).setToken(token);
  return { m: new DiscordMessenger({ rest, approvalsChannel: APPROVALS, logger }), logs, fake };
}

const origin = { workspace: GUILD_ID, channelId: '700000000000000002' };

test('a DM goes through a DM channel; a user of another platform is not Discord’s to reach', async () => {
  const { m, fake } = await messenger();

  await m.post({ kind: 'dm', user: { platform: 'discord', workspace: GUILD_ID, userId: '1002' } }, reply('Approved.', 'dm'));
  await m.post({ kind: 'dm', user: { platform: 'slack', workspace: 'T1', userId: 'U1' } }, reply('Approved.', 'dm'));

  expect(fake.calls.map((c) => [c.method, c.path, c.body])).toEqual([
    ['POST', '/users/@me/channels', { recipient_id: '1002' }],
    ['POST', `/channels/${fake.dmChannelOf('1002')}/messages`, { content: 'Approved.', embeds: [], components: [], allowed_mentions: { parse: [] } }],
  ]);
});

test('a failed post throws an error that holds neither the message nor a token', async () => {
  const { m } = await messenger('wrong-token');

  const err = await m.post({ kind: 'approvals', platform: 'discord', origin }, reply('Approve cpu 8 → 16?', 'channel')).catch((e: unknown) => e);

  expect(err).toBeInstanceOf(DiscordRequestFailed);
  expect(JSON.stringify(err)).not.toContain('Approve cpu');
  expect((err as Error).message).toBe(`POST /api/v10/channels/${APPROVALS}/messages 401 0 401: Unauthorized`);
});

test('interaction and webhook tokens are cut from logged paths', () => {
  expect(redactPath('http://127.0.0.1/api/v10/webhooks/900000000000000001/aW50ZXJhY3Rpb246/messages/@original')).toBe(
    '/api/v10/webhooks/900000000000000001/:token/messages/@original',
  );
  expect(redactPath('/api/v10/interactions/1300000000000000002/itoken-secret/callback?with_response=false')).toBe('/api/v10/interactions/1300000000000000002/:token/callback');
});
