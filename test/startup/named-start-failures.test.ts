import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../fakes/discord.js';
import { closedPort, silentServer } from './bot-process.js';

/**
 * Start-up failures an operator meets first (issue 25): each stops the start with one line naming
 * the variable to change. The bot runs as an operator runs it, `node dist/src/main.js` (built by
 * `npm test`'s pretest), in a folder of its own, with only the environment given here. No timing is
 * asserted: a start that hangs (as `sqlite:///proc/…` and a silent Discord did) fails by the test's
 * own timeout.
 */
interface CompiledBot {
  exited: Promise<number | null>;
  stderr(): string;
}

const cleanUps: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanUp of cleanUps.splice(0).reverse()) await cleanUp();
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chatops-named-failure-'));
  cleanUps.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function startCompiledBot(env: Record<string, string>, cwd = tempDir()): CompiledBot {
  const child = spawn(process.execPath, [resolve('dist/src/main.js')], { cwd, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += String(chunk)));
  const exited = new Promise<number | null>((done) => child.once('close', (code) => done(code)));
  cleanUps.push(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  });
  return { exited, stderr: () => stderr };
}

/** The one line main.ts prints for a refused start: `VARIABLE: what is wrong; the fix`. */
const refusal = (variable: string) => new RegExp(`^twcc-chatops could not start: ${variable}: .+; .+$`, 'm');

describe('a SQLite STORE_URL whose folder cannot be made', () => {
  test('under a regular file: the line names STORE_URL and the file in the way, not a bare ENOTDIR', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'notes.txt'), 'a file, not a folder\n');
    // The shell (no chat token): its log file is made beside the SQLite file, before the store opens.
    const bot = startCompiledBot({ STORE_URL: `sqlite://${join(dir, 'notes.txt', 'data', 'bot.sqlite')}` });

    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toMatch(refusal('STORE_URL'));
    expect(bot.stderr()).toContain(`${join(dir, 'notes.txt')} is a file, not a folder`);
    expect(bot.stderr()).not.toMatch(/^twcc-chatops could not start: ENOTDIR/m);
  }, 30_000);

  test('the folder itself is a regular file, with Slack on: the line names STORE_URL', async () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'data'), '');
    const bot = startCompiledBot({ STORE_URL: `sqlite://${join(dir, 'data', 'bot.sqlite')}`, SLACK_BOT_TOKEN: 'xoxb-unused', SLACK_SIGNING_SECRET: 'unused', PORT: '0' });

    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toMatch(refusal('STORE_URL'));
    expect(bot.stderr()).toContain(`${join(dir, 'data')} is a file, not a folder`);
  }, 30_000);

  test('under /proc, where no folder can be made: the start ends, naming STORE_URL (it used to spin without a word)', async () => {
    const bot = startCompiledBot({ STORE_URL: 'sqlite:///proc/nope/x.sqlite' });

    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toMatch(refusal('STORE_URL'));
    expect(bot.stderr()).toContain('/proc/nope cannot be created');
  }, 30_000);
});

describe('Discord unreachable at start', () => {
  const TOKEN = 'fake-discord-bot-token';
  const APPLICATION_ID = '123456789012345678';

  test('an API that refuses connections: the line names DISCORD_API_URL and the URL tried', async () => {
    const api = `http://127.0.0.1:${await closedPort()}/api`;
    const bot = startCompiledBot({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: api, PORT: '0' });

    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toMatch(refusal('DISCORD_API_URL'));
    expect(bot.stderr()).toContain(`${api}/v10/gateway/bot could not be reached (ECONNREFUSED)`);
    expect(bot.stderr()).not.toContain(TOKEN);
  }, 30_000);

  test('an API that accepts and never answers: the start ends, naming DISCORD_API_URL', async () => {
    const silent = await silentServer();
    cleanUps.push(() => silent.close());
    const bot = startCompiledBot({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: `http://127.0.0.1:${silent.port}/api`, PORT: '0' });

    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toMatch(refusal('DISCORD_API_URL'));
    expect(bot.stderr()).toContain('did not answer within 5 s');
  }, 30_000);

  test('a token Discord refuses: the line names DISCORD_TOKEN, never the token', async () => {
    const fake: FakeDiscord = await startFakeDiscord({ token: 'the-right-token', applicationId: APPLICATION_ID, guildId: '223456789012345678' });
    cleanUps.push(() => fake.close());
    const bot = startCompiledBot({ DISCORD_TOKEN: TOKEN, DISCORD_APPLICATION_ID: APPLICATION_ID, DISCORD_API_URL: fake.apiUrl, PORT: '0' });

    expect(await bot.exited).toBe(1);
    expect(bot.stderr()).toMatch(refusal('DISCORD_TOKEN'));
    expect(bot.stderr()).not.toContain(TOKEN);
  }, 30_000);
});
