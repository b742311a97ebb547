import { describe, expect, test } from 'vitest';
import { loadConfig, parseConfig } from '../src/config.js';
import { formatProblem } from '../src/startup/problem.js';

const ACCEPTED_STORES = 'sqlite://path, redis://host:port or postgres://user@host/db';
const SLACK_BOT = 'xoxb-secret-bot-token';
const SLACK_SIGNING = 'secret-signing';
const SLACK_APP = 'xapp-secret-app-token';
const DISCORD_TOKEN = 'secret.discord.token';

/** What an operator reads for each environment that cannot work: one line per problem. */
const cases: { when: string; env: Record<string, string>; lines: string[] }[] = [
  {
    when: 'DISCORD_TOKEN without DISCORD_APPLICATION_ID',
    env: { DISCORD_TOKEN },
    lines: [
      'DISCORD_APPLICATION_ID: not set, but DISCORD_TOKEN is; set it to the Application ID (Developer Portal → General Information), or unset DISCORD_TOKEN to run without Discord',
    ],
  },
  {
    when: 'DISCORD_APPLICATION_ID without DISCORD_TOKEN',
    env: { DISCORD_APPLICATION_ID: '123456' },
    lines: [
      'DISCORD_TOKEN: not set, but DISCORD_APPLICATION_ID is; set it to the bot token (Developer Portal → Bot → Reset Token), or unset DISCORD_APPLICATION_ID to run without Discord',
    ],
  },
  {
    when: 'SLACK_BOT_TOKEN without SLACK_SIGNING_SECRET',
    env: { SLACK_BOT_TOKEN: SLACK_BOT },
    lines: [
      'SLACK_SIGNING_SECRET: not set, but SLACK_BOT_TOKEN is; set it to the Signing Secret (Basic Information → App Credentials), or unset SLACK_BOT_TOKEN to run without Slack',
    ],
  },
  {
    when: 'SLACK_SIGNING_SECRET without SLACK_BOT_TOKEN',
    env: { SLACK_SIGNING_SECRET: SLACK_SIGNING },
    lines: [
      'SLACK_BOT_TOKEN: not set, but SLACK_SIGNING_SECRET is; set it to the Bot User OAuth Token (xoxb-…; OAuth & Permissions), or unset SLACK_SIGNING_SECRET to run without Slack',
    ],
  },
  {
    when: 'SLACK_APP_TOKEN alone',
    env: { SLACK_APP_TOKEN: SLACK_APP },
    lines: [
      'SLACK_BOT_TOKEN: not set, but SLACK_APP_TOKEN is; set it to the Bot User OAuth Token (xoxb-…; OAuth & Permissions), or unset SLACK_APP_TOKEN to run without Slack',
      'SLACK_SIGNING_SECRET: not set, but SLACK_APP_TOKEN is; set it to the Signing Secret (Basic Information → App Credentials), or unset SLACK_APP_TOKEN to run without Slack',
    ],
  },
  {
    when: 'Socket Mode without SLACK_SIGNING_SECRET',
    env: { SLACK_BOT_TOKEN: SLACK_BOT, SLACK_APP_TOKEN: SLACK_APP },
    lines: [
      'SLACK_SIGNING_SECRET: not set, but SLACK_BOT_TOKEN and SLACK_APP_TOKEN are; set it to the Signing Secret (Basic Information → App Credentials), or unset SLACK_BOT_TOKEN and SLACK_APP_TOKEN to run without Slack',
    ],
  },
  {
    when: 'ADMINS with three bad entries',
    env: { ADMINS: 'slack:U1, slack-U2,discord:3,alice,anna=slack:U1+' },
    lines: [
      'ADMINS: "slack-U2" is not platform:id or member=platform:id+platform:id; list entries like slack:U123,discord:456, and anna=slack:U123+discord:456 for one person on two platforms (platforms: slack, discord, mattermost, local)',
      'ADMINS: "alice" is not platform:id or member=platform:id+platform:id; list entries like slack:U123,discord:456, and anna=slack:U123+discord:456 for one person on two platforms (platforms: slack, discord, mattermost, local)',
      'ADMINS: "anna=slack:U1+" is not platform:id or member=platform:id+platform:id; list entries like slack:U123,discord:456, and anna=slack:U123+discord:456 for one person on two platforms (platforms: slack, discord, mattermost, local)',
    ],
  },
  {
    when: 'STORE_URL as a bare path',
    env: { STORE_URL: './x.sqlite' },
    lines: [`STORE_URL: "./x.sqlite" has no scheme; for a SQLite file write sqlite://./x.sqlite (accepted: ${ACCEPTED_STORES})`],
  },
  {
    when: 'STORE_URL with an unknown scheme and a password',
    env: { STORE_URL: 'mysql://bot:hunter2@127.0.0.1/db' },
    lines: [`STORE_URL: "mysql:" is not a store this bot can open; write ${ACCEPTED_STORES}`],
  },
  {
    when: 'STORE_URL with sqlite: but no //',
    env: { STORE_URL: 'sqlite:x.sqlite' },
    lines: [`STORE_URL: "sqlite:" is not a store this bot can open; write ${ACCEPTED_STORES}`],
  },
  {
    // Refused on the local backend too, which never uses it: a wrong key is a mistake either way.
    when: 'a short ENCRYPTION_KEY on the local backend',
    env: { BACKEND: 'local', ENCRYPTION_KEY: 'c2hvcnQ=' },
    lines: [
      'ENCRYPTION_KEY: is not 32 bytes in base64; generate one with `openssl rand -base64 32`, or unset it to use the key file in the data folder',
    ],
  },
  {
    when: 'an ENCRYPTION_KEY that is not base64 on the twcc backend',
    env: { BACKEND: 'twcc', TWCC_PROJECT: 'GOV1', ENCRYPTION_KEY: 'not a key at all, though long enough to be 43 chars' },
    lines: [
      'ENCRYPTION_KEY: is not 32 bytes in base64; generate one with `openssl rand -base64 32`, or unset it to use the key file in the data folder',
    ],
  },
  {
    when: 'PORT that is not a number',
    env: { PORT: 'eighty' },
    lines: ['PORT: "eighty" is not a port number; write a whole number from 0 to 65535 (0: any free port)'],
  },
  {
    when: 'KEY_MAX_DAYS that is not a number of days',
    env: { KEY_MAX_DAYS: '0' },
    lines: ['KEY_MAX_DAYS: "0" is not a number of days; write a whole number from 1 to 3650'],
  },
  {
    when: 'AUDIT_KEEP too small to be an audit log',
    env: { AUDIT_KEEP: '10' },
    lines: ['AUDIT_KEEP: "10" is not a number of entries; write a whole number from 100 to 10000000'],
  },
  {
    when: 'REMINDER_DAYS that is not a list of days, and a REMINDER_INTERVAL too short',
    env: { REMINDER_DAYS: '14,0,two', REMINDER_INTERVAL: '2s' },
    lines: [
      'REMINDER_DAYS: "14,0,two" is not a list of days; write whole numbers from 1 to 3650 separated by commas (e.g. 14,3,1), or off',
      'REMINDER_INTERVAL: "2s" is too often; the sweep runs at most every 5s',
    ],
  },
  {
    when: 'a BREAK_GLASS entry that is not a member id, and a BREAK_GLASS_REVIEW without a unit',
    env: { BREAK_GLASS: 'alice,slack:U1 x', BREAK_GLASS_REVIEW: '4' },
    lines: [
      'BREAK_GLASS: "slack:U1 x" is not a member id; list member ids separated by commas, e.g. alice,dave',
      'BREAK_GLASS_REVIEW: "4" is not a duration; write a number and a unit (s, m, h, d), e.g. 30s or 1h',
    ],
  },
  {
    when: 'a REMINDER_INTERVAL without a unit',
    env: { REMINDER_INTERVAL: '3600' },
    lines: ['REMINDER_INTERVAL: "3600" is not a duration; write a number and a unit (s, m, h, d), e.g. 30s or 1h'],
  },
  {
    when: 'SLACK_API_URL without its scheme',
    env: { SLACK_API_URL: '127.0.0.1:8080/api/' },
    lines: ['SLACK_API_URL: is not an http(s) URL; write the whole URL with its scheme, e.g. https://slack.com/api/'],
  },
  {
    when: 'BACKEND=twcc without TWCC_PROJECT',
    env: { BACKEND: 'twcc' },
    lines: ["TWCC_PROJECT: required when BACKEND=twcc; set it to the project's plan code (e.g. GOV108009)"],
  },
  {
    when: 'DISCORD_PUBLIC_KEY without the token and application id',
    env: { DISCORD_PUBLIC_KEY: 'ab'.repeat(32) },
    lines: [
      'DISCORD_TOKEN: not set, but DISCORD_PUBLIC_KEY is; set it to the bot token (Developer Portal → Bot → Reset Token), or unset DISCORD_PUBLIC_KEY to run without Discord',
      'DISCORD_APPLICATION_ID: not set, but DISCORD_PUBLIC_KEY is; set it to the Application ID (Developer Portal → General Information), or unset DISCORD_PUBLIC_KEY to run without Discord',
    ],
  },
  {
    when: 'a DISCORD_PUBLIC_KEY that is not 32 bytes of hex',
    env: { DISCORD_TOKEN, DISCORD_APPLICATION_ID: '123456', DISCORD_PUBLIC_KEY: 'abc123' },
    lines: ['DISCORD_PUBLIC_KEY: "abc123" is not 64 hex characters; copy the Public Key from the Developer Portal (General Information)'],
  },
  {
    when: 'a STORE_PREFIX that cannot name a table',
    env: { STORE_PREFIX: 'Team-A' },
    lines: ['STORE_PREFIX: "Team-A" must start with a lower-case letter, then up to 39 lower-case letters, digits or _ (it names tables)'],
  },
  {
    when: 'RATE_LIMITS with an unknown action and a malformed entry',
    env: { RATE_LIMITS: 'apikey.create=5/1h, apikey.list=3/1m, quota.request=5 per hour' },
    lines: [
      'RATE_LIMITS: "apikey.list" is not a rate-limited action; use apikey.create, apikey.extend, apikey.delete, quota.request, quota.set',
      'RATE_LIMITS: "quota.request=5 per hour" is not action=count/window; write e.g. apikey.create=10/1h (windows in s, m, h, d) or apikey.create=off',
    ],
  },
  {
    // Every problem at once, so that fixing one does not reveal the next only on the next start.
    when: 'three mistakes at once',
    env: { DISCORD_TOKEN, STORE_URL: 'data.sqlite', ADMINS: 'anna' },
    lines: [
      `STORE_URL: "data.sqlite" has no scheme; for a SQLite file write sqlite://data.sqlite (accepted: ${ACCEPTED_STORES})`,
      'ADMINS: "anna" is not platform:id or member=platform:id+platform:id; list entries like slack:U123,discord:456, and anna=slack:U123+discord:456 for one person on two platforms (platforms: slack, discord, mattermost, local)',
      'DISCORD_APPLICATION_ID: not set, but DISCORD_TOKEN is; set it to the Application ID (Developer Portal → General Information), or unset DISCORD_TOKEN to run without Discord',
    ],
  },
];

