import { afterEach, expect, test } from 'vitest';
import { INTERACTIONS_PATH } from '../../../adapters/discord/http-interactions.js';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord.js';
import { spawnBot, type BotProcess } from '../../startup/bot-process.js';
import { APP_ID, GUILD_ID, TOKEN, alice, appKeys } from './harness.js';

let fake: FakeDiscord | undefined;
let bot: BotProcess | undefined;
afterEach(async () => {
  await bot?.cleanUp();
  await fake?.close();
  fake = bot = undefined;
});

test('npm start with DISCORD_PUBLIC_KEY serves Discord on PORT over HTTP, with no gateway connection', async () => {
  fake = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID, guildId: GUILD_ID });
  const keys = appKeys();
  bot = spawnBot({
    DISCORD_TOKEN: TOKEN,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_PUBLIC_KEY: keys.publicKeyHex,
    DISCORD_API_URL: fake.apiUrl,
    ADMINS: 'discord:1001',
    PORT: '0',
    LOG_LEVEL: 'info',
  });
  const ready = await bot.line(/"msg":"twcc-chatops ready"/);
  expect(ready).toContain('"discord":"http"');
  const port = Number(/"port":(\d+)/.exec(ready)![1]);
  fake.useInteractionsEndpoint(`http://127.0.0.1:${port}${INTERACTIONS_PATH}`, keys.privateKey);

  const sent = await fake.answered(fake.command(alice, 'tenant', 'whoami'), 20_000);

  expect(fake.original(sent).content).toContain('**Role:** admin');
  expect(fake.connections).toBe(0);
  expect(fake.identifies).toEqual([]);
  expect(bot.stderr()).not.toContain(TOKEN);
});
