import { afterEach, expect, test } from 'vitest';
import { cleanUpBots, closedPort, silentServer, spawnBot, START_DEADLINE_MS } from './bot-process.js';

let silent: Awaited<ReturnType<typeof silentServer>> | undefined;
afterEach(async () => {
  await cleanUpBots();
  await silent?.close();
  silent = undefined;
});

test('a Redis that refuses connections stops the start, naming STORE_URL', async () => {
  const url = `redis://127.0.0.1:${await closedPort()}`;
  const bot = spawnBot({ STORE_URL: url });

  const { code, afterMs } = await bot.exited;
  expect(code).toBe(1);
  expect(bot.stderr()).toContain(`twcc-chatops could not start: STORE_URL: ${url} did not answer within 5 s; start the store, or correct STORE_URL\n`);
  expect(afterMs).toBeLessThan(START_DEADLINE_MS);
});

test('a PostgreSQL that refuses connections stops the start, naming STORE_URL', async () => {
  const url = `postgres://postgres@127.0.0.1:${await closedPort()}/test`;
  const bot = spawnBot({ STORE_URL: url });

  const { code, afterMs } = await bot.exited;
  expect(code).toBe(1);
  expect(bot.stderr()).toMatch(/^twcc-chatops could not start: STORE_URL: postgres:\/\/postgres@127\.0\.0\.1:\d+\/test cannot be used \(connect ECONNREFUSED [^)]+\); start the store, or correct STORE_URL$/m);
  expect(afterMs).toBeLessThan(START_DEADLINE_MS);
});

test('a PostgreSQL that accepts and never answers stops the start, naming STORE_URL without its password', async () => {
  silent = await silentServer();
  const url = `postgres://bot:hunter2@127.0.0.1:${silent.port}/test`;
  const bot = spawnBot({ STORE_URL: url });

  const { code, afterMs } = await bot.exited;
  expect(code).toBe(1);
  expect(bot.stderr()).toContain(`twcc-chatops could not start: STORE_URL: ${url.replace('hunter2', '***')} did not answer within 5 s; start the store, or correct STORE_URL\n`);
  expect(bot.stderr()).not.toContain('hunter2');
  expect(afterMs).toBeLessThan(START_DEADLINE_MS);
});
