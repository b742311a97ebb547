import { afterEach, expect, test } from 'vitest';
import { INTERACTIONS_PATH } from '../../adapters/discord/http-interactions.js';
import { Callback, startFakeDiscord, type FakeDiscord } from '../fakes/discord.js';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { closedPort } from '../startup/bot-process.js';
import { APP_ID, GUILD_ID, TOKEN, alice, appKeys } from '../adapters/discord/harness.js';
import { startNginx, type Nginx } from './nginx.js';
import { Replicas } from './replicas.js';
import { freshRedisDatabase, type SharedStore } from './shared-store.js';

let shared: SharedStore | undefined;
let discord: FakeDiscord | undefined;
let slack: FakeSlack | undefined;
let replicas: Replicas | undefined;
let nginx: Nginx | undefined;
afterEach(async () => {
  await nginx?.stop().catch(() => undefined);
  await replicas?.stop();
  await discord?.close();
  await slack?.stop();
  shared?.drop();
  shared = discord = slack = replicas = nginx = undefined;
});

test('Discord HTTP interactions through nginx to 2 replicas: every command answered, a Delete double-click runs once', async () => {
  shared = freshRedisDatabase();
  discord = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID, guildId: GUILD_ID });
  slack = await startFakeSlack();
  const keys = appKeys();
  replicas = await Replicas.start(2, {
    storeUrl: shared.url,
    slackApiUrl: slack.apiUrl,
    env: {
      DISCORD_TOKEN: TOKEN,
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_PUBLIC_KEY: keys.publicKeyHex,
      DISCORD_API_URL: discord.apiUrl,
      ADMINS: 'discord:1001',
    },
  });
  nginx = await startNginx(await closedPort(), replicas.ports);
  // Discord posts every interaction to the one public endpoint: nginx, which picks a replica.
  discord.useInteractionsEndpoint(`${nginx.url}${INTERACTIONS_PATH}`, keys.privateKey);

  for (let i = 0; i < 4; i++) {
    const whoami = await discord.answered(discord.command(alice, 'tenant', 'whoami'), 20_000);
    expect(discord.original(whoami).content).toContain('**Role:** admin');
  }
  const created = await discord.answered(discord.command(alice, 'apikey', 'create'), 20_000);
  const keyId = /`(k-[0-9a-f]+)`/.exec(discord.original(created).content)![1]!;
  const asked = await discord.answered(discord.command(alice, 'apikey', 'delete', { 'key-id': keyId }), 20_000);
  const card = discord.original(asked);
  const [deleteButton] = discord.buttons(card);

  // Both clicks reach a replica (nginx alternates) before either is answered: one deletes.
  const first = discord.click(alice, card, deleteButton!.custom_id!);
  const second = discord.click(alice, card, deleteButton!.custom_id!);
  await Promise.all([discord.answered(first, 20_000), discord.answered(second, 20_000)]);
  expect([first, second].filter((c) => c.callback?.type === Callback.Update)).toHaveLength(1);
  expect(card.content).toBe(`Deleted \`${keyId}\`.`);
  const listed = await discord.answered(discord.command(alice, 'apikey', 'list'), 20_000);
  expect(discord.original(listed).content).not.toContain(keyId);
  expect(discord.connections).toBe(0); // no gateway: HTTP interactions only
});
