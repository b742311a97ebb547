import { afterEach, expect, test } from 'vitest';
import { cleanUpBots, spawnBot } from './bot-process.js';

afterEach(cleanUpBots);

// With no stdin these used to open the shell, read nothing and exit 0: a silent outage.
const refused: { env: Record<string, string>; variable: string }[] = [
  { env: { DISCORD_TOKEN: 'discord-half-set' }, variable: 'DISCORD_APPLICATION_ID' },
  { env: { DISCORD_APPLICATION_ID: '123456' }, variable: 'DISCORD_TOKEN' },
  { env: { SLACK_BOT_TOKEN: 'xoxb-half-set' }, variable: 'SLACK_SIGNING_SECRET' },
  { env: { SLACK_SIGNING_SECRET: 'half-set' }, variable: 'SLACK_BOT_TOKEN' },
  { env: { SLACK_APP_TOKEN: 'xapp-half-set' }, variable: 'SLACK_BOT_TOKEN' },
  { env: { STORE_URL: './x.sqlite' }, variable: 'STORE_URL' },
  { env: { ADMINS: 'slack-U1' }, variable: 'ADMINS' },
  { env: { ENCRYPTION_KEY: 'too-short' }, variable: 'ENCRYPTION_KEY' },
];

test.each(refused)('npm start with $env stops with exit code 1 and a line naming $variable', async ({ env, variable }) => {
  const bot = spawnBot(env);

  const { code } = await bot.exited;
  expect(code).toBe(1);
  expect(bot.stderr()).toMatch(new RegExp(`^twcc-chatops could not start: ${variable}: .+; .+$`, 'm'));
  for (const value of Object.values(env).filter((v) => v.includes('half-set') || v === 'too-short')) expect(bot.stderr()).not.toContain(value);
});
