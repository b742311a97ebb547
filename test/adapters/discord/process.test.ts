import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { startFakeDiscord, type FakeDiscord } from '../../fakes/discord.js';
import { built } from '../../helpers/built.js';
import { APP_ID, GUILD_ID, TOKEN, alice } from './harness.js';

let fake: FakeDiscord | undefined;
let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await fake?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  fake = child = dir = undefined;
});

test('npm start with DISCORD_TOKEN answers on Discord, and SIGTERM ends the process within 10 s', async () => {
  fake = await startFakeDiscord({ token: TOKEN, applicationId: APP_ID, guildId: GUILD_ID });
  dir = mkdtempSync(join(tmpdir(), 'discord-main-'));
  const env = {
    PATH: process.env.PATH ?? '',
    DISCORD_TOKEN: TOKEN,
    DISCORD_APPLICATION_ID: APP_ID,
    DISCORD_API_URL: fake.apiUrl,
    STORE_URL: `sqlite://${join(dir, 'bot.sqlite')}`,
    ADMINS: 'discord:1001',
    PORT: '0',
    LOG_LEVEL: 'warn',
  };
  // `node dist/…` as `npm start` runs it: the tsx wrapper would exit 143 on SIGTERM, whatever the bot did.
  child = spawn(process.execPath, [built('src/main.js')], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c) => (stderr += String(c)));
  await fake.identified(20_000);

  const sent = await fake.answered(fake.command(alice, 'tenant', 'whoami'));
  expect(fake.original(sent).content).toContain('**Role:** admin');

  child.kill('SIGTERM');
  const [code, signal] = await once(child, 'exit');
  // 0, not the 1 of main's forced exit at 9.5 s: it stopped by itself, within the limit.
  expect({ code, signal }).toEqual({ code: 0, signal: null });
  expect(stderr).not.toContain('shutdown did not finish in time');
  expect(stderr).not.toContain(TOKEN);
});
