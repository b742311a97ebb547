import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, test } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { readyz, slackTo } from '../helpers/slack-client.js';
import { TestBot } from '../helpers/test-bot.js';
import { cleanUpBots, spawnBot } from './bot-process.js';

/**
 * A SQLite file the bot may only read (issue 10, finding 8): reads are still answered, a change is
 * refused in words, and /readyz says the store is not writable. The tests run as root, and root
 * ignores file permissions, so the bot runs as `nobody` (uid 65534) on a file and folder of mode
 * 0444/0555: SQLite opens it read-only, as it would for an operator's read-only file.
 */
const SIGNING_SECRET = 'read-only-store-secret';
const NOBODY = { uid: 65534, gid: 65534 };

let fake: FakeSlack | undefined;
let dir: string | undefined;
afterEach(async () => {
  await cleanUpBots();
  await fake?.stop();
  fake = undefined;
  if (dir) {
    chmodSync(dir, 0o755);
    rmSync(dir, { recursive: true, force: true });
  }
  dir = undefined;
});

test('on a read-only SQLite file, reads are answered, a change is refused in words, and /readyz says "not writable"', async () => {
  // Yesterday's store: Anna (an ADMINS admin) made a key. Then the file became read-only.
  dir = mkdtempSync(join(tmpdir(), 'chatops-readonly-'));
  const file = join(dir, 'bot.sqlite');
  const before = await TestBot.start({ file, admins: ['slack:UANNA'] });
  const anna = { platform: 'slack', workspace: 'T0001', userId: 'UANNA', name: 'anna' } as const;
  const created = await before.core.handle({ kind: 'command', user: anna, where: { workspace: 'T0001', channelId: 'CGENERAL' }, command: 'apikey', text: 'create' });
  const keyId = /`(k-[0-9a-f]+)`/.exec(JSON.stringify(created))![1]!;
  await before.stop(true);
  chmodSync(file, 0o444);
  // The folder stays open to SQLite's own -wal/-shm files, which a WAL-mode file needs even to be read
  // (a store in a read-only folder as well is not supported: SQLite cannot read it in WAL mode).
  chmodSync(dir, 0o777);

  fake = await startFakeSlack();
  const bot = spawnBot(
    { STORE_URL: `sqlite://${file}`, ADMINS: 'slack:UANNA', SLACK_BOT_TOKEN: 'xoxb-read-only', SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: fake.apiUrl, PORT: '0' },
    NOBODY,
  );
  const port = (JSON.parse(await bot.line(/"msg":"twcc-chatops ready"/)) as { port: number }).port;

  const slack = slackTo(port, SIGNING_SECRET, fake);
  const command = async (name: string, text: string) => {
    const typed = await slack.types('UANNA', `/${name} ${text}`);
    expect(typed.status).toBe(200);
    return typed.answerWhole();
  };

  expect(await command('tenant', 'whoami')).toContain('uanna');
  expect(await command('apikey', 'list')).toContain(keyId);
  // A change cannot be de-duplicated (nor made): it is refused in words, and no secret is shown.
  const refused = await command('apikey', 'create');
  expect(refused).toContain("The bot's storage");
  expect(refused).not.toContain('twcc_');

  const ready = await readyz(port);
  expect(ready.status).toBe(503);
  expect(ready.body).toMatch(/^store: not writable \(.*(SQLITE_READONLY|readonly database)/m);
}, 60_000);
