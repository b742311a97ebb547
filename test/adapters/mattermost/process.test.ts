import { afterEach, expect, test } from 'vitest';
import { BOT_TOKEN, startFakeMattermost, type FakeMattermost } from '../../fakes/mattermost.js';
import { spawnBot, type BotProcess } from '../../startup/bot-process.js';

let fake: FakeMattermost | undefined;
let bot: BotProcess | undefined;
afterEach(async () => {
  await bot?.cleanUp();
  await fake?.stop();
  fake = bot = undefined;
});

test('npm start with the Mattermost variables serves /mattermost/commands on PORT, checks the token at start, and stops on SIGTERM', async () => {
  fake = await startFakeMattermost();
  bot = spawnBot({
    MATTERMOST_URL: fake.url,
    MATTERMOST_BOT_TOKEN: BOT_TOKEN,
    MATTERMOST_COMMAND_TOKENS: 'tok-apikey,tok-quota,tok-tenant',
    MATTERMOST_BOT_URL: 'https://chatops.example.org',
    ADMINS: 'mattermost:uadmin1',
    PORT: '0',
    LOG_LEVEL: 'info',
  });
  const ready = await bot.line(/"msg":"twcc-chatops ready"/);
  expect(ready).toContain('"mattermost":true');
  expect(fake.callsTo('GET', '/users/me')).toHaveLength(1);
  const port = Number(/"port":(\d+)/.exec(ready)![1]);
  expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(200);

  const res = await fetch(`http://127.0.0.1:${port}/mattermost/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: 'Token tok-tenant' },
    body: new URLSearchParams({
      command: '/tenant',
      text: 'whoami',
      user_id: 'uadmin1',
      user_name: 'admin1',
      team_id: 'team1',
      channel_id: 'town-square',
      response_url: fake.newResponseUrl('town-square', 'uadmin1'),
      trigger_id: 't-1',
    }).toString(),
  });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ response_type: 'ephemeral', text: expect.stringContaining('**Role:** admin') });

  bot.child.kill('SIGTERM');
  expect(await bot.exited).toMatchObject({ code: 0 });
  expect(bot.stderr()).not.toContain(BOT_TOKEN);
});

test('npm start stops, naming the variables, when Mattermost refuses the bot token', async () => {
  fake = await startFakeMattermost();
  bot = spawnBot({
    MATTERMOST_URL: fake.url,
    MATTERMOST_BOT_TOKEN: 'a-wrong-token',
    MATTERMOST_COMMAND_TOKENS: 'tok-apikey',
    MATTERMOST_BOT_URL: 'https://chatops.example.org',
    PORT: '0',
  });
  const { code } = await bot.exited;
  expect(code).toBe(1);
  expect(bot.stderr()).toMatch(/Mattermost token check failed: Mattermost GET \/api\/v4\/users\/me failed with 401 \(api\.context\.session_expired\.app_error\); check MATTERMOST_URL and MATTERMOST_BOT_TOKEN/);
  expect(bot.stderr()).not.toContain('a-wrong-token');
});
