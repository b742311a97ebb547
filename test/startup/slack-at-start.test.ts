import { afterEach, expect, test } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { cleanUpBots, closedPort, silentServer, spawnBot, START_DEADLINE_MS } from './bot-process.js';

const TOKEN = 'xoxb-startup-test-token';
const slackEnv = { SLACK_BOT_TOKEN: TOKEN, SLACK_SIGNING_SECRET: 'startup-test-secret', PORT: '0' };

let fake: FakeSlack | undefined;
let silent: Awaited<ReturnType<typeof silentServer>> | undefined;
afterEach(async () => {
  await cleanUpBots();
  await fake?.stop();
  await silent?.close();
  fake = silent = undefined;
});

test('a SLACK_API_URL where nothing listens stops the start, printing the URL it tried', async () => {
  const apiUrl = `http://127.0.0.1:${await closedPort()}/api/`;
  const bot = spawnBot({ ...slackEnv, SLACK_API_URL: apiUrl });

  const { code, afterMs } = await bot.exited;
  expect(code).toBe(1);
  expect(bot.stderr()).toContain(
    `twcc-chatops could not start: SLACK_API_URL: Slack's auth.test at ${apiUrl}auth.test could not be reached (ECONNREFUSED); correct SLACK_API_URL (default https://slack.com/api/) or let the bot reach it\n`,
  );
  expect(bot.stderr()).not.toContain(TOKEN);
  expect(afterMs).toBeLessThan(START_DEADLINE_MS);
});

test('a SLACK_API_URL that accepts and never answers stops the start at the deadline, printing the URL', async () => {
  silent = await silentServer();
  const apiUrl = `http://127.0.0.1:${silent.port}/api/`;
  const bot = spawnBot({ ...slackEnv, SLACK_API_URL: apiUrl });

  const { code, afterMs } = await bot.exited;
  expect(code).toBe(1);
  expect(bot.stderr()).toContain(
    `twcc-chatops could not start: SLACK_API_URL: Slack's auth.test at ${apiUrl}auth.test did not answer within 5 s; correct SLACK_API_URL (default https://slack.com/api/) or let the bot reach it\n`,
  );
  expect(afterMs).toBeLessThan(START_DEADLINE_MS);
});

test('a token Slack refuses with invalid_auth stops the start, naming SLACK_BOT_TOKEN', async () => {
  fake = await startFakeSlack();
  fake.failWith('auth.test', 'invalid_auth');
  const bot = spawnBot({ ...slackEnv, SLACK_API_URL: fake.apiUrl });

  const { code, afterMs } = await bot.exited;
  expect(code).toBe(1);
  expect(fake.callsTo('auth.test').map((c) => c.token)).toEqual([TOKEN]);
  expect(bot.stderr()).toContain(
    'twcc-chatops could not start: SLACK_BOT_TOKEN: Slack refused the token (invalid_auth); set it to the Bot User OAuth Token (xoxb-…; OAuth & Permissions) of the installed app\n',
  );
  expect(bot.stderr()).not.toContain(TOKEN);
  expect(afterMs).toBeLessThan(START_DEADLINE_MS);
});

test('a token Slack accepts starts the bot', async () => {
  fake = await startFakeSlack();
  const bot = spawnBot({ ...slackEnv, SLACK_API_URL: fake.apiUrl, LOG_LEVEL: 'info' });

  await bot.line(/"msg":"twcc-chatops ready"/);
  expect(bot.child.exitCode).toBeNull();
});