describe('a configuration that cannot work is refused, one line per problem naming the variable and the fix', () => {
  test.each(cases)('$when', ({ env, lines }) => {
    const result = parseConfig(env);
    expect(result.ok).toBe(false);
    const printed = result.ok ? [] : result.problems.map(formatProblem);
    expect(printed).toEqual(lines);
    for (const secret of [SLACK_BOT, SLACK_SIGNING, SLACK_APP, DISCORD_TOKEN, 'hunter2', 'c2hvcnQ=']) {
      expect(printed.join('\n')).not.toContain(secret);
    }
    expect(() => loadConfig(env)).toThrow(lines[0]);
  });
});

describe('a configuration that can work is accepted', () => {
  test.each([
    { when: 'nothing set (the shell)', env: {} },
    { when: 'Slack over HTTP', env: { SLACK_BOT_TOKEN: SLACK_BOT, SLACK_SIGNING_SECRET: SLACK_SIGNING } },
    { when: 'Slack in Socket Mode', env: { SLACK_BOT_TOKEN: SLACK_BOT, SLACK_SIGNING_SECRET: SLACK_SIGNING, SLACK_APP_TOKEN: SLACK_APP } },
    { when: 'Discord with admins on two platforms', env: { DISCORD_TOKEN, DISCORD_APPLICATION_ID: '123456', ADMINS: 'discord:1001, slack:UANNA' } },
    { when: 'one admin on two platforms, beside another', env: { ADMINS: 'anna=slack:UANNA+discord:1001,slack:UBEN' } },
    { when: 'a Redis store', env: { STORE_URL: 'redis://127.0.0.1:6379' } },
    { when: 'a shared Redis under a prefix', env: { STORE_URL: 'redis://127.0.0.1:6379', STORE_PREFIX: 'team_a_' } },
    { when: 'Discord over HTTP interactions', env: { DISCORD_TOKEN, DISCORD_APPLICATION_ID: '123456', DISCORD_PUBLIC_KEY: 'AB'.repeat(32) } },
    { when: 'one rate limit changed and one lifted', env: { RATE_LIMITS: 'apikey.create=3/30m,quota.request=off' } },
    { when: 'a postgresql:// store', env: { STORE_URL: 'postgresql://postgres@127.0.0.1:5432/test' } },
    { when: 'a 32-byte ENCRYPTION_KEY', env: { ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64') } },
    { when: 'keys may expire two years ahead', env: { KEY_MAX_DAYS: '730' } },
    { when: 'an audit log of the newest 100,000 entries', env: { AUDIT_KEEP: '100000' } },
    { when: 'reminders off', env: { REMINDER_DAYS: 'off' } },
    { when: 'reminders a week and a day ahead, swept every 30 seconds', env: { REMINDER_DAYS: '1, 7', REMINDER_INTERVAL: '30s' } },
    { when: 'two break-glass members whose changes wait an hour for review', env: { BREAK_GLASS: 'alice, dave', BREAK_GLASS_REVIEW: '1h' } },
    { when: 'a day before the portal hand-off is brought up again', env: { PORTAL_REMIND_AFTER: '1d' } },
    { when: 'the twcc backend on any free port', env: { BACKEND: 'twcc', TWCC_PROJECT: 'GOV108009', PORT: '0' } },
    // Blank values count as unset, as a `.env` template leaves them.
    { when: 'blank tokens', env: { SLACK_BOT_TOKEN: '', SLACK_SIGNING_SECRET: ' ', DISCORD_TOKEN: '' } },
  ] as { when: string; env: Record<string, string> }[])('$when', ({ env }) => {
    expect(parseConfig(env)).toMatchObject({ ok: true });
  });
});
