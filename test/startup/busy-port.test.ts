import { createServer, type Server } from 'node:net';
import { afterEach, expect, test } from 'vitest';
import { startFakeSlack, type FakeSlack } from '../fakes/slack.js';
import { cleanUpBots, spawnBot, START_DEADLINE_MS } from './bot-process.js';

let fake: FakeSlack | undefined;
let squatter: Server | undefined;
afterEach(async () => {
  await cleanUpBots();
  await fake?.stop();
  await new Promise<void>((done) => (squatter ? squatter.close(() => done()) : done()));
  fake = squatter = undefined;
});

test('a PORT another process holds stops the start, naming PORT, before Slack is called', async () => {
  fake = await startFakeSlack();
  // Bound on every address, as another web server would be.
  squatter = createServer();
  await new Promise<void>((done) => squatter!.listen(0, done));
  const port = (squatter.address() as { port: number }).port;
  const bot = spawnBot({ SLACK_BOT_TOKEN: 'xoxb-port-test', SLACK_SIGNING_SECRET: 'port-test', SLACK_API_URL: fake.apiUrl, PORT: String(port) });

  const { code, afterMs } = await bot.exited;
  expect(code).toBe(1);
  expect(bot.stderr()).toContain(`twcc-chatops could not start: PORT: ${port} is already in use by another process; stop that process, or set PORT to a free port\n`);
  expect(fake.callsTo('auth.test')).toEqual([]);
  expect(afterMs).toBeLessThan(START_DEADLINE_MS);
});
